#include "corpus/phrase_table.h"

namespace wembed {

void PairKey(std::string_view a, std::string_view b, std::string* key) {
  key->assign(a);
  key->push_back(kPairSeparator);
  key->append(b);
}

void PhraseCounter::OnToken(std::string_view token) {
  ++total_tokens_;
  table_.Add(token);
  pruner_.MaybePrune(table_);
  if (!previous_.empty()) {
    PairKey(previous_, token, &key_);
    table_.Add(key_);
    pruner_.MaybePrune(table_);
  }
  previous_.assign(token);
}

void PhraseCounter::OnSentenceEnd() {
  ++sentences_;
  previous_.clear();
}

uint64_t PhraseCounter::CountOf(std::string_view word) const {
  const CountTable::Entry* e = table_.Find(word);
  return e == nullptr ? 0 : e->count;
}

uint64_t PhraseCounter::CountOf(std::string_view a, std::string_view b) const {
  std::string key;
  PairKey(a, b, &key);
  return CountOf(key);
}

uint64_t PhraseCounter::distinct_pairs() const {
  uint64_t pairs = 0;
  ForEachPair([&](std::string_view, std::string_view, uint64_t) { ++pairs; });
  return pairs;
}

void PhraseSet::Add(std::string_view a, std::string_view b) {
  PairKey(a, b, &key_);
  table_.Add(key_);
}

bool PhraseSet::Contains(std::string_view a, std::string_view b) const {
  if (table_.size() == 0) return false;
  PairKey(a, b, &key_);
  return table_.Find(key_) != nullptr;
}

PhraseSet BuildPhraseSet(const PhraseCounter& counter,
                         const PhraseOptions& options, double threshold) {
  PhraseSet phrases;
  const uint64_t total = counter.total_tokens();
  const size_t max_bytes = options.tokenizer.max_token_bytes;
  counter.ForEachPair([&](std::string_view a, std::string_view b,
                          uint64_t count_ab) {
    if (count_ab < options.min_count || a.size() + 1 + b.size() > max_bytes) {
      return;
    }
    const double score =
        PhraseScore(options.scoring, counter.CountOf(a), counter.CountOf(b),
                    count_ab, total, options.min_count);
    if (score > threshold) phrases.Add(a, b);
  });
  return phrases;
}

void PhraseJoiner::OnToken(std::string_view token) {
  if (pending_.empty()) {
    pending_.assign(token);
    return;
  }
  if (phrases_.Contains(pending_, token)) {
    joined_token_.assign(pending_);
    joined_token_.push_back(kPhraseJoiner);
    joined_token_.append(token);
    next_.OnToken(joined_token_);
    pending_.clear();
    ++joined_;
    return;
  }
  next_.OnToken(pending_);
  pending_.assign(token);
}

void PhraseJoiner::OnSentenceEnd() {
  if (!pending_.empty()) next_.OnToken(pending_);
  pending_.clear();
  next_.OnSentenceEnd();
}

}  // namespace wembed
