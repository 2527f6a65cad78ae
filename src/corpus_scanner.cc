#include "wembed/corpus_scanner.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <utility>

#include "byte_block_list.h"
#include "chunk_reader.h"
#include "count_table.h"
#include "input_stream.h"

namespace wembed {

namespace {

constexpr size_t kMinTokenBytes = 4;
constexpr size_t kMaxTokenBytes = size_t{1} << 20;
constexpr uint64_t kMaxTableEntries = uint64_t{1} << 31;

std::string DescribeInputs(const std::vector<std::string>& inputs) {
  std::string s;
  for (size_t i = 0; i < inputs.size() && i < 3; ++i) {
    if (i > 0) s += ", ";
    s += inputs[i] == "-" ? InputStream::kStdinName : inputs[i];
  }
  if (inputs.size() > 3) {
    s += " (and " + std::to_string(inputs.size() - 3) + " more)";
  }
  return s;
}

Status ValidateRequest(const ScanRequest& request) {
  if (request.inputs.empty()) {
    return Status::InvalidArgument("no input files given");
  }
  if (std::count(request.inputs.begin(), request.inputs.end(), "-") > 1) {
    return Status::InvalidArgument("stdin ('-') is given more than once");
  }
  const TokenizerOptions& t = request.tokenizer;
  if (t.max_token_bytes < kMinTokenBytes ||
      t.max_token_bytes > kMaxTokenBytes) {
    return Status::InvalidArgument("max-token-bytes must be between " +
                                   std::to_string(kMinTokenBytes) + " and " +
                                   std::to_string(kMaxTokenBytes) + ", got " +
                                   std::to_string(t.max_token_bytes));
  }
  if (t.max_sentence_tokens == 0) {
    return Status::InvalidArgument("max sentence tokens must be at least 1");
  }
  const VocabOptions& v = request.vocab;
  if (request.fixed_vocab == nullptr &&
      (v.max_table_entries < 1 || v.max_table_entries > kMaxTableEntries)) {
    return Status::InvalidArgument("max-table-entries must be between 1 and " +
                                   std::to_string(kMaxTableEntries) + ", got " +
                                   std::to_string(v.max_table_entries));
  }
  if (request.fixed_vocab != nullptr && request.fixed_vocab->empty()) {
    return Status::InvalidArgument("the fixed vocabulary is empty");
  }
  return Status::Ok();
}

// Counts tokens into a CountTable; with encoding on, records each token's
// provisional id (+1) as a varint and each sentence end as 0x00.
class CountingSink final : public TokenSink {
 public:
  CountingSink(uint64_t max_entries, ByteBlockList* encoded)
      : max_entries_(max_entries), encoded_(encoded) {}

  void OnToken(std::string_view token) override {
    ++total_tokens_;
    const CountTable::Entry& e = table_.Add(token);
    if (encoded_ != nullptr) encoded_->AppendVarint(e.provisional_id + 1);
    if (table_.size() > max_entries_) Prune();
  }
  void OnSentenceEnd() override {
    ++sentences_;
    if (encoded_ != nullptr) encoded_->AppendByte(0);
  }

  CountTable& table() { return table_; }
  uint64_t total_tokens() const { return total_tokens_; }
  uint64_t sentences() const { return sentences_; }
  uint64_t prune_rounds() const { return prune_rounds_; }
  // Highest threshold used (counts <= it were dropped); 0 if never pruned.
  uint64_t prune_threshold() const {
    return prune_rounds_ == 0 ? 0 : threshold_;
  }

 private:
  // word2vec's ReduceVocab: drop entries with count <= threshold; if that is
  // not enough to get down to 3/4 of the limit, raise the threshold (straight
  // to the level that is enough) and drop again. The threshold never goes
  // down, so counts of words seen again after being dropped stay low.
  void Prune() {
    const size_t target = std::max<uint64_t>(1, max_entries_ * 3 / 4);
    table_.Prune(threshold_);
    ++prune_rounds_;
    if (table_.size() <= target) return;
    std::vector<uint64_t> counts;
    counts.reserve(table_.size());
    table_.ForEach(
        [&](const CountTable::Entry& e) { counts.push_back(e.count); });
    // Keeping only counts > counts[target] (descending) leaves <= target.
    std::nth_element(counts.begin(), counts.begin() + target, counts.end(),
                     std::greater<uint64_t>());
    threshold_ = std::max(threshold_ + 1, counts[target]);
    table_.Prune(threshold_);
    ++prune_rounds_;
  }

