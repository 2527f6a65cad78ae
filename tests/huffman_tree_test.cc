// The hierarchical-softmax tree: word2vec.c's construction on a hand-worked
// example, and on small random vocabularies a valid binary tree (paths
// consistent, codes prefix-free) whose weighted code length is the optimum
// found by brute force over every merge order.
#include "train/huffman_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/rng.h"

namespace wembed {
namespace {

std::vector<int> Codes(const HuffmanTree& t, int32_t w) {
  return std::vector<int>(t.codes(w), t.codes(w) + t.code_length(w));
}
std::vector<int32_t> Points(const HuffmanTree& t, int32_t w) {
  return std::vector<int32_t>(t.points(w), t.points(w) + t.code_length(w));
}

// Worked by hand with word2vec.c's CreateBinaryTree: leaves ascending
// 1 (w3), 2 (w2), 3 (w1), 5 (w0); node 0 = w3 + w2 (w2 takes bit 1);
// node 1 = node 0 + w1 (a tie 3 = 3 goes to the inner node first, so w1
// takes bit 1); node 2 = w0 + node 1 (node 1 takes bit 1), the root.
TEST(HuffmanTreeTest, MatchesWord2vecOnAWorkedExample) {
  const HuffmanTree t({5, 3, 2, 1});
  EXPECT_EQ(t.num_inner_nodes(), 3u);
  EXPECT_EQ(Codes(t, 0), (std::vector<int>{0}));
  EXPECT_EQ(Points(t, 0), (std::vector<int32_t>{2}));
  EXPECT_EQ(Codes(t, 1), (std::vector<int>{1, 1}));
  EXPECT_EQ(Points(t, 1), (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(Codes(t, 2), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(Points(t, 2), (std::vector<int32_t>{2, 1, 0}));
  EXPECT_EQ(Codes(t, 3), (std::vector<int>{1, 0, 0}));
  EXPECT_EQ(Points(t, 3), (std::vector<int32_t>{2, 1, 0}));
  EXPECT_EQ(t.max_code_length(), 3);
}

TEST(HuffmanTreeTest, TinyVocabulariesHaveEmptyOrSingleBitPaths) {
  EXPECT_EQ(HuffmanTree(std::vector<uint64_t>()).num_words(), 0u);
  const HuffmanTree one({7});
  EXPECT_EQ(one.num_inner_nodes(), 0u);
  EXPECT_EQ(one.code_length(0), 0);
  // Unsorted counts: ranked first. The smaller is merged first (bit 0).
  const HuffmanTree two({1, 9});
  EXPECT_EQ(Codes(two, 0), (std::vector<int>{0}));
  EXPECT_EQ(Codes(two, 1), (std::vector<int>{1}));
  EXPECT_EQ(Points(two, 0), (std::vector<int32_t>{0}));
}

// Minimum over every order of merging two weights of the sum of the merged
// weights, which is the weighted path length of the best binary tree.
uint64_t BruteForceCost(std::vector<uint64_t> w) {
  if (w.size() < 2) return 0;
  uint64_t best = std::numeric_limits<uint64_t>::max();
  for (size_t i = 0; i < w.size(); ++i) {
    for (size_t j = i + 1; j < w.size(); ++j) {
      std::vector<uint64_t> next;
      for (size_t k = 0; k < w.size(); ++k) {
        if (k != i && k != j) next.push_back(w[k]);
      }
      next.push_back(w[i] + w[j]);
      best = std::min(best, w[i] + w[j] + BruteForceCost(next));
    }
  }
  return best;
}

// The paths describe one binary tree: they start at the root (V - 2), each
// inner node has exactly two children (bit 0 and bit 1, the same for every
// path through it), every inner node is reached and no code is a prefix of
// another.
void ExpectValidTree(const HuffmanTree& t, const std::string& what) {
  const int32_t v = int32_t(t.num_words());
  // (node, bit) -> child: an inner node id, or -(word + 1) for a leaf.
  std::map<std::pair<int32_t, int>, int64_t> child;
  for (int32_t w = 0; w < v; ++w) {
    const int n = t.code_length(w);
    ASSERT_GE(n, 1) << what;
    EXPECT_EQ(t.points(w)[0], v - 2) << what;
    for (int d = 0; d < n; ++d) {
      const int32_t node = t.points(w)[d];
      ASSERT_GE(node, 0) << what;
      ASSERT_LT(node, v - 1) << what;
      ASSERT_LE(t.codes(w)[d], 1) << what;
      const int64_t next = d + 1 < n ? t.points(w)[d + 1] : -(int64_t(w) + 1);
      const auto [it, fresh] = child.insert({{node, t.codes(w)[d]}, next});
      EXPECT_TRUE(fresh || it->second == next) << what << " word " << w;
    }
  }
  // V - 1 inner nodes with two children each: V - 2 inner children, V
  // leaves.
  EXPECT_EQ(child.size(), size_t(2 * (v - 1))) << what;
  for (int32_t a = 0; a < v; ++a) {
    for (int32_t b = 0; b < v; ++b) {
      if (a == b || t.code_length(a) > t.code_length(b)) continue;
      EXPECT_FALSE(
          std::equal(t.codes(a), t.codes(a) + t.code_length(a), t.codes(b)))
          << what << ": code of " << a << " is a prefix of " << b;
    }
  }
}

TEST(HuffmanTreeTest, SmallVocabulariesAreValidAndOptimal) {
  Rng rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    const size_t v = 2 + trial % 6;  // 2..7 words
    std::vector<uint64_t> counts(v);
    // Small ranges give ties; zeros occur (continued training adds words
    // of count 0).
    const uint32_t range = trial % 3 == 0 ? 3 : 50;
    for (uint64_t& c : counts) c = rng.Below(range);
    if (trial % 2 == 0) {
      std::sort(counts.begin(), counts.end(), std::greater<uint64_t>());
    }
    const HuffmanTree t(counts);
    const std::string what = "trial " + std::to_string(trial);
    ExpectValidTree(t, what);
    // A count of 0 weighs as 1.
    std::vector<uint64_t> weights = counts;
    for (uint64_t& w : weights) w = std::max<uint64_t>(w, 1);
    uint64_t cost = 0;
    for (size_t w = 0; w < v; ++w) cost += weights[w] * t.code_length(w);
    EXPECT_EQ(cost, BruteForceCost(weights)) << what;
  }
}

TEST(HuffmanTreeTest, ZipfVocabularyIsCompleteAndFrequentWordsAreShort) {
  std::vector<uint64_t> counts(5000);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = 1000000 / (i + 1);
  const HuffmanTree t(counts);
  ExpectValidTree(t, "zipf");
  double kraft = 0;  // a full binary tree: sum of 2^-length is exactly 1
  for (size_t w = 0; w < counts.size(); ++w) {
    kraft += std::ldexp(1.0, -t.code_length(int32_t(w)));
    if (w > 0 && counts[w - 1] > counts[w]) {
      EXPECT_LE(t.code_length(int32_t(w - 1)), t.code_length(int32_t(w)));
    }
  }
  EXPECT_DOUBLE_EQ(kraft, 1.0);
  EXPECT_LE(t.code_length(0), 4);
  EXPECT_GE(t.max_code_length(), 13);
}

// Continued training keeps words the new text lacks with count 0: many of
// them must not make a path as long as their number.
TEST(HuffmanTreeTest, ManyZeroCountsMakeABalancedSubtree) {
  std::vector<uint64_t> counts(5000, 0);
  for (size_t i = 0; i < 100; ++i) counts[i] = 1000 - i;
  const HuffmanTree t(counts);
  ExpectValidTree(t, "zeros");
  EXPECT_LE(t.max_code_length(), 25);
}

TEST(HuffmanTreeTest, FingerprintFollowsTheTree) {
  const std::vector<uint64_t> counts = {9, 7, 7, 3, 1, 1};
  EXPECT_EQ(HuffmanTree(counts).Fingerprint(),
            HuffmanTree(counts).Fingerprint());
  std::vector<uint64_t> other = counts;
  other[5] = 20;  // the rarest word becomes the most frequent
  EXPECT_NE(HuffmanTree(counts).Fingerprint(),
            HuffmanTree(other).Fingerprint());
  EXPECT_NE(HuffmanTree(counts).Fingerprint(), 0u);
}

}  // namespace
}  // namespace wembed
