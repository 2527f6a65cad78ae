#include "corpus/count_table.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "base/string_hash.h"

namespace wembed {

namespace {

constexpr size_t kMinPrunedCapacity = 16;
constexpr size_t kMinArenaBlockBytes = 4096;

}  // namespace

static_assert(sizeof(CountTable::Entry) == 32);

CountTable::CountTable(size_t initial_capacity) { Rehash(initial_capacity); }

const char* CountTable::CopyToArena(std::string_view word) {
  if (arena_blocks_.empty() || arena_used_ + word.size() > arena_block_size_) {
    // Blocks grow from 4 KiB to kArenaBlockBytes: a table that holds few
    // long words (or is pruned often) allocates little.
    arena_block_size_ = std::max(
        word.size(), std::clamp(2 * arena_block_size_, kMinArenaBlockBytes,
                                kArenaBlockBytes));
    arena_blocks_.push_back(std::make_unique<char[]>(arena_block_size_));
    arena_used_ = 0;
  }
  char* dst = arena_blocks_.back().get() + arena_used_;
  std::memcpy(dst, word.data(), word.size());
  arena_used_ += word.size();
  return dst;
}

void CountTable::Clear() {
  if (size_ > 0) std::fill(slots_.begin(), slots_.end(), Entry{});
  size_ = 0;
  next_provisional_id_ = 0;
  // Keep the last (largest) arena block for the next words; blocks grow,
  // so arena_block_size_, the last block's size, stays its size.
  if (arena_blocks_.size() > 1) {
    arena_blocks_.front() = std::move(arena_blocks_.back());
    arena_blocks_.resize(1);
  }
  arena_used_ = 0;
}

size_t CountTable::Probe(std::string_view word, uint64_t hash) const {
  const uint32_t tag = static_cast<uint32_t>(hash >> 32);
  const uint32_t size = static_cast<uint32_t>(word.size());
  size_t i = hash & mask_;
  while (true) {
    const Entry& e = slots_[i];
    if (e.count == 0) return i;
    if (e.tag == tag && e.size == size &&
        EqualBytes(size <= kInlineBytes ? e.bytes : e.data, word.data(),
                   size)) {
      return i;
    }
    i = (i + 1) & mask_;
  }
}

CountTable::Entry& CountTable::AddCount(std::string_view word, uint64_t n,
                                        uint64_t hash) {
  size_t i = Probe(word, hash);
  if (slots_[i].count != 0) {
    slots_[i].count += n;
    return slots_[i];
  }
  // A new word. Keep the load factor at most 0.7.
  if ((size_ + 1) * 10 > slots_.size() * 7) {
    Rehash(slots_.size() * 2);
    i = hash & mask_;
    while (slots_[i].count != 0) i = (i + 1) & mask_;
  }
  Entry& e = slots_[i];
  e.count = n;
  e.provisional_id = next_provisional_id_++;
  e.tag = static_cast<uint32_t>(hash >> 32);
  e.size = static_cast<uint32_t>(word.size());
  if (e.size <= kInlineBytes) {
    std::memcpy(e.bytes, word.data(), e.size);
  } else {
    e.data = CopyToArena(word);
  }
  ++size_;
  return e;
}

void CountTable::Rehash(size_t capacity) {
  std::vector<Entry, LargeAllocator<Entry>> old(capacity, Entry{});
  old.swap(slots_);
  mask_ = capacity - 1;
  for (const Entry& e : old) {
    if (e.count == 0) continue;
    size_t i = HashBytes(e.word()) & mask_;
    while (slots_[i].count != 0) i = (i + 1) & mask_;
    slots_[i] = e;
  }
}

const CountTable::Entry* CountTable::Find(std::string_view word) const {
  const size_t i = Probe(word, HashBytes(word));
  return slots_[i].count != 0 ? &slots_[i] : nullptr;
}

CountTable::Pruned CountTable::Prune(uint64_t threshold) {
  std::vector<Entry> kept;
  Pruned pruned;
  ForEach([&](const Entry& e) {
    if (e.count > threshold) {
      kept.push_back(e);
    } else {
      ++pruned.entries;
      pruned.occurrences += e.count;
    }
  });
  // Copy the surviving long words into a fresh arena so pruned ones free
  // their memory.
  std::vector<std::unique_ptr<char[]>> old_blocks;
  old_blocks.swap(arena_blocks_);
  arena_used_ = 0;
  arena_block_size_ = 0;
  for (Entry& e : kept) {
    if (e.size > kInlineBytes) e.data = CopyToArena(e.word());
  }
  old_blocks.clear();
  // Sized by what is kept, not the initial capacity: a small table (a
  // tiny --max-table-entries prunes after nearly every word) costs little
  // to prune.
  size_t capacity = kMinPrunedCapacity;
  while (capacity * 7 < kept.size() * 10) capacity *= 2;
  slots_.assign(capacity, Entry{});
  mask_ = capacity - 1;
  for (const Entry& e : kept) {
    size_t i = HashBytes(e.word()) & mask_;
    while (slots_[i].count != 0) i = (i + 1) & mask_;
    slots_[i] = e;
  }
  size_ = kept.size();
  return pruned;
}

void TablePruner::PruneAt(CountTable& table, uint64_t threshold) {
  const CountTable::Pruned p = table.Prune(threshold);
  pruned_.entries += p.entries;
  pruned_.occurrences += p.occurrences;
  ++rounds_;
}

void TablePruner::Prune(CountTable& table) {
  const size_t target = std::max<uint64_t>(1, max_entries_ * 3 / 4);
  PruneAt(table, threshold_);
  if (table.size() <= target) return;
  std::vector<uint64_t> counts;
  counts.reserve(table.size());
  table.ForEach([&](const CountTable::Entry& e) { counts.push_back(e.count); });
  // Keeping only counts > counts[target] (descending) leaves <= target.
  std::nth_element(counts.begin(), counts.begin() + target, counts.end(),
                   std::greater<uint64_t>());
  threshold_ = std::max(threshold_ + 1, counts[target]);
  PruneAt(table, threshold_);
}

}  // namespace wembed
