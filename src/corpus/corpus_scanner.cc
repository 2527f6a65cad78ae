#include "wembed/corpus/corpus_scanner.h"

// glibc keeps freed memory mapped unless asked to return it (malloc_trim).
// Not in a sanitizer build: there malloc is the sanitizer's, and trimming
// glibc's own arenas while other threads exit is suspected of a rare ASan
// abort in __malloc_arena_thread_freeres (google/sanitizers#1721 is a
// crash of malloc_trim under ASan from threads).
#if defined(__GLIBC__) && !defined(WEMBED_SANITIZED)
#define WEMBED_TRIM_MALLOC 1
#include <malloc.h>
#endif

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "base/coding.h"
#include "base/readable_file.h"
#include "corpus/block_reader.h"
#include "corpus/block_scan.h"
#include "corpus/count_table.h"
#include "corpus/encoded_output.h"
#include "corpus/input_share.h"
#include "corpus/ordered_pipeline.h"
#include "corpus/provisional_store.h"
#include "wembed/corpus/input_files.h"

namespace wembed {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMinBlockBytes = size_t{64} << 10;
// Blocks of 4 MiB (with the default --memory-budget): their streams grow
// past 2 MiB and so get huge pages (AllocateLarge), as do the workers'
// tables. Measured on en-mix, `wembed encode --threads 2`, 6 interleaved
// rounds (December 2026): 1 MiB blocks 1.30 s on the text and 1.40 s on the
// .gz, 2 MiB 1.32 / 1.41 s, 4 MiB 1.16-1.18 / 1.18-1.20 s. (Before huge
// pages, 4 MiB blocks cost ~10% more CPU than 1 MiB ones: the workers'
// tables left the cache and the TLB.)
constexpr size_t kMaxBlockBytes = size_t{4} << 20;

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
      (v.max_table_entries < 1 ||
       v.max_table_entries > kMaxCountTableEntries)) {
    return Status::InvalidArgument("max-table-entries must be between 1 and " +
                                   std::to_string(kMaxCountTableEntries) +
                                   ", got " +
                                   std::to_string(v.max_table_entries));
  }
  if (request.share.count < 1 || request.share.index < 0 ||
      request.share.index >= request.share.count) {
    return Status::InvalidArgument(
        "invalid input share " + std::to_string(request.share.index) + " of " +
        std::to_string(request.share.count));
  }
  if (request.fixed_vocab != nullptr && request.fixed_vocab->empty()) {
    return Status::InvalidArgument("the fixed vocabulary is empty");
  }
  return Status::Ok();
}

// The expanded inputs, stdin at most once.
StatusOr<std::vector<std::string>> ResolveInputs(const ScanRequest& request,
                                                 const Env& env) {
  StatusOr<std::vector<std::string>> inputs = ExpandInputs(request.inputs, env);
  if (!inputs.ok()) return inputs.status();
  if (std::count(inputs->begin(), inputs->end(), "-") > 1) {
    return Status::InvalidArgument("stdin ('-') is given more than once");
  }
  return inputs;
}

// How the memory budget is spent: blocks of text in flight (each with its
// result), and the intermediate stream held before spilling.
struct ScanLayout {
  size_t block_bytes;
  int workers;
  int slots;
  uint64_t spill_limit;
};

ScanLayout LayoutFor(const ScanRequest& request) {
  ScanLayout l;
  const uint64_t budget = std::max<uint64_t>(request.memory_budget, 1);
  l.block_bytes = request.block_bytes > 0
                      ? request.block_bytes
                      : size_t(std::clamp<uint64_t>(budget / 64, kMinBlockBytes,
                                                    kMaxBlockBytes));
  l.workers = std::max(1, request.threads);
  // A slot holds a block of text and its result (words and stream): about
  // three blocks' worth; a quarter of the budget for them.
  const uint64_t fit = budget / 4 / (3 * uint64_t(l.block_bytes));
  l.slots = int(std::clamp<uint64_t>(fit, 2, uint64_t(l.workers) + 2));
  l.spill_limit = budget / 4;
  return l;
}

constexpr size_t kMergeLookahead = 8;

// The scan's count table: blocks' words merged in corpus order, with
// word2vec's ReduceVocab pruning (TablePruner) when it grows past
// max_entries.
class GlobalCounter {
 public:
  explicit GlobalCounter(uint64_t max_entries) : pruner_(max_entries) {}

