// HotRowCache: a training thread's private copy of the hottest output rows
// of hierarchical softmax, merged into the shared rows periodically.
//
// The inner nodes near the root of the Huffman tree are on almost every
// path, so with several threads each of them is written by all threads for
// almost every (context, center) pair, and their cache lines move between
// the cores at every access (on this 2-core machine, sg-hs cost 4.5x sg-ns
// with two threads, 1.9x with one). A thread works on its own copy of those
// rows instead and, every `period` trained words (and before a pause or the
// end of its range), adds `weight` times its change since the last merge to
// the shared rows and reloads them: with weight 1 a delta sum (every
// thread's updates reach the model as with hogwild, up to `period` words
// late), with 1 / threads model averaging (the trainer's weights per model
// are measured: docs/training.md "Update rules").
//
// Huffman inner nodes are numbered in creation order with nondecreasing
// weights, the root last, so the last `count` rows are the `count` most
// visited ones (by the counts) and one contiguous block.
//
// Hogwild: Sync() adds to the shared rows without a lock; two threads
// merging the same row at the same moment may lose part of one merge (an
// intended race, as every other hogwild update; merges are brief and rare).
#ifndef WEMBED_SRC_TRAIN_HOT_ROWS_H_
#define WEMBED_SRC_TRAIN_HOT_ROWS_H_

#include <cstddef>
#include <cstdint>

#include "wembed/base/matrix.h"

namespace wembed {

class HotRowCache {
 public:
  // Rows kept private by the trainer, and its merge period in trained words
  // (docs/training.md "Update rules").
  static constexpr size_t kDefaultRows = 255;
  static constexpr uint64_t kDefaultPeriod = 256;

  // Off: Row() returns the shared rows.
  HotRowCache() = default;
  // A private copy of the last min(count, rows) rows of `shared`, which
  // must outlive the cache; count 0 is off.
  HotRowCache(Matrix* shared, size_t count, uint64_t period,
              float weight = 1.0f);

  bool enabled() const { return !local_.empty(); }
  // The row to read and write for shared row r.
  float* Row(Matrix& shared, int32_t r) {
    return size_t(r) >= first_ ? local_.row(size_t(r) - first_)
                               : shared.row(size_t(r));
  }
  // Counts `words` trained words; merges when a period is complete.
  void Advance(uint64_t words) {
    pending_ += words;
    if (pending_ >= period_) Sync();
  }
  // shared += weight (private - base); private = base = shared.
  void Sync();

 private:
  Matrix* shared_ = nullptr;
  size_t first_ = SIZE_MAX;  // first shared row kept private
  uint64_t period_ = 0;
  float weight_ = 1.0f;   // of this thread's change in a merge
  uint64_t pending_ = 0;  // words trained since the last Sync
  Matrix local_;          // the rows this thread trains
  Matrix base_;           // their values at the last Sync
};

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_HOT_ROWS_H_
