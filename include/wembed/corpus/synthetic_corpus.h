// A generated corpus with planted analogy structure, for end-to-end tests and
// for trying wembed without a real corpus.
//
// Two relations, each with `pairs` word pairs: country_i -> capital_i and
// male_i -> female_i. Every word co-occurs with context words of its type
// (shared by all countries, all capitals, ...) and with identity words shared
// only by the two words of its pair, plus Zipf-distributed filler words. So
// vec(capital_i) - vec(country_i) is (nearly) the same for every i, and
// "country_a capital_a country_b capital_b" analogies have planted answers.
#ifndef WEMBED_CORPUS_SYNTHETIC_CORPUS_H_
#define WEMBED_CORPUS_SYNTHETIC_CORPUS_H_

#include <cstdint>
#include <string>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

struct SyntheticCorpusOptions {
  int pairs = 12;          // pairs per relation
  int sentences = 40000;   // lines of text
  int filler_words = 300;  // noise vocabulary size
  int fillers_per_sentence = 3;
  uint64_t seed = 7;
};

struct SyntheticCorpus {
  std::string text;       // one sentence per line
  std::string questions;  // Google analogy format (": section" headers)
  int num_questions = 0;
};

SyntheticCorpus GenerateSyntheticCorpus(const SyntheticCorpusOptions& options);

// Writes text and questions to two files (temp file + rename each).
Status WriteSyntheticCorpus(const SyntheticCorpus& corpus,
                            const std::string& text_path,
                            const std::string& questions_path,
                            const Env& env = Env::Default());

}  // namespace wembed

#endif  // WEMBED_CORPUS_SYNTHETIC_CORPUS_H_
