// SimilarityEvaluator: correlation between cosine similarities and human
// judgements on "word1 word2 score" files (WordSim-353, SimLex-999, MEN...).
#ifndef WEMBED_SIMILARITY_EVALUATOR_H_
#define WEMBED_SIMILARITY_EVALUATOR_H_

#include <cstddef>
#include <string>
#include <vector>

#include "wembed/embeddings.h"
#include "wembed/status.h"
#include "wembed/word_lookup.h"

namespace wembed {

struct WordPair {
  std::string a, b;
  double score = 0;  // human judgement
  size_t line = 0;   // 1-based line in the file
};

// Reads "word1 word2 score" lines separated by tabs or spaces. Blank lines
// and lines starting with '#' are ignored; CRLF is accepted. A first line of
// three fields whose third is not a number is a column header and skipped.
// Any other line that is not exactly two words and a number is an error
// naming the line.
StatusOr<std::vector<WordPair>> ReadWordPairs(const std::string& path);

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
};

struct SimilarityResult {
  double spearman = 0;  // NaN when undefined (fewer than 2 pairs, constant)
  double pearson = 0;
  size_t pairs_total = 0;
  size_t pairs_used = 0;  // both words known
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

#endif  // WEMBED_SIMILARITY_EVALUATOR_H_
