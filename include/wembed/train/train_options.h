// TrainOptions: the settings of a training run that a checkpoint stores.
// Their defaults are the member initialisers below (word2vec.c's skip-gram
// defaults except where noted); everything else about an option (its flag,
// help, bounds, how it is stored and whether a resumed run may change it) is
// declared once, in the option table (wembed/train/option_table.h).
#ifndef WEMBED_TRAIN_TRAIN_OPTIONS_H_
#define WEMBED_TRAIN_TRAIN_OPTIONS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wembed/base/status.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/text/subwords.h"
#include "wembed/text/tokenizer.h"

namespace wembed {

// How a center word's window is turned into gradient steps.
enum class UpdateRule {
  kExact,  // word2vec.c: fresh negatives for every (center, context) pair
  kBatch,  // HogBatch: the negatives are shared by the whole window
};
const char* UpdateRuleName(UpdateRule rule);  // "exact" or "batch"

// What is predicted from what (word2vec.c's -cbow).
enum class Model {
  kSkipGram,  // each context word predicts the center word
  kCbow,      // the context words together (mean or sum) predict the center
};
// How a prediction is scored (word2vec.c's -negative / -hs). The two are
// not combined: a run uses one (docs/training.md says why).
enum class Loss {
  kNegativeSampling,     // the target against `negative` noise words
  kHierarchicalSoftmax,  // the target's path in a Huffman tree of the counts
};
// CBOW's hidden vector: the mean of the context vectors (word2vec.c) or
// their sum (gensim's cbow_mean=0).
enum class CbowMean { kMean, kSum };
// Skip-gram's direction: whose input vector predicts whom. Both train on
// the same (center, context) pairs; they differ in which row of the pair is
// updated as the input and in how the negatives are drawn.
enum class SgInput {
  kContext,  // word2vec.c: each context word's input vector predicts the
             // center word (the batch update shares negatives per window)
  kCenter,   // fastText: the center word's input vector predicts each
             // context word, with `negative` fresh noise words per context
};

struct TrainOptions {
  std::vector<std::string> inputs;
  TokenizerOptions tokenizer;
  VocabOptions vocab;  // min_count, max_vocab
  int dim = 100;
  int window = 5;
  int negative = 5;
  double sample = 1e-4;
  int epochs = 5;
  int threads = 0;  // 0 = all cores
  // wembed's defaults (docs/quality.md): fastText's rate and noise exponent
  // on word2vec.c's loop; --preset word2vec restores 0.025 and 0.75.
  double alpha = 0.05;
  double min_alpha_ratio = 1e-4;  // final lr = alpha * min_alpha_ratio
  double noise_exponent = 0.5;
  uint64_t seed = 1;
  UpdateRule update = UpdateRule::kBatch;
  Model model = Model::kSkipGram;
  Loss loss = Loss::kNegativeSampling;
  CbowMean cbow_mean = CbowMean::kMean;
  SgInput sg_input = SgInput::kContext;
  int max_sentence_length = 1000;  // word2vec's MAX_SENTENCE_LENGTH
  // Kernel set: "auto" (the fastest this CPU runs), "avx512", "avx2" or
  // "scalar". A trainer stores the set it resolved to, so a resumed run uses
  // the same arithmetic (falling back if this CPU lacks it).
  std::string kernels = "auto";
  // fastText's subword model (--subwords MIN-MAX, --buckets N): off when
  // subword_min_n is 0. Skip-gram with negative sampling only.
  int subword_min_n = 0;
  int subword_max_n = 0;
  uint64_t buckets = 2000000;
  // --deterministic: every thread trains its own replica of the matrices,
  // merged at sync points fixed by word counts, so the same inputs, options,
  // seed and threads give the same bits (docs/training.md).
  bool deterministic = false;

  // The subword settings of the run: disabled (all zero) when off.
  SubwordSpec Subwords() const {
    if (subword_min_n <= 0) return SubwordSpec{};
    return SubwordSpec{subword_min_n, subword_max_n, buckets};
  }

  // InvalidArgument naming the option ("--dim must be in 1..10000") for the
  // first value outside its bounds, or when no input is given. The bounds
  // are the option table's.
  Status Validate() const;

  // The stored options as checkpoint key/value strings, and back. Keys not
  // known are Corruption; keys missing keep their defaults.
  std::vector<std::pair<std::string, std::string>> ToKeyValues() const;
  static StatusOr<TrainOptions> FromKeyValues(
      const std::vector<std::pair<std::string, std::string>>& kv);
};

}  // namespace wembed

#endif  // WEMBED_TRAIN_TRAIN_OPTIONS_H_
