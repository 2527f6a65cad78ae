#include "corpus/global_counter.h"

#include <algorithm>

namespace wembed {

namespace {

// Words counted at least this often when the front grows join it.
constexpr uint64_t kMinFrontCount = 2;
constexpr uint64_t kMaxFrontWords = uint64_t{1} << 20;
// The most frequent front words, also in the FrontTable's small first level
// (2 x 4096 slots of 16 bytes: 128 KiB, which stays in a core's L2 cache).
constexpr size_t kHotFrontWords = 4096;

}  // namespace

GlobalCounter::GlobalCounter(uint64_t max_entries)
    : pruner_(max_entries),
      front_limit_(std::min(kMaxFrontWords, max_entries / 2)) {}

void GlobalCounter::Merge(const BlockResult& r, ByteStream* map) {
  for (const uint32_t f : r.front_seen) front_counts_[f] += r.front_counts[f];
  order_.assign(r.words.size(), nullptr);
  r.words.ForEach(
      [&](const CountTable::Entry& e) { order_[e.provisional_id] = &e; });
  for (const CountTable::Entry* e : order_) {
    const uint64_t ref = Add(e->word(), e->count);
    if (map != nullptr) map->AppendVarint(ref);
  }
  ++blocks_;
  if ((blocks_ & (blocks_ - 1)) == 0) GrowFront();
}

std::vector<uint32_t> GlobalCounter::HotWords() const {
  std::vector<uint32_t> hot(front_counts_.size());
  for (size_t f = 0; f < hot.size(); ++f) hot[f] = uint32_t(f);
  const size_t n = std::min(hot.size(), kHotFrontWords);
  std::partial_sort(hot.begin(), hot.begin() + n, hot.end(),
                    [this](uint32_t a, uint32_t b) {
                      if (front_counts_[a] != front_counts_[b]) {
                        return front_counts_[a] > front_counts_[b];
                      }
                      return a < b;
                    });
  hot.resize(n);
  return hot;
}

// Moves the count table's words counted at least kMinFrontCount times to
// the front, most frequent first (ties by provisional id), up to
// front_limit_ words in all, and publishes the new FrontTable.
void GlobalCounter::GrowFront() {
  std::vector<CountedWord> chosen;
  chosen.reserve(table_.size());
  table_.ForEach([&](const CountTable::Entry& e) {
    if (e.count >= kMinFrontCount) {
      chosen.push_back(CountedWord{e.word(), e.count, e.provisional_id});
    }
  });
  const auto before = [](const CountedWord& a, const CountedWord& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.provisional_id < b.provisional_id;
  };
  std::sort(chosen.begin(), chosen.end(), before);
  chosen.resize(
      std::min<uint64_t>(chosen.size(), front_limit_ - front_words_.size()));
  if (chosen.empty()) return;
  front_words_.reserve(front_words_.size() + chosen.size());
  front_counts_.reserve(front_words_.size() + chosen.size());
  front_ids_.reserve(front_words_.size() + chosen.size());
  for (const CountedWord& w : chosen) {
    front_words_.emplace_back(w.word);
    front_counts_.push_back(w.count);
    front_ids_.push_back(w.provisional_id);
  }
  const CountedWord last = chosen.back();
  table_.RemoveIf(
      [&](const CountTable::Entry& e) {
        return before(CountedWord{e.word(), e.count, e.provisional_id}, last) ||
               e.provisional_id == last.provisional_id;
      },
      [](const CountTable::Entry&) {}, /*keep_capacity=*/true);
  pruner_.set_reserved(front_words_.size());
  auto front = std::make_shared<const FrontTable>(front_words_, HotWords());
  std::lock_guard<std::mutex> lock(front_mutex_);
  front_ = std::move(front);
}

}  // namespace wembed