  // Adds a block's words in their local id order (= first occurrence in the
  // block, so first occurrences stay in corpus order); with `map`, appends
  // each one's provisional id as a varint.
  void Merge(const BlockWords& words, ByteStream* map) {
    // The global table is large and each word's slot a cache miss: ask for
    // the slots of the words kMergeLookahead ahead while adding this one.
    const uint32_t n = uint32_t(words.size());
    for (uint32_t i = 0; i < n; ++i) {
      if (i + kMergeLookahead < n) {
        table_.PrefetchHash(words.hash(i + uint32_t(kMergeLookahead)));
      }
      const uint64_t id =
          table_.AddCount(words.word(i), words.count(i), words.hash(i))
              .provisional_id;
      if (map != nullptr) map->AppendVarint(id);
      pruner_.MaybePrune(table_);
    }
  }

  CountTable& table() { return table_; }
  void FillStats(ScanStats* s) const {
    s->distinct_tokens = table_.size();
    s->prune_rounds = pruner_.rounds();
    s->prune_threshold = pruner_.threshold();
    s->pruned_words = pruner_.pruned().entries;
    s->pruned_tokens = pruner_.pruned().occurrences;
  }

 private:
  CountTable table_;
  TablePruner pruner_;
};

// Provisional id -> final id of the kept words. A dense array indexed by
// provisional id when there are few enough ids (always without pruning),
// else open addressing; a lookup of every word of every block (the
// rewrite) is one access into the array.
class IdMap {
 public:
  // `kept`: the number of Inserts to come; `table`: the count table the
  // ids come from. Dense when its ids take no more memory than its entries
  // (4 bytes an id against 32 an entry).
  IdMap(size_t kept, const CountTable& table) {
    if (table.num_provisional_ids() <= 8 * uint64_t(table.size())) {
      dense_ = true;
      values_.assign(size_t(table.num_provisional_ids()), -1);
      return;
    }
    size_t capacity = 16;
    while (capacity < 2 * kept) capacity *= 2;
    keys_.assign(capacity, kEmpty);
    values_.assign(capacity, -1);
    mask_ = capacity - 1;
  }
  void Insert(uint64_t key, int32_t value) {
    if (dense_) {
      values_[size_t(key)] = value;
      return;
    }
    size_t i = Slot(key);
    while (keys_[i] != kEmpty) i = (i + 1) & mask_;
    keys_[i] = key;
    values_[i] = value;
  }
  // The value of `key` (an id of the table), or -1.
  int32_t Find(uint64_t key) const {
    if (dense_) return values_[size_t(key)];
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return values_[i];
      if (keys_[i] == kEmpty) return -1;
    }
  }

 private:
  static constexpr uint64_t kEmpty = std::numeric_limits<uint64_t>::max();
  size_t Slot(uint64_t key) const {
    return size_t((key * 0x9e3779b97f4a7c15ULL) >> 20) & mask_;
  }
  bool dense_ = false;
  std::vector<uint64_t> keys_;  // open addressing only
  std::vector<int32_t> values_;
  size_t mask_ = 0;
};

// The counted words that make the vocabulary: count >= min_count (raised
// by max_final_vocab), by count descending, ties by provisional id (= first
// occurrence), at most max_vocab. With `remap`, maps each kept provisional
// id to its final id.
StatusOr<Vocabulary> BuildVocabulary(const ScanRequest& request,
                                     const std::string& inputs,
                                     CountTable& table,
                                     std::optional<IdMap>* remap,
                                     uint64_t* min_count_used) {
  std::vector<const CountTable::Entry*> order;
  table.ForEach([&](const CountTable::Entry& e) {
    if (e.count >= request.vocab.min_count) order.push_back(&e);
  });
  std::sort(order.begin(), order.end(),
            [](const CountTable::Entry* a, const CountTable::Entry* b) {
              if (a->count != b->count) return a->count > b->count;
              return a->provisional_id < b->provisional_id;
            });
  std::vector<uint64_t> counts(order.size());
  for (size_t i = 0; i < order.size(); ++i) counts[i] = order[i]->count;
  *min_count_used = MinCountForFinalVocab(counts, request.vocab.min_count,
                                          request.vocab.max_final_vocab);
  while (!order.empty() && order.back()->count < *min_count_used) {
    order.pop_back();
  }
  if (request.vocab.max_vocab > 0 && order.size() > request.vocab.max_vocab) {
    order.resize(request.vocab.max_vocab);
  }
  if (order.empty()) {
    return Status::InvalidArgument(inputs +
                                   ": empty vocabulary (no word occurs " +
                                   std::to_string(request.vocab.min_count) +
                                   " or more times; lower min-count)");
  }
  if (order.size() >=
      static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("too many words in the vocabulary");
  }
  std::vector<std::string> words;
  std::vector<uint64_t> kept_counts;
  words.reserve(order.size());
  kept_counts.reserve(order.size());
  if (remap != nullptr) remap->emplace(order.size(), table);
  for (size_t id = 0; id < order.size(); ++id) {
    words.emplace_back(order[id]->word());
    kept_counts.push_back(order[id]->count);
    if (remap != nullptr) {
      (*remap)->Insert(order[id]->provisional_id, int32_t(id));
    }
  }
  return Vocabulary::FromWordsAndCounts(std::move(words),
                                        std::move(kept_counts));
}

