// NoiseSampler: draws negative samples from unigram counts raised to a power
// (word2vec: 0.75) in O(1) per draw with Walker's alias method. Memory is
// 8 bytes per word (word2vec.c uses a 400 MB table of 1e8 ints).
// Immutable after construction; thread-safe (callers bring their own Rng).
#ifndef WEMBED_SRC_TRAIN_NOISE_SAMPLER_H_
#define WEMBED_SRC_TRAIN_NOISE_SAMPLER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/rng.h"

namespace wembed {

class NoiseSampler {
 public:
  // Precondition: counts is non-empty and has a positive entry.
  NoiseSampler(const std::vector<uint64_t>& counts, double exponent);

  int32_t Sample(Rng& rng) const { return Resolve(rng.Next()); }

  // Sampling in two steps, for pipelines that draw ahead: Prefetch(r)
  // brings in the table cell that Resolve(r), the sample for random bits r
  // (Sample's), reads.
  // (Always inlined: GCC deems a function that only prefetches pure and
  // drops calls to it.)
  __attribute__((always_inline)) void Prefetch(uint64_t r) const {
    __builtin_prefetch(&cells_[Bucket(r)]);
  }
  int32_t Resolve(uint64_t r) const {
    const uint32_t bucket = Bucket(r);
    const Cell& cell = cells_[bucket];
    return uint32_t(r) < cell.threshold ? int32_t(bucket) : cell.alias;
  }

  // Probability of drawing `id` (for tests).
  double Probability(int32_t id) const { return probability_[id]; }
  size_t size() const { return size_; }

 private:
  uint32_t Bucket(uint64_t r) const {
    return uint32_t(((r >> 32) * size_) >> 32);
  }

  struct Cell {
    uint32_t threshold;  // keep the bucket if low 32 random bits < threshold
    int32_t alias;
  };
  uint64_t size_;
  std::vector<Cell> cells_;
  std::vector<double> probability_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_NOISE_SAMPLER_H_
