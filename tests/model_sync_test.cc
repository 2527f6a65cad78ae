// The sync schedule, sync points, replica merge and barrier of
// --deterministic training (src/train/model_sync.h).
#include "train/model_sync.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace wembed {
namespace {

TEST(SyncScheduleTest, HotRowsEverySyncColderTiersAtDoublingIntervals) {
  const SyncSchedule s(10000, 10000, false, 1000);
  // k = 1..8: 1000, 2000, 1000, 4000, 1000, 2000, 1000, 8000.
  const size_t expected[] = {1000, 2000, 1000, 4000, 1000, 2000, 1000, 8000};
  for (uint64_t k = 1; k <= 8; ++k) {
    EXPECT_EQ(s.RowsAt(k, false), expected[k - 1]) << k;
  }
  EXPECT_EQ(s.RowsAt(16, false), 10000u);  // capped at every row
  EXPECT_EQ(s.RowsAt(1u << 20, false), 10000u);
  EXPECT_EQ(s.RowsAt(3, true), 10000u);  // a full sync
  // Over 2^m syncs, tier i (2^i times the hot rows) comes 2^(m-i-1) times.
  int tier2 = 0;
  for (uint64_t k = 1; k <= 64; ++k) tier2 += s.RowsAt(k, false) == 4000;
  EXPECT_EQ(tier2, 8);  // k = 4 mod 8
}

TEST(SyncScheduleTest, TreeNodesAreHottestLastWordsHottestFirst) {
  const SyncSchedule words(100, 100, false, 10);
  EXPECT_EQ(words.InputRows(10).begin, 0u);
  EXPECT_EQ(words.InputRows(10).end, 10u);
  EXPECT_EQ(words.OutputRows(10).begin, 0u);
  const SyncSchedule tree(100, 99, true, 10);
  EXPECT_EQ(tree.OutputRows(10).begin, 89u);  // near the root
  EXPECT_EQ(tree.OutputRows(10).end, 99u);
  EXPECT_EQ(tree.OutputRows(1000).begin, 0u);  // all of them
  EXPECT_EQ(tree.InputRows(1000).end, 100u);
}

TEST(SyncPointsTest, EveryThreadMeetsEverySyncAndTheLastAtItsEnd) {
  EXPECT_EQ(SyncPoints::PerEpoch(1000, 2), 1u);  // small corpus: epoch ends
  EXPECT_EQ(SyncPoints::PerEpoch(kSyncEveryWords * 8, 2), 4u);
  EXPECT_EQ(SyncPoints::PerEpoch(1000, 2, 100), 5u);
  const uint64_t per_epoch = 7;
  uint64_t previous = 100;
  for (uint64_t j = 1; j <= per_epoch; ++j) {
    const uint64_t p = SyncPoints::Position(100, 1100, j, per_epoch);
    EXPECT_GT(p, previous);
    previous = p;
  }
  EXPECT_EQ(previous, 1100u);
  EXPECT_EQ(SyncPoints::Next(100, 1100, 100, per_epoch), 1u);
  const uint64_t at3 = SyncPoints::Position(100, 1100, 3, per_epoch);
  EXPECT_EQ(SyncPoints::Next(100, 1100, at3, per_epoch), 4u);
  EXPECT_EQ(SyncPoints::Next(100, 1100, 1100, per_epoch), per_epoch + 1);
  // An empty range passes every point at once.
  EXPECT_EQ(SyncPoints::Position(5, 5, 1, per_epoch), 5u);
  EXPECT_EQ(SyncPoints::Next(5, 5, 5, per_epoch), per_epoch + 1);
}

Matrix Filled(size_t rows, size_t cols, float start) {
  Matrix m(rows, cols);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) m.row(r)[c] = start + float(r * cols + c);
  }
  return m;
}

TEST(MergeRowsTest, MeanAndSumOfDeltasOverTheRowsAskedOnly) {
  Matrix base = Filled(3, 2, 0);
  std::vector<Matrix> replicas = {Filled(3, 2, 1), Filled(3, 2, 3)};
  Matrix mean = base;
  MergeRows(base, replicas, RowRange{0, 2}, MergeRule::kMean, &mean);
  EXPECT_EQ(mean.row(0)[0], 2.0f);  // (1 + 3) / 2
  EXPECT_EQ(mean.row(1)[1], 5.0f);  // (4 + 6) / 2
  EXPECT_EQ(mean.row(2)[0], 4.0f);  // untouched
  MergeRows(base, replicas, RowRange{1, 3}, MergeRule::kSumOfDeltas, &base);
  EXPECT_EQ(base.row(0)[0], 0.0f);          // untouched
  EXPECT_EQ(base.row(1)[0], 2.0f + 1 + 3);  // base + both changes
  EXPECT_EQ(base.row(2)[1], 5.0f + 1 + 3);
  CopyRows(base, RowRange{1, 3}, &replicas);
  EXPECT_EQ(replicas[0].row(2)[1], 9.0f);
  EXPECT_EQ(replicas[1].row(1)[0], 6.0f);
  EXPECT_EQ(replicas[1].row(0)[0], 3.0f);  // not copied
}