// Each entry's count is exactly the number of times its current provisional
// id was recorded (pruning resets both), so this bounds the encoded size:
// token bytes plus at most one end per recorded sentence.
uint64_t EncodedSizeBound(const Vocabulary& vocab, uint64_t sentences) {
  uint64_t bytes = sentences + 1;
  for (size_t id = 0; id < vocab.size(); ++id) {
    bytes += vocab.count(id) * VarintLength(id + 1);
  }
  return bytes;
}

// One block of the scan pipeline: its text, its result, and the scanner
// that worked on it (one per slot, so one per concurrent block).
struct ScanSlot {
  TextBlock block;
  BlockResult result;
  std::optional<BlockScanner> scanner;
};

// The varint of a final id + 1, ready to copy: its bytes (little-endian,
// at most 5) in the low bytes and their count (0 = the word is dropped) in
// the top byte. Copying all 8 bytes writes the count past the code, where
// the next code goes.
using FinalCode = uint64_t;
constexpr int kCodeLengthShift = 56;
static_assert(std::endian::native == std::endian::little);

// One record of the rewrite pipeline: the provisional stream of a block
// and its final stream.
struct ConvertSlot {
  ProvisionalRecord record;
  ByteStream out;
  std::vector<FinalCode> codes;  // per local id
  bool serial = false;           // must be rewritten in order (continues)
  bool open_at_end = false;      // a sentence with a kept word is open
};

// The final code of each of a record's local ids.
void FillCodes(const IdMap& remap, ConvertSlot& s) {
  const ProvisionalRecord& r = s.record;
  s.codes.resize(size_t(r.map_entries));
  std::string_view map(reinterpret_cast<const char*>(r.map.data()),
                       r.map.size());
  for (FinalCode& code : s.codes) {
    uint64_t provisional = 0;
    GetVarint64(&map, &provisional);
    const int32_t id = remap.Find(provisional);
    uint8_t buf[8] = {};
    const uint64_t length =
        id < 0 ? 0 : uint64_t(EncodeVarint64(buf, uint64_t(id) + 1) - buf);
    std::memcpy(&code, buf, sizeof(buf));
    code |= length << kCodeLengthShift;
  }
}

// Rewrites a record with final ids, dropping the words not kept and the
// sentences left empty. `open`: a sentence with a kept word is open at the
// start (a record that continues one); returns the same at the end.
bool RewriteRecord(const IdMap& remap, bool open, ConvertSlot& s) {
  FillCodes(remap, s);
  const ByteStream& in = s.record.stream;
  // A code takes at most 5 bytes where a local id takes at least 1; each
  // copy writes 8.
  s.out.Clear();
  s.out.Reserve(5 * in.size() + 8);
  uint8_t* const out = s.out.data();
  size_t n = 0;
  const uint8_t* p = in.data();
  const uint8_t* const end = p + in.size();
  while (p < end) {
    if (*p == 0) {
      ++p;
      if (open) out[n++] = 0;
      open = false;
      continue;
    }
    // Most words are among a block's first 127: one byte.
    const uint64_t local = *p < 0x80 ? *p++ : DecodeVarint64Unchecked(p);
    const FinalCode code = s.codes[local - 1];
    std::memcpy(out + n, &code, 8);
    const size_t length = size_t(code >> kCodeLengthShift);
    n += length;
    open |= length > 0;
  }
  s.out.Resize(n);
  return open;
}

// One run of ScanCorpus.
class Scan {
 public:
  Scan(const ScanRequest& request, std::vector<std::string> inputs,
       std::vector<InputPiece> pieces)
      : request_(request),
        env_(request.env != nullptr ? *request.env : Env::Default()),
        inputs_(std::move(inputs)),
        pieces_(std::move(pieces)),
        layout_(LayoutFor(request)),
        counter_(request.vocab.max_table_entries),
        store_(layout_.spill_limit, request.scratch_dir, env_,
               size_t(layout_.slots)) {
    stats_.threads = layout_.workers;
  }

