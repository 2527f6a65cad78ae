// HuffmanTree: the binary tree of hierarchical softmax, built from the word
// counts as word2vec.c's CreateBinaryTree builds it, so frequent words get
// short codes. A vocabulary of V words has V - 1 inner nodes, numbered in
// the order they are created (the root, created last, is V - 2); inner node
// n is row n of the output matrix. Each word's path lists the inner nodes
// from the root down and, per node, the code bit (0 or 1) of the branch
// taken; a word's loss is sum_d -log sigma((1 - 2 code_d) x . node_d).
//
// The counts need not be sorted: words are ranked by count descending (ties:
// lower id first) and the tree built on that ranking, which for a vocabulary
// sorted by count (wembed's and word2vec.c's) is word2vec.c's tree node for
// node and bit for bit. A count of 0 (a word continued training keeps but the
// new text lacks; word2vec.c has none) weighs as 1, so that such words make
// a balanced subtree rather than a chain as deep as their number.
// Immutable after construction; thread-safe.
#ifndef WEMBED_SRC_TRAIN_HUFFMAN_TREE_H_
#define WEMBED_SRC_TRAIN_HUFFMAN_TREE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wembed {

class HuffmanTree {
 public:
  HuffmanTree() = default;
  explicit HuffmanTree(const std::vector<uint64_t>& counts);

  size_t num_words() const { return paths_.size(); }
  // V - 1 (0 for an empty or one-word vocabulary).
  size_t num_inner_nodes() const {
    return num_words() > 1 ? num_words() - 1 : 0;
  }

  int code_length(int32_t word) const { return paths_[word].length; }
  // code_length(word) inner-node ids, root first.
  const int32_t* points(int32_t word) const {
    return reinterpret_cast<const int32_t*>(record(word));
  }
  // code_length(word) bits (0 or 1), root first.
  const uint8_t* codes(int32_t word) const {
    return record(word) + 4 * size_t(paths_[word].length);
  }
  int max_code_length() const { return max_code_length_; }
  // Prefetch hints for a pipeline of lookups: the path entry of `word`, and
  // (its entry being in cache) its points and codes. Always inlined: GCC
  // deems a function that only prefetches pure and drops calls to it.
  __attribute__((always_inline)) void PrefetchEntry(int32_t word) const {
    __builtin_prefetch(&paths_[word], 0, 3);
  }
  __attribute__((always_inline)) void PrefetchPath(int32_t word) const {
    const uint8_t* p = record(word);
    const size_t bytes = 5 * size_t(paths_[word].length);
    for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b, 0, 3);
  }

  // 64-bit FNV-1a over every word's code length, points and codes (as
  // little-endian u32, u32 and u8 values, word by word): checkpoints store
  // it so a resumed run can verify it rebuilt the same tree.
  uint64_t Fingerprint() const;

 private:
  // Word w's path is one record in data_, its points (int32) then its codes
  // (bytes), so that one or two cache lines hold it; records start on
  // 4-byte boundaries.
  struct PathEntry {
    uint64_t offset : 48;  // of the record in data_, in bytes
    uint64_t length : 16;  // code length (at most 93: the counts are < 2^64)
  };
  const uint8_t* record(int32_t word) const {
    return reinterpret_cast<const uint8_t*>(data_.data()) + paths_[word].offset;
  }

  std::vector<PathEntry> paths_;
  std::vector<uint32_t> data_;  // points read as int32, codes as bytes
  int max_code_length_ = 0;
};

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_HUFFMAN_TREE_H_
