// SigmoidTable: word2vec.c's precomputed logistic function on [-max, max],
// plus log-sigmoid for the loss. Outside the range the sigmoid is clamped to
// 0 or 1 (as word2vec.c does). Immutable after construction; thread-safe.
#ifndef WEMBED_SRC_TRAIN_SIGMOID_TABLE_H_
#define WEMBED_SRC_TRAIN_SIGMOID_TABLE_H_

#include <vector>

namespace wembed {

class SigmoidTable {
 public:
  static constexpr float kMaxInput = 6.0f;

  // `size` bins (>= 1) over [-kMaxInput, kMaxInput].
  explicit SigmoidTable(int size = 1024);

  // The comparisons are written so that NaN (a diverged run) takes the
  // first branch and never becomes a table index.
  float Sigmoid(float x) const {
    if (!(x < kMaxInput)) return 1.0f;
    if (!(x > -kMaxInput)) return 0.0f;
    return sigmoid_[int((x + kMaxInput) * scale_)];
  }
  // log(sigmoid(x)), clamped to [log(sigmoid(-max)), 0]; 0 for NaN.
  float LogSigmoid(float x) const {
    if (!(x < kMaxInput)) return 0.0f;
    if (!(x > -kMaxInput)) x = -kMaxInput + 1e-6f;
    return log_sigmoid_[int((x + kMaxInput) * scale_)];
  }

  // Branch-free lookups for the batch loops: the bin of x clamped into
  // [-max, max] (NaN gives bin 0), and the values of a bin.
  int Bin(float x) const {
    x = x > -kMaxInput ? x : -kMaxInput;
    x = x < kMaxInput ? x : kMaxInput;
    return int((x + kMaxInput) * scale_);
  }
  float SigmoidAt(int bin) const { return sigmoid_[bin]; }
  float LogSigmoidAt(int bin) const { return log_sigmoid_[bin]; }

 private:
  float scale_;
  // size + 1 entries: the last repeats bin size - 1 (see the constructor).
  std::vector<float> sigmoid_;
  std::vector<float> log_sigmoid_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_SIGMOID_TABLE_H_
