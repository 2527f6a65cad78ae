// HotRowCache: a thread's private copy of the last rows of a matrix, merged
// into the shared rows by delta sum.
#include "train/hot_rows.h"

#include <gtest/gtest.h>

#include "wembed/base/matrix.h"

namespace wembed {
namespace {

// rows x 3 with element (r, c) = 10 r + c (small integers: the float sums
// below are exact).
Matrix Numbered(size_t rows) {
  Matrix m(rows, 3);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < 3; ++c) m.row(r)[c] = float(10 * r + c);
  }
  return m;
}

TEST(HotRowCacheTest, OffReturnsTheSharedRows) {
  Matrix shared = Numbered(4);
  HotRowCache off;
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.Row(shared, 3), shared.row(3));
  HotRowCache none(&shared, 0, 10);
  EXPECT_FALSE(none.enabled());
  EXPECT_EQ(none.Row(shared, 3), shared.row(3));
  none.Sync();  // nothing to merge
  EXPECT_EQ(shared.row(3)[0], 30.0f);
}

TEST(HotRowCacheTest, KeepsTheLastRowsPrivateUntilSync) {
  Matrix shared = Numbered(5);
  HotRowCache cache(&shared, 2, 1000);
  ASSERT_TRUE(cache.enabled());
  EXPECT_EQ(cache.Row(shared, 2), shared.row(2));  // not hot
  float* hot = cache.Row(shared, 4);
  ASSERT_NE(hot, shared.row(4));
  EXPECT_EQ(hot[1], 41.0f);  // a copy
  EXPECT_EQ(size_t(hot) % 64, 0u);
  hot[1] += 5.0f;
  EXPECT_EQ(shared.row(4)[1], 41.0f);
  cache.Sync();
  EXPECT_EQ(shared.row(4)[1], 46.0f);
  EXPECT_EQ(shared.row(4)[3], 0.0f);  // padding stays zero
}

// Two threads' caches: each one's change reaches the shared rows once,
// and a merge reloads the other's merged changes.
TEST(HotRowCacheTest, SyncAddsEachCachesDelta) {
  Matrix shared = Numbered(3);
  HotRowCache a(&shared, 2, 1000), b(&shared, 2, 1000);
  a.Row(shared, 2)[0] += 1.0f;
  b.Row(shared, 2)[0] += 2.0f;
  b.Row(shared, 1)[2] -= 4.0f;
  a.Sync();
  EXPECT_EQ(shared.row(2)[0], 21.0f);
  b.Sync();
  EXPECT_EQ(shared.row(2)[0], 23.0f);
  EXPECT_EQ(shared.row(1)[2], 8.0f);
  EXPECT_EQ(b.Row(shared, 2)[0], 23.0f);
  EXPECT_EQ(a.Row(shared, 2)[0], 21.0f);  // until a merges again
  a.Sync();                               // no new change of its own: takes b's
  EXPECT_EQ(a.Row(shared, 2)[0], 23.0f);
  EXPECT_EQ(shared.row(2)[0], 23.0f);
}

// A weight below 1 averages the threads' changes instead of summing them.
TEST(HotRowCacheTest, WeightScalesTheMergedChange) {
  Matrix shared = Numbered(2);
  HotRowCache cache(&shared, 1, 1000, 0.5f);
  cache.Row(shared, 1)[2] += 4.0f;
  cache.Sync();
  EXPECT_EQ(shared.row(1)[2], 14.0f);
  EXPECT_EQ(cache.Row(shared, 1)[2], 14.0f);
}

TEST(HotRowCacheTest, AdvanceMergesEveryPeriod) {
  Matrix shared = Numbered(2);
  HotRowCache cache(&shared, 10, 100);  // more rows than the matrix: all
  EXPECT_NE(cache.Row(shared, 0), shared.row(0));
  cache.Row(shared, 0)[0] = 7.0f;
  cache.Advance(60);
  EXPECT_EQ(shared.row(0)[0], 0.0f);
  cache.Advance(40);  // the period is complete
  EXPECT_EQ(shared.row(0)[0], 7.0f);
  cache.Row(shared, 0)[0] = 9.0f;
  cache.Advance(99);  // the count restarted at the merge
  EXPECT_EQ(shared.row(0)[0], 7.0f);
}

}  // namespace
}  // namespace wembed
