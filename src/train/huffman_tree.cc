#include "train/huffman_tree.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace wembed {
namespace {

// Word ids ranked by count descending, ties by id.
std::vector<int32_t> RankByCount(const std::vector<uint64_t>& counts) {
  std::vector<int32_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return counts[a] > counts[b]; });
  return order;
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b
             ? std::numeric_limits<uint64_t>::max()
             : a + b;
}

// word2vec.c's construction over nodes 0..2V-2: leaves 0..V-1 are the
// ranked words (so their counts ascend from V - 1 down to 0), inner node a
// is node V + a. Two queues: the next leaf (pos1, walking down) and the
// next inner node (pos2, walking up); ties go to the inner node. Fills the
// parent of every node but the root and the bit of the branch to it.
void BuildNodes(const std::vector<uint64_t>& leaf_counts,
                std::vector<int64_t>* parent, std::vector<uint8_t>* bit) {
  const int64_t v = int64_t(leaf_counts.size());
  std::vector<uint64_t> count(2 * v - 1);
  std::copy(leaf_counts.begin(), leaf_counts.end(), count.begin());
  parent->assign(2 * v - 1, -1);
  bit->assign(2 * v - 1, 0);
  int64_t pos1 = v - 1, pos2 = v;
  for (int64_t a = 0; a < v - 1; ++a) {
    int64_t pick[2];
    for (int64_t& p : pick) {
      const bool inner_ready = pos2 < v + a;
      if (pos1 >= 0 && (!inner_ready || count[pos1] < count[pos2])) {
        p = pos1--;
      } else {
        p = pos2++;
      }
    }
    count[v + a] = SaturatingAdd(count[pick[0]], count[pick[1]]);
    (*parent)[pick[0]] = (*parent)[pick[1]] = v + a;
    (*bit)[pick[1]] = 1;
  }
}

}  // namespace

HuffmanTree::HuffmanTree(const std::vector<uint64_t>& counts) {
  const int64_t v = int64_t(counts.size());
  paths_.assign(v, PathEntry{0, 0});
  if (v < 2) return;  // one word needs no decision: an empty path
  const std::vector<int32_t> order = RankByCount(counts);
  std::vector<uint64_t> leaf_counts(v);
  for (int64_t a = 0; a < v; ++a) {
    leaf_counts[a] = std::max<uint64_t>(counts[order[a]], 1);
  }
  std::vector<int64_t> parent;
  std::vector<uint8_t> bit;
  BuildNodes(leaf_counts, &parent, &bit);
  const int64_t root = 2 * v - 2;
  // Path lengths and record offsets first, then each path written from the
  // leaf up.
  uint64_t offset = 0;
  for (int64_t a = 0; a < v; ++a) {
    uint64_t n = 0;
    for (int64_t b = a; b != root; b = parent[b]) ++n;
    paths_[order[a]].length = n;
    max_code_length_ = std::max(max_code_length_, int(n));
  }
  for (int64_t w = 0; w < v; ++w) {
    paths_[w].offset = offset;
    offset += (5 * paths_[w].length + 3) / 4 * 4;  // points, codes, padding
  }
  data_.assign(offset / 4, 0);
  uint8_t* const bytes = reinterpret_cast<uint8_t*>(data_.data());
  for (int64_t a = 0; a < v; ++a) {
    const int32_t w = order[a];
    int32_t* points = reinterpret_cast<int32_t*>(bytes + paths_[w].offset);
    uint8_t* codes = bytes + paths_[w].offset + 4 * paths_[w].length;
    int64_t d = int64_t(paths_[w].length) - 1;
    for (int64_t b = a; b != root; b = parent[b], --d) {
      codes[d] = bit[b];
      points[d] = int32_t(parent[b] - v);
    }
  }
}

uint64_t HuffmanTree::Fingerprint() const {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto add_byte = [&h](uint8_t b) {
    h ^= b;
    h *= 0x100000001b3ULL;
  };
  auto add_u32 = [&](uint32_t x) {
    for (int i = 0; i < 4; ++i) add_byte(uint8_t(x >> (8 * i)));
  };
  for (size_t w = 0; w < num_words(); ++w) {
    const int n = code_length(int32_t(w));
    add_u32(uint32_t(n));
    for (int d = 0; d < n; ++d) add_u32(uint32_t(points(int32_t(w))[d]));
    for (int d = 0; d < n; ++d) add_byte(codes(int32_t(w))[d]);
  }
  return h;
}

}  // namespace wembed
