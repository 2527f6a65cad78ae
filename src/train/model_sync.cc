#include "train/model_sync.h"

#include <algorithm>
#include <cstring>

namespace wembed {

SyncSchedule::SyncSchedule(size_t input_rows, size_t output_rows,
                           bool output_hot_last, size_t hot_rows,
                           uint64_t syncs_per_epoch)
    : input_rows_(input_rows),
      output_rows_(output_rows),
      output_hot_last_(output_hot_last),
      hot_rows_(std::max<size_t>(1, hot_rows)),
      syncs_per_epoch_(syncs_per_epoch) {}

size_t RowCount(const RowSet& rows) {
  size_t n = 0;
  for (const RowRange& r : rows) n += r.size();
  return n;
}

RowSet SyncSchedule::RanksAt(uint64_t k, bool full) const {
  const size_t all = std::max(input_rows_, output_rows_);
  if (full || k == 0) return RowSet{RowRange{0, all}};
  RowSet ranks{RowRange{0, std::min(hot_rows_, all)}};
  // Tier z: [lo, 2 lo) with lo = hot_rows x 2^(z-1), in m = 2^z slices.
  uint64_t m = 2;
  for (size_t lo = hot_rows_; lo < all; lo *= 2, m *= 2) {
    if (syncs_per_epoch_ > 0 && m >= syncs_per_epoch_) break;
    const size_t span = std::min(2 * lo, all) - lo;
    const uint64_t slice = k % m;
    const RowRange r{lo + size_t(span * slice / m),
                     lo + size_t(span * (slice + 1) / m)};
    if (r.size() > 0) ranks.push_back(r);
  }
  return ranks;
}

RowSet SyncSchedule::InputRows(const RowSet& ranks) const {
  RowSet rows;
  for (const RowRange& r : ranks) {
    const RowRange clipped{std::min(r.begin, input_rows_),
                           std::min(r.end, input_rows_)};
    if (clipped.size() > 0) rows.push_back(clipped);
  }
  return rows;
}

RowSet SyncSchedule::OutputRows(const RowSet& ranks) const {
  RowSet rows;
  const size_t n = output_rows_;
  for (const RowRange& r : ranks) {
    RowRange clipped{std::min(r.begin, n), std::min(r.end, n)};
    if (output_hot_last_)
      clipped = RowRange{n - clipped.end, n - clipped.begin};
    if (clipped.size() > 0) rows.push_back(clipped);
  }
  return rows;
}

uint64_t SyncPoints::PerEpoch(uint64_t tokens, uint64_t threads,
                              uint64_t every) {
  const uint64_t per_thread = tokens / std::max<uint64_t>(1, threads);
  return std::max<uint64_t>(1, per_thread / (every ? every : kSyncEveryWords));
}

uint64_t SyncPoints::Position(uint64_t begin, uint64_t end, uint64_t j,
                              uint64_t per_epoch) {
  if (j >= per_epoch) return end;
  const unsigned __int128 span = end - begin;
  return begin + uint64_t(span * j / per_epoch);
}

uint64_t SyncPoints::Next(uint64_t begin, uint64_t end, uint64_t position,
                          uint64_t per_epoch) {
  uint64_t j = 1;
  while (j <= per_epoch && Position(begin, end, j, per_epoch) <= position) ++j;
  return j;
}

void MergeRows(const Matrix& base, const std::vector<Matrix>& replicas,
               RowRange rows, MergeRule rule, Matrix* out) {
  const size_t width = PackedWidth(base.cols());
  std::vector<float> row(width);
  for (size_t r = rows.begin; r < rows.end; ++r) {  // one row at a time
    const RowRange one{r, r + 1};
    SumOfChanges(base, replicas, one, row.data());
    ApplyChanges(base, row.data(), 1.0f, replicas.size(), rule, one, out);
  }
}

namespace {

// Sums of squares run in kLanes partial sums: lane l adds the elements
// c = l (mod kLanes) in order, then the lanes are added 0..kLanes-1. The
// order is fixed by the code, so the compiler may vectorize the lanes
// (a single running sum is a serial chain it must not reorder) and every
// build and machine gets the same bits.
constexpr size_t kLanes = 16;

float AddLanes(const float* lanes) {
  float total = 0;
  for (size_t l = 0; l < kLanes; ++l) total += lanes[l];
  return total;
}

// sum[c] += x[c] - b[c] for c < cols; adds (x[c] - b[c])² to lane c mod
// kLanes.
void AddChange(const float* __restrict x, const float* __restrict b,
               size_t cols, float* __restrict sum, float* __restrict lanes) {
  size_t c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) {
      const float d = x[c + l] - b[c + l];
      sum[c + l] += d;
      lanes[l] += d * d;
    }
  }
  for (size_t l = 0; c + l < cols; ++l) {
    const float d = x[c + l] - b[c + l];
    sum[c + l] += d;
    lanes[l] += d * d;
  }
}

