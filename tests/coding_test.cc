// The byte coding every binary format shares: fixed-width little-endian
// integers and floats, LEB128 varints, and the bounds-checked decoder.
#include "base/coding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "base/crc32.h"

namespace wembed {
namespace {

TEST(CodingTest, FixedWidthIsLittleEndianWhateverTheHost) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0c0b0a0908070605ull);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c",
                           12));
  EXPECT_EQ(DecodeFixed32(s.data()), 0x04030201u);
  EXPECT_EQ(DecodeFixed64(s.data() + 4), 0x0c0b0a0908070605ull);
}

TEST(CodingTest, FloatsAreCopiedBitExactly) {
  const float values[] = {0.0f, -0.0f, 1.5f, -3.25e-39f /* denormal */,
                          std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN()};
  char bytes[sizeof(values)];
  EncodeFloats(bytes, values, 6);
  float back[6];
  DecodeFloats(back, bytes, 6);
  EXPECT_EQ(std::memcmp(values, back, sizeof(values)), 0);
  char one[4];
  EncodeFloat(one, 1.0f);  // 0x3f800000
  EXPECT_EQ(std::string(one, 4), std::string("\x00\x00\x80\x3f", 4));
  EXPECT_EQ(DecodeFloat(one), 1.0f);
}

TEST(CodingTest, VarintKnownEncodings) {
  const std::pair<uint64_t, std::string> cases[] = {
      {0, std::string("\x00", 1)},
      {1, "\x01"},
      {127, "\x7f"},
      {128, "\x80\x01"},
      {300, "\xac\x02"},
      {~uint64_t{0}, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"}};
  for (const auto& [value, bytes] : cases) {
    std::string s;
    PutVarint64(&s, value);
    EXPECT_EQ(s, bytes) << value;
    EXPECT_EQ(VarintLength(value), bytes.size()) << value;
    const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
    EXPECT_EQ(DecodeVarint64Unchecked(p), value);
    EXPECT_EQ(p, reinterpret_cast<const uint8_t*>(s.data()) + s.size());
  }
}

TEST(CodingTest, VarintRoundTripOfRandomValues) {
  std::mt19937_64 rng(5);
  std::string s;
  std::vector<uint64_t> values;
  for (int i = 0; i < 5000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    values.push_back(v);
    PutVarint64(&s, v);
  }
  std::string_view in = s;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  for (uint64_t v : values) {
    uint64_t got = 0;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
    const uint64_t unchecked = DecodeVarint64Unchecked(p);
    EXPECT_EQ(unchecked, v);
    if (v < (uint64_t{1} << 32) - 1) {
      const uint8_t* q = p - VarintLength(v);
      EXPECT_EQ(DecodeVarint32Unchecked(q), v);
    }
  }
  EXPECT_TRUE(in.empty());
}

TEST(CodingTest, CheckedVarintRejectsTruncatedAndOverlong) {
  uint64_t v = 7;
  std::string_view truncated("\x80\x80", 2);
  EXPECT_FALSE(GetVarint64(&truncated, &v));
  EXPECT_EQ(truncated.size(), 2u);  // nothing consumed
  EXPECT_EQ(v, 7u);
  std::string_view overlong("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
  EXPECT_FALSE(GetVarint64(&overlong, &v));  // more than 64 bits
  std::string_view eleven("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11);
  EXPECT_FALSE(GetVarint64(&eleven, &v));
  std::string_view empty;
  EXPECT_FALSE(GetVarint64(&empty, &v));
}

TEST(CodingTest, ByteDecoderNeverReadsPastTheEnd) {
  std::string s;
  PutFixed32(&s, 9);
  PutLengthPrefixed(&s, "abc");
  PutDouble(&s, -2.5);
  ByteDecoder d(s);
  uint32_t u;
  std::string str;
  double x;
  ASSERT_TRUE(d.Fixed32(&u));
  EXPECT_EQ(u, 9u);
  ASSERT_TRUE(d.LengthPrefixed(&str));
  EXPECT_EQ(str, "abc");
  ASSERT_TRUE(d.Double(&x));
  EXPECT_EQ(x, -2.5);
  EXPECT_EQ(d.remaining(), 0u);
  EXPECT_FALSE(d.Fixed32(&u));
  // A length prefix that claims more than is left fails, consuming nothing.
  std::string lying;
  PutFixed32(&lying, 100);
  lying += "short";
  ByteDecoder l(lying);
  EXPECT_FALSE(l.LengthPrefixed(&str));
  EXPECT_EQ(l.remaining(), lying.size());
}

TEST(Crc32Test, StandardCheckValueAndExtension) {
  EXPECT_EQ(Crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(Crc32Extend(Crc32("1234", 4), "56789", 5), 0xCBF43926u);
  EXPECT_EQ(Crc32("", 0), 0u);
}

}  // namespace
}  // namespace wembed
