// Phrases: joins frequent collocations ("new york" -> "new_york") in a
// corpus, as word2vec's word2phrase and gensim's Phrases do, streaming with
// bounded memory.
//
// A pass counts words and adjacent pairs (never across a sentence end, i.e.
// a '\n' or the end of an input file) in one bounded table, scores every
// pair, and joins with '_' the occurrences of pairs scoring above the
// threshold, left to right: in "a b c" with both "a b" and "b c" accepted,
// "a_b c" is written (a token just joined is not joined again in the same
// pass). Pass k reads the output of pass k-1, so k passes build phrases of
// up to 2^k words. The passes are streamed: pass k re-reads the inputs and
// applies the pairs accepted by passes 1..k-1 on the fly, so no
// intermediate file is written; the inputs are read passes + 1 times and
// must be files (not standard input or a pipe).
//
// The output is the tokenized text (wembed's tokenizer, with its options):
// one line per sentence, tokens separated by one space; gzip when the
// output name ends in ".gz". It is written atomically (AtomicFileWriter):
// on any error the output path is left as it was.
#ifndef WEMBED_CORPUS_PHRASES_H_
#define WEMBED_CORPUS_PHRASES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/text/tokenizer.h"

namespace wembed {

enum class PhraseScoring {
  // word2phrase (Mikolov et al. 2013):
  //   (count(ab) - min_count) * total / (count(a) * count(b)),
  // total = tokens counted in the pass. Thresholds are typically 10..500.
  kDefault,
  // gensim's normalized pointwise mutual information (Bouma 2009):
  //   ln(p(ab) / (p(a) p(b))) / -ln(p(ab)),  p(x) = count(x) / total,
  // in [-1, 1]; thresholds must be in [-1, 1].
  kNpmi,
};

// Default thresholds of the two scorings.
inline constexpr double kDefaultPhraseThreshold = 100;
inline constexpr double kDefaultNpmiThreshold = 0.5;
// Most passes a run may ask for.
inline constexpr int kMaxPhrasePasses = 16;

// The score of pair "a b", or -infinity when count(a), count(b) or
// count(ab) is below min_count (the pair is then never joined). Requires
// count_ab <= min(count_a, count_b) and count_ab < total_tokens.
double PhraseScore(PhraseScoring scoring, uint64_t count_a, uint64_t count_b,
                   uint64_t count_ab, uint64_t total_tokens,
                   uint64_t min_count);

struct PhraseOptions {
  TokenizerOptions tokenizer;
  // Words and pairs seen fewer times are never joined (word2phrase's
  // -min-count; default scoring also subtracts it from count(ab)).
  uint64_t min_count = 5;
  PhraseScoring scoring = PhraseScoring::kDefault;
  // One threshold per pass: its size is the number of passes (1..
  // kMaxPhrasePasses). A pair is joined when its score is > threshold.
  std::vector<double> thresholds = {kDefaultPhraseThreshold};
  // Distinct words + distinct pairs held while counting; beyond it the
  // rarest are pruned (word2phrase's ReduceVocab) and their counts become
  // approximate. Memory of a pass is about 32 / 0.7 bytes per entry (the
  // table rounds up to a power of two) plus the bytes of entries longer
  // than 8 bytes.
  uint64_t max_table_entries = 30000000;
};

// What one pass counted and accepted.
struct PhrasePassStats {
  int pass = 0;  // 1-based
  double threshold = 0;
  uint64_t bytes_read = 0;  // uncompressed input bytes
  uint64_t tokens = 0;      // tokens counted (after earlier passes)
  uint64_t sentences = 0;
  uint64_t distinct_words = 0;   // held at the end of the pass
  uint64_t distinct_pairs = 0;   // held at the end of the pass
  uint64_t prune_rounds = 0;     // times the table was pruned
  uint64_t prune_threshold = 0;  // counts <= this were dropped when pruning
  uint64_t phrases = 0;          // distinct pairs accepted
  uint64_t joined = 0;           // occurrences joined in the output
  double seconds = 0;
};

// Progress of the current read, about once a second.
struct PhraseProgress {
  int pass = 0;  // 1-based; passes + 1 for the writing read
  int passes = 0;
  bool writing = false;  // the last read, which writes the output
  uint64_t bytes_read = 0;
  uint64_t tokens = 0;
  double seconds = 0;  // since the run started
};

struct PhraseRequest {
  std::vector<std::string> inputs;  // plain or gzip files, read in order
  std::string output;               // ".gz": gzip
  PhraseOptions options;
  // Called about once a second from the calling thread. May be empty.
  std::function<void(const PhraseProgress&)> progress;
  // Called after each counting pass. May be empty.
  std::function<void(const PhrasePassStats&)> pass_done;
  // The file layer (fault injection in tests); null = Env::Default().
  const Env* env = nullptr;
};

struct PhraseResult {
  std::vector<PhrasePassStats> passes;
  uint64_t tokens_written = 0;
  uint64_t sentences_written = 0;
  uint64_t bytes_written = 0;  // on disk (compressed size for gzip)
  double seconds = 0;
};

// Checks the options: thresholds (1..kMaxPhrasePasses of them, finite; in
// [-1, 1] for npmi, >= 0 for the default scoring), min-count >= 1,
// max-table-entries >= 1, the tokenizer's bounds. Errors (InvalidArgument)
// name the option: "--threshold must be in [-1, 1] with --scoring npmi".
Status ValidatePhraseOptions(const PhraseOptions& options);

// Runs every pass and writes the output. Checks first (before any reading)
// the options, that the inputs exist and can be read again, that the output
// can be written (CheckWritable) and is not one of the inputs
// (CheckOutputPaths). Errors: InvalidArgument for bad options, an input that
// cannot be read again (standard input, a pipe), an output that is an input
// or an empty corpus; NotFound/IoError naming the file; Corruption for a bad
// gzip stream. On error nothing is written at the output path.
StatusOr<PhraseResult> RunPhrases(const PhraseRequest& request);

}  // namespace wembed

#endif  // WEMBED_CORPUS_PHRASES_H_
