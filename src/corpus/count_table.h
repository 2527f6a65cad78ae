// CountTable: the word-counting hash table of the vocabulary pass.
//
// Open addressing with linear probing; the 32-byte entries live in the slot
// array itself, and words of up to 8 bytes are stored inline in the entry,
// so a lookup of a typical word touches one cache line (longer words are in
// a block arena with stable pointers). Each entry carries a provisional id:
// a number handed out in first-occurrence order and never reused, even after
// the entry is pruned (the encoder records provisional ids and maps them to
// final ids at the end; ordering by it is first-occurrence order).
// Not thread-safe.
#ifndef WEMBED_SRC_CORPUS_COUNT_TABLE_H_
#define WEMBED_SRC_CORPUS_COUNT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/huge_pages.h"
#include "base/string_hash.h"

namespace wembed {

class CountTable {
 public:
  static constexpr size_t kInlineBytes = 8;

  struct Entry {
    uint64_t count;  // 0 = empty slot
    uint64_t provisional_id;
    uint32_t tag;  // high 32 bits of the word's hash
    uint32_t size;
    union {
      char bytes[kInlineBytes];  // size <= kInlineBytes
      const char* data;          // size > kInlineBytes: in the arena
    };
    std::string_view word() const {
      return std::string_view(size <= kInlineBytes ? bytes : data, size);
    }
  };

  // `initial_capacity`: slots to start with (a power of two; the table
  // grows as needed).
  explicit CountTable(size_t initial_capacity = size_t{1} << 16);

  // Adds one occurrence of `word` (non-empty, shorter than 4 GiB) and
  // returns its entry; the reference is valid until the next Add or Prune.
  Entry& Add(std::string_view word) { return AddCount(word, 1); }
  // Adds `n` (>= 1) occurrences; a new entry gets the next provisional id.
  Entry& AddCount(std::string_view word, uint64_t n) {
    return AddCount(word, n, HashBytes(word));
  }
  // The same with `hash` = HashBytes(word) computed by the caller.
  Entry& AddCount(std::string_view word, uint64_t n, uint64_t hash);

  // Asks for the cache line where a lookup of `word` starts (no effect on
  // the contents; for callers that know their next words).
  void Prefetch(std::string_view word) const { PrefetchHash(HashBytes(word)); }
  void PrefetchHash(uint64_t hash) const {
    __builtin_prefetch(&slots_[hash & mask_]);
  }

  // The entry of `word`, or null if it is not in the table. The pointer is
  // valid until the next Add or Prune.
  const Entry* Find(std::string_view word) const;

  // Empties the table and restarts provisional ids at 0, keeping the
  // memory for reuse (a scan thread reuses one table per block of text).
  void Clear();

  struct Pruned {
    uint64_t entries = 0;      // entries removed
    uint64_t occurrences = 0;  // the sum of their counts
  };
  // Removes every entry with count <= threshold. Invalidates references.
  Pruned Prune(uint64_t threshold);

  // Calls fn(const Entry&) for each entry, in no particular order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Entry& e : slots_) {
      if (e.count != 0) fn(e);
    }
  }

  size_t size() const { return size_; }
  // Provisional ids handed out so far (all are < this).
  uint64_t num_provisional_ids() const { return next_provisional_id_; }

 private:
  // Index of the slot holding `word` (whose hash is `hash`), or of the
  // empty slot where it would go.
  size_t Probe(std::string_view word, uint64_t hash) const;
  static constexpr size_t kArenaBlockBytes = 1 << 20;
  const char* CopyToArena(std::string_view word);
  // Moves every entry into a table of `capacity` slots (a power of two).
  void Rehash(size_t capacity);

  // Probed at random: huge pages once large (LargeAllocator).
  std::vector<Entry, LargeAllocator<Entry>> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  std::vector<std::unique_ptr<char[]>> arena_blocks_;
  size_t arena_used_ = 0;        // bytes used in the last block
  size_t arena_block_size_ = 0;  // size of the last block
  uint64_t next_provisional_id_ = 0;
};

// Holds a CountTable to a bounded number of entries the way word2vec's
// ReduceVocab does: once the table has more than `max_entries` entries,
// every entry with count <= threshold is dropped (threshold starts at 1);
// if that does not bring it down to 3/4 of the limit, the threshold is
// raised (straight to the level that is enough) and it drops again. The
// threshold never goes down, so counts of entries seen again after being
// dropped stay low. Deterministic: the same sequence of Adds prunes the same
// entries. Not thread-safe.
class TablePruner {
 public:
  explicit TablePruner(uint64_t max_entries) : max_entries_(max_entries) {}

  // Call after each Add: prunes `table` if it is over the limit.
  void MaybePrune(CountTable& table) {
    if (table.size() > max_entries_) Prune(table);
  }

  uint64_t max_entries() const { return max_entries_; }
  // Times the table was pruned.
  uint64_t rounds() const { return rounds_; }
  // Highest threshold used (counts <= it were dropped); 0 if never pruned.
  uint64_t threshold() const { return rounds_ == 0 ? 0 : threshold_; }
  // Entries dropped so far, and the sum of their counts.
  const CountTable::Pruned& pruned() const { return pruned_; }

 private:
  void Prune(CountTable& table);
  void PruneAt(CountTable& table, uint64_t threshold);

  const uint64_t max_entries_;
  uint64_t rounds_ = 0;
  uint64_t threshold_ = 1;
  CountTable::Pruned pruned_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_COUNT_TABLE_H_
