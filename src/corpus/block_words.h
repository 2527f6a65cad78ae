// BlockWords: the words of one block of text and their counts, for a worker
// of the parallel scan. Ids are dense and in first-occurrence order, so a
// block's frequent words sit together at the front of the entry array
// (16 bytes each), and the hash index holds 4-byte ids: for a 4 MiB block of
// English (~50k distinct words) the index is 512 KiB and the hot entries a
// few KiB, where a CountTable spreads them over 4 MiB of 32-byte slots
// (measured: `wembed encode` of en-mix, docs/vocabulary.md).
//
// A word is kept where the caller's text has it unless it is added as
// transient (then it is copied): that text must stay valid and unchanged
// until Clear. Counts are per block: fewer than 2^32 tokens (a block is
// smaller than 4 GiB). Not thread-safe.
#ifndef WEMBED_SRC_CORPUS_BLOCK_WORDS_H_
#define WEMBED_SRC_CORPUS_BLOCK_WORDS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/string_hash.h"

namespace wembed {

class BlockWords {
 public:
  // `initial_slots`: index slots to start with (a power of two; it grows).
  explicit BlockWords(size_t initial_slots = size_t{1} << 12);

  // Asks for the index slot where a lookup of a word with `hash` starts.
  void PrefetchHash(uint64_t hash) const {
    __builtin_prefetch(&index_[hash & mask_]);
  }

  // Asks for the entry of the word with `hash` if the index slot where its
  // lookup starts holds one (best after PrefetchHash had time to arrive).
  void PrefetchEntry(uint64_t hash) const {
    const uint32_t v = index_[hash & mask_];
    if (v != 0) __builtin_prefetch(&entries_[v - 1]);
  }

  // Adds one occurrence of `word` (non-empty; `hash` = HashBytes(word)) and
  // returns its id. `transient`: the bytes are valid only during the call
  // (they are copied); otherwise they must stay valid until Clear.
  // Inline: called once per token of the scan.
  uint32_t Add(std::string_view word, uint64_t hash, bool transient) {
    const uint32_t size = static_cast<uint32_t>(word.size());
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const uint32_t v = index_[i];
      if (v == 0) return Insert(word, hash, i, transient);
      Entry& e = entries_[v - 1];
      if (e.size == size && EqualBytes(size <= kInlineBytes ? e.bytes : e.data,
                                       word.data(), size)) {
        ++e.count;
        return v - 1;
      }
    }
  }

  size_t size() const { return entries_.size(); }
  // Precondition for both: id < size().
  std::string_view word(uint32_t id) const {
    const Entry& e = entries_[id];
    return std::string_view(e.size <= kInlineBytes ? e.bytes : e.data, e.size);
  }
  uint64_t count(uint32_t id) const { return entries_[id].count; }
  // HashBytes(word(id)), as given to Add.
  uint64_t hash(uint32_t id) const { return hashes_[id]; }

  // Empties the table, keeping its memory for the next block.
  void Clear();

 private:
  static constexpr uint32_t kInlineBytes = 8;
  struct Entry {
    union {
      char bytes[kInlineBytes];  // size <= kInlineBytes
      const char* data;          // longer: the caller's text or the arena
    };
    uint32_t size;
    uint32_t count;
  };
  static_assert(sizeof(Entry) == 16);

  uint32_t Insert(std::string_view word, uint64_t hash, size_t slot,
                  bool transient);
  const char* CopyToArena(std::string_view word);
  // Rebuilds the index with `slots` slots (a power of two).
  void Rehash(size_t slots);

  std::vector<uint32_t> index_;  // id + 1; 0 = empty
  size_t mask_ = 0;
  std::vector<Entry> entries_;
  std::vector<uint64_t> hashes_;  // by id: for growing and for the merge
  std::vector<std::unique_ptr<char[]>> arena_;  // transient long words
  size_t arena_used_ = 0;                       // bytes used in arena_.back()
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_BLOCK_WORDS_H_
