// The sync schedule, sync points, replica merge and barrier of
// --deterministic training (src/train/model_sync.h).
#include "train/model_sync.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace wembed {
namespace {

// The same row frequencies as pWord2Vec's doubling schedule (hot rows at
// every sync, each colder tier half as often), spread evenly over the syncs.
TEST(SyncScheduleTest, ColderTiersHalfAsOftenInEqualSlicesEverySync) {
  const SyncSchedule s(10000, 10000, false, 1000);
  std::vector<int> merged(10000, 0);
  for (uint64_t k = 1; k <= 64; ++k) {
    const RowSet ranks = s.RanksAt(k, false);
    // Hot 1000, then 500 from each full tier and 2000 / 16 from the last
    // ([8000, 16000) cut at 10000 rows).
    EXPECT_NEAR(double(RowCount(ranks)), 2625.0, 1.0) << k;
    for (const RowRange& r : ranks) {
      ASSERT_LE(r.end, 10000u);
      for (size_t i = r.begin; i < r.end; ++i) ++merged[i];
    }
  }
  // Over 64 syncs: each rank as often as its tier says (and no range
  // overlaps another, or some rank would count more).
  const struct {
    size_t begin, end;
    int times;
  } tiers[] = {{0, 1000, 64},
               {1000, 2000, 32},
               {2000, 4000, 16},
               {4000, 8000, 8},
               {8000, 10000, 4}};
  for (const auto& t : tiers) {
    for (size_t i = t.begin; i < t.end; ++i) {
      ASSERT_EQ(merged[i], t.times) << "rank " << i;
    }
  }
  const RowSet full = s.RanksAt(3, true);
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].begin, 0u);
  EXPECT_EQ(full[0].end, 10000u);
  EXPECT_EQ(RowCount(s.RanksAt(uint64_t{1} << 40, false)),
            RowCount(s.RanksAt(64, false)));
  // 8 syncs an epoch: the tiers merged every 8th sync or less often
  // ([4000, 10000)) wait for the epoch's full sync.
  const SyncSchedule eight(10000, 10000, false, 1000, 8);
  for (uint64_t k = 1; k < 8; ++k) {
    const RowSet ranks = eight.RanksAt(k, false);
    EXPECT_EQ(RowCount(ranks), 2000u) << k;  // 1000 + 500 + 500
    for (const RowRange& r : ranks) EXPECT_LE(r.end, 4000u) << k;
  }
  // Fewer rows than the hot tier: every sync merges them all.
  const SyncSchedule small(10, 7, false, 1000);
  EXPECT_EQ(RowCount(small.RanksAt(5, false)), 10u);
}

TEST(SyncScheduleTest, TreeNodesAreHottestLastWordsHottestFirst) {
  const SyncSchedule words(100, 100, false, 10);
  const RowSet hot{RowRange{0, 10}};
  ASSERT_EQ(words.InputRows(hot).size(), 1u);
  EXPECT_EQ(words.InputRows(hot)[0].end, 10u);
  EXPECT_EQ(words.OutputRows(hot)[0].begin, 0u);
  EXPECT_EQ(words.OutputRows(hot)[0].end, 10u);
  const SyncSchedule tree(100, 99, true, 10);
  EXPECT_EQ(tree.OutputRows(hot)[0].begin, 89u);  // near the root
  EXPECT_EQ(tree.OutputRows(hot)[0].end, 99u);
  const RowSet all{RowRange{0, 1000}};
  EXPECT_EQ(tree.OutputRows(all)[0].begin, 0u);  // all of them
  EXPECT_EQ(tree.OutputRows(all)[0].end, 99u);
  EXPECT_EQ(tree.InputRows(all)[0].end, 100u);
  // The coldest ranks: the tree's first rows; ranks past a matrix dropped.
  const RowSet cold{RowRange{95, 100}};
  EXPECT_EQ(tree.OutputRows(cold)[0].begin, 0u);
  EXPECT_EQ(tree.OutputRows(cold)[0].end, 4u);
  EXPECT_TRUE(tree.InputRows(RowSet{RowRange{100, 120}}).empty());
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
  CopyRows(base, RowSet{RowRange{1, 3}}, &replicas);
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

// A sync's rows come as several ranges, packed one after another: the
// group's merge of them (SumOfChanges, then ApplyChanges) is the threads'
// merge of the same rows, and the rows between them stay.
TEST(MergeRowsTest, RangesPackOneAfterAnother) {
  const Matrix base = Filled(5, 3, 0);
  std::vector<Matrix> replicas = {Filled(5, 3, 1), Filled(5, 3, -0.5f)};
  replicas[1].row(3)[2] = 7;
  const RowSet rows{RowRange{3, 5}, RowRange{0, 1}};  // any order
  EXPECT_EQ(RowCount(rows), 3u);
  std::vector<float> changes(3 * PackedWidth(3));
  SumOfChanges(base, replicas, rows, changes.data());
  Matrix packed = base;
  ApplyChanges(base, changes.data(), 1.0f, 2, MergeRule::kWeightedDeltas, rows,
               &packed);
  Matrix merged = base;
  MergeRows(base, replicas, rows, MergeRule::kWeightedDeltas, &merged);
  for (size_t r = 0; r < 5; ++r) {
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_EQ(packed.row(r)[c], merged.row(r)[c]) << r << "," << c;
    }
  }
  EXPECT_EQ(packed.row(1)[0], base.row(1)[0]);  // not in the set
  EXPECT_EQ(packed.row(2)[2], base.row(2)[2]);
  // Both changes: base + 1 + (7 - base), the sum for 2 replicas.
  EXPECT_EQ(packed.row(3)[2], 8.0f);
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