  StatusOr<ScanResult> Run();

 private:
  bool counting() const { return request_.fixed_vocab == nullptr; }
  Status ScanBlocks();
  void Produce(OrderedPipeline<ScanSlot>& pipe, Status* status);
  // The consuming loop of ScanBlocks.
  Status ConsumeBlocks(OrderedPipeline<ScanSlot>& pipe);
  void Work(ScanSlot& s);
  Status Consume(BlockResult& r);
  Status Rewrite(const IdMap& remap);
  StatusOr<Vocabulary> FinishCounting(std::optional<IdMap>* remap);
  // FinishCounting with ScanRequest::merge_counts.
  StatusOr<Vocabulary> MergeCounts(std::optional<IdMap>* remap);
  Status EmptyCorpus() const;
  void ReportProgress(bool force);
  bool Cancelled() const {
    return request_.cancel != nullptr &&
           request_.cancel->load(std::memory_order_relaxed);
  }

  const ScanRequest& request_;
  const Env& env_;
  const std::vector<std::string> inputs_;
  const std::vector<InputPiece> pieces_;  // what this scan reads of them
  const ScanLayout layout_;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point last_progress_ = start_;
  GlobalCounter counter_;
  ProvisionalStore store_;
  std::unique_ptr<EncodedOutput> output_;
  ScanStats stats_;
  bool scanning_ = true;  // the count table is still being filled
};

void Scan::Work(ScanSlot& s) {
  if (!s.scanner) {
    s.scanner.emplace(request_.tokenizer, request_.fixed_vocab,
                      request_.encode);
  }
  s.result.Clear();
  s.scanner->Scan(s.block, &s.result, /*finish_at_end=*/true);
}

// The reader thread: cuts the inputs into blocks and submits them. A line
// longer than a block is tokenized here, in order, by one scanner whose
// state carries from piece to piece (rare; such pieces are not parallel).
void Scan::Produce(OrderedPipeline<ScanSlot>& pipe, Status* status) {
  BlockReader reader(pieces_, env_, request_.cancel);
  BlockScanner serial(request_.tokenizer, request_.fixed_vocab,
                      request_.encode);
  bool in_long_line = false;
  while (true) {
    const int i = pipe.Acquire();
    if (i < 0) break;
    ScanSlot& s = pipe.slot(i);
    if (s.block.capacity == 0) s.block.Allocate(layout_.block_bytes);
    if (!reader.Next(&s.block)) {
      pipe.Release(i);
      break;
    }
    if (!in_long_line && !s.block.ends_mid_line) {
      pipe.Submit(i);
      continue;
    }
    s.result.Clear();
    s.result.continues = in_long_line;
    serial.Scan(s.block, &s.result, /*finish_at_end=*/false);
    in_long_line = s.block.ends_mid_line;
    pipe.Submit(i, /*needs_work=*/false);
  }
  *status = reader.status();
  pipe.Close();
}

// Folds one block's result into the scan, in corpus order.
Status Scan::Consume(BlockResult& r) {
  stats_.bytes_read += r.bytes;
  stats_.total_tokens += r.tokens;
  stats_.sentences += r.sentences;
  if (!counting()) {
    if (!request_.encode) return Status::Ok();
    return output_->Append(r.stream.data(), r.stream.size());
  }
  if (!request_.encode) {
    counter_.Merge(r.words, nullptr);
    return Status::Ok();
  }
  ProvisionalRecord record;
  record.map_entries = r.words.size();
  record.continues = r.continues;
  counter_.Merge(r.words, &record.map);
  // The stream moves into the record; the slot gets a spilled record's
  // buffer or a fresh one of the same size.
  const size_t capacity = r.stream.capacity();
  record.stream = std::move(r.stream);
  r.stream = store_.ReusableStream(capacity);
  return store_.Append(std::move(record));
}

