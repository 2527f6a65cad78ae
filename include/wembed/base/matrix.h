// Matrix: a dense row-major float matrix whose rows start on 64-byte
// boundaries. The row stride is cols rounded up to a multiple of 16 floats;
// the padding floats are zero and stay zero under the trainer's updates, so
// kernels may read and write whole padded rows.
//
// Thread-safety: none of its own. The trainer writes rows from several threads
// without locks (hogwild); see trainer.cc.
#ifndef WEMBED_BASE_MATRIX_H_
#define WEMBED_BASE_MATRIX_H_

#include <cstddef>
#include <cstdint>
#include <memory>

namespace wembed {

class Matrix {
 public:
  static constexpr size_t kAlignFloats = 16;  // 64 bytes

  Matrix() = default;
  // All elements (padding included) are zero.
  Matrix(size_t rows, size_t cols);
  Matrix(const Matrix& other);
  Matrix& operator=(const Matrix& other);
  Matrix(Matrix&&) noexcept = default;
  Matrix& operator=(Matrix&&) noexcept = default;

  // A matrix over `data`, which it does not own: rows x StrideFor(cols)
  // floats, 64-byte aligned, that must outlive it (memory several processes
  // map, ReplicaGroup::SharedMemory). Copying it copies the elements into a
  // matrix of its own.
  static Matrix View(float* data, size_t rows, size_t cols);

  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }
  size_t stride() const { return stride_; }  // floats between row starts
  bool empty() const { return rows_ == 0; }

  float* row(size_t r) { return data_.get() + r * stride_; }
  const float* row(size_t r) const { return data_.get() + r * stride_; }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }

  // Sets every element to zero.
  void Zero();
  // Scales each row to unit L2 norm. Rows of norm 0, of a norm below the
  // smallest normal float (denormal elements) or of no finite norm become
  // 0: never NaN.
  void NormalizeRows();

  static size_t StrideFor(size_t cols) {
    return (cols + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
  }

 private:
  struct FreeDeleter {
    FreeDeleter() : owned(true) {}
    explicit FreeDeleter(bool owns) : owned(owns) {}
    void operator()(float* p) const;
    bool owned;  // false: a View's memory
  };
  size_t rows_ = 0;
  size_t cols_ = 0;
  size_t stride_ = 0;
  std::unique_ptr<float[], FreeDeleter> data_;
};

}  // namespace wembed

#endif  // WEMBED_BASE_MATRIX_H_
