#include "wembed/base/matrix.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace wembed {

void Matrix::FreeDeleter::operator()(float* p) const {
  if (owned) std::free(p);
}

Matrix Matrix::View(float* data, size_t rows, size_t cols) {
  Matrix m;
  m.rows_ = rows;
  m.cols_ = cols;
  m.stride_ = StrideFor(cols);
  m.data_ = std::unique_ptr<float[], FreeDeleter>(data, FreeDeleter(false));
  return m;
}

Matrix::Matrix(size_t rows, size_t cols)
    : rows_(rows), cols_(cols), stride_(StrideFor(cols)) {
  const size_t bytes = rows_ * stride_ * sizeof(float);
  if (bytes == 0) return;
  void* p = std::aligned_alloc(64, bytes);  // bytes is a multiple of 64
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, bytes);
  data_.reset(static_cast<float*>(p));
}

Matrix::Matrix(const Matrix& other) : Matrix(other.rows_, other.cols_) {
  if (rows_ * stride_ != 0) {
    std::memcpy(data_.get(), other.data_.get(),
                rows_ * stride_ * sizeof(float));
  }
}

Matrix& Matrix::operator=(const Matrix& other) {
  if (this != &other) *this = Matrix(other);
  return *this;
}

void Matrix::Zero() {
  if (rows_ * stride_ != 0) {
    std::memset(data_.get(), 0, rows_ * stride_ * sizeof(float));
  }
}

void Matrix::NormalizeRows() {
  for (size_t r = 0; r < rows_; ++r) {
    float* v = row(r);
    double sum = 0;
    for (size_t c = 0; c < cols_; ++c) sum += double(v[c]) * v[c];
    const double norm = std::sqrt(sum);
    // A norm below the smallest normal float (all elements denormal or
    // zero) or not finite: the row is treated as zero, as 1 / norm would
    // overflow to Inf and give NaN.
    if (!(norm >= std::numeric_limits<float>::min()) || std::isinf(norm)) {
      std::memset(v, 0, cols_ * sizeof(float));
      continue;
    }
    const float inv = float(1.0 / norm);
    for (size_t c = 0; c < cols_; ++c) v[c] *= inv;
  }
}

}  // namespace wembed
