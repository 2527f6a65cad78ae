// ByteBlockList: an append-only byte buffer made of fixed-size blocks that
// are mapped straight from the kernel (mmap), so that a consumer can release
// them one by one and the memory really goes back to the system (the encoder
// converts its temporary buffer into the final one block by block, keeping
// peak memory near the larger of the two instead of their sum).
// Not thread-safe.
#ifndef WEMBED_SRC_CORPUS_BYTE_BLOCK_LIST_H_
#define WEMBED_SRC_CORPUS_BYTE_BLOCK_LIST_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/coding.h"

namespace wembed {

class ByteBlockList {
 public:
  // Blocks are at least one page (4096 bytes).
  explicit ByteBlockList(size_t block_bytes = size_t{4} << 20);
  ~ByteBlockList();
  ByteBlockList(const ByteBlockList&) = delete;
  ByteBlockList& operator=(const ByteBlockList&) = delete;

  // Appends LEB128(value). A varint never spans two blocks. Throws
  // std::bad_alloc when the system has no memory left.
  void AppendVarint(uint64_t value) {
    if (end_ - cur_ < static_cast<ptrdiff_t>(kMaxVarint64Bytes)) NewBlock();
    cur_ = EncodeVarint64(cur_, value);
  }
  void AppendByte(uint8_t b) {
    if (cur_ == end_) NewBlock();
    *cur_++ = b;
  }

  // Bytes appended so far (blocks not yet released).
  size_t size() const;
  size_t num_blocks() const { return blocks_.size(); }
  // Contents of block i (whole varints only).
  std::span<const uint8_t> block(size_t i) const;
  // Returns block i's memory to the system; block(i) is then empty.
  void ReleaseBlock(size_t i);

 private:
  struct Block {
    uint8_t* data;
    size_t used;
  };
  void NewBlock();

  size_t block_bytes_;
  std::vector<Block> blocks_;
  uint8_t* cur_ = nullptr;
  uint8_t* end_ = nullptr;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_BYTE_BLOCK_LIST_H_
