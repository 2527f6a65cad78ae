// ByteBlockList: the encoder's append-only buffer of kernel-mapped blocks.
#include "corpus/byte_block_list.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "base/coding.h"

namespace wembed {
namespace {

// Decodes every varint of every block, in order.
std::vector<uint64_t> DecodeAll(const ByteBlockList& list) {
  std::vector<uint64_t> out;
  for (size_t b = 0; b < list.num_blocks(); ++b) {
    const std::span<const uint8_t> block = list.block(b);
    const uint8_t* p = block.data();
    while (p < block.data() + block.size()) {
      out.push_back(DecodeVarint64Unchecked(p));
    }
    EXPECT_EQ(p, block.data() + block.size()) << "a varint spans blocks";
  }
  return out;
}

TEST(ByteBlockListTest, VarintsRoundTripAndNeverSpanTwoBlocks) {
  ByteBlockList list(/*block_bytes=*/4096);  // one page: many boundaries
  std::mt19937_64 rng(3);
  std::vector<uint64_t> values;
  size_t bytes = 0;
  for (int i = 0; i < 40000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    values.push_back(v);
    bytes += VarintLength(v);
    list.AppendVarint(v);
  }
  EXPECT_EQ(list.size(), bytes);
  EXPECT_GT(list.num_blocks(), 40u);
  EXPECT_EQ(DecodeAll(list), values);
}

TEST(ByteBlockListTest, BytesAndVarintsInterleave) {
  ByteBlockList list(16);
  std::vector<uint8_t> expected;
  for (int i = 0; i < 100; ++i) {
    list.AppendByte(0);
    list.AppendVarint(uint64_t(i) * 1000 + 1);
  }
  std::vector<uint8_t> got;
  for (size_t b = 0; b < list.num_blocks(); ++b) {
    for (uint8_t byte : list.block(b)) got.push_back(byte);
  }
  for (int i = 0; i < 100; ++i) {
    expected.push_back(0);
    uint8_t buf[kMaxVarint64Bytes];
    const uint8_t* end = EncodeVarint64(buf, uint64_t(i) * 1000 + 1);
    expected.insert(expected.end(), static_cast<const uint8_t*>(buf), end);
  }
  EXPECT_EQ(got, expected);
}

TEST(ByteBlockListTest, ReleasedBlocksAreEmptyAndUncounted) {
  ByteBlockList list(4096);
  for (int i = 0; i < 5000; ++i) list.AppendVarint(12345);
  const size_t blocks = list.num_blocks();
  ASSERT_GT(blocks, 2u);
  const size_t first = list.block(0).size();
  const size_t before = list.size();
  list.ReleaseBlock(0);
  EXPECT_TRUE(list.block(0).empty());
  EXPECT_EQ(list.size(), before - first);
  EXPECT_EQ(list.num_blocks(), blocks);
  for (size_t b = 1; b < blocks; ++b) list.ReleaseBlock(b);
  EXPECT_EQ(list.size(), 0u);
}

TEST(ByteBlockListTest, EmptyListHasNoBlocks) {
  ByteBlockList list;
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.num_blocks(), 0u);
}

}  // namespace
}  // namespace wembed
