// Model synchronisation for --deterministic training and replica groups
// (docs/distributed.md, "Sync schedule"): when the threads (or the members
// of a ReplicaGroup) meet (SyncPoints), which rows they merge then
// (SyncSchedule), how private replicas merge (MergeRows), and the barrier
// the threads meet at (SyncBarrier).
#ifndef WEMBED_SRC_TRAIN_MODEL_SYNC_H_
#define WEMBED_SRC_TRAIN_MODEL_SYNC_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "wembed/base/matrix.h"

namespace wembed {

// Rows [begin, end) of a matrix.
struct RowRange {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

// Rows of a matrix as ranges; a sync's rows, packed one range after
// another in the order given.
using RowSet = std::vector<RowRange>;
size_t RowCount(const RowSet& rows);

// Which rows each sync merges (docs/distributed.md, "Sync schedule"). Rows
// are ranked by frequency, hottest first. As in pWord2Vec's doubling
// schedule, the hot_rows hottest are merged at every sync and each colder
// tier half as often as the one before: tier z >= 1 is the ranks
// [hot_rows x 2^(z-1), hot_rows x 2^z), merged once every 2^z syncs. Unlike
// pWord2Vec, which merges a whole tier at every 2^z-th sync (so that sync
// k carries hot_rows x 2^(trailing zero bits of k) rows: every row at
// every 128th sync of a 100k vocabulary), each tier is cut into 2^z slices
// and sync k merges slice k mod 2^z of every tier: every sync carries about
// hot_rows x (1 + tiers / 2) rows, and each row is merged as often as
// pWord2Vec's schedule merges it. A tier that would be merged once per
// epoch or less often (2^z >= syncs_per_epoch) is left to the full sync (an
// epoch's end, a checkpoint, a stop), which merges every row, as
// pWord2Vec's schedule leaves it. Input rows and word-vector output rows are
// hottest first (the vocabulary is sorted by count descending); a Huffman
// tree's inner nodes are hottest last (the root is the last row).
class SyncSchedule {
 public:
  static constexpr size_t kHotRows = 1024;

  // `syncs_per_epoch` 0: no tier is left to the full syncs.
  SyncSchedule(size_t input_rows, size_t output_rows, bool output_hot_last,
               size_t hot_rows = kHotRows, uint64_t syncs_per_epoch = 0);

  // The ranks sync k (counted over the whole run, from 1) merges; every
  // rank of either matrix if `full` (or k == 0).
  RowSet RanksAt(uint64_t k, bool full) const;
  // Those ranks as rows of each matrix (ranks past its rows dropped).
  RowSet InputRows(const RowSet& ranks) const;
  RowSet OutputRows(const RowSet& ranks) const;

 private:
  size_t input_rows_;
  size_t output_rows_;
  bool output_hot_last_;
  size_t hot_rows_;
  uint64_t syncs_per_epoch_;
};

// Corpus tokens each thread trains between two syncs, about (pWord2Vec
// syncs every 0.1 s, about this many words per thread).
inline constexpr uint64_t kSyncEveryWords = uint64_t{1} << 16;

// Where the syncs of an epoch fall. Every thread (and every member of a
// replica group) meets at the same `per_epoch` syncs each epoch; sync
// j (1..per_epoch) of a thread owning bytes [begin, end) comes at its first
// sentence boundary at or after Position(begin, end, j), the last one at
// its range's end, so the points depend on no timing.
struct SyncPoints {
  // `tokens` corpus tokens in all, trained by `threads` threads in all
  // (over every member), a sync every `every` words per thread (0 =
  // kSyncEveryWords): at least 1 sync per epoch.
  static uint64_t PerEpoch(uint64_t tokens, uint64_t threads,
                           uint64_t every = 0);
  static uint64_t Position(uint64_t begin, uint64_t end, uint64_t j,
                           uint64_t per_epoch);
  // The first j in 1..per_epoch whose position is past `position`
  // (per_epoch + 1 if none).
  static uint64_t Next(uint64_t begin, uint64_t end, uint64_t position,
                       uint64_t per_epoch);
};

// How the replicas' rows become one. With Δ_i replica i's change of a row
// since the last merge and R replicas in all:
enum class MergeRule {
  kMean,         // base + ΣΔ_i / R: the mean (pWord2Vec's allreduce)
  kSumOfDeltas,  // base + ΣΔ_i: every update kept, as hogwild does
  // base + s ΣΔ_i with s = min(1, 2 Σ|Δ_i|² / |ΣΔ_i|²): the sum where
  // the changes are unrelated (orthogonal), at most twice the mean where
  // they repeat each other (equal: s = 2/R). The plain sum overshoots on
  // the hottest rows, which every replica moves the same way many times
  // per sync: with 4 replicas it diverged (docs/distributed.md). Always
  // the sum for R <= 2 (|ΣΔ_i|² <= R Σ|Δ_i|²).
  kWeightedDeltas,
};
// The rule --deterministic and replica groups use (docs/distributed.md).
inline constexpr MergeRule kDeterministicMergeRule = MergeRule::kWeightedDeltas;

// Rows `rows` of `out` = the merge of the replicas' rows, with `base` the
// rows' value at the last merge; `out` may be `base`. The arithmetic runs in
// replica order, so the result depends on nothing but the values.
void MergeRows(const Matrix& base, const std::vector<Matrix>& replicas,
               RowRange rows, MergeRule rule, Matrix* out);
void MergeRows(const Matrix& base, const std::vector<Matrix>& replicas,
               const RowSet& rows, MergeRule rule, Matrix* out);

// The packed form of a merge across processes, PackedWidth(cols()) floats
// per row of `rows`: the sum over the replicas (in order) of their changes
// replica[r][c] - base[r][c], then the sum of the changes' squared norms.
inline size_t PackedWidth(size_t cols) { return cols + 1; }
void SumOfChanges(const Matrix& base, const std::vector<Matrix>& replicas,
                  RowRange rows, float* changes);
void SumOfChanges(const Matrix& base, const std::vector<Matrix>& replicas,
                  const RowSet& rows, float* changes);
// out[r] = base[r] + s x members x (row r of `changes`), `changes` being
// the mean of `members` processes' SumOfChanges over `replicas` replicas
// in all, s as `rule` says. `out` may be `base`.
void ApplyChanges(const Matrix& base, const float* changes, float members,
                  size_t replicas, MergeRule rule, RowRange rows, Matrix* out);
void ApplyChanges(const Matrix& base, const float* changes, float members,
                  size_t replicas, MergeRule rule, const RowSet& rows,
                  Matrix* out);
// Copies rows `rows` of `from` into every replica.
void CopyRows(const Matrix& from, const RowSet& rows, std::vector<Matrix>* to);

// A reusable barrier of `parties` threads. The last to arrive runs
// `completion` (without the barrier's lock) while the others wait, then
// all go on. Abort() releases every waiting and later arrival with false.
class SyncBarrier {
 public:
  explicit SyncBarrier(int parties) : parties_(parties) {}

  bool ArriveAndWait(const std::function<void()>& completion);
  void Abort();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  const int parties_;
  int arrived_ = 0;
  uint64_t generation_ = 0;
  bool aborted_ = false;
};

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_MODEL_SYNC_H_
