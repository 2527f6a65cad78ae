// Byte coding shared by every binary format wembed reads or writes
// (checkpoints, word2vec binary vectors, the encoded corpus): fixed-width
// little-endian integers and floats, independent of the host byte order, and
// LEB128 varints. Pure functions; thread-safe.
#ifndef WEMBED_SRC_BASE_CODING_H_
#define WEMBED_SRC_BASE_CODING_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace wembed {

// Largest number of bytes a varint of a 64-bit value takes.
inline constexpr size_t kMaxVarint64Bytes = 10;

// ---- Fixed-width little-endian integers. ----

inline void EncodeFixed32(char* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst[i] = char(uint8_t(v >> (8 * i)));
}
inline void EncodeFixed64(char* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst[i] = char(uint8_t(v >> (8 * i)));
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(p[i])) << (8 * i);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(p[i])) << (8 * i);
  return v;
}

inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  EncodeFixed32(b, v);
  out->append(b, 4);
}
inline void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  EncodeFixed64(b, v);
  out->append(b, 8);
}
// An IEEE-754 binary64 as the little-endian u64 of its bit pattern.
inline void PutDouble(std::string* out, double v) {
  PutFixed64(out, std::bit_cast<uint64_t>(v));
}
// A u32 length followed by the bytes.
inline void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutFixed32(out, uint32_t(s.size()));
  out->append(s);
}

// ---- Floats: IEEE-754 binary32 bit patterns, little-endian. ----

inline void EncodeFloat(char* dst, float f) {
  EncodeFixed32(dst, std::bit_cast<uint32_t>(f));
}
inline float DecodeFloat(const char* p) {
  return std::bit_cast<float>(DecodeFixed32(p));
}
// n floats to/from 4n bytes; bit-exact (NaN payloads, signed zeros).
inline void EncodeFloats(char* out, const float* in, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, in, n * sizeof(float));
  } else {
    for (size_t i = 0; i < n; ++i) EncodeFloat(out + 4 * i, in[i]);
  }
}
inline void DecodeFloats(float* out, const char* in, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, in, n * sizeof(float));
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = DecodeFloat(in + 4 * i);
  }
}

// ---- LEB128 varints: 7 bits per byte, low bits first, high bit = more. ----

inline size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes v at dst (room for VarintLength(v) bytes); returns the end.
inline uint8_t* EncodeVarint64(uint8_t* dst, uint64_t v) {
  while (v >= 0x80) {
    *dst++ = uint8_t(v | 0x80);
    v >>= 7;
  }
  *dst++ = uint8_t(v);
  return dst;
}

inline void PutVarint64(std::string* out, uint64_t v) {
  uint8_t buf[kMaxVarint64Bytes];
  const uint8_t* end = EncodeVarint64(buf, v);
  out->append(reinterpret_cast<const char*>(buf), size_t(end - buf));
}

// Decodes the varint at p and advances p past it. Precondition: p points at
// a well-formed varint of at most 5 bytes (a 32-bit value) inside the
// buffer. For the trainer's hot loop over an encoded corpus it has checked.
inline uint32_t DecodeVarint32Unchecked(const uint8_t*& p) {
  uint32_t v = *p & 0x7f;
  int shift = 7;
  while (*p++ & 0x80) {
    v |= uint32_t(*p & 0x7f) << shift;
    shift += 7;
  }
  return v;
}

// As above for 64-bit values (at most kMaxVarint64Bytes bytes).
inline uint64_t DecodeVarint64Unchecked(const uint8_t*& p) {
  uint64_t v = 0;
  int shift = 0;
  while (*p & 0x80) {
    v |= uint64_t(*p++ & 0x7f) << shift;
    shift += 7;
  }
  v |= uint64_t(*p++) << shift;
  return v;
}

// Checked decoding of untrusted bytes: false (and *in unchanged) when the
// varint is truncated or longer than 10 bytes or overflows 64 bits.
inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (size_t i = 0; i < in->size() && i < kMaxVarint64Bytes; ++i) {
    const uint64_t byte = uint8_t((*in)[i]);
    if (i == kMaxVarint64Bytes - 1 && byte > 1) return false;
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *v = result;
      in->remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

// ---- Bounds-checked sequential decoding of an in-memory payload. ----

// Each getter returns false, consuming nothing, when too few bytes remain.
class ByteDecoder {
 public:
  explicit ByteDecoder(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size(); }

  bool Fixed32(uint32_t* v) {
    if (data_.size() < 4) return false;
    *v = DecodeFixed32(data_.data());
    data_.remove_prefix(4);
    return true;
  }
  bool Fixed64(uint64_t* v) {
    if (data_.size() < 8) return false;
    *v = DecodeFixed64(data_.data());
    data_.remove_prefix(8);
    return true;
  }
  bool Double(double* v) {
    uint64_t bits;
    if (!Fixed64(&bits)) return false;
    *v = std::bit_cast<double>(bits);
    return true;
  }
  bool Varint64(uint64_t* v) { return GetVarint64(&data_, v); }
  // A u32 length followed by that many bytes; the view points into the
  // decoded data.
  bool LengthPrefixedView(std::string_view* s) {
    if (data_.size() < 4) return false;
    const uint32_t n = DecodeFixed32(data_.data());
    if (data_.size() - 4 < n) return false;
    *s = data_.substr(4, n);
    data_.remove_prefix(4 + size_t(n));
    return true;
  }
  // A u32 length followed by that many bytes.
  bool LengthPrefixed(std::string* s) {
    if (data_.size() < 4) return false;
    const uint32_t n = DecodeFixed32(data_.data());
    if (data_.size() - 4 < n) return false;
    s->assign(data_.data() + 4, n);
    data_.remove_prefix(4 + size_t(n));
    return true;
  }

 private:
  std::string_view data_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_CODING_H_