  CountTable table_;
  const uint64_t max_entries_;
  ByteBlockList* const encoded_;
  uint64_t total_tokens_ = 0;
  uint64_t sentences_ = 0;
  uint64_t prune_rounds_ = 0;
  uint64_t threshold_ = 1;
};

// Looks tokens up in a fixed vocabulary and records the final ids.
class FixedVocabSink final : public TokenSink {
 public:
  FixedVocabSink(const Vocabulary& vocab, ByteBlockList* encoded)
      : vocab_(vocab), encoded_(encoded) {}

  void OnToken(std::string_view token) override {
    ++total_tokens_;
    const int32_t id = vocab_.Find(token);
    if (id < 0) return;
    if (encoded_ != nullptr) {
      encoded_->AppendVarint(static_cast<uint64_t>(id) + 1);
    }
    sentence_has_token_ = true;
  }
  void OnSentenceEnd() override {
    ++sentences_;
    if (encoded_ != nullptr && sentence_has_token_) encoded_->AppendByte(0);
    sentence_has_token_ = false;
  }

  uint64_t total_tokens() const { return total_tokens_; }
  uint64_t sentences() const { return sentences_; }

 private:
  const Vocabulary& vocab_;
  ByteBlockList* const encoded_;
  uint64_t total_tokens_ = 0;
  uint64_t sentences_ = 0;
  bool sentence_has_token_ = false;
};

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Calls on_token(final id) for each recorded token that `remap` keeps
// (nullptr = identity; -1 = drop) and on_end() at each recorded sentence end
// and at the end of the stream. With `release`, frees each block once read.
template <typename OnToken, typename OnEnd>
void ForEachRecord(ByteBlockList& temp, const std::vector<int32_t>* remap,
                   bool release, OnToken&& on_token, OnEnd&& on_end) {
  for (size_t b = 0; b < temp.num_blocks(); ++b) {
    const std::span<const uint8_t> block = temp.block(b);
    const uint8_t* p = block.data();
    const uint8_t* const end = p + block.size();
    while (p < end) {
      if (*p == 0) {
        ++p;
        on_end();
        continue;
      }
      uint64_t v = 0;
      int shift = 0;
      while (*p & 0x80) {
        v |= uint64_t(*p++ & 0x7f) << shift;
        shift += 7;
      }
      v |= uint64_t(*p++) << shift;
      const int64_t id = remap == nullptr ? int64_t(v - 1) : (*remap)[v - 1];
      if (id >= 0) on_token(static_cast<uint32_t>(id));
    }
    if (release) temp.ReleaseBlock(b);
  }
  on_end();
}

// Converts the temporary stream into the final EncodedCorpus, dropping
// sentences left empty, in one pass. `reserve_bytes` must be at least the
// output size: reserve() does not touch the pages, they become resident only
// as they are filled while the temp blocks are released one by one, so peak
// memory is about max(temp, result) rather than their sum.
EncodedCorpus ConvertEncoded(ByteBlockList& temp,
                             const std::vector<int32_t>* remap,
                             size_t reserve_bytes) {
  std::vector<uint8_t> out;
  out.reserve(reserve_bytes);
  uint8_t staging[1 << 16];
  size_t staged = 0;
  const auto flush = [&] {
    out.insert(out.end(), staging, staging + staged);
    staged = 0;
  };
  uint64_t tokens = 0;
  uint64_t sentences = 0;
  bool open = false;
  ForEachRecord(
      temp, remap, /*release=*/true,
      [&](uint32_t id) {
        if (staged + ByteBlockList::kMaxVarintBytes > sizeof(staging)) flush();
        uint64_t x = uint64_t{id} + 1;
        while (x >= 0x80) {
          staging[staged++] = static_cast<uint8_t>(x | 0x80);
          x >>= 7;
        }
        staging[staged++] = static_cast<uint8_t>(x);
        ++tokens;
        open = true;
      },
      [&] {
        if (open) {
          if (staged == sizeof(staging)) flush();
          staging[staged++] = 0;
          ++sentences;
        }
        open = false;
      });
  flush();
  return EncodedCorpus(std::move(out), tokens, sentences);
}

}  // namespace

StatusOr<ScanResult> ScanCorpus(const ScanRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  WEMBED_RETURN_IF_ERROR(ValidateRequest(request));
  // Fail fast on a missing file rather than after scanning the others.
  for (const std::string& path : request.inputs) {
    WEMBED_RETURN_IF_ERROR(InputStream::CheckReadable(path));
  }

  const bool fixed = request.fixed_vocab != nullptr;
  ByteBlockList encoded;
  ByteBlockList* const encoded_ptr = request.encode ? &encoded : nullptr;
  CountingSink counter(request.vocab.max_table_entries, encoded_ptr);
  std::optional<FixedVocabSink> fixed_sink;
  if (fixed) fixed_sink.emplace(*request.fixed_vocab, encoded_ptr);
  TokenSink& sink = fixed ? static_cast<TokenSink&>(*fixed_sink)
                          : static_cast<TokenSink&>(counter);
  Tokenizer tokenizer(request.tokenizer);

  ScanStats stats;
  auto update_stats = [&] {
    stats.total_tokens =
        fixed ? fixed_sink->total_tokens() : counter.total_tokens();
    stats.sentences = fixed ? fixed_sink->sentences() : counter.sentences();
    stats.distinct_tokens = fixed ? 0 : counter.table().size();
    stats.prune_rounds = counter.prune_rounds();
    stats.prune_threshold = counter.prune_threshold();
    stats.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  };

  {
    ChunkReader reader(request.inputs);
    ChunkReader::Chunk chunk;
    auto last_progress = std::chrono::steady_clock::now();
    while (reader.Next(&chunk)) {
      if (request.cancel != nullptr &&
          request.cancel->load(std::memory_order_relaxed)) {
        return Status::Cancelled("interrupted while reading " +
                                 DescribeInputs(request.inputs));
      }
      stats.bytes_read += chunk.size;
      tokenizer.Feed(chunk.text(), sink);
      if (chunk.end_of_input) tokenizer.Finish(sink);
      reader.Release(chunk);
      if (request.progress) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_progress >= std::chrono::seconds(1)) {
          last_progress = now;
          update_stats();
          request.progress(stats);
        }
      }
    }
    WEMBED_RETURN_IF_ERROR(reader.status());
  }
  update_stats();

  if (stats.total_tokens == 0) {
    return Status::InvalidArgument(DescribeInputs(request.inputs) +
                                   ": empty corpus (no tokens)");
  }

  ScanResult result;
  if (fixed) {
    result.vocab = *request.fixed_vocab;
    // The fixed-vocabulary stream is already final.
    if (request.encode) {
      result.corpus = ConvertEncoded(encoded, nullptr, encoded.size());
    }
  } else {
    // Kept entries: count >= min_count, by count descending, ties by
    // provisional id (= first occurrence).
    std::vector<const CountTable::Entry*> order;
    counter.table().ForEach([&](const CountTable::Entry& e) {
      if (e.count >= request.vocab.min_count) order.push_back(&e);
    });
    std::sort(order.begin(), order.end(),
              [](const CountTable::Entry* a, const CountTable::Entry* b) {
                if (a->count != b->count) return a->count > b->count;
                return a->provisional_id < b->provisional_id;
              });
    if (request.vocab.max_vocab > 0 && order.size() > request.vocab.max_vocab) {
      order.resize(request.vocab.max_vocab);
    }
    if (order.empty()) {
      return Status::InvalidArgument(DescribeInputs(request.inputs) +
                                     ": empty vocabulary (no word occurs " +
                                     std::to_string(request.vocab.min_count) +
                                     " or more times; lower min-count)");
    }
    if (order.size() >=
        static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
      return Status::InvalidArgument("too many words in the vocabulary");
    }
    std::vector<std::string> words;
    std::vector<uint64_t> counts;
    words.reserve(order.size());
    counts.reserve(order.size());
    std::vector<int32_t> remap;
    if (request.encode) {
      remap.assign(counter.table().num_provisional_ids(), -1);
    }
    for (size_t id = 0; id < order.size(); ++id) {
      const CountTable::Entry& e = *order[id];
      words.emplace_back(e.word());
      counts.push_back(e.count);
      if (request.encode) remap[e.provisional_id] = static_cast<int32_t>(id);
    }
    order = std::vector<const CountTable::Entry*>();
    counter.table() = CountTable();  // free the table before converting
    StatusOr<Vocabulary> vocab =
        Vocabulary::FromWordsAndCounts(std::move(words), std::move(counts));
    if (!vocab.ok()) return vocab.status();
    result.vocab = std::move(vocab).value();
    if (request.encode) {
      // Each entry's count is exactly the number of times its current
      // provisional id was recorded (pruning resets both), so this bounds
      // the output: token bytes plus at most one end per recorded sentence.
      size_t bytes = counter.sentences() + 1;
      for (size_t id = 0; id < result.vocab.size(); ++id) {
        bytes += result.vocab.count(id) * VarintSize(id + 1);
      }
      result.corpus = ConvertEncoded(encoded, &remap, bytes);
    }
  }
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  result.stats = stats;
#ifdef __GLIBC__
  // The count table and the provisional stream were freed above; glibc keeps
  // such memory mapped (measured: ~40 MB on en-mix) unless asked to return it,
  // and the trainer allocates its matrices right after this call.
  ::malloc_trim(0);
#endif
  return result;
}

}  // namespace wembed