TEST(MergeRowsTest, PackedChangesGiveTheSumOfDeltasMerge) {
  // Three columns: the matrix pads its rows, the packed form does not.
  Matrix base = Filled(4, 3, 0);
  std::vector<Matrix> replicas = {Filled(4, 3, 1), Filled(4, 3, -2)};
  replicas[1].row(2)[1] = 100.0f;
  const RowRange rows{1, 3};
  const size_t width = PackedWidth(3);
  ASSERT_EQ(width, 4u);
  std::vector<float> changes(rows.size() * width, -1.0f);
  SumOfChanges(base, replicas, rows, changes.data());
  EXPECT_EQ(changes[0], 1.0f - 2.0f);                  // row 1, column 0
  EXPECT_EQ(changes[3], 3 * 1.0f + 3 * 4.0f);          // row 1: squares
  EXPECT_EQ(changes[width + 1], 1.0f + (100.0f - 7));  // row 2, column 1
  Matrix merged = base;
  MergeRows(base, replicas, rows, MergeRule::kSumOfDeltas, &merged);
  Matrix applied = base;
  ApplyChanges(base, changes.data(), 1.0f, 2, MergeRule::kSumOfDeltas, rows,
               &applied);
  for (size_t r = 0; r < 4; ++r) {
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_EQ(applied.row(r)[c], merged.row(r)[c]) << r << "," << c;
    }
  }
  // As a group's mean of two members (times 2), in place on the base.
  ApplyChanges(base, changes.data(), 2.0f, 4, MergeRule::kSumOfDeltas,
               RowRange{1, 2}, &base);
  EXPECT_EQ(base.row(1)[0], 3.0f + 2.0f * -1.0f);
  EXPECT_EQ(base.row(2)[1], 7.0f);  // not in the range
}

// The squared norms run in lanes (vectorizable, fixed order): they agree
// with a double-precision sum for every width, the lanes' tails included,
// and the summed changes are exact.
TEST(MergeRowsTest, PackedSquaredNormsMatchADoubleReferenceForEveryWidth) {
  for (const size_t cols : {1, 15, 16, 17, 100, 300}) {
    SCOPED_TRACE("cols " + std::to_string(cols));
    Matrix base(2, cols);
    std::vector<Matrix> replicas(3, base);
    double squares = 0;
    std::vector<double> sums(cols, 0.0);
    for (size_t k = 0; k < replicas.size(); ++k) {
      for (size_t c = 0; c < cols; ++c) {
        const float v = float((c * 7 + k * 3) % 11) * 0.25f - 1.0f;
        replicas[k].row(1)[c] = v;
        squares += double(v) * v;
        sums[c] += v;
      }
    }
    std::vector<float> changes(PackedWidth(cols));
    SumOfChanges(base, replicas, RowRange{1, 2}, changes.data());
    for (size_t c = 0; c < cols; ++c) EXPECT_EQ(changes[c], float(sums[c]));
    EXPECT_NEAR(changes[cols], squares, 1e-5 * squares);
  }
}

TEST(MergeRowsTest, WeightedDeltasCapRepeatedChangesAtTwiceTheMean) {
  Matrix base(4, 2);  // zeros
  std::vector<Matrix> replicas(4, base);
  for (Matrix& m : replicas) m.row(0)[0] = 1;  // row 0: the same change
  replicas[0].row(1)[0] = 1;                   // row 1: orthogonal changes
  replicas[1].row(1)[1] = 1;
  replicas[2].row(2)[0] = 3;  // row 2: one replica changed it
  replicas[0].row(3)[0] = 2;  // row 3: (2, 0) and (1, 1) partly aligned:
  replicas[1].row(3)[0] = 1;  // s = 2 (4 + 2) / |(3, 1)|^2 = 1.2 -> 1
  replicas[1].row(3)[1] = 1;
  Matrix out = base;
  MergeRows(base, replicas, RowRange{0, 4}, MergeRule::kWeightedDeltas, &out);
  EXPECT_EQ(out.row(0)[0], 2.0f);  // twice the mean, not the sum 4
  EXPECT_EQ(out.row(1)[0], 1.0f);  // the sum
  EXPECT_EQ(out.row(1)[1], 1.0f);
  EXPECT_EQ(out.row(2)[0], 3.0f);  // kept whole
  EXPECT_EQ(out.row(3)[0], 3.0f);  // the sum
  // Row 3 with a third change (0, 2): s = 2 (4 + 2 + 4) / |(3, 3)|^2 =
  // 20/18 -> 1, still the sum.
  replicas[3].row(3)[1] = 2;
  MergeRows(base, replicas, RowRange{3, 4}, MergeRule::kWeightedDeltas, &out);
  EXPECT_EQ(out.row(3)[1], 3.0f);
  // Two replicas: always the sum.
  std::vector<Matrix> two(replicas.begin(), replicas.begin() + 2);
  MergeRows(base, two, RowRange{0, 1}, MergeRule::kWeightedDeltas, &out);
  EXPECT_EQ(out.row(0)[0], 2.0f);
}

TEST(SyncBarrierTest, LastArrivalCompletesEachRoundOnce) {
  SyncBarrier barrier(3);
  std::atomic<int> completions{0};
  std::vector<int> seen(3, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        ASSERT_TRUE(barrier.ArriveAndWait([&] { ++completions; }));
        seen[t] = completions.load();  // the round's completion is done
        EXPECT_EQ(seen[t], round + 1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(completions.load(), 50);
}

TEST(SyncBarrierTest, AbortReleasesWaitersAndLaterArrivals) {
  SyncBarrier barrier(2);
  bool released = true;
  std::thread waiter([&] { released = barrier.ArriveAndWait([] {}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  barrier.Abort();
  waiter.join();
  EXPECT_FALSE(released);
  EXPECT_FALSE(barrier.ArriveAndWait([] {}));
}

}  // namespace
}  // namespace wembed
