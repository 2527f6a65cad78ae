// fastText's subword model with negative sampling (--subwords MIN-MAX): a
// word's input vector is the mean of its W_E row and the rows of its
// character n-grams in a separate buckets x dim matrix. Skip-gram: the
// center word's composed vector predicts each context word against fresh
// negatives. CBOW: the mean of every row of every context word (its own and
// its n-grams', fastText's bag) predicts the center. Either way the gradient
// of the hidden vector is added, undivided, to every row it averaged
// (fastText does the same for both). Skip-gram has two forms of fastText's
// update: its loop as written (--update exact: the composed vector
// recomputed and the gradient scattered after every context word) and the
// batch form (the default: the center's rows read once and written once,
// the composed vector moved in between as the scatter would move it). These
// loops are used only when subwords are on; the
// default path never reaches them.
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
  // The most n-grams of any word.
  int max_count() const { return max_count_; }
  // How much word's mean moves when the same vector is added to each of
  // the rows it averages: sum over its distinct rows of multiplicity^2,
  // over their number with repeats (1 unless an n-gram repeats).
  float mean_shift(int32_t word) const { return mean_shift_[size_t(word)]; }

 private:
  int max_count_ = 0;
  std::vector<float> mean_shift_;
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t> buckets_;
};

// What the subword loop reads and writes; all pointers outlive its use.
struct SubwordModel {
  Matrix* input = nullptr;          // W_E, one row per word
  Matrix* subword_input = nullptr;  // buckets x dim, the n-gram rows
  Matrix* output = nullptr;         // one context vector per word
  const SubwordTable* table = nullptr;
  bool cbow = false;  // else skip-gram
  const NoiseSampler* noise = nullptr;
  const SigmoidTable* sigmoid = nullptr;
  const SgnsKernels* kernels = nullptr;
  int window = 5;
  int negative = 5;
  size_t stride = 0;   // of every matrix
  bool exact = false;  // skip-gram: fastText's per-context loop
};

// The most rows one hidden vector averages: a word's (skip-gram) or a whole
// window's (CBOW, 2 * window words).
size_t MaxSubwordRows(const SubwordModel& m);

// The most targets of one batch skip-gram step: every context word of the
// widest window and its negatives.
inline size_t MaxCenterTargets(const SubwordModel& m) {
  return 2 * size_t(m.window) * (size_t(m.negative) + 1);
}

// One center's draws for the batch skip-gram step, one group per context
// word: group g is targets[ends[g - 1], ends[g]) (ends[-1] = 0), the
// context word, then its negatives.
struct CenterPlan {
  int32_t center = 0;
  int num_groups = 0;
  std::vector<int32_t> targets;  // MaxCenterTargets(m)
  std::vector<int> ends;         // 2 * window
};

// Per-thread buffers for the model `m`, allocated once.
struct SubwordScratch {
  explicit SubwordScratch(const SubwordModel& m)
      : vecs(3, m.stride),
        targets(size_t(m.negative) + 1),
        rows(MaxSubwordRows(m)),
        out(MaxCenterTargets(m)),
        scores(MaxCenterTargets(m)),
        coef(MaxCenterTargets(m)) {
    for (CenterPlan& p : plans) {
      p.targets.resize(MaxCenterTargets(m));
      p.ends.resize(2 * size_t(m.window));
    }
  }
  float* hidden() { return vecs.row(0); }  // the composed input vector
  float* grad() { return vecs.row(1); }    // its gradient step
  float* error() { return vecs.row(2); }   // one context's part of it
  Matrix vecs;                             // aligned rows for the kernels
  std::vector<int32_t> targets;            // one context's (the exact loops)
  std::vector<float*> rows;  // the rows the hidden vector averages
  std::vector<float*> out;   // the target rows (batch step)
  std::vector<float> scores, coef;
  CenterPlan plans[2];  // the current center's and the next one's
};

// hidden = mean of `word`'s W_E row and its n-gram rows.
void ComposeHidden(const SubwordModel& m, int32_t word,
                   float* __restrict hidden);

// CBOW's step for the center at sentence[i] with the context words within
// `radius`: the hidden vector is the mean of all their rows; targets[0] is
// the center. As SubwordStep otherwise. Does nothing without a context word.
void SubwordCbowStep(const SubwordModel& m, const int32_t* sentence, int length,
                     int i, int radius, const int32_t* targets, int num_targets,
                     float alpha, SubwordScratch& w, double* loss_sum);

// Skip-gram's batch step for one center: fastText's updates for each of
// its context words in turn (SubwordStep), with the center's rows read and
// written once. Its composed vector h is computed once; for each group
// (see CenterPlan; its first target labelled 1, the others 0) the targets
// are scored against h (f = h.y, g = alpha (label - sigma(f))), each target
// row takes y += g h in order, and the group's gradient e = sum g y is
// added to h and to the center's total; the total is added undivided, once,
// to every row h averaged. Since fastText adds e to every averaged row, its
// recomputed mean is h + s e (s = mean_shift(center)): the same updates, in
// exact arithmetic, as SubwordStep per group (up to rounding, and to hogwild
// races on the center's rows). Adds -log sigma(+-f) of each target to
// *loss_sum.
void SubwordCenterStep(const SubwordModel& m, int32_t center,
                       const int32_t* targets, const int* ends, int num_groups,
                       float alpha, SubwordScratch& w, double* loss_sum);

// fastText's step for one (center, context) pair: targets[0] is the word
// to predict (label 1), the others negatives (label 0). For each target
// row y, in order: f = hidden . y, g = alpha (label - sigma(f)), grad += g
// y, y += g hidden; then grad is added to every row `center` averaged. Adds
// -log sigma(+-f) of each target to *loss_sum.
void SubwordStep(const SubwordModel& m, int32_t center, const int32_t* targets,
                 int num_targets, float alpha, SubwordScratch& w,
                 double* loss_sum);

// Skip-gram over a sentence (m.cbow false): for each center a radius in
// 1..window, then for each context word in it `negative` fresh negatives
// (one equal to the context word is skipped). m.exact: fastText's loop, a
// SubwordStep per context word; else one SubwordCenterStep per center, its
// draws made (and its rows prefetched) while the previous center trains.
// The random draws are the same, in the same order, either way, and so are
// the updates up to rounding. CBOW
// (m.cbow): for each center a radius, then one SubwordCbowStep against the
// center and `negative` negatives (one equal to the center skipped). Adds
// to *loss_sum and *loss_count (one per target).
void TrainSentenceSubwords(const SubwordModel& m, const int32_t* sentence,
                           int length, float alpha, Rng& rng, SubwordScratch& w,
                           double* loss_sum, uint64_t* loss_count);

// Fills `m` (buckets x dim) like W_E: uniform in [-0.5/dim, 0.5/dim), from
// its own seeded stream (W_E's draws are unchanged by subwords).
void InitializeSubwordRows(uint64_t seed, int dim, Matrix* m);

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_SUBWORD_TRAINING_H_
