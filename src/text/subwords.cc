#include "wembed/text/subwords.h"

namespace wembed {
namespace {

bool IsContinuationByte(char c) { return (uint8_t(c) & 0xC0) == 0x80; }

// Calls fn(begin, end) for each n-gram [begin, end) of `wrapped` ("<w>"),
// following fastText's computeSubwords loop.
template <typename Fn>
void ForEachNgram(std::string_view wrapped, int min_n, int max_n, Fn fn) {
  const size_t size = wrapped.size();
  for (size_t i = 0; i < size; ++i) {
    if (IsContinuationByte(wrapped[i])) continue;
    size_t j = i;
    for (int n = 1; j < size && n <= max_n; ++n) {
      ++j;
      while (j < size && IsContinuationByte(wrapped[j])) ++j;
      if (n >= min_n && !(n == 1 && (i == 0 || j == size))) fn(i, j);
    }
  }
}

}  // namespace

uint32_t SubwordHash(std::string_view bytes) {
  uint32_t h = 2166136261u;
  for (char c : bytes) {
    h ^= uint32_t(int8_t(c));
    h *= 16777619u;
  }
  return h;
}

void AppendNgrams(std::string_view word, int min_n, int max_n,
                  std::vector<std::string>* out) {
  const std::string wrapped = "<" + std::string(word) + ">";
  ForEachNgram(wrapped, min_n, max_n, [&](size_t begin, size_t end) {
    out->emplace_back(wrapped.substr(begin, end - begin));
  });
}

void AppendNgramBuckets(std::string_view word, const SubwordSpec& spec,
                        std::vector<uint32_t>* out) {
  // The hash of "<word>"'s bytes [i, j) without building the wrapped string:
  // byte k of the wrapped word is '<', word[k - 1] or '>'.
  const size_t size = word.size() + 2;
  auto byte_at = [&](size_t k) -> char {
    if (k == 0) return '<';
    if (k == size - 1) return '>';
    return word[k - 1];
  };
  for (size_t i = 0; i < size; ++i) {
    if (IsContinuationByte(byte_at(i))) continue;
    uint32_t h = 2166136261u;
    size_t j = i;
    for (int n = 1; j < size && n <= spec.max_n; ++n) {
      do {
        h ^= uint32_t(int8_t(byte_at(j)));
        h *= 16777619u;
        ++j;
      } while (j < size && IsContinuationByte(byte_at(j)));
      if (n >= spec.min_n && !(n == 1 && (i == 0 || j == size))) {
        out->push_back(uint32_t(h % spec.buckets));
      }
    }
  }
}

}  // namespace wembed
