// Vocabulary: the kept words with their corpus counts, sorted by count
// descending (ties: first occurrence in the corpus first). Word ids are
// positions in that order. Immutable once built; safe to read from many
// threads.
#ifndef WEMBED_CORPUS_VOCABULARY_H_
#define WEMBED_CORPUS_VOCABULARY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

class Vocabulary {
 public:
  Vocabulary() = default;
  // `words` and `counts` have equal length and are already in id order.
  // Returns InvalidArgument on duplicates, empty words or words containing
  // whitespace.
  static StatusOr<Vocabulary> FromWordsAndCounts(std::vector<std::string> words,
                                                 std::vector<uint64_t> counts);

  size_t size() const { return words_.size(); }
  bool empty() const { return words_.empty(); }
  const std::string& word(int32_t id) const { return words_[id]; }
  uint64_t count(int32_t id) const { return counts_[id]; }
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  // Sum of the counts of the kept words.
  uint64_t total_count() const { return total_count_; }

  // This vocabulary sorted by count descending (stable: the current order
  // breaks ties), keeping the words counted at least `min_count` times and
  // at most `max_vocab` of them (0 = no limit). InvalidArgument, naming the
  // limit, when no word is left.
  // With max_final_vocab > 0, min_count is first raised as
  // MinCountForFinalVocab says.
  StatusOr<Vocabulary> SortedAndFiltered(uint64_t min_count, uint64_t max_vocab,
                                         uint64_t max_final_vocab = 0) const;

  // Id of `word`, or -1 when absent.
  int32_t Find(std::string_view word) const;

  // word2vec's -save-vocab format: one "word count\n" line per word, in id
  // order. Written to a temp file, then renamed over `path`.
  Status Save(const std::string& path, const Env& env = Env::Default()) const;
  // Reads the format above (word2vec -read-vocab). A "</s>" line is skipped;
  // the order of the file is kept as the id order. Plain or gzip, a file, a
  // pipe or "-" (stdin).
  static StatusOr<Vocabulary> Load(const std::string& path,
                                   const Env& env = Env::Default());

 private:
  void BuildIndex();

  std::vector<std::string> words_;
  std::vector<uint64_t> counts_;
  uint64_t total_count_ = 0;
  // Open-addressing hash index: slot -> id+1 (0 = empty).
  std::vector<int32_t> index_;
};

// The min_count that gensim's max_final_vocab implies: for `sorted_counts`
// in descending order, the smallest value >= min_count that leaves at most
// max_final_vocab counts >= it (min_count when max_final_vocab is 0 or
// already met).
uint64_t MinCountForFinalVocab(const std::vector<uint64_t>& sorted_counts,
                               uint64_t min_count, uint64_t max_final_vocab);

}  // namespace wembed

#endif  // WEMBED_CORPUS_VOCABULARY_H_
