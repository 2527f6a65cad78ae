// CountTable: the word-counting hash table of the vocabulary pass.
//
// Open addressing with linear probing over a power-of-two slot array; each
// slot packs 32 bits of the word's hash with its entry index, so probes
// rarely touch the strings. Word bytes live in a block arena (stable
// pointers). Entries stay in first-occurrence order, and each carries a
// provisional id: a number given in first-occurrence order that is never
// reused, even after the entry is pruned (the encoder records provisional
// ids and maps them to final ids at the end). Not thread-safe.
#ifndef WEMBED_SRC_COUNT_TABLE_H_
#define WEMBED_SRC_COUNT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace wembed {

class CountTable {
 public:
  struct Entry {
    const char* data;
    uint32_t size;
    uint32_t reserved;
    uint64_t count;
    uint64_t provisional_id;
    std::string_view word() const { return std::string_view(data, size); }
  };

  CountTable();

  // Adds one occurrence of `word` (non-empty, at most 2^32-1 bytes) and
  // returns its entry; the reference is valid until the next Add or Prune.
  Entry& Add(std::string_view word);

  // Removes every entry with count <= threshold; keeps the order of the
  // rest. Invalidates references into the table.
  void Prune(uint64_t threshold);

  size_t size() const { return entries_.size(); }
  // Entries in first-occurrence order (among those never pruned).
  const std::vector<Entry>& entries() const { return entries_; }
  // Provisional ids handed out so far (all are < this).
  uint64_t num_provisional_ids() const { return next_provisional_id_; }
  // Approximate heap bytes held.
  size_t MemoryBytes() const;

 private:
  static constexpr size_t kArenaBlockBytes = 1 << 20;
  const char* CopyToArena(std::string_view word);
  void Rehash(size_t capacity);

  std::vector<uint64_t> slots_;  // (hash >> 32) << 32 | (index + 1); 0 empty
  size_t mask_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<char[]>> arena_blocks_;
  size_t arena_used_ = 0;        // bytes used in the last block
  size_t arena_block_size_ = 0;  // size of the last block
  uint64_t next_provisional_id_ = 0;
};

}  // namespace wembed

#endif  // WEMBED_SRC_COUNT_TABLE_H_
