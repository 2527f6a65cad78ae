#include "wembed/corpus/corpus_scanner.h"

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

#include "corpus/byte_block_list.h"
#include "corpus/chunk_reader.h"
#include "corpus/count_table.h"
#include "base/coding.h"
#include "base/path_util.h"
#include "base/readable_file.h"

namespace wembed {

namespace {


std::string DescribeInputs(const std::vector<std::string>& inputs) {
  std::string s;
  for (size_t i = 0; i < inputs.size() && i < 3; ++i) {
    if (i > 0) s += ", ";
    s += inputs[i] == "-" ? ReadableFile::kStdinName : inputs[i];
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
      (v.max_table_entries < 1 || v.max_table_entries > kMaxCountTableEntries)) {
    return Status::InvalidArgument("max-table-entries must be between 1 and " +
                                   std::to_string(kMaxCountTableEntries) + ", got " +
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
      : pruner_(max_entries), encoded_(encoded) {}

  void OnToken(std::string_view token) override {
    ++total_tokens_;
    const CountTable::Entry& e = table_.Add(token);
    if (encoded_ != nullptr) encoded_->AppendVarint(e.provisional_id + 1);
    pruner_.MaybePrune(table_);
  }
  void OnSentenceEnd() override {
    ++sentences_;
    if (encoded_ != nullptr) encoded_->AppendByte(0);
  }

  CountTable& table() { return table_; }
  uint64_t total_tokens() const { return total_tokens_; }
  uint64_t sentences() const { return sentences_; }
  uint64_t prune_rounds() const { return pruner_.rounds(); }
  // Highest threshold used (counts <= it were dropped); 0 if never pruned.
  uint64_t prune_threshold() const { return pruner_.threshold(); }

 private:
  CountTable table_;
  TablePruner pruner_;
  ByteBlockList* const encoded_;
  uint64_t total_tokens_ = 0;
  uint64_t sentences_ = 0;
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
      const uint64_t v = DecodeVarint64Unchecked(p);
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
        if (staged + kMaxVarint64Bytes > sizeof(staging)) flush();
        staged = size_t(EncodeVarint64(staging + staged, uint64_t{id} + 1) -
                        staging);
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

// The tokenizer and whichever sink the request needs; the stats they count.
class ScanPass {
 public:
  ScanPass(const ScanRequest& request, ByteBlockList* encoded)
      : request_(request),
        counter_(request.vocab.max_table_entries, encoded),
        tokenizer_(request.tokenizer) {
    if (request.fixed_vocab != nullptr) {
      fixed_sink_.emplace(*request.fixed_vocab, encoded);
    }
  }

  // Reads every input through the tokenizer; Cancelled when the request's
  // cancel flag is raised.
  Status Run(std::chrono::steady_clock::time_point start) {
    auto last_progress = std::chrono::steady_clock::now();
    TokenSink& sink = fixed_sink_ ? static_cast<TokenSink&>(*fixed_sink_)
                                  : static_cast<TokenSink&>(counter_);
    return TokenizeInputs(
        request_.inputs, EnvOf(request_), tokenizer_, sink,
        [&](uint64_t bytes_read) {
          stats_.bytes_read = bytes_read;
          if (request_.cancel != nullptr &&
              request_.cancel->load(std::memory_order_relaxed)) {
            return Status::Cancelled("interrupted while reading " +
                                     DescribeInputs(request_.inputs));
          }
          const auto now = std::chrono::steady_clock::now();
          if (request_.progress &&
              now - last_progress >= std::chrono::seconds(1)) {
            last_progress = now;
            request_.progress(Stats(start));
          }
          return Status::Ok();
        });
  }

  const ScanStats& Stats(std::chrono::steady_clock::time_point start) {
    const bool fixed = fixed_sink_.has_value();
    stats_.total_tokens =
        fixed ? fixed_sink_->total_tokens() : counter_.total_tokens();
    stats_.sentences = fixed ? fixed_sink_->sentences() : counter_.sentences();
    stats_.distinct_tokens = fixed ? 0 : counter_.table().size();
    stats_.prune_rounds = counter_.prune_rounds();
    stats_.prune_threshold = counter_.prune_threshold();
    stats_.seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    return stats_;
  }

  CountingSink& counter() { return counter_; }

 private:
  static const Env& EnvOf(const ScanRequest& r) {
    return r.env != nullptr ? *r.env : Env::Default();
  }

  const ScanRequest& request_;
  CountingSink counter_;
  std::optional<FixedVocabSink> fixed_sink_;
  Tokenizer tokenizer_;
  ScanStats stats_;
};

// The counted words that make the vocabulary: count >= min_count, by count
// descending, ties by provisional id (= first occurrence), at most
// max_vocab. With `remap`, also maps each kept provisional id to its final
// id (-1 = dropped).
StatusOr<Vocabulary> BuildVocabulary(const ScanRequest& request,
                                     CountTable& table,
                                     std::vector<int32_t>* remap) {
  std::vector<const CountTable::Entry*> order;
  table.ForEach([&](const CountTable::Entry& e) {
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
  if (order.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("too many words in the vocabulary");
  }
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  words.reserve(order.size());
  counts.reserve(order.size());
  if (remap != nullptr) remap->assign(table.num_provisional_ids(), -1);
  for (size_t id = 0; id < order.size(); ++id) {
    words.emplace_back(order[id]->word());
    counts.push_back(order[id]->count);
    if (remap != nullptr) {
      (*remap)[order[id]->provisional_id] = static_cast<int32_t>(id);
    }
  }
  return Vocabulary::FromWordsAndCounts(std::move(words), std::move(counts));
}

// Each entry's count is exactly the number of times its current provisional
// id was recorded (pruning resets both), so this bounds the encoded size:
// token bytes plus at most one end per recorded sentence.
size_t EncodedSizeBound(const Vocabulary& vocab, uint64_t sentences) {
  size_t bytes = sentences + 1;
  for (size_t id = 0; id < vocab.size(); ++id) {
    bytes += vocab.count(id) * VarintLength(id + 1);
  }
  return bytes;
}

}  // namespace

StatusOr<ScanResult> ScanCorpus(const ScanRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  WEMBED_RETURN_IF_ERROR(ValidateRequest(request));
  // Fail fast on a missing file rather than after scanning the others
  // (stat only: a FIFO must be opened once, by the reader).
  for (const std::string& path : request.inputs) {
    WEMBED_RETURN_IF_ERROR(CheckInputPath(path));
  }
  ByteBlockList encoded;
  ScanPass pass(request, request.encode ? &encoded : nullptr);
  WEMBED_RETURN_IF_ERROR(pass.Run(start));
  ScanStats stats = pass.Stats(start);
  if (stats.total_tokens == 0) {
    return Status::InvalidArgument(DescribeInputs(request.inputs) +
                                   ": empty corpus (no tokens)");
  }
  ScanResult result;
  if (request.fixed_vocab != nullptr) {
    result.vocab = *request.fixed_vocab;
    // The fixed-vocabulary stream is already final.
    if (request.encode) {
      result.corpus = ConvertEncoded(encoded, nullptr, encoded.size());
    }
  } else {
    std::vector<int32_t> remap;
    StatusOr<Vocabulary> vocab = BuildVocabulary(
        request, pass.counter().table(), request.encode ? &remap : nullptr);
    if (!vocab.ok()) return vocab.status();
    pass.counter().table() = CountTable();  // free it before converting
    result.vocab = std::move(vocab).value();
    if (request.encode) {
      result.corpus = ConvertEncoded(
          encoded, &remap,
          EncodedSizeBound(result.vocab, pass.counter().sentences()));
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
