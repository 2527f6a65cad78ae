#include "wembed/corpus/vocabulary.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <numeric>

#include "wembed/text/ascii_text.h"
#include "base/atomic_file_writer.h"
#include "base/buffered_reader.h"
#include "base/string_hash.h"

namespace wembed {

namespace {

bool IsSeparatorByte(char c) { return IsAsciiSpace(c) || c == '\0'; }

size_t IndexCapacity(size_t n) {
  size_t cap = 16;
  while (cap < n * 2) cap *= 2;
  return cap;
}

}  // namespace

StatusOr<Vocabulary> Vocabulary::FromWordsAndCounts(
    std::vector<std::string> words, std::vector<uint64_t> counts) {
  if (words.size() != counts.size()) {
    return Status::InvalidArgument(
        "vocabulary: " + std::to_string(words.size()) + " words but " +
        std::to_string(counts.size()) + " counts");
  }
  if (words.size() >=
      static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("vocabulary: too many words");
  }
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].empty()) {
      return Status::InvalidArgument("vocabulary: word " + std::to_string(i) +
                                     " is empty");
    }
    for (char c : words[i]) {
      if (IsSeparatorByte(c)) {
        return Status::InvalidArgument("vocabulary: word " + std::to_string(i) +
                                       " contains whitespace or NUL");
      }
    }
  }
  Vocabulary v;
  v.words_ = std::move(words);
  v.counts_ = std::move(counts);
  for (uint64_t c : v.counts_) v.total_count_ += c;
  v.BuildIndex();
  // BuildIndex keeps the first of duplicates; detect them.
  for (size_t i = 0; i < v.words_.size(); ++i) {
    if (v.Find(v.words_[i]) != static_cast<int32_t>(i)) {
      return Status::InvalidArgument("vocabulary: duplicate word '" +
                                     v.words_[i] + "' (ids " +
                                     std::to_string(v.Find(v.words_[i])) +
                                     " and " + std::to_string(i) + ")");
    }
  }
  return v;
}

void Vocabulary::BuildIndex() {
  index_.assign(IndexCapacity(words_.size()), 0);
  const size_t mask = index_.size() - 1;
  for (size_t id = 0; id < words_.size(); ++id) {
    size_t i = HashBytes(words_[id]) & mask;
    bool duplicate = false;
    while (index_[i] != 0) {
      if (words_[index_[i] - 1] == words_[id]) {
        duplicate = true;
        break;
      }
      i = (i + 1) & mask;
    }
    if (!duplicate) index_[i] = static_cast<int32_t>(id + 1);
  }
}

int32_t Vocabulary::Find(std::string_view word) const {
  if (index_.empty()) return -1;
  const size_t mask = index_.size() - 1;
  size_t i = HashBytes(word) & mask;
  while (true) {
    const int32_t slot = index_[i];
    if (slot == 0) return -1;
    if (words_[slot - 1] == word) return slot - 1;
    i = (i + 1) & mask;
  }
}

Status Vocabulary::Save(const std::string& path, const Env& env) const {
  BufferedFileWriter writer(path, env);
  WEMBED_RETURN_IF_ERROR(writer.Open());
  char num[24];
  for (size_t i = 0; i < words_.size(); ++i) {
    std::string& buf = writer.buffer();
    buf += words_[i];
    buf += ' ';
    const auto r = std::to_chars(num, num + sizeof(num), counts_[i]);
    buf.append(num, r.ptr);
    buf += '\n';
    WEMBED_RETURN_IF_ERROR(writer.MaybeFlush());
  }
  return writer.Commit();
}

namespace {

// Parses one "word count" line into *word and *count. Returns an empty
// string, or why the line is malformed.
std::string ParseVocabLine(std::string_view line, std::string* word,
                           uint64_t* count) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos || space == 0) return "malformed line";
  const char* first = line.data() + space + 1;
  const char* last = line.data() + line.size();
  const auto r = std::from_chars(first, last, *count);
  if (r.ec != std::errc() || r.ptr != last || first == last) {
    return "bad count '" + std::string(first, last) + "'";
  }
  word->assign(line.substr(0, space));
  for (char c : *word) {
    if (IsSeparatorByte(c)) return "word contains whitespace or NUL";
  }
  return "";
}

}  // namespace

StatusOr<Vocabulary> Vocabulary::Load(const std::string& path,
                                      const Env& env) {
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  WEMBED_RETURN_IF_ERROR(ForEachLine(
      path, env, [&](std::string_view line, uint64_t line_no) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) return Status::Ok();
        std::string word;
        uint64_t count = 0;
        const std::string problem = ParseVocabLine(line, &word, &count);
        if (!problem.empty()) {
          return Status::Corruption(path + ":" + std::to_string(line_no) +
                                    ": " + problem +
                                    " (expected 'word count')");
        }
        if (word != "</s>") {
          words.push_back(std::move(word));
          counts.push_back(count);
        }
        return Status::Ok();
      }));
  if (words.empty()) return Status::Corruption(path + ": no words");
  StatusOr<Vocabulary> v =
      FromWordsAndCounts(std::move(words), std::move(counts));
  if (!v.ok()) return Status::Corruption(path + ": " + v.status().message());
  return v;
}

uint64_t MinCountForFinalVocab(const std::vector<uint64_t>& sorted_counts,
                               uint64_t min_count, uint64_t max_final_vocab) {
  if (max_final_vocab == 0 || sorted_counts.size() <= max_final_vocab) {
    return min_count;
  }
  return std::max(min_count, sorted_counts[max_final_vocab] + 1);
}

StatusOr<Vocabulary> Vocabulary::SortedAndFiltered(
    uint64_t min_count, uint64_t max_vocab, uint64_t max_final_vocab) const {
  std::vector<size_t> order(size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return counts_[a] > counts_[b]; });
  std::vector<uint64_t> sorted(order.size());
  for (size_t i = 0; i < order.size(); ++i) sorted[i] = counts_[order[i]];
  min_count = MinCountForFinalVocab(sorted, min_count, max_final_vocab);
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  for (size_t id : order) {
    if (counts_[id] < min_count) break;  // sorted: the rest are rarer
    if (max_vocab != 0 && words.size() >= max_vocab) break;
    words.push_back(words_[id]);
    counts.push_back(counts_[id]);
  }
  if (words.empty()) {
    return Status::InvalidArgument("empty vocabulary (no word has a count of " +
                                   std::to_string(min_count) +
                                   " or more; lower --min-count)");
  }
  return FromWordsAndCounts(std::move(words), std::move(counts));
}

}  // namespace wembed
