#include "wembed/vectors/word_lookup.h"

#include <algorithm>

namespace wembed {

WordLookup::WordLookup(const std::vector<std::string>& words, size_t limit,
                       bool case_sensitive)
    : case_sensitive_(case_sensitive) {
  const size_t n = std::min(limit, words.size());
  canonical_.resize(n);
  index_.reserve(n);
  // Collect the folded keys first so that folded_ never reallocates while
  // index_ holds views into it.
  std::vector<int32_t> folded_row(n, -1);
  if (!case_sensitive_) {
    for (size_t r = 0; r < n; ++r) {
      std::string key = FoldCase(words[r]);
      if (key != words[r]) {
        folded_row[r] = static_cast<int32_t>(folded_.size());
        folded_.push_back(std::move(key));
      }
    }
  }
  for (size_t r = 0; r < n; ++r) {
    const std::string_view key = folded_row[r] >= 0
                                     ? std::string_view(folded_[folded_row[r]])
                                     : std::string_view(words[r]);
    const auto [it, inserted] = index_.emplace(key, static_cast<int32_t>(r));
    canonical_[r] = it->second;
    if (!inserted) variants_[it->second].push_back(static_cast<int32_t>(r));
  }
}

std::string WordLookup::Key(std::string_view word) const {
  return case_sensitive_ ? std::string(word) : FoldCase(word);
}

int32_t WordLookup::Find(std::string_view word) const {
  const auto it =
      case_sensitive_ ? index_.find(word) : index_.find(FoldCase(word));
  return it == index_.end() ? -1 : it->second;
}

const std::vector<int32_t>& WordLookup::Variants(int32_t canonical) const {
  static const std::vector<int32_t>* const kEmpty = new std::vector<int32_t>();
  const auto it = variants_.find(canonical);
  return it == variants_.end() ? *kEmpty : it->second;
}

}  // namespace wembed
