// WordLookup: maps words to rows of an embedding matrix, optionally
// case-insensitively. Shared by the evaluators and the query tools.
#ifndef WEMBED_VECTORS_WORD_LOOKUP_H_
#define WEMBED_VECTORS_WORD_LOOKUP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wembed/text/fold_case.h"

namespace wembed {

// Indexes rows [0, limit) of a word list. With case folding, the key of a word
// is FoldCase(word), and when several rows share a key the first (lowest,
// i.e. most frequent in a frequency-sorted file) row owns it, as gensim's
// evaluate_word_analogies(case_insensitive=True) does. Without case folding,
// a repeated word also resolves to its first row.
//
// Holds views into `words`, which must outlive the lookup and not change.
// Immutable after construction; safe to read from many threads.
class WordLookup {
 public:
  WordLookup(const std::vector<std::string>& words, size_t limit,
             bool case_sensitive);

  // Row owning the key of `word` (folded unless case-sensitive), or -1.
  int32_t Find(std::string_view word) const;
  // Key of `word` under this lookup's rule.
  std::string Key(std::string_view word) const;
  // Row owning the key of row `row` (< size()): `row` itself unless an
  // earlier row has the same key.
  int32_t CanonicalRow(int32_t row) const { return canonical_[row]; }
  // Rows other than `canonical` (a row owning its key) that share its key,
  // ascending; empty for almost every word.
  const std::vector<int32_t>& Variants(int32_t canonical) const;

  size_t size() const { return canonical_.size(); }  // rows indexed
  bool case_sensitive() const { return case_sensitive_; }

 private:
  bool case_sensitive_;
  // Folded keys that differ from their word; index_ holds views into them.
  std::vector<std::string> folded_;
  std::unordered_map<std::string_view, int32_t> index_;
  std::vector<int32_t> canonical_;
  std::unordered_map<int32_t, std::vector<int32_t>> variants_;
};

}  // namespace wembed

#endif  // WEMBED_VECTORS_WORD_LOOKUP_H_
