// Small UTF-8 helpers shared by the tokenizer and its tests.
#ifndef WEMBED_SRC_TEXT_UTF8_H_
#define WEMBED_SRC_TEXT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wembed::utf8 {

inline bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// Length of the sequence a lead byte announces: 1 for ASCII, 2..4 for valid
// lead bytes, 0 for bytes that cannot start a character (continuation bytes,
// 0xC0, 0xC1, 0xF5..0xFF).
inline int SequenceLength(uint8_t b) {
  if (b < 0x80) return 1;
  if (b < 0xC2) return 0;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  if (b < 0xF5) return 4;
  return 0;
}

// Result of Decode when the bytes given are a valid but incomplete prefix.
inline constexpr int kIncomplete = 0;
// Code point reported for a byte that is not part of valid UTF-8.
inline constexpr int32_t kInvalid = -1;

// Decodes one character from p[0, n) (n >= 1). Returns the number of bytes
// consumed and sets *cp; an invalid byte consumes 1 byte with *cp = kInvalid
// (overlong forms, surrogates and values above U+10FFFF are invalid).
// Returns kIncomplete when `n` bytes are a proper prefix of a valid sequence,
// unless `final` is set, in which case the first byte is reported invalid.
// The result depends only on the bytes, never on where the buffer ends,
// except for kIncomplete: this makes decoding of a stream split anywhere
// identical to decoding it whole.
inline int Decode(const uint8_t* p, size_t n, bool final, int32_t* cp) {
  const uint8_t b0 = p[0];
  const int len = SequenceLength(b0);
  if (len == 1) {
    *cp = b0;
    return 1;
  }
  if (len == 0) {
    *cp = kInvalid;
    return 1;
  }
  // Valid range of the second byte depends on the lead byte.
  uint8_t lo = 0x80, hi = 0xBF;
  if (b0 == 0xE0) lo = 0xA0;
  if (b0 == 0xED) hi = 0x9F;
  if (b0 == 0xF0) lo = 0x90;
  if (b0 == 0xF4) hi = 0x8F;
  int32_t v = b0 & (0x7F >> len);
  for (int i = 1; i < len; ++i) {
    if (static_cast<size_t>(i) >= n) {
      if (final) break;
      return kIncomplete;
    }
    const uint8_t b = p[i];
    if (i == 1 ? (b < lo || b > hi) : !IsContinuation(b)) break;
    v = (v << 6) | (b & 0x3F);
    if (i == len - 1) {
      *cp = v;
      return len;
    }
  }
  *cp = kInvalid;
  return 1;
}

// Number of bytes of `token` to keep so that it holds at most `max_bytes`
// bytes and is not cut inside a UTF-8 character. Bytes that are not valid
// UTF-8 count as single characters. Returns token.size() if it fits.
inline size_t CutLength(std::string_view token, size_t max_bytes) {
  if (token.size() <= max_bytes) return token.size();
  // Find the start of the character that contains byte `max_bytes`.
  for (size_t back = 0; back < 4 && back <= max_bytes; ++back) {
    const size_t i = max_bytes - back;
    const uint8_t b = static_cast<uint8_t>(token[i]);
    if (IsContinuation(b)) continue;
    if (back == 0) return max_bytes;  // a character starts right at the cut
    const int len = SequenceLength(b);
    // Cut before the lead byte only if its (valid) sequence straddles the cut.
    if (len > 1 && i + len > max_bytes) {
      int32_t cp;
      const size_t avail = token.size() - i;
      if (Decode(reinterpret_cast<const uint8_t*>(token.data()) + i, avail,
                 /*final=*/true, &cp) == len) {
        return i;
      }
    }
    return max_bytes;
  }
  return max_bytes;  // only continuation bytes: invalid, cut anywhere
}

// Writes the UTF-8 encoding of code point `cp` (0 <= cp <= 0x10FFFF) to `out`
// (room for 4 bytes); returns the number of bytes written.
inline int Encode(int32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace wembed::utf8

#endif  // WEMBED_SRC_TEXT_UTF8_H_