Status Scan::ScanBlocks() {
  OrderedPipeline<ScanSlot> pipe(layout_.workers, layout_.slots,
                                 [this](ScanSlot& s) { Work(s); });
  Status read_status;
  // An exception (std::bad_alloc) never leaves a thread: the reader's is
  // rethrown here after the join, as is one from the consuming loop.
  std::exception_ptr read_error;
  std::thread reader([&] {
    try {
      Produce(pipe, &read_status);
    } catch (...) {
      read_error = std::current_exception();
      pipe.Stop();
    }
  });
  Status status;
  try {
    status = ConsumeBlocks(pipe);
  } catch (...) {
    pipe.Stop();
    reader.join();
    throw;
  }
  pipe.Stop();
  reader.join();
  if (read_error) std::rethrow_exception(read_error);
  WEMBED_RETURN_IF_ERROR(status);
  return read_status;
}

Status Scan::ConsumeBlocks(OrderedPipeline<ScanSlot>& pipe) {
  for (int i; (i = pipe.Next()) >= 0;) {
    Status status;
    if (Cancelled()) {
      status = Status::Cancelled("interrupted while reading " +
                                 DescribeInputs(inputs_));
    } else {
      status = Consume(pipe.slot(i).result);
    }
    if (!status.ok()) return status;
    pipe.Release(i);
    ReportProgress(false);
  }
  return Status::Ok();
}

// Rewrites the records with final ids on the worker threads and writes them
// out in order. A record that continues a sentence of the one before is
// rewritten here, in order, with the open-sentence state carried over.
Status Scan::Rewrite(const IdMap& remap) {
  OrderedPipeline<ConvertSlot> pipe(
      layout_.workers, layout_.slots, [&remap](ConvertSlot& s) {
        s.open_at_end = RewriteRecord(remap, /*open=*/false, s);
      });
  size_t taken = 0;
  bool open = false;
  Status status;
  while (status.ok() && (taken < store_.size() || pipe.in_flight() > 0)) {
    const int i = taken < store_.size() ? pipe.Acquire(/*wait=*/false) : -1;
    if (i >= 0) {
      ConvertSlot& s = pipe.slot(i);
      status = store_.TakeNext(&s.record);
      ++taken;
      s.serial = s.record.continues;
      pipe.Submit(i, /*needs_work=*/!s.serial);
      continue;
    }
    const int j = pipe.Next();
    ConvertSlot& s = pipe.slot(j);
    if (s.serial) s.open_at_end = RewriteRecord(remap, open, s);
    open = s.open_at_end;
    status = output_->Append(s.out.data(), s.out.size());
    pipe.Release(j);
    stats_.encoded_bytes = output_->bytes();
    ReportProgress(false);
  }
  if (status.ok() && open) {
    const uint8_t end = 0;  // the last sentence, had it no end
    status = output_->Append(&end, 1);
  }
  return status;
}

void Scan::ReportProgress(bool force) {
  if (!request_.progress) return;
  const Clock::time_point now = Clock::now();
  if (!force && now - last_progress_ < std::chrono::seconds(1)) return;
  last_progress_ = now;
  if (scanning_) counter_.FillStats(&stats_);
  stats_.spilled_bytes = store_.spilled_bytes();
  stats_.seconds = std::chrono::duration<double>(now - start_).count();
  request_.progress(stats_);
}

StatusOr<Vocabulary> Scan::FinishCounting(std::optional<IdMap>* remap) {
  StatusOr<Vocabulary> vocab = BuildVocabulary(
      request_, DescribeInputs(inputs_), counter_.table(),
      request_.encode ? remap : nullptr, &stats_.min_count_used);
  counter_.table() = CountTable();  // free it before rewriting
  return vocab;
}

StatusOr<Vocabulary> Scan::MergeCounts(std::optional<IdMap>* remap) {
  std::vector<const CountTable::Entry*> order;
  counter_.table().ForEach(
      [&](const CountTable::Entry& e) { order.push_back(&e); });
  std::sort(order.begin(), order.end(),
            [](const CountTable::Entry* a, const CountTable::Entry* b) {
              return a->provisional_id < b->provisional_id;
            });
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  words.reserve(order.size());
  counts.reserve(order.size());
  for (const CountTable::Entry* e : order) {
    words.emplace_back(e->word());
    counts.push_back(e->count);
  }
  StatusOr<Vocabulary> vocab =
      request_.merge_counts(std::move(words), std::move(counts));
  if (vocab.ok() && request_.encode) {
    remap->emplace(vocab->size(), counter_.table());
    for (const CountTable::Entry* e : order) {
      const int32_t id = vocab->Find(e->word());
      if (id >= 0) (*remap)->Insert(e->provisional_id, id);
    }
  }
  counter_.table() = CountTable();  // free it before rewriting
  return vocab;
}

