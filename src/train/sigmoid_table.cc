#include "train/sigmoid_table.h"

#include <cmath>

namespace wembed {

SigmoidTable::SigmoidTable(int size)
    : scale_(float(size) / (2 * kMaxInput)),
      sigmoid_(size + 1),
      log_sigmoid_(size + 1) {
  for (int i = 0; i < size; ++i) {
    // Bin centre, so the error is at most half a bin either way.
    const double x = (i + 0.5) / scale_ - kMaxInput;
    const double s = 1.0 / (1.0 + std::exp(-x));
    sigmoid_[i] = float(s);
    log_sigmoid_[i] = float(std::log(s));
  }
  // The largest floats below kMaxInput round to index `size` in float
  // arithmetic ((5.9999995f + 6) * scale_ == size): they get the last bin.
  sigmoid_[size] = sigmoid_[size - 1];
  log_sigmoid_[size] = log_sigmoid_[size - 1];
}

}  // namespace wembed
