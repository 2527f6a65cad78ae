// FoldCase: Unicode-aware lowercasing of a word, shared by the tokenizer's
// callers and the evaluators' case-insensitive lookups.
#ifndef WEMBED_TEXT_FOLD_CASE_H_
#define WEMBED_TEXT_FOLD_CASE_H_

#include <string>
#include <string_view>

namespace wembed {

// Lowercases UTF-8 text one code point at a time (utf8proc_tolower, the
// simple Unicode mapping); invalid UTF-8 bytes are kept unchanged.
std::string FoldCase(std::string_view word);

}  // namespace wembed

#endif  // WEMBED_TEXT_FOLD_CASE_H_
