// AnalogyEvaluator: accuracy on word-analogy questions "a is to b as c is to
// d" (Mikolov et al. 2013 format), with 3CosAdd and 3CosMul. The protocol is
// specified in docs/evaluation.md; the default reproduces gensim's
// KeyedVectors.evaluate_word_analogies(restrict_vocab, case_insensitive=True).
#ifndef WEMBED_EVAL_ANALOGY_EVALUATOR_H_
#define WEMBED_EVAL_ANALOGY_EVALUATOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wembed/vectors/embeddings.h"
#include "wembed/base/env.h"
#include "wembed/base/matrix.h"
#include "wembed/base/status.h"
#include "wembed/vectors/word_lookup.h"

namespace wembed {

struct AnalogyQuestion {
  std::string a, b, c, expected;  // as written in the file
  size_t line = 0;                // 1-based line in the file
};

struct AnalogySection {
  std::string name;  // from the ": name" header line
  std::vector<AnalogyQuestion> questions;
};

struct AnalogyQuestionSet {
  std::string path;
  std::vector<AnalogySection> sections;
  // Non-header lines that are not exactly four words (gensim skips them
  // too); blank lines are not counted.
  size_t skipped_lines = 0;
  size_t num_questions() const;
};

// Reads the Google analogy format: ": section" header lines (a line starting
// with ": "), then "a b c d" lines; plain or gzip. Errors: unreadable file, a
// question before the first header, a line over 1 MiB.
StatusOr<AnalogyQuestionSet> ReadAnalogyQuestions(
    const std::string& path, const Env& env = Env::Default());

enum class AnalogyProtocol {
  // Known words and candidates are the first `restrict_vocab` rows; questions
  // with a word outside them are skipped (reported in coverage).
  kSkipUnknown,
  // Questions with unknown words count as wrong; the whole vocabulary is
  // known and searched (restrict_vocab is ignored).
  kAllInDenominator,
};

struct AnalogyOptions {
  size_t restrict_vocab = 30000;  // 0 = all rows
  bool case_sensitive = false;
  AnalogyProtocol protocol = AnalogyProtocol::kSkipUnknown;
  bool method_add = true;   // 3CosAdd
  bool method_mul = false;  // 3CosMul (Levy & Goldberg 2014)
  int threads = 0;          // 0 = OpenMP default
};

// The 3CosMul epsilon of Levy & Goldberg (2014).
inline constexpr float kCosMulEpsilon = 0.001f;

struct AnalogyCounts {
  size_t questions = 0;    // questions in the file(s)
  size_t seen = 0;         // questions scored: their four words are known
  // Questions whose four words are candidate rows (equals `seen` without
  // query-only words).
  size_t seen_in_vocab = 0;
  size_t correct_add = 0;  // 0 unless method_add
  size_t correct_mul = 0;  // 0 unless method_mul
  void Add(const AnalogyCounts& o);
};

struct AnalogySectionResult {
  std::string name;
  bool syntactic = false;  // the name starts with "gram"
  AnalogyCounts counts;
};

struct AnalogyResult {
  std::vector<AnalogySectionResult> sections;
  AnalogyCounts semantic, syntactic, total;
  // Per question, in file order (sections concatenated): the predicted row,
  // or -1 when the question was not seen (or the method not run).
  std::vector<int32_t> predicted_add, predicted_mul;
};

// Accuracy in percent: correct / seen for kSkipUnknown, correct / questions
// for kAllInDenominator; 0 when the denominator is 0.
double AnalogyAccuracy(const AnalogyCounts& counts, bool mul,
                       AnalogyProtocol protocol);

class AnalogyEvaluator {
 public:
  // Takes the embeddings (rows in frequency order) and keeps the rows it
  // needs, unit-normalised. Precondition: at least one method is enabled.
  //
  // `query_only` (same dim; e.g. the n-gram vectors of words missing from
  // the vocabulary, UnseenWordVectors) are known words that are never
  // candidates: a question word not among the candidates is looked up
  // there. A question whose expected word is query-only is scored but
  // cannot be answered correctly (the answer is searched in the candidates
  // only, as fastText's and gensim's nearest-neighbour searches do).
  AnalogyEvaluator(Embeddings embeddings, const AnalogyOptions& options,
                   Embeddings query_only = Embeddings());
  AnalogyEvaluator(const AnalogyEvaluator&) = delete;
  AnalogyEvaluator& operator=(const AnalogyEvaluator&) = delete;

  // Scores every question. Thread-safe (const); uses options.threads.
  AnalogyResult Evaluate(const AnalogyQuestionSet& questions) const;

  // Rows that are known words and candidates.
  size_t num_candidates() const { return vectors_.rows(); }
  size_t dim() const { return vectors_.cols(); }
  // Query-only rows (see the constructor).
  size_t num_query_only() const { return query_vectors_.rows(); }
  const std::string& word(int32_t row) const { return words_[row]; }
  const AnalogyOptions& options() const { return options_; }

 private:
  struct Query;  // one seen question, as rows
  struct Chunk;  // the question words of a chunk of queries
  struct BlockScratch;
  struct Best;   // best (score, row) so far
  void Solve(std::vector<Query>& queries) const;
  void SolveChunk(Query* queries, size_t count) const;
  Chunk PrepareChunk(Query* queries, size_t count) const;
  void ScoreBlock(size_t blk, const Query* queries, size_t count,
                  const Chunk& chunk, BlockScratch& scratch) const;
  // Row of `word`: a candidate row, num_candidates() + a query-only row, or
  // -1.
  int32_t FindWord(const std::string& word) const;
  const float* QueryRow(int32_t row) const;
  // Appends the seen questions of `sec` to *queries etc.; counts them.
  void ResolveSection(const AnalogySection& sec, size_t first_index,
                      std::vector<Query>* queries,
                      std::vector<size_t>* query_index,
                      std::vector<int32_t>* expected,
                      AnalogyCounts* counts) const;
  void ApplyCaseVariants(Query& q, const Chunk& chunk, const Best& best_add,
                         const Best& best_mul) const;

  AnalogyOptions options_;
  std::vector<std::string> words_;
  Matrix vectors_;  // candidate rows, unit norm
  WordLookup lookup_;
  std::vector<std::string> query_words_;
  Matrix query_vectors_;  // query-only rows, unit norm
  WordLookup query_lookup_;
};

}  // namespace wembed

#endif  // WEMBED_EVAL_ANALOGY_EVALUATOR_H_
