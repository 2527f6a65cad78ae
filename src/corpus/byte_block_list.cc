#include "corpus/byte_block_list.h"

#include <sys/mman.h>

#include <new>

namespace wembed {

ByteBlockList::ByteBlockList(size_t block_bytes)
    : block_bytes_(block_bytes < 4096 ? 4096 : block_bytes) {}

ByteBlockList::~ByteBlockList() {
  for (size_t i = 0; i < blocks_.size(); ++i) ReleaseBlock(i);
}

void ByteBlockList::NewBlock() {
  if (!blocks_.empty()) blocks_.back().used = cur_ - blocks_.back().data;
  void* p = mmap(nullptr, block_bytes_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  blocks_.push_back(Block{static_cast<uint8_t*>(p), 0});
  cur_ = static_cast<uint8_t*>(p);
  end_ = cur_ + block_bytes_;
}

size_t ByteBlockList::size() const {
  size_t total = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) total += block(i).size();
  return total;
}

std::span<const uint8_t> ByteBlockList::block(size_t i) const {
  const Block& b = blocks_[i];
  if (b.data == nullptr) return {};
  const size_t used = (i + 1 == blocks_.size()) ? cur_ - b.data : b.used;
  return {b.data, used};
}

void ByteBlockList::ReleaseBlock(size_t i) {
  Block& b = blocks_[i];
  if (b.data == nullptr) return;
  if (i + 1 == blocks_.size()) {
    b.used = cur_ - b.data;
    cur_ = end_ = nullptr;
  }
  munmap(b.data, block_bytes_);
  b.data = nullptr;
  b.used = 0;
}

}  // namespace wembed
