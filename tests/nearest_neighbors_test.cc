#include "wembed/eval/nearest_neighbors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::MakeEmbeddings;
using testing::RandomEmbeddings;

TEST(NearestNeighborsTest, SimilarExcludesTheWordAndRanksByCosine) {
  const NearestNeighbors nn(MakeEmbeddings({{"x", {1, 0}},
                                            {"near", {3, 1}},  // cos .949
                                            {"far", {-1, 0}},  // cos -1
                                            {"mid", {1, 1}},   // cos .707
                                            {"X", {1, 0}}}));  // cos 1
  const std::vector<Neighbor> r = nn.Similar(nn.Find("x"), 10);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(nn.word(r[0].row), "X");
  EXPECT_EQ(nn.word(r[1].row), "near");
  EXPECT_EQ(nn.word(r[2].row), "mid");
  EXPECT_EQ(nn.word(r[3].row), "far");
  EXPECT_NEAR(r[1].cosine, 3 / std::sqrt(10.0), 1e-6);
  EXPECT_NEAR(r[3].cosine, -1, 1e-6);
  EXPECT_EQ(nn.Similar(0, 2).size(), 2u);
}

TEST(NearestNeighborsTest, FindPrefersTheExactWordThenLowercase) {
  const NearestNeighbors nn(MakeEmbeddings(
      {{"Apple", {1, 0}}, {"apple", {0, 1}}, {"Berlin", {1, 1}}}));
  EXPECT_EQ(nn.Find("Apple"), 0);
  EXPECT_EQ(nn.Find("apple"), 1);
  EXPECT_EQ(nn.Find("APPLE"), 0);  // first row lowercasing to "apple"
  EXPECT_EQ(nn.Find("berlin"), 2);
  EXPECT_EQ(nn.Find("paris"), -1);
  const NearestNeighbors cs(MakeEmbeddings({{"Berlin", {1, 1}}}), true);
  EXPECT_EQ(cs.Find("berlin"), -1);
  EXPECT_EQ(cs.Find("Berlin"), 0);
}

TEST(NearestNeighborsTest, AnalogyExcludesTheThreeWords) {
  const NearestNeighbors nn(MakeEmbeddings({{"a", {1, 0}},
                                            {"b", {0.8f, 0.6f}},
                                            {"c", {0, 1}},
                                            {"d", {-0.6f, 0.8f}},
                                            {"e", {0.6f, 0.8f}}}));
  const std::vector<Neighbor> r = nn.Analogy(0, 1, 2, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(nn.word(r[0].row), "d");
  EXPECT_EQ(nn.word(r[1].row), "e");
  // cos(d, (-0.2, 1.6)) = (0.12 + 1.28) / |(-0.2, 1.6)|
  EXPECT_NEAR(r[0].cosine, 1.4 / std::sqrt(0.04 + 2.56), 1e-6);
}

// Many rows (the parallel chunked path) against a direct top-k.
TEST(NearestNeighborsTest, TopKOnManyRows) {
  const size_t n = 20000, dim = 20;
  std::mt19937 rng(1);
  Embeddings e = RandomEmbeddings(n, dim, &rng);
  Matrix unit = e.vectors;
  unit.NormalizeRows();
  const NearestNeighbors nn(std::move(e));
  const std::vector<Neighbor> r = nn.Similar(123, 5);
  std::vector<std::pair<double, int>> ref;
  for (size_t x = 0; x < n; ++x) {
    if (x == 123) continue;
    double s = 0;
    for (size_t c = 0; c < dim; ++c)
      s += double(unit.row(x)[c]) * unit.row(123)[c];
    ref.push_back({-s, int(x)});
  }
  std::sort(ref.begin(), ref.end());
  ASSERT_EQ(r.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r[i].row, ref[i].second);
    EXPECT_NEAR(r[i].cosine, -ref[i].first, 1e-5);
  }
}

}  // namespace
}  // namespace wembed