// Σ (k x[c])² over c < cols, by lanes.
float ScaledSquares(const float* __restrict x, float k, size_t cols) {
  float lanes[kLanes] = {};
  size_t c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) {
      const float d = k * x[c + l];
      lanes[l] += d * d;
    }
  }
  for (size_t l = 0; c + l < cols; ++l) {
    const float d = k * x[c + l];
    lanes[l] += d * d;
  }
  return AddLanes(lanes);
}

}  // namespace

void SumOfChanges(const Matrix& base, const std::vector<Matrix>& replicas,
                  RowRange rows, float* changes) {
  const size_t cols = base.cols();
  const size_t width = PackedWidth(cols);
  for (size_t r = rows.begin; r < rows.end; ++r) {
    float* sum = changes + (r - rows.begin) * width;
    std::fill(sum, sum + width, 0.0f);
    float lanes[kLanes] = {};
    for (const Matrix& replica : replicas) {  // fixed order: reproducible
      AddChange(replica.row(r), base.row(r), cols, sum, lanes);
    }
    sum[cols] = AddLanes(lanes);
  }
}

namespace {

// The factor s of `rule` for a row whose summed change has squared norm
// `sum_squared` and whose replicas' changes have squared norms summing to
// `squares`, over `replicas` replicas.
float MergeScale(MergeRule rule, float squares, float sum_squared,
                 size_t replicas) {
  const float mean = 1.0f / float(replicas);
  if (rule == MergeRule::kMean) return mean;
  if (rule == MergeRule::kSumOfDeltas || !(sum_squared > 0)) return 1.0f;
  return std::clamp(2.0f * squares / sum_squared, mean, 1.0f);
}

}  // namespace

void ApplyChanges(const Matrix& base, const float* changes, float members,
                  size_t replicas, MergeRule rule, RowRange rows, Matrix* out) {
  const size_t cols = base.cols();
  const size_t width = PackedWidth(cols);
  for (size_t r = rows.begin; r < rows.end; ++r) {
    const float* b = base.row(r);
    const float* __restrict change = changes + (r - rows.begin) * width;
    const float sum_squared = ScaledSquares(change, members, cols);
    const float s = members * MergeScale(rule, members * change[cols],
                                         sum_squared, replicas);
    float* o = out->row(r);  // may be b: each element read before written
    for (size_t c = 0; c < cols; ++c) o[c] = b[c] + s * change[c];
  }
}

void CopyRows(const Matrix& from, const RowSet& rows, std::vector<Matrix>* to) {
  for (const RowRange& r : rows) {
    if (r.size() == 0) continue;
    const size_t bytes = r.size() * from.stride() * sizeof(float);
    for (Matrix& m : *to) std::memcpy(m.row(r.begin), from.row(r.begin), bytes);
  }
}

void MergeRows(const Matrix& base, const std::vector<Matrix>& replicas,
               const RowSet& rows, MergeRule rule, Matrix* out) {
  for (const RowRange& r : rows) MergeRows(base, replicas, r, rule, out);
}

void SumOfChanges(const Matrix& base, const std::vector<Matrix>& replicas,
                  const RowSet& rows, float* changes) {
  const size_t width = PackedWidth(base.cols());
  for (const RowRange& r : rows) {
    SumOfChanges(base, replicas, r, changes);
    changes += r.size() * width;
  }
}

void ApplyChanges(const Matrix& base, const float* changes, float members,
                  size_t replicas, MergeRule rule, const RowSet& rows,
                  Matrix* out) {
  const size_t width = PackedWidth(base.cols());
  for (const RowRange& r : rows) {
    ApplyChanges(base, changes, members, replicas, rule, r, out);
    changes += r.size() * width;
  }
}

bool SyncBarrier::ArriveAndWait(const std::function<void()>& completion) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (aborted_) return false;
  if (++arrived_ < parties_) {
    const uint64_t generation = generation_;
    cv_.wait(lock, [&] { return aborted_ || generation_ != generation; });
    return !aborted_;
  }
  lock.unlock();
  completion();  // the others wait: generation_ has not moved
  lock.lock();
  arrived_ = 0;
  ++generation_;
  cv_.notify_all();
  return !aborted_;
}

void SyncBarrier::Abort() {
  std::lock_guard<std::mutex> lock(mutex_);
  aborted_ = true;
  cv_.notify_all();
}

}  // namespace wembed
