// Subsampling of frequent words (Mikolov et al. 2013, as word2vec.c does it).
#ifndef WEMBED_SRC_TRAIN_SUBSAMPLING_H_
#define WEMBED_SRC_TRAIN_SUBSAMPLING_H_

#include <cmath>
#include <cstdint>

namespace wembed {

// Probability of keeping one occurrence of a word seen `count` times among
// `total` corpus words: (sqrt(f/s) + 1) * s/f with f = count/total, capped at
// 1. sample <= 0 keeps everything.
inline double KeepProbability(uint64_t count, uint64_t total, double sample) {
  if (sample <= 0 || count == 0) return 1.0;
  const double threshold = sample * double(total);
  const double c = double(count);
  const double keep = (std::sqrt(c / threshold) + 1) * threshold / c;
  return keep < 1.0 ? keep : 1.0;
}

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_SUBSAMPLING_H_
