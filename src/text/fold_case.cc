#include "wembed/text/fold_case.h"

#include <utf8proc.h>

namespace wembed {

std::string FoldCase(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
  size_t i = 0;
  const size_t n = word.size();
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A'))
                                    : static_cast<char>(c);
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    const utf8proc_ssize_t len =
        utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (len <= 0 || cp < 0) {
      out += static_cast<char>(c);  // invalid byte: keep it
      ++i;
      continue;
    }
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t w = utf8proc_encode_char(utf8proc_tolower(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(w));
    i += static_cast<size_t>(len);
  }
  return out;
}

}  // namespace wembed
