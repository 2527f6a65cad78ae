// The pieces of a phrase pass (include/wembed/corpus/phrases.h):
// PhraseCounter counts words and adjacent pairs in one bounded table,
// BuildPhraseSet scores the pairs and keeps those above a threshold, and
// PhraseJoiner joins the kept pairs in a token stream. All are TokenSinks or
// feed one, so a pass is Tokenizer -> joiners of earlier passes -> counter
// (or writer). Not thread-safe.
#ifndef WEMBED_SRC_CORPUS_PHRASE_TABLE_H_
#define WEMBED_SRC_CORPUS_PHRASE_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "corpus/count_table.h"
#include "wembed/corpus/phrases.h"
#include "wembed/text/tokenizer.h"

namespace wembed {

// The table key of pair (a, b): "a b". Tokens never hold a space (it
// separates them), so a pair key never equals a word, and a word that
// already holds '_' (a phrase of an earlier pass) stays distinct from the
// pair of its parts.
inline constexpr char kPairSeparator = ' ';
// Joins the words of an accepted pair in the output.
inline constexpr char kPhraseJoiner = '_';

// Writes "a b" into *key (reusing its buffer).
void PairKey(std::string_view a, std::string_view b, std::string* key);

// Counts every token and every pair of adjacent tokens of a sentence in one
// CountTable bounded by `max_entries` (pruned by TablePruner).
class PhraseCounter final : public TokenSink {
 public:
  explicit PhraseCounter(uint64_t max_entries) : pruner_(max_entries) {}

  void OnToken(std::string_view token) override;
  void OnSentenceEnd() override;

  // Counts as held now (0 if never seen or pruned).
  uint64_t CountOf(std::string_view word) const;
  uint64_t CountOf(std::string_view a, std::string_view b) const;

  // Calls fn(a, b, count) for every pair held, in no particular order.
  template <typename Fn>
  void ForEachPair(Fn&& fn) const {
    table_.ForEach([&](const CountTable::Entry& e) {
      const std::string_view key = e.word();
      const size_t space = key.find(kPairSeparator);
      if (space == std::string_view::npos) return;
      fn(key.substr(0, space), key.substr(space + 1), e.count);
    });
  }

  uint64_t total_tokens() const { return total_tokens_; }
  uint64_t sentences() const { return sentences_; }
  uint64_t distinct_words() const { return table_.size() - distinct_pairs(); }
  uint64_t distinct_pairs() const;
  const TablePruner& pruner() const { return pruner_; }

 private:
  CountTable table_;
  TablePruner pruner_;
  std::string previous_;  // last token of the current sentence, or ""
  std::string key_;       // scratch
  uint64_t total_tokens_ = 0;
  uint64_t sentences_ = 0;
};

// The pairs one pass joins.
class PhraseSet {
 public:
  void Add(std::string_view a, std::string_view b);
  bool Contains(std::string_view a, std::string_view b) const;
  uint64_t size() const { return table_.size(); }

 private:
  CountTable table_;         // keys "a b"; counts unused
  mutable std::string key_;  // scratch for Contains
};

// The pairs of `counter` whose PhraseScore is above `threshold` and whose
// joined form "a_b" fits in max_token_bytes (so that a reader with the same
// tokenizer options reads it back whole).
PhraseSet BuildPhraseSet(const PhraseCounter& counter,
                         const PhraseOptions& options, double threshold);

// Passes a token stream on to `next`, joining the pairs of `phrases` with
// '_', left to right; a token just joined is not joined again (a pass makes
// phrases of two of its tokens, as word2phrase does). Sentence ends are
// passed on and never joined across.
class PhraseJoiner final : public TokenSink {
 public:
  // `phrases` and `next` must outlive the joiner.
  PhraseJoiner(const PhraseSet& phrases, TokenSink& next)
      : phrases_(phrases), next_(next) {}

  void OnToken(std::string_view token) override;
  void OnSentenceEnd() override;

  uint64_t joined() const { return joined_; }  // pairs joined so far

 private:
  const PhraseSet& phrases_;
  TokenSink& next_;
  std::string pending_;       // a token not yet passed on, or ""
  std::string joined_token_;  // scratch
  uint64_t joined_ = 0;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_PHRASE_TABLE_H_
