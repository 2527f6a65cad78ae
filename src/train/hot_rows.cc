#include "train/hot_rows.h"

#include <algorithm>
#include <cstring>

namespace wembed {

HotRowCache::HotRowCache(Matrix* shared, size_t count, uint64_t period,
                         float weight)
    : shared_(shared), period_(period), weight_(weight) {
  count = std::min(count, shared->rows());
  if (count == 0) return;
  first_ = shared->rows() - count;
  local_ = Matrix(count, shared->cols());
  // The shared rows may be changing (other threads merging): each copy is
  // a hogwild read, and base_ is the copy local_ starts from.
  std::memcpy(local_.data(), shared->row(first_),
              count * shared->stride() * sizeof(float));
  base_ = local_;
}

void HotRowCache::Sync() {
  pending_ = 0;
  if (!enabled()) return;
  const size_t n = local_.rows() * local_.stride();
  float* __restrict s = shared_->row(first_);  // hogwild (see the header)
  float* __restrict l = local_.data();
  float* __restrict b = base_.data();
  const float w = weight_;
  for (size_t i = 0; i < n; ++i) {
    const float v = s[i] + w * (l[i] - b[i]);
    s[i] = v;
    l[i] = v;
    b[i] = v;
  }
}

}  // namespace wembed
