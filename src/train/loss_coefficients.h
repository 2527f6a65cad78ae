// The gradient coefficients of the two losses: for a score f = x . y of an
// input (or CBOW hidden) vector x against an output row y, the step is
// x += g y, y += g x with g = alpha (label - sigma(f)), the negative
// gradient of -log sigma(+-f) times the learning rate.
#ifndef WEMBED_SRC_TRAIN_LOSS_COEFFICIENTS_H_
#define WEMBED_SRC_TRAIN_LOSS_COEFFICIENTS_H_

#include <cstdint>

#include "train/sigmoid_table.h"

namespace wembed {

// The batch updates' coefficients use one table bin per score for both
// sigma(f) and the loss, with log sigma(-f) = log sigma(f) - f, and no
// branch: outside [-6, 6] the edge bin is used.

// Negative sampling: scores s[0..n) of one input against the center (s[0],
// label 1) and the negatives (label 0); writes g[0..n) and returns the loss.
inline float NsCoefficients(const SigmoidTable& sigmoid, const float* s, int n,
                            float alpha, float* __restrict g) {
  float loss = 0;
  for (int o = 0; o < n; ++o) {
    const int bin = sigmoid.Bin(s[o]);
    const float label = o == 0 ? 1.0f : 0.0f;
    g[o] = (label - sigmoid.SigmoidAt(bin)) * alpha;
    loss -= sigmoid.LogSigmoidAt(bin) - (1.0f - label) * s[o];
  }
  return loss;
}

// Hierarchical softmax for the batch update: scores s[0..n) of one input
// along a path with code bits codes[0..n) (label 1 - code); g = alpha
// (label - sigma(f)) at every node, saturated ones included (the gradient,
// as for negative sampling; word2vec.c's loop skips them, see
// HsCoefficient). Returns the loss.
inline float HsCoefficients(const SigmoidTable& sigmoid, const float* s,
                            const uint8_t* codes, int n, float alpha,
                            float* __restrict g) {
  float loss = 0;
  for (int d = 0; d < n; ++d) {
    const int bin = sigmoid.Bin(s[d]);
    const float code = float(codes[d]);
    g[d] = (1.0f - code - sigmoid.SigmoidAt(bin)) * alpha;
    loss -= sigmoid.LogSigmoidAt(bin) - code * s[d];
  }
  return loss;
}

// Hierarchical softmax as word2vec.c's loop (--update exact) computes it, at
// an inner node whose branch toward the word has code bit `code` (label
// 1 - code): alpha (1 - code - sigma(f)), or 0 (no update) when |f| >= 6,
// where word2vec.c skips the node. Adds the loss -log sigma((1 - 2 code) f).
inline float HsCoefficient(const SigmoidTable& sigmoid, float f, uint8_t code,
                           float alpha, double* loss) {
  *loss -= sigmoid.LogSigmoid(code ? -f : f);
  if (!(f > -SigmoidTable::kMaxInput && f < SigmoidTable::kMaxInput)) {
    return 0.0f;
  }
  return (1.0f - float(code) - sigmoid.Sigmoid(f)) * alpha;
}

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_LOSS_COEFFICIENTS_H_