Status Scan::EmptyCorpus() const {
  if (request_.share.count <= 1) {
    return Status::InvalidArgument(DescribeInputs(inputs_) +
                                   ": empty corpus (no tokens)");
  }
  return Status::InvalidArgument(
      DescribeInputs(inputs_) + ": share " +
      std::to_string(request_.share.index + 1) + " of " +
      std::to_string(request_.share.count) +
      " has no tokens (fewer ranks are needed for this corpus, or more, "
      "smaller gzip files)");
}

StatusOr<ScanResult> Scan::Run() {
  if (request_.encode) {
    StatusOr<std::unique_ptr<EncodedOutput>> out =
        EncodedOutput::Create(request_, env_);
    if (!out.ok()) return out.status();
    output_ = std::move(out).value();
    if (!counting()) {
      WEMBED_RETURN_IF_ERROR(output_->Begin(*request_.fixed_vocab, 0));
    }
  }
  WEMBED_RETURN_IF_ERROR(ScanBlocks());
  counter_.FillStats(&stats_);
  scanning_ = false;
  stats_.min_count_used = request_.vocab.min_count;
  if (stats_.total_tokens == 0) return EmptyCorpus();
  ScanResult result;
  if (!counting()) {
    result.vocab = *request_.fixed_vocab;
  } else {
    std::optional<IdMap> remap;
    const bool merged = bool(request_.merge_counts);
    StatusOr<Vocabulary> vocab =
        merged ? MergeCounts(&remap) : FinishCounting(&remap);
    if (!vocab.ok()) return vocab.status();
    result.vocab = std::move(vocab).value();
    if (request_.encode) {
      // A merged vocabulary's counts are all shares': no size bound.
      WEMBED_RETURN_IF_ERROR(output_->Begin(
          result.vocab,
          merged ? 0 : EncodedSizeBound(result.vocab, stats_.sentences)));
      WEMBED_RETURN_IF_ERROR(Rewrite(*remap));
    }
  }
  if (request_.encode) {
    StatusOr<EncodedCorpus> corpus = output_->Finish(&result.kept_path);
    if (!corpus.ok()) return corpus.status();
    result.corpus = std::move(corpus).value();
    stats_.encoded_bytes = result.corpus.size_bytes();
  }
  stats_.spilled_bytes = store_.spilled_bytes();
  stats_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  result.stats = stats_;
  return result;
}

}  // namespace

std::vector<std::string> ScanNotes(const ScanStats& st,
                                   const VocabOptions& vocab) {
  std::vector<std::string> notes;
  if (st.prune_rounds > 0) {
    notes.push_back(
        "note: more than " + std::to_string(vocab.max_table_entries) +
        " distinct words: the count table was pruned " +
        std::to_string(st.prune_rounds) +
        (st.prune_rounds == 1 ? " time" : " times") + ", dropping " +
        std::to_string(st.pruned_words) +
        " entries with counts <= " + std::to_string(st.prune_threshold) + " (" +
        std::to_string(st.pruned_tokens) +
        " occurrences), so counts of rare words are approximate; raise "
        "--max-table-entries for exact counts");
  }
  if (st.min_count_used > vocab.min_count) {
    notes.push_back(
        "note: --max-final-vocab " + std::to_string(vocab.max_final_vocab) +
        " raised the min-count to " + std::to_string(st.min_count_used));
  }
  return notes;
}

StatusOr<ScanResult> ScanCorpus(const ScanRequest& request) {
  WEMBED_RETURN_IF_ERROR(ValidateRequest(request));
  const Env& env = request.env != nullptr ? *request.env : Env::Default();
  StatusOr<std::vector<std::string>> inputs = ResolveInputs(request, env);
  if (!inputs.ok()) return inputs.status();
  std::vector<InputPiece> pieces = WholeInputs(*inputs);
  if (request.share.count > 1) {
    StatusOr<std::vector<InputPiece>> share =
        PlanInputShare(*inputs, request.share.index, request.share.count, env);
    if (!share.ok()) return share.status();
    pieces = std::move(share).value();
  }
  StatusOr<ScanResult> result = [&] {
    Scan scan(request, std::move(inputs).value(), std::move(pieces));
    return scan.Run();
  }();
#ifdef WEMBED_TRIM_MALLOC
  // The count table and the intermediate stream were freed; glibc keeps
  // such memory mapped unless asked to return it, and the trainer allocates
  // its matrices right after this call.
  ::malloc_trim(0);
#endif
  return result;
}

}  // namespace wembed
