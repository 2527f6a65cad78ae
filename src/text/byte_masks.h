// Separator masks for the tokenizer's fast path (no lowercasing, no
// punctuation stripping): there a byte separates tokens iff it is one of
// ' ', '\t', '\n', '\v', '\f', '\r' or NUL, and '\n' also ends a sentence.
// Classify64 computes the masks of 64 bytes at once (SSE2 on x86-64);
// Classify64Scalar is the reference it is tested against.
#ifndef WEMBED_SRC_TEXT_BYTE_MASKS_H_
#define WEMBED_SRC_TEXT_BYTE_MASKS_H_

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace wembed {

struct ByteMasks {
  uint64_t separators;  // bit i: p[i] is a separator (newlines included)
  uint64_t newlines;    // bit i: p[i] == '\n'
};

inline bool IsFastSeparator(uint8_t b) {
  return b == ' ' || b == 0 || uint8_t(b - '\t') <= uint8_t('\r' - '\t');
}

// The masks of the 64 bytes at `p` (all 64 are read).
inline ByteMasks Classify64Scalar(const char* p) {
  ByteMasks m{0, 0};
  for (int i = 0; i < 64; ++i) {
    const uint8_t b = static_cast<uint8_t>(p[i]);
    m.separators |= uint64_t{IsFastSeparator(b)} << i;
    m.newlines |= uint64_t{b == '\n'} << i;
  }
  return m;
}

#if defined(__SSE2__)
inline ByteMasks Classify64(const char* p) {
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i zero = _mm_setzero_si128();
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i span = _mm_set1_epi8('\r' - '\t');
  const __m128i newline = _mm_set1_epi8('\n');
  ByteMasks m{0, 0};
  for (int k = 0; k < 4; ++k) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    // b - '\t' <= 4 (unsigned): min(x, 4) == x.
    const __m128i off = _mm_sub_epi8(v, tab);
    const __m128i in_range = _mm_cmpeq_epi8(_mm_min_epu8(off, span), off);
    const __m128i sep = _mm_or_si128(
        in_range,
        _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, zero)));
    const uint64_t s = uint32_t(_mm_movemask_epi8(sep));
    const uint64_t n = uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)));
    m.separators |= s << (16 * k);
    m.newlines |= n << (16 * k);
  }
  return m;
}
#else
inline ByteMasks Classify64(const char* p) { return Classify64Scalar(p); }
#endif

}  // namespace wembed

#endif  // WEMBED_SRC_TEXT_BYTE_MASKS_H_
