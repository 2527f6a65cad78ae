// ASCII whitespace and the splitting of a text line into words, as the
// line-based input formats (analogy questions, word pairs, query lines)
// define them: bytes >= 0x80 are never whitespace.
#ifndef WEMBED_TEXT_ASCII_TEXT_H_
#define WEMBED_TEXT_ASCII_TEXT_H_

#include <string_view>
#include <vector>

namespace wembed {

// ' ', '\t', '\n', '\r', '\v' or '\f' (isspace() in the "C" locale).
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

// The maximal runs of non-IsAsciiSpace bytes of `line`, in order (Python's
// str.split() for ASCII text). The views point into `line`.
inline std::vector<std::string_view> SplitOnAsciiSpace(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsAsciiSpace(line[i])) ++i;
    size_t j = i;
    while (j < line.size() && !IsAsciiSpace(line[j])) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace wembed

#endif  // WEMBED_TEXT_ASCII_TEXT_H_
