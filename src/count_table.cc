#include "count_table.h"

#include <cstring>

#include "string_hash.h"

namespace wembed {

namespace {

constexpr size_t kInitialCapacity = 1 << 16;

inline uint64_t Tag(uint64_t hash) { return hash & 0xFFFFFFFF00000000ULL; }

}  // namespace

CountTable::CountTable() { Rehash(kInitialCapacity); }

const char* CountTable::CopyToArena(std::string_view word) {
  if (arena_blocks_.empty() || arena_used_ + word.size() > arena_block_size_) {
    arena_block_size_ = std::max(kArenaBlockBytes, word.size());
    arena_blocks_.push_back(std::make_unique<char[]>(arena_block_size_));
    arena_used_ = 0;
  }
  char* dst = arena_blocks_.back().get() + arena_used_;
  std::memcpy(dst, word.data(), word.size());
  arena_used_ += word.size();
  return dst;
}

CountTable::Entry& CountTable::Add(std::string_view word) {
  const uint64_t hash = HashBytes(word);
  const uint64_t tag = Tag(hash);
  size_t i = hash & mask_;
  while (true) {
    const uint64_t slot = slots_[i];
    if (slot == 0) break;
    if ((slot & 0xFFFFFFFF00000000ULL) == tag) {
      Entry& e = entries_[static_cast<uint32_t>(slot) - 1];
      if (e.size == word.size() && EqualBytes(e.data, word.data(), e.size)) {
        ++e.count;
        return e;
      }
    }
    i = (i + 1) & mask_;
  }
  // New word. Keep the load factor at most 1/2.
  if ((entries_.size() + 1) * 2 > slots_.size()) {
    Rehash(slots_.size() * 2);
    i = hash & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
  }
  entries_.push_back(Entry{CopyToArena(word),
                           static_cast<uint32_t>(word.size()), 0, 1,
                           next_provisional_id_++});
  slots_[i] = tag | entries_.size();
  return entries_.back();
}

void CountTable::Rehash(size_t capacity) {
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (size_t k = 0; k < entries_.size(); ++k) {
    const uint64_t hash = HashBytes(entries_[k].word());
    size_t i = hash & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = Tag(hash) | (k + 1);
  }
}

void CountTable::Prune(uint64_t threshold) {
  std::vector<Entry> kept;
  std::vector<std::unique_ptr<char[]>> old_blocks;
  old_blocks.swap(arena_blocks_);
  arena_used_ = 0;
  arena_block_size_ = 0;
  for (const Entry& e : entries_) {
    if (e.count > threshold) kept.push_back(e);
  }
  // Copy the surviving words into a fresh arena so pruned words free memory.
  for (Entry& e : kept) e.data = CopyToArena(e.word());
  old_blocks.clear();
  entries_.swap(kept);
  kept = std::vector<Entry>();
  size_t capacity = kInitialCapacity;
  while (capacity < entries_.size() * 2) capacity *= 2;
  Rehash(capacity);
}

size_t CountTable::MemoryBytes() const {
  return slots_.capacity() * sizeof(uint64_t) +
         entries_.capacity() * sizeof(Entry) +
         arena_blocks_.size() * kArenaBlockBytes;
}

}  // namespace wembed
