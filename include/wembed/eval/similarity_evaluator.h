// SimilarityEvaluator: correlation between cosine similarities and human
// judgements on "word1 word2 score" files (WordSim-353, SimLex-999, MEN...).
#ifndef WEMBED_EVAL_SIMILARITY_EVALUATOR_H_
#define WEMBED_EVAL_SIMILARITY_EVALUATOR_H_

#include <cstddef>
#include <string>
#include <vector>

#include "wembed/vectors/embeddings.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/vectors/word_lookup.h"

namespace wembed {

struct WordPair {
  std::string a, b;
  double score = 0;  // human judgement
  size_t line = 0;   // 1-based line in the file
};

// Lines ReadWordPairs skipped because their score is not a number.
struct WordPairsReadInfo {
  size_t skipped_lines = 0;
  size_t first_skipped_line = 0;  // 1-based; 0 when none was skipped
  std::string first_skipped;      // that line, without its line end
};

// Reads "word1 word2 score" lines separated by tabs or spaces. Blank lines
// and lines starting with '#' are ignored; CRLF is accepted. A line of three
// fields whose score is not a finite number (a column header such as "word1
// word2 score", "n/a", a decimal comma) is skipped, as gensim does, and
// counted in `*info` (may be null). A line that is not three fields is an
// error naming the line. No pairs at all is not an error here.
// Plain or gzip.
StatusOr<std::vector<WordPair>> ReadWordPairs(
    const std::string& path, WordPairsReadInfo* info = nullptr,
    const Env& env = Env::Default());

// Ranks 1..n with ties given the average of the ranks they span.
std::vector<double> AverageRanks(const std::vector<double>& x);
// Pearson's r; NaN when n < 2 or either side is constant. x.size() == y.size().
double PearsonCorrelation(const std::vector<double>& x,
                          const std::vector<double>& y);
// Spearman's rho: Pearson's r of the average ranks (scipy.stats.spearmanr).
double SpearmanCorrelation(const std::vector<double>& x,
                           const std::vector<double>& y);

struct SimilarityOptions {
  bool case_sensitive = false;  // otherwise words are lowercased (FoldCase)
  size_t restrict_vocab = 0;    // 0 = every row is known
  // Rows [0, vocab_rows) are vocabulary words, the later ones vectors added
  // for unseen words (--oov subwords); counts pairs_in_vocab. 0 = all.
  size_t vocab_rows = 0;
};

struct SimilarityResult {
  double spearman = 0;  // NaN when undefined (fewer than 2 pairs, constant)
  double pearson = 0;
  size_t pairs_total = 0;
  size_t pairs_used = 0;  // both words known
  size_t pairs_in_vocab = 0;  // both words among the vocab_rows
  // Per pair in file order: cosine similarity, or NaN when skipped.
  std::vector<double> cosines;
  // Distinct unknown words, in order of first appearance.
  std::vector<std::string> unknown_words;
};

class SimilarityEvaluator {
 public:
  // Keeps a reference to `embeddings`, which must outlive the evaluator.
  SimilarityEvaluator(const Embeddings& embeddings,
                      const SimilarityOptions& options);

  // Errors when no pair has both words known.
  StatusOr<SimilarityResult> Evaluate(const std::vector<WordPair>& pairs) const;

 private:
  const Embeddings& embeddings_;
  SimilarityOptions options_;
  WordLookup lookup_;
};

}  // namespace wembed

#endif  // WEMBED_EVAL_SIMILARITY_EVALUATOR_H_
