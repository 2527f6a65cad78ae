#include "corpus/block_words.h"

#include <algorithm>
#include <cstring>

#include "base/string_hash.h"

namespace wembed {

namespace {

constexpr size_t kArenaBlockBytes = size_t{64} << 10;

}  // namespace

BlockWords::BlockWords(size_t initial_slots) {
  index_.assign(initial_slots, 0);
  mask_ = initial_slots - 1;
}

uint32_t BlockWords::Insert(std::string_view word, uint64_t hash, size_t slot,
                            bool transient) {
  Entry e;
  e.size = static_cast<uint32_t>(word.size());
  e.count = 1;
  if (e.size <= kInlineBytes) {
    std::memcpy(e.bytes, word.data(), e.size);
  } else {
    e.data = transient ? CopyToArena(word) : word.data();
  }
  entries_.push_back(e);
  hashes_.push_back(hash);
  const uint32_t id = static_cast<uint32_t>(entries_.size() - 1);
  index_[slot] = id + 1;
  // At most half full: a miss ends within a probe or two.
  if (2 * entries_.size() > index_.size()) Rehash(2 * index_.size());
  return id;
}

const char* BlockWords::CopyToArena(std::string_view word) {
  if (arena_.empty() || arena_used_ + word.size() > kArenaBlockBytes) {
    arena_.push_back(
        std::make_unique<char[]>(std::max(kArenaBlockBytes, word.size())));
    arena_used_ = 0;
  }
  char* dst = arena_.back().get() + arena_used_;
  std::memcpy(dst, word.data(), word.size());
  arena_used_ += word.size();
  return dst;
}

void BlockWords::Rehash(size_t slots) {
  index_.assign(slots, 0);
  mask_ = slots - 1;
  for (uint32_t id = 0; id < entries_.size(); ++id) {
    size_t i = hashes_[id] & mask_;
    while (index_[i] != 0) i = (i + 1) & mask_;
    index_[i] = id + 1;
  }
}

void BlockWords::Clear() {
  if (!entries_.empty()) std::fill(index_.begin(), index_.end(), 0);
  entries_.clear();
  hashes_.clear();
  // Keep one arena block (words longer than it got their own).
  if (arena_.size() > 1) arena_.resize(1);
  arena_used_ = 0;
}

}  // namespace wembed
