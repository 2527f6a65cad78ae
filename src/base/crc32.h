// CRC-32 (zlib's crc32(): ISO-HDLC / IEEE 802.3, reflected 0x04C11DB7,
// init and final XOR 0xFFFFFFFF; Crc32("123456789") == 0xCBF43926), the
// checksum of every checksummed record wembed writes. Thread-safe.
#ifndef WEMBED_SRC_BASE_CRC32_H_
#define WEMBED_SRC_BASE_CRC32_H_

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace wembed {

// The CRC of the bytes that gave `crc`, followed by p[0, n).
inline uint32_t Crc32Extend(uint32_t crc, const void* p, size_t n) {
  constexpr size_t kMaxStep = size_t{1} << 30;  // crc32() takes a uInt
  const auto* bytes = static_cast<const Bytef*>(p);
  while (n > 0) {
    const size_t step = std::min(n, kMaxStep);
    crc = uint32_t(::crc32(crc, bytes, uInt(step)));
    bytes += step;
    n -= step;
  }
  return crc;
}

inline uint32_t Crc32(const void* p, size_t n) { return Crc32Extend(0, p, n); }

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_CRC32_H_
