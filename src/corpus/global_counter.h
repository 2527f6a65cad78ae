// GlobalCounter: the parallel scan's word counts (see corpus_scanner.cc),
// merged block by block in corpus order on the consuming thread.
#ifndef WEMBED_SRC_CORPUS_GLOBAL_COUNTER_H_
#define WEMBED_SRC_CORPUS_GLOBAL_COUNTER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "corpus/block_scan.h"
#include "corpus/count_table.h"
#include "corpus/front_table.h"
#include "wembed/corpus/corpus_scanner.h"

namespace wembed {

// A word of the scan as a record's map names it: front index f as 2 f,
// provisional id p of the count table as 2 p + 1.
inline uint64_t FrontRef(uint64_t front_index) { return 2 * front_index; }
inline uint64_t TableRef(uint64_t provisional_id) {
  return 2 * provisional_id + 1;
}

// A counted word, in the front or in the count table.
struct CountedWord {
  std::string_view word;
  uint64_t count;
  uint64_t provisional_id;
};

// The scan's counts: blocks' words merged in corpus order. The frequent
// words move to the front (a FrontTable the scan threads count with, and
// dense counts here) after 1, 2, 4, 8, ... blocks; the others are in a
// count table with word2vec's ReduceVocab pruning (TablePruner) when the
// two grow past max_entries. Front words are never pruned. Every word
// keeps the provisional id it got when first merged (first-occurrence
// order), wherever it is held. Merge and everything else are for
// the consuming thread only; front() may be called from any thread.
class GlobalCounter {
 public:
  explicit GlobalCounter(uint64_t max_entries);

  // Adds a block's counts: its front counts, then its other words in their
  // local id order (= first occurrence in the block, so first occurrences
  // stay in corpus order); with `map`, appends each one's WordRef as a
  // varint.
  void Merge(const BlockResult& r, ByteStream* map);

  std::shared_ptr<const FrontTable> front() const {
    std::lock_guard<std::mutex> lock(front_mutex_);
    return front_;
  }

  // Calls fn(const CountedWord&) for each word, in no particular order.
  template <typename Fn>
  void ForEachWord(Fn&& fn) const {
    for (size_t f = 0; f < front_words_.size(); ++f) {
      fn(CountedWord{front_words_[f], front_counts_[f], front_ids_[f]});
    }
    table_.ForEach([&](const CountTable::Entry& e) {
      fn(CountedWord{e.word(), e.count, e.provisional_id});
    });
  }
  // The provisional id of each front index.
  const std::vector<uint64_t>& front_ids() const { return front_ids_; }
  // Frees the words and counts (front_ids() stays).
  void Release() {
    table_ = CountTable();
    front_words_ = {};
    front_counts_ = {};
    std::lock_guard<std::mutex> lock(front_mutex_);
    front_.reset();
  }

  void FillStats(ScanStats* s) const {
    s->distinct_tokens = table_.size() + front_words_.size();
    s->prune_rounds = pruner_.rounds();
    s->prune_threshold = pruner_.threshold();
    s->pruned_words = pruner_.pruned().entries;
    s->pruned_tokens = pruner_.pruned().occurrences;
  }

 private:
  // Adds `count` occurrences of `word`; returns its WordRef.
  uint64_t Add(std::string_view word, uint64_t count) {
    // front_ is written by this thread only: no lock to read it here.
    const int32_t f = front_ != nullptr ? front_->Find(word) : -1;
    if (f >= 0) {
      front_counts_[f] += count;
      return FrontRef(uint64_t(f));
    }
    const uint64_t id = table_.AddCount(word, count).provisional_id;
    pruner_.MaybePrune(table_);
    return TableRef(id);
  }
  void GrowFront();
  // The kHotFrontWords front indices with the highest counts.
  std::vector<uint32_t> HotWords() const;

  CountTable table_;
  TablePruner pruner_;
  const uint64_t front_limit_;
  // Per front index: the word, its count, its provisional id.
  std::vector<std::string> front_words_;
  std::vector<uint64_t> front_counts_;
  std::vector<uint64_t> front_ids_;
  std::shared_ptr<const FrontTable> front_;  // of front_words_
  mutable std::mutex front_mutex_;           // guards front_ for front()
  uint64_t blocks_ = 0;                      // blocks merged
  std::vector<const CountTable::Entry*> order_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_GLOBAL_COUNTER_H_
