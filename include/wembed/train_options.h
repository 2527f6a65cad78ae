// TrainOptions: every setting of a training run. Defaults are word2vec.c's
// skip-gram defaults except where noted. Serialisable as key/value strings so
// a checkpoint can store them and new options never break old checkpoints.
#ifndef WEMBED_TRAIN_OPTIONS_H_
#define WEMBED_TRAIN_OPTIONS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wembed/corpus_scanner.h"
#include "wembed/status.h"
#include "wembed/tokenizer.h"

namespace wembed {

// How a center word's window is turned into gradient steps.
enum class UpdateRule {
  kExact,  // word2vec.c: fresh negatives for every (center, context) pair
  kBatch,  // HogBatch: the negatives are shared by the whole window
};

// Which matrix to export.
enum class OutputVectors { kInput, kOutput, kSum };

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
  double alpha = 0.025;
  double min_alpha_ratio = 1e-4;  // final lr = alpha * min_alpha_ratio
  double noise_exponent = 0.75;
  uint64_t seed = 1;
  UpdateRule update = UpdateRule::kBatch;
  int max_sentence_length = 1000;  // word2vec's MAX_SENTENCE_LENGTH
  // Kernel set: "auto" (the fastest this CPU runs), "avx512", "avx2" or
  // "scalar". A trainer stores the set it resolved to, so a resumed run uses
  // the same arithmetic (falling back if this CPU lacks it).
  std::string kernels = "auto";

  // Returns InvalidArgument with a message naming the option on a nonsense
  // value (dim 0, window < 1, sample outside [0, 1), ...).
  Status Validate() const;

  std::vector<std::pair<std::string, std::string>> ToKeyValues() const;
  // Keys not known are an error; keys missing keep their defaults.
  static StatusOr<TrainOptions> FromKeyValues(
      const std::vector<std::pair<std::string, std::string>>& kv);
};

const char* UpdateRuleName(UpdateRule rule);
const char* OutputVectorsName(OutputVectors which);

}  // namespace wembed

#endif  // WEMBED_TRAIN_OPTIONS_H_
