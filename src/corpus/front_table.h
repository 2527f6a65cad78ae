// FrontTable: the frequent words of a scan, frozen so that the scan threads
// can look them up without a table of their own. A word's index is its
// position in the list the table was built from. Immutable once built:
// any number of threads may call Find at once.
//
// Slots are 16 bytes with the word's first 8 bytes inline, so a probe for
// a word of up to 8 bytes touches one cache line; longer words compare
// their remaining bytes in a side arena. The most frequent words are also
// in a small first level that stays in cache, so most lookups never touch
// the large one.
#ifndef WEMBED_SRC_CORPUS_FRONT_TABLE_H_
#define WEMBED_SRC_CORPUS_FRONT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wembed {

class FrontTable {
 public:
  // `words`: distinct, non-empty, fewer than 2^31; words[i] gets index i.
  // `hot`: indices of the words to put in the first level too.
  FrontTable(const std::vector<std::string>& words,
             const std::vector<uint32_t>& hot);

  // The index of `word` (non-empty), or -1 if it is not in the table.
  int32_t Find(std::string_view word) const;

  size_t size() const { return tail_offsets_.size(); }

 private:
  struct Slot {
    uint64_t head;  // the first min(size, 8) bytes, zero-padded
    uint32_t size;  // bytes
    int32_t index;  // -1 = empty
  };
  // An open-addressing table of Slots (linear probing, load <= 1/2).
  struct Level {
    std::vector<Slot> slots;
    size_t mask = 0;
  };
  void Insert(Level& level, std::string_view word, int32_t index);
  // The position in `level` where `word` is or would go.
  size_t Probe(const Level& level, std::string_view word, uint64_t head,
               uint64_t hash) const;
  static void Size(Level& level, size_t words);

  Level hot_;
  Level all_;
  // Per index: where bytes 8.. of a word longer than 8 bytes start in
  // tails_.
  std::vector<uint32_t> tail_offsets_;
  std::string tails_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_FRONT_TABLE_H_
