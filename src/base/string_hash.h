// HashBytes: a fast 64-bit hash for short byte strings (words), used by the
// counting table and the vocabulary index. Not cryptographic; stable within a
// process only (never persisted).
#ifndef WEMBED_SRC_BASE_STRING_HASH_H_
#define WEMBED_SRC_BASE_STRING_HASH_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace wembed {

namespace hash_internal {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// 64x64 -> 128 bit multiply, folded to 64 bits.
inline uint64_t MulFold(uint64_t a, uint64_t b) {
  const unsigned __int128 m = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

inline constexpr uint64_t kK0 = 0x9e3779b97f4a7c15ULL;
inline constexpr uint64_t kK1 = 0xc2b2ae3d27d4eb4fULL;
inline constexpr uint64_t kK2 = 0x165667b19e3779f9ULL;

}  // namespace hash_internal

// Hash of the `n` bytes at `p`. Reads only those bytes.
inline uint64_t HashBytes(const char* p, size_t n) {
  using namespace hash_internal;
  uint64_t h = kK0 ^ (n * kK1);
  if (n <= 16) {
    uint64_t a = 0;
    uint64_t b = 0;
    if (n >= 8) {
      a = Load64(p);
      b = Load64(p + n - 8);
    } else if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      a = (uint64_t(uint8_t(p[0])) << 16) |
          (uint64_t(uint8_t(p[n >> 1])) << 8) | uint8_t(p[n - 1]);
    }
    return MulFold(a ^ kK1, b ^ h ^ kK2) ^ h;
  }
  while (n > 16) {
    h = MulFold(Load64(p) ^ kK1, Load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  // Last 16 bytes (may overlap the previous block).
  return MulFold(Load64(p + n - 16) ^ kK2, Load64(p + n - 8) ^ h) ^ h;
}

// Whether the `n` bytes at `a` and `b` are equal; faster than memcmp for the
// short strings words are. Reads only those bytes.
inline bool EqualBytes(const char* a, const char* b, size_t n) {
  using hash_internal::Load32;
  using hash_internal::Load64;
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return ((Load64(a) ^ Load64(b)) |
            (Load64(a + n - 8) ^ Load64(b + n - 8))) == 0;
  }
  if (n >= 4) {
    return ((Load32(a) ^ Load32(b)) |
            (Load32(a + n - 4) ^ Load32(b + n - 4))) == 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline uint64_t HashBytes(std::string_view s) {
  return HashBytes(s.data(), s.size());
}

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_STRING_HASH_H_
