// fastText's subword model for skip-gram with negative sampling
// (--subwords MIN-MAX): a word's input vector is the mean of its W_E row and
// the rows of its character n-grams in a separate buckets x dim matrix; the
// center word's composed vector predicts each context word against fresh
// negatives, and the gradient of the composed vector is added, undivided, to
// every row it averaged (fastText's skip-gram does the same). This loop is
// used only when subwords are on; the default path never reaches it.
#ifndef WEMBED_SRC_TRAIN_SUBWORD_TRAINING_H_
#define WEMBED_SRC_TRAIN_SUBWORD_TRAINING_H_

#include <cstdint>
#include <vector>

#include "base/rng.h"
#include "train/noise_sampler.h"
#include "train/sgns_kernels.h"
#include "train/sigmoid_table.h"
#include "wembed/base/matrix.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/text/subwords.h"

namespace wembed {

// The n-gram buckets of every vocabulary word, computed once (one array,
// word w's buckets at [offsets[w], offsets[w + 1])).
class SubwordTable {
 public:
  SubwordTable() = default;
  // Requires spec.enabled().
  SubwordTable(const Vocabulary& vocab, const SubwordSpec& spec);

  const uint32_t* buckets(int32_t word) const {
    return buckets_.data() + offsets_[size_t(word)];
  }
  int count(int32_t word) const {
    return int(offsets_[size_t(word) + 1] - offsets_[size_t(word)]);
  }

 private:
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t> buckets_;
};

// What the subword loop reads and writes; all pointers outlive its use.
struct SubwordModel {
  Matrix* input = nullptr;          // W_E, one row per word
  Matrix* subword_input = nullptr;  // buckets x dim, the n-gram rows
  Matrix* output = nullptr;         // one context vector per word
  const SubwordTable* table = nullptr;
  const NoiseSampler* noise = nullptr;
  const SigmoidTable* sigmoid = nullptr;
  const SgnsKernels* kernels = nullptr;
  int window = 5;
  int negative = 5;
  size_t stride = 0;  // of every matrix
};

// Per-thread buffers, allocated once.
struct SubwordScratch {
  SubwordScratch(size_t stride, int negative)
      : hidden(stride), grad(stride), targets(size_t(negative) + 1) {}
  std::vector<float> hidden;  // the composed input vector
  std::vector<float> grad;    // its gradient step
  std::vector<int32_t> targets;
};

// hidden = mean of `word`'s W_E row and its n-gram rows.
void ComposeHidden(const SubwordModel& m, int32_t word, float* __restrict hidden);

// One (center, targets) step: targets[0] is the word to predict (label 1),
// the others negatives (label 0). For each target row y, in order:
// f = hidden . y, g = alpha (label - sigma(f)), grad += g y, y += g hidden;
// then grad is added to every row `center` averaged. Adds -log sigma(+-f)
// of each target to *loss_sum.
void SubwordStep(const SubwordModel& m, int32_t center, const int32_t* targets,
                 int num_targets, float alpha, SubwordScratch& w,
                 double* loss_sum);

// fastText's skip-gram over a sentence: for each center a radius in
// 1..window, then for each context word in it a SubwordStep against the
// context word and `negative` fresh negatives (one equal to the context word
// is skipped). Adds to *loss_sum and *loss_count (one per target).
void TrainSentenceSubwords(const SubwordModel& m, const int32_t* sentence,
                           int length, float alpha, Rng& rng,
                           SubwordScratch& w, double* loss_sum,
                           uint64_t* loss_count);

// Fills `m` (buckets x dim) like W_E: uniform in [-0.5/dim, 0.5/dim), from
// its own seeded stream (W_E's draws are unchanged by subwords).
void InitializeSubwordRows(uint64_t seed, int dim, Matrix* m);

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_SUBWORD_TRAINING_H_
