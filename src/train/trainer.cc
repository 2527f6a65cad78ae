#include "wembed/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <thread>

#include "base/coding.h"
#include "base/rng.h"
#include "train/hot_rows.h"
#include "train/huffman_tree.h"
#include "train/loss_coefficients.h"
#include "train/model_sync.h"
#include "train/noise_sampler.h"
#include "train/sgns_kernels.h"
#include "train/sigmoid_table.h"
#include "train/subsampling.h"
#include "train/subword_training.h"
#include "wembed/vectors/subword_vectors.h"

namespace wembed {

namespace {

// The first RNG seed of thread t of replica-group member `member` (0 when
// training alone): distinct streams for every thread of every member.
uint64_t ThreadSeed(uint64_t seed, int member, int t) {
  return seed * 0x9e3779b97f4a7c15ULL + (uint64_t(member) << 32) + uint64_t(t) +
         1;
}

using Clock = std::chrono::steady_clock;

// Words a thread consumes before it publishes them to the global counter and
// recomputes its learning rate (word2vec.c uses 10,000).
constexpr uint64_t kReportEveryWords = 10000;

// Bytes a thread reads of a file-backed corpus at a time, by default.
constexpr uint64_t kDefaultCorpusBufferBytes = uint64_t{4} << 20;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

namespace {

KernelIsa IsaFromName(const std::string& name) {
  if (name == "avx512") return KernelIsa::kAvx512;
  if (name == "avx2") return KernelIsa::kAvx2;
  if (name == "scalar") return KernelIsa::kScalar;
  return KernelIsa::kAuto;
}

bool UsesTree(const TrainOptions& options) {
  return options.loss == Loss::kHierarchicalSoftmax;
}

OutputLayout LayoutFor(const TrainOptions& options) {
  return UsesTree(options) ? OutputLayout::kTreeNodes
                           : OutputLayout::kWordVectors;
}

// Inner nodes of a path shallower than this are not prefetched: there are
// few of them (fewer than 2^depth) and most paths go through them, so they
// stay in cache (measured: depth 8 a little faster than 4; no row prefetch
// slower).
constexpr int kPrefetchFromDepth = 8;

// Always inlined: GCC deems a function that only prefetches pure and drops
// calls to it.
__attribute__((always_inline)) inline void PrefetchRow(const float* row,
                                                       size_t row_bytes) {
  const char* p = reinterpret_cast<const char*>(row);
  for (size_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(p + b, 1, 3);
}

// The input rows of the words within `radius` of position i (i itself
// excluded); returns their number.
inline int GatherContexts(const int32_t* sentence, int length, int i,
                          int radius, Matrix& input, float** rows) {
  const int lo = std::max(0, i - radius);
  const int hi = std::min(length - 1, i + radius);
  int n = 0;
  for (int c = lo; c <= hi; ++c) {
    if (c != i) rows[n++] = input.row(sentence[c]);
  }
  return n;
}

}  // namespace

struct Trainer::Tables {
  Tables(const Vocabulary& vocab, const TrainOptions& options,
         uint64_t train_words)
      : noise(vocab.counts(), options.noise_exponent),
        keep_threshold(vocab.size()),
        kernels(SelectKernels(IsaFromName(options.kernels))) {
    SetSubsampling(vocab, options, train_words);
    if (UsesTree(options)) tree = HuffmanTree(vocab.counts());
    if (options.Subwords().enabled()) {
      subwords = SubwordTable(vocab, options.Subwords());
    }
  }
  // The keep thresholds for a corpus of `train_words` tokens (a replica
  // group's: every member's tokens, as its vocabulary's counts are).
  void SetSubsampling(const Vocabulary& vocab, const TrainOptions& options,
                      uint64_t train_words) {
    for (size_t i = 0; i < vocab.size(); ++i) {
      const double keep =
          KeepProbability(vocab.count(int32_t(i)), train_words, options.sample);
      keep_threshold[i] =
          keep >= 1.0 ? kAlwaysKeep : uint64_t(keep * 4294967296.0);
    }
  }
  // Most output rows one input is scored against: the center and the
  // negatives, or the longest path of the tree.
  int MaxTargets(const TrainOptions& options) const {
    if (!UsesTree(options)) return options.negative + 1;
    return std::max(1, tree.max_code_length());
  }
  static constexpr uint64_t kAlwaysKeep = uint64_t(1) << 32;

  NoiseSampler noise;
  SigmoidTable sigmoid;
  // Keep a word if (32 random bits) < threshold; kAlwaysKeep skips the draw.
  std::vector<uint64_t> keep_threshold;
  const SgnsKernels& kernels;
  HuffmanTree tree;       // --loss hs only
  SubwordTable subwords;  // --subwords only
};

// ---------------------------------------------------------------------------
// One Train() call: the worker threads, their shared counters and the
// monitor that prints progress and writes periodic checkpoints.
class Trainer::Run {
 public:
  Run(Trainer* trainer, const TrainHooks& hooks)
      : trainer_(*trainer),
        hooks_(hooks),
        options_(trainer->options_),
        num_threads_(int(trainer->progress_.threads.size())),
        stride_(trainer->input_.stride()),
        words_total_(uint64_t(options_.epochs) *
                     trainer->progress_.corpus_tokens),
        words_processed_(trainer->progress_.words_processed),
        workers_(num_threads_),
        synced_(options_.deterministic || hooks.replicas != nullptr),
        shared_replica_(hooks.replicas != nullptr && !options_.deterministic) {
    if (options_.Subwords().enabled()) InitSubwordModel();
  }

  StatusOr<TrainSummary> Execute();

 private:
  // Per-thread counters the monitor reads; own cache line each.
  struct alignas(64) WorkerShared {
    std::atomic<uint64_t> words{0};   // tokens consumed in this process
    std::atomic<double> loss_sum{0};  // in this process
    std::atomic<uint64_t> loss_count{0};
    std::atomic<double> alpha{0};
    std::atomic<uint32_t> epoch{0};
    std::atomic<double> sync_wait{0};  // --deterministic: at the barrier
  };

  // A thread's view of its corpus range: the bytes [begin, end), at data.
  // An in-memory corpus is viewed in place; a file-backed one is read into
  // `buffer` a window at a time, each window ending at a sentence end (the
  // buffer holds the longest sentence) or at the range's end, so that no
  // sentence is split.
  struct CorpusWindow {
    const uint8_t* data = nullptr;
    uint64_t begin = 0;
    uint64_t end = 0;                   // empty until filled
    std::unique_ptr<uint8_t[]> buffer;  // not zeroed: always read into
    size_t buffer_size = 0;
  };

  struct Scratch;  // a worker's buffers (below)

  // Runs TrainRange(t) (or TrainRangeDeterministic); an exception
  // (std::bad_alloc) is recorded as the run's error and stops the other
  // threads instead of escaping the thread, and (not --deterministic)
  // thread t's progress goes back to its last safe point.
  void Worker(int t);
  // Trains thread t's range; `*last_safe` is kept at its last safe point
  // (the state before the sentence in progress).
  void TrainRange(int t, ThreadProgress* last_safe);
  // Puts a thread's `state` back to `safe` after a failure mid-sentence,
  // taking the words it published since back from the global counter.
  void BackToSafePoint(const ThreadProgress& safe, ThreadProgress& state);
  // --deterministic (docs/training.md): thread t trains its own replica of
  // the matrices and meets the others at the SyncPoints of its range.
  void TrainRangeDeterministic(int t);
  // Its epoch's sentences from state.position on, taking the syncs from
  // *j on that they pass. False: stop (an error or a stop at a sync).
  bool TrainToRangeEnd(int t, ThreadProgress& state, CorpusWindow& window,
                       Rng& rng, Scratch& scratch, uint64_t* j);
  // Sync j (1-based) of thread t's epoch: its state saved and its `hot`
  // rows merged into its replica, it waits for the others; the last to
  // arrive runs CompleteSync. False: stop here.
  bool SyncAt(int t, ThreadProgress& state, const Rng& rng, HotRowCache& hot,
              uint64_t j);
  // The merge of sync j (schedule_'s rows), the replica group's round, and
  // a stop or a periodic checkpoint when one is due. One thread; the
  // others wait at the barrier.
  void CompleteSync(uint64_t epoch, uint64_t j);
  // The threads' words since the last sync (summed by the group's round).
  uint64_t TakeUnreportedWords();
  // True if some thread is already past sync j + 1 (it would owe that sync
  // after a stop here; stops and checkpoints wait for a sync without).
  bool SyncsPending(uint64_t j) const;
  // The learning rate of a thread `own` words past the last sync: the
  // global count then plus `own` times every thread's share.
  double DeterministicAlpha(uint64_t own) const {
    return AlphaFor(synced_words_ + own * sync_threads_);
  }
  // The replicas, barrier and schedule (before the workers start).
  Status SetUpDeterministic();
  // Under a group whose members share this machine's memory (and no
  // --deterministic): the one replica in that memory, copied from rank 0's
  // matrices, and machine_shared_ set; otherwise nothing changes.
  // Collective.
  Status ShareReplica();
  // machine_shared_: trainer_'s matrices become the shared replica's rows
  // (while no member trains: at the last sync, a stop or a checkpoint).
  void CopySharedReplica();
  // A periodic checkpoint of the merge of every replica, which stay as
  // they are (so a run's result does not depend on its checkpoints).
  void WriteMergedCheckpoint();
  // What a checkpoint reports besides the matrices, as of now.
  void RecordProgress();
  // Meets the replica group (hooks_.replicas) at the start: the group's
  // tokens and threads set words_total_ and the sync schedule.
  Status JoinGroup();
  // Rows `in` and `out` of *input and *output = the replica group's merge
  // of every member's replicas, with the trainer's rows (equal on every
  // member: their value at the last sync) as the base, by
  // kDeterministicMergeRule over every replica of every member, as the
  // threads' merge. One AverageFloats of the packed changes
  // (SumOfChanges); *input / *output may be the trainer's.
  Status MergeAcrossGroup(const RowSet& in, const RowSet& out, Matrix* input,
                          Matrix* output);
  static Status MemberFailed() {
    return Status(StatusCode::kInternal,
                  "another member of the replica group failed");
  }
  // A member that ended early tells the others in one last round.
  void LeaveGroup();
  // Records `error` as the run's status (the first one wins; with
  // `thread_failure`, then Trainer::thread_failed()) and stops the workers
  // at their next safe point. Takes mutex_.
  void Abort(const Status& error, bool thread_failure = false);
  // Starts the workers (one per thread); a thread that cannot be created
  // aborts the run and counts as done. Returns the threads started.
  std::vector<std::thread> StartWorkers();
  // Starts the monitor thread; an error if it cannot be created.
  Status StartMonitor(std::thread* monitor);
  // subword_model_ over the trainer's matrices and tables (--subwords).
  void InitSubwordModel();
  // A worker's buffers, training `input` and `output`.
  Scratch MakeScratch(Matrix* input, Matrix* output) const;
  // Points `window` at the bytes from state.position on. False (with the
  // error recorded, the run aborted) if the corpus file cannot be read.
  bool FillWindow(const ThreadProgress& state, CorpusWindow& window);
  uint64_t ReadSentence(ThreadProgress& state, const CorpusWindow& window,
                        Rng& rng, std::vector<int32_t>& sentence,
                        int* length) const;
  uint64_t Publish(ThreadProgress& state);
  // Returns false if the worker must stop. Called between sentences.
  // Merges `hot` (the thread's private rows) before a pause or a stop.
  bool SafePoint(int t, ThreadProgress& state, const Rng& rng,
                 HotRowCache& hot);
  // Whether the workers keep the hottest tree rows private (HotRowCache):
  // hierarchical softmax's batch update with several threads.
  bool UsesHotRows() const;
  // Of a thread's change in a merge: CBOW averages the threads' changes,
  // skip-gram sums them (measured, docs/training.md "Update rules").
  float HotRowWeight() const {
    return options_.model == Model::kCbow ? 1.0f / float(num_threads_) : 1.0f;
  }
  // Runs MonitorLoop(); an exception aborts the run (see Worker).
  void Monitor();
  void MonitorLoop();
  TrainStatus Progress(Clock::time_point now, Clock::time_point last_report,
                       uint64_t first_processed);
  void CheckpointPaused(std::unique_lock<std::mutex>& lock);
  // progress_.loss_sum/count = earlier processes' + this process's workers'.
  void RecordLoss();
  // The summary's rate, final loss, sync time and kernels.
  void FinishSummary(TrainSummary* summary) const;
  // The mean loss of the pairs trained since the last progress snapshot,
  // given the workers' totals now; the snapshot's mean if there were none
  // (a member waiting for the others at the end of its range).
  double LossSinceSnapshot(double loss_sum, uint64_t loss_count) const {
    if (loss_count <= last_loss_count_) return last_average_loss_;
    return (loss_sum - last_loss_sum_) / double(loss_count - last_loss_count_);
  }
  double AlphaFor(uint64_t words_processed) const {
    const double remaining =
        1.0 - double(words_processed) / double(words_total_ + 1);
    return options_.alpha * std::max(remaining, options_.min_alpha_ratio);
  }
  TrainStatus Snapshot(Clock::time_point now);

  // Per-thread buffers, allocated once per Train() call. `max_targets`:
  // Tables::MaxTargets.
  struct Scratch {
    Scratch(const TrainOptions& o, size_t stride, int max_targets)
        : sentence(o.max_sentence_length),
          neu1e(stride),
          in_rows(2 * o.window),
          out_rows(max_targets),
          scores(size_t(2 * o.window) * max_targets),
          grads(scores.size()),
          negatives(2 * size_t(o.negative) + 1),
          pending(size_t(o.negative)),
          block(size_t(2 * o.window), stride),
          cbow(2, stride) {}
    // The matrices this thread trains: the shared ones (hogwild), or its
    // own replica (--deterministic).
    Matrix* input = nullptr;
    Matrix* output = nullptr;
    std::vector<int32_t> sentence;
    std::vector<float> neu1e;
    std::vector<float*> in_rows, out_rows;
    std::vector<float> scores, grads;
    std::vector<int32_t> negatives;  // this center's and the next one's
    std::vector<uint64_t> pending;   // the random bits of the next ones
    int prefetched_until = -1;       // sentence position (DrawAhead)
    Matrix block;                    // apply_block's scratch rows
    Matrix cbow;  // CBOW: row 0 the hidden vector, row 1 its gradient
    std::unique_ptr<SubwordScratch> subword;  // --subwords only (Worker)
    HotRowCache hot;  // the private tree rows (UsesHotRows), else off
    double loss_sum = 0;
    uint64_t loss_count = 0;
  };

  // The update of the run's model, loss and update rule.
  void TrainSentence(int length, float alpha, Rng& rng, Scratch& w);
  // Skip-gram, either loss, word2vec.c's update: pair by pair (negative
  // sampling draws fresh negatives for every (context, center) pair),
  // targets one after another.
  void TrainSentenceExact(int length, float alpha, Rng& rng, Scratch& w);
  // Skip-gram, negative sampling, HogBatch: the window's contexts share one
  // set of negatives, so the update is a small dense block product.
  void TrainSentenceBatch(int length, float alpha, Rng& rng, Scratch& w);
  // fastText's skip-gram (--sg-input center), per pair.
  void TrainSentenceCenter(int length, float alpha, Rng& rng, Scratch& w);
  // CBOW, either loss: word2vec.c's loop.
  void TrainSentenceCbowExact(int length, float alpha, Rng& rng, Scratch& w);
  // The batch update of the other models (skip-gram with hierarchical
  // softmax, CBOW): center by center, the next center's draws and prefetches
  // made one step ahead (DrawAhead), then the window's step.
  void TrainSentencePipelined(int length, float alpha, Rng& rng, Scratch& w);
  // Skip-gram (hierarchical softmax): each context against the center's
  // path, one context after another as in word2vec.c's loop, each as one
  // pass over the path rows (hidden_update). The window as one block, from
  // the old values (HogBatch's form), was measured 1 point lower on the
  // Google set after 5 epochs.
  void SkipGramStep(int32_t center, int num_in, int num_out, float alpha,
                    Scratch& w);
  // CBOW: the hidden vector against the targets, one pass over each output
  // row, then its gradient onto the context rows.
  void CbowStep(int32_t center, int num_in, int num_out, float alpha,
                Scratch& w);
  // Word2vec.c's loop over one center's targets for the input (skip-gram)
  // or hidden (CBOW) vector x: for each target row y, f = x . y,
  // neu1e += g y, y += g x. Negative sampling draws its negatives here.
  void ExactNsTargets(const float* x, int32_t center, float alpha, Rng& rng,
                      Scratch& w);
  void ExactHsTargets(const float* x, int32_t center, float alpha, Scratch& w);
  // Center i's radius and (negative sampling) its negatives, drawn while
  // center i - 1 is trained; prefetches what center i will read. Returns
  // the radius.
  int DrawAhead(const int32_t* sentence, int length, int i, int32_t* negs,
                Rng& rng, Scratch& w);
  // A pipeline over the centers: the random bits of center i + 1's
  // negatives are drawn now and their sampling-table cells prefetched;
  // center i's are resolved (drawn one call earlier) and the output rows of
  // center i and its negatives prefetched.
  void DrawNegatives(const int32_t* sentence, int length, int i, int32_t* negs,
                     Rng& rng, Scratch& w);
  // A pipeline: the path entry of center i + 2, the path of i + 1 (its
  // entry fetched one call earlier), the inner-node rows of i's path.
  // Always inlined: GCC deems a function that only prefetches pure and
  // drops calls to it.
  __attribute__((always_inline)) void PrefetchPaths(const int32_t* sentence,
                                                    int length, int i,
                                                    Scratch& w) const;
  // The input rows of the sentence positions up to `last` not prefetched
  // yet in this sentence.
  void PrefetchContexts(const int32_t* sentence, int last, Scratch& w) const;
  // The output rows of center's targets (center and the negatives not equal
  // to it, or the center's path) into w.out_rows; returns their number.
  int BatchTargets(int32_t center, const int32_t* negs, Scratch& w);
  // Coefficients of `num_in` score rows against BatchTargets' rows.
  void BatchCoefficients(int32_t center, int num_in, int num_out, float alpha,
                         Scratch& w);
  // CBOW's factor from the sum of `num_in` context rows to the hidden vector.
  float CbowScale(int num_in) const {
    return options_.cbow_mean == CbowMean::kMean ? 1.0f / float(num_in) : 1.0f;
  }

  Trainer& trainer_;
  SubwordModel subword_model_;  // --subwords only (table == nullptr if off)
  const TrainHooks& hooks_;
  const TrainOptions& options_;
  const int num_threads_;
  const size_t stride_;
  uint64_t words_total_;  // all members' tokens x epochs (JoinGroup)
  std::atomic<uint64_t> words_processed_;
  std::vector<WorkerShared> workers_;

  // Private replicas merged at sync points: --deterministic, and every
  // replica group (which trains this way whatever the option).
  const bool synced_;
  // A replica group without --deterministic: the member's threads train one
  // replica hogwild (intended races, as in the default mode) instead of a
  // replica each, so a member holds 2 copies of the model whatever its
  // --threads, and the group merges one replica per member.
  const bool shared_replica_;
  // A shared replica in memory every member maps (SharedMemory): the
  // members train one replica hogwild, and a sync merges nothing.
  bool machine_shared_ = false;
  // Sync state (--deterministic, replica groups). The replicas are each
  // worker's own; the rest is written by the thread completing a sync while
  // the others wait at barrier_.
  std::vector<Matrix> input_replicas_, output_replicas_;
  // Under a replica group: the packed changes a sync averages.
  std::vector<float> group_changes_;
  std::unique_ptr<SyncBarrier> barrier_;
  std::unique_ptr<SyncSchedule> schedule_;
  uint64_t group_tokens_ = 0;   // corpus tokens of every member
  uint64_t sync_threads_ = 1;   // threads of every member
  uint64_t sync_replicas_ = 1;  // replicas of every member (MergeRule's R)
  uint64_t syncs_per_epoch_ = 1;
  uint64_t synced_words_ = 0;  // the global count as of the last sync
  bool sync_stop_ = false;     // every thread stops after this sync
  bool group_done_ = false;    // the group's last round is behind us
  std::atomic<bool> checkpoint_wanted_{false};  // at the next quiet sync
  double sync_seconds_ = 0;                     // in CompleteSync

  // Pause/stop protocol (guarded by mutex_).
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> pause_requested_{false};
  std::atomic<bool> abort_{false};  // a checkpoint write failed
  int paused_ = 0;
  int done_ = 0;
  bool monitor_exit_ = false;
  Status monitor_status_;
  Clock::time_point start_;
  double elapsed_before_ = 0;
  // Loss totals at the last progress snapshot (monitor thread, then Execute
  // after the join).
  double last_loss_sum_ = 0;
  uint64_t last_loss_count_ = 0;
  double last_average_loss_ = 0;
  std::vector<uint64_t> last_words_;  // per thread, at the last report
  uint64_t last_processed_ = 0;       // words_processed_ at the last report
  // Loss totals of earlier processes (from the checkpoint resumed).
  double loss_sum_before_ = 0;
  uint64_t loss_count_before_ = 0;
};

bool Trainer::Run::SafePoint(int t, ThreadProgress& state, const Rng& rng,
                             HotRowCache& hot) {
  const bool stop = abort_.load(std::memory_order_relaxed) ||
                    (hooks_.stop_requested != nullptr &&
                     hooks_.stop_requested->load(std::memory_order_relaxed));
  if (!stop && !pause_requested_.load(std::memory_order_acquire)) return true;
  rng.GetState(state.rng_state);
  hot.Sync();  // a checkpoint or the final matrices get every update
  if (stop) return false;
  std::unique_lock<std::mutex> lock(mutex_);
  ++paused_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return !pause_requested_.load(); });
  --paused_;
  (void)t;
  return true;
}

// Reads the sentence at state.position (up to max_sentence_length kept
// words, subsampling as it goes) into `sentence`, its length into *length;
// advances the position and the word counters. Returns the corpus tokens
// consumed (kept or not).
inline uint64_t Trainer::Run::ReadSentence(ThreadProgress& state,
                                           const CorpusWindow& window, Rng& rng,
                                           std::vector<int32_t>& sentence,
                                           int* length) const {
  const Tables& tables = *trainer_.tables_;
  const uint8_t* p = window.data + (state.position - window.begin);
  const uint8_t* const end = window.data + (window.end - window.begin);
  const int max_length = options_.max_sentence_length;
  int n = 0;
  uint64_t consumed = 0;
  while (p < end && n < max_length) {
    if (*p == 0) {  // sentence end
      ++p;
      break;
    }
    const uint32_t id = DecodeVarint32Unchecked(p) - 1;  // varint of id + 1
    ++consumed;
    const uint64_t keep = tables.keep_threshold[id];
    if (keep != Tables::kAlwaysKeep && (rng.Next() >> 32) >= keep) continue;
    sentence[n++] = int32_t(id);
  }
  *length = n;
  state.position = window.begin + uint64_t(p - window.data);
  state.words_done += consumed;
  state.words_unreported += consumed;
  return consumed;
}

// Adds the thread's unreported words to the global counter that drives the
// learning rate; returns the new total.
uint64_t Trainer::Run::Publish(ThreadProgress& state) {
  const uint64_t total = words_processed_.fetch_add(state.words_unreported) +
                         state.words_unreported;
  state.words_unreported = 0;
  return total;
}

bool Trainer::Run::FillWindow(const ThreadProgress& state,
                              CorpusWindow& window) {
  const EncodedCorpus& corpus = *trainer_.corpus_;
  window.begin = state.position;
  if (corpus.in_memory()) {
    window.data = corpus.data() + state.position;
    window.end = state.end;
    return true;
  }
  if (window.buffer == nullptr) {
    const uint64_t wanted = hooks_.corpus_buffer_bytes > 0
                                ? hooks_.corpus_buffer_bytes
                                : kDefaultCorpusBufferBytes;
    window.buffer_size =
        size_t(std::max<uint64_t>(wanted, corpus.max_sentence_bytes()));
    window.buffer.reset(new uint8_t[window.buffer_size]);
  }
  const size_t n = size_t(
      std::min<uint64_t>(window.buffer_size, state.end - state.position));
  Status status = corpus.Read(state.position, window.buffer.get(), n);
  window.data = window.buffer.get();
  window.end = state.position + n;
  if (status.ok() && window.end < state.end) {
    // End after the last sentence end; the next window starts there.
    const void* last = ::memrchr(window.data, 0, n);
    if (last == nullptr) {
      status = Status::Corruption("encoded corpus: a sentence at byte " +
                                  std::to_string(state.position) +
                                  " is longer than the " + std::to_string(n) +
                                  "-byte buffer that should hold any sentence");
    } else {
      window.end = state.position +
                   uint64_t(static_cast<const uint8_t*>(last) - window.data) +
                   1;
      corpus.Prefetch(window.end, window.buffer_size);
    }
  }
  if (status.ok() && corpus.reads_need_checks()) {
    const std::string problem = CheckEncodedBytes(
        window.data, window.end - window.begin, trainer_.vocab_.size());
    if (!problem.empty()) {
      status = Status::Corruption(
          "the encoded corpus changed while training on it: " + problem +
          " after byte " + std::to_string(state.position));
    }
  }
  if (status.ok()) return true;
  Abort(status);
  return false;
}

namespace {

// A training thread's error as one line.
Status ThreadError(const char* what, const std::exception& e) {
  const bool oom = dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
  return Status(StatusCode::kInternal,
                std::string(what) + ": " + (oom ? "out of memory" : e.what()));
}

}  // namespace

void Trainer::Run::Abort(const Status& error, bool thread_failure) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (monitor_status_.ok()) {
    monitor_status_ = error;
    trainer_.thread_failed_ = thread_failure;
  }
  abort_.store(true);
  // A worker waiting for a checkpoint pause or a sync must not wait for
  // this one.
  pause_requested_.store(false, std::memory_order_release);
  if (barrier_ != nullptr) barrier_->Abort();
  cv_.notify_all();
}

void Trainer::Run::BackToSafePoint(const ThreadProgress& safe,
                                   ThreadProgress& state) {
  // A failure falls in the epoch of the last safe point (an epoch ends
  // after a sentence, before the next safe point). A publish since then
  // added the safe point's unreported words and those consumed since.
  const uint64_t consumed = state.words_done - safe.words_done;
  words_processed_.fetch_sub(safe.words_unreported + consumed -
                             state.words_unreported);
  state = safe;
}

void Trainer::Run::Worker(int t) {
  ThreadProgress& state = trainer_.progress_.threads[t];
  ThreadProgress safe = state;
  try {
    if (synced_) {
      TrainRangeDeterministic(t);
    } else {
      TrainRange(t, &safe);
    }
  } catch (const std::exception& e) {
    // --deterministic: the replicas and the shared matrices disagree
    // after a failure, so no checkpoint is offered (thread_failed() false).
    if (!synced_) BackToSafePoint(safe, state);
    Abort(ThreadError("training thread", e), !synced_);
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    cv_.notify_all();
  }
}

void Trainer::Run::TrainRange(int t, ThreadProgress* last_safe) {
  if (hooks_.in_worker) hooks_.in_worker(t);
  ThreadProgress& state = trainer_.progress_.threads[t];
  WorkerShared& shared = workers_[t];
  Rng rng;
  rng.SetState(state.rng_state);
  Scratch scratch = MakeScratch(&trainer_.input_, &trainer_.output_);
  CorpusWindow window;
  int length = 0;

  float alpha = float(AlphaFor(words_processed_.load()));
  shared.alpha.store(alpha, std::memory_order_relaxed);
  uint64_t words_here = 0;
  bool stopped = false;

  while (state.epoch < uint32_t(options_.epochs) && !stopped) {
    shared.epoch.store(state.epoch, std::memory_order_relaxed);
    window.end = 0;  // positions restart at the range's begin
    while (state.position < state.end) {
      if (!SafePoint(t, state, rng, scratch.hot) ||
          (state.position >= window.end && !FillWindow(state, window))) {
        stopped = true;
        break;
      }
      *last_safe = state;  // for Worker, if this sentence fails
      rng.GetState(last_safe->rng_state);
      const uint64_t consumed =
          ReadSentence(state, window, rng, scratch.sentence, &length);
      words_here += consumed;
      if (state.words_unreported >= kReportEveryWords) {
        alpha = float(AlphaFor(Publish(state)));
        shared.alpha.store(alpha, std::memory_order_relaxed);
      }
      if (hooks_.in_sentence) hooks_.in_sentence(t, state);
      TrainSentence(length, alpha, rng, scratch);
      shared.words.store(words_here, std::memory_order_relaxed);
      shared.loss_sum.store(scratch.loss_sum, std::memory_order_relaxed);
      shared.loss_count.store(scratch.loss_count, std::memory_order_relaxed);
    }
    if (!stopped) {
      ++state.epoch;
      state.position = state.begin;
      state.words_done = 0;
    }
  }
  if (!stopped) {
    scratch.hot.Sync();
    Publish(state);
  }
  // (A stop saved it already; a failed corpus read had not.)
  rng.GetState(state.rng_state);
  std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  cv_.notify_all();
}

void Trainer::Run::TrainRangeDeterministic(int t) {
  if (hooks_.in_worker) hooks_.in_worker(t);
  ThreadProgress& state = trainer_.progress_.threads[t];
  Rng rng;
  rng.SetState(state.rng_state);
  const size_t replica = shared_replica_ ? 0 : size_t(t);
  Scratch scratch =
      MakeScratch(&input_replicas_[replica], &output_replicas_[replica]);
  CorpusWindow window;
  bool go = true;
  while (go && state.epoch < uint32_t(options_.epochs)) {
    workers_[t].epoch.store(state.epoch, std::memory_order_relaxed);
    window.end = 0;  // positions restart at the range's begin
    uint64_t j = SyncPoints::Next(state.begin, state.end, state.position,
                                  syncs_per_epoch_);
    go = TrainToRangeEnd(t, state, window, rng, scratch, &j);
    while (go && j <= syncs_per_epoch_) {
      go = SyncAt(t, state, rng, scratch.hot, j++);
    }
    if (go) {
      ++state.epoch;
      state.position = state.begin;
      state.words_done = 0;
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  cv_.notify_all();
}

bool Trainer::Run::TrainToRangeEnd(int t, ThreadProgress& state,
                                   CorpusWindow& window, Rng& rng,
                                   Scratch& scratch, uint64_t* j) {
  WorkerShared& shared = workers_[t];
  const uint64_t per_epoch = syncs_per_epoch_;
  uint64_t alpha_at = 0;
  float alpha = 0;
  int length = 0;
  while (state.position < state.end) {
    if (abort_.load(std::memory_order_relaxed) ||
        (state.position >= window.end && !FillWindow(state, window))) {
      return false;
    }
    const uint64_t consumed =
        ReadSentence(state, window, rng, scratch.sentence, &length);
    if (state.words_unreported >= alpha_at) {  // own words since the sync
      alpha = float(DeterministicAlpha(state.words_unreported));
      alpha_at = state.words_unreported + kReportEveryWords;
      shared.alpha.store(alpha, std::memory_order_relaxed);
    }
    TrainSentence(length, alpha, rng, scratch);
    shared.words.store(shared.words.load(std::memory_order_relaxed) + consumed,
                       std::memory_order_relaxed);
    shared.loss_sum.store(scratch.loss_sum, std::memory_order_relaxed);
    shared.loss_count.store(scratch.loss_count, std::memory_order_relaxed);
    while (*j <= per_epoch &&
           state.position >=
               SyncPoints::Position(state.begin, state.end, *j, per_epoch)) {
      if (!SyncAt(t, state, rng, scratch.hot, (*j)++)) return false;
      alpha_at = 0;
    }
  }
  return true;
}

bool Trainer::Run::SyncAt(int t, ThreadProgress& state, const Rng& rng,
                          HotRowCache& hot, uint64_t j) {
  rng.GetState(state.rng_state);
  hot.Sync();  // into the replica the merge reads
  const uint64_t epoch = state.epoch;
  const Clock::time_point arrived = Clock::now();
  const bool go = barrier_->ArriveAndWait([&] { CompleteSync(epoch, j); });
  const double waited = Seconds(arrived, Clock::now());
  hot.Sync();                          // reloads the merged rows
  WorkerShared& shared = workers_[t];  // its own sum: load, then store
  shared.sync_wait.store(
      shared.sync_wait.load(std::memory_order_relaxed) + waited,
      std::memory_order_relaxed);
  return go && !sync_stop_;
}

bool Trainer::Run::SyncsPending(uint64_t j) const {
  if (j >= syncs_per_epoch_) return false;
  for (const ThreadProgress& p : trainer_.progress_.threads) {
    if (p.position >=
        SyncPoints::Position(p.begin, p.end, j + 1, syncs_per_epoch_)) {
      return true;
    }
  }
  return false;
}

namespace {

// Syncs under machine_shared_ only agree on the word count, a stop or a
// checkpoint (no rows to merge): this many times fewer. A stop or a
// checkpoint waits for the next one, about 0.25 s at 4M words/s a thread.
constexpr uint64_t kSharedSyncFactor = 16;

// What a sync's first round sums over the replica group: four flags (set
// on some member when the sum is non-zero) and the words trained since the
// last sync.
enum SyncRound {
  kFailed,
  kStopWanted,
  kCheckpointWanted,
  kNotQuiet,
  kWords,
  kRoundSize
};

}  // namespace

uint64_t Trainer::Run::TakeUnreportedWords() {
  uint64_t words = 0;
  for (ThreadProgress& p : trainer_.progress_.threads) {
    words += p.words_unreported;  // deterministic: fixed points
    p.words_unreported = 0;
  }
  return words;
}

void Trainer::Run::CompleteSync(uint64_t epoch, uint64_t j) {
  const Clock::time_point begin = Clock::now();
  uint64_t round[kRoundSize] = {
      0, hooks_.stop_requested != nullptr && hooks_.stop_requested->load(),
      checkpoint_wanted_.load(), SyncsPending(j), TakeUnreportedWords()};
  const uint64_t k = epoch * syncs_per_epoch_ + j;
  const bool last = k == uint64_t(options_.epochs) * syncs_per_epoch_;
  ReplicaGroup* group = hooks_.replicas;
  Status st = group ? group->SumU64(round, kRoundSize) : Status::Ok();
  if (st.ok() && round[kFailed]) st = MemberFailed();
  // A stop at the run's last sync is no stop: the run is complete.
  sync_stop_ = !st.ok() || (!last && round[kStopWanted] && !round[kNotQuiet]);
  const RowSet ranks =
      schedule_->RanksAt(k, j == syncs_per_epoch_ || sync_stop_);
  const RowSet in = schedule_->InputRows(ranks);
  const RowSet out = schedule_->OutputRows(ranks);
  if (machine_shared_) {
    if (last || sync_stop_) CopySharedReplica();  // the run's result
  } else if (group != nullptr && st.ok()) {
    st = MergeAcrossGroup(in, out, &trainer_.input_, &trainer_.output_);
  } else {  // alone, or after a failure: this member's own merge
    MergeRows(trainer_.input_, input_replicas_, in, kDeterministicMergeRule,
              &trainer_.input_);
    MergeRows(trainer_.output_, output_replicas_, out, kDeterministicMergeRule,
              &trainer_.output_);
  }
  if (group != nullptr) {
    if (!st.ok()) Abort(st);
    group_done_ = !st.ok() || last || sync_stop_;
  }
  synced_words_ += round[kWords];
  words_processed_.store(synced_words_);
  if (!sync_stop_) {  // a stop keeps the merged matrices; replicas go
    if (!machine_shared_) {
      CopyRows(trainer_.input_, in, &input_replicas_);
      CopyRows(trainer_.output_, out, &output_replicas_);
    }
    if (round[kCheckpointWanted] && !round[kNotQuiet]) {
      WriteMergedCheckpoint();
    }
  }
  sync_seconds_ += Seconds(begin, Clock::now());
}

void Trainer::Run::WriteMergedCheckpoint() {
  checkpoint_wanted_.store(false);
  if (machine_shared_) {  // the other members wait in the checkpoint's
    CopySharedReplica();  // collective while this copies
    RecordProgress();
    Status st = Status::Ok();
    if (hooks_.write_checkpoint) {
      st = trainer_.WithCheckpoint(hooks_.write_checkpoint);
    }
    if (!st.ok()) Abort(st);
    return;
  }
  Matrix input = trainer_.input_;  // then the merge of every row
  Matrix output = trainer_.output_;
  const SyncSchedule& s = *schedule_;
  const RowSet all = s.RanksAt(0, true);
  Status st;
  if (hooks_.replicas != nullptr) {  // trainer_'s rows: every row's base
    st = MergeAcrossGroup(s.InputRows(all), s.OutputRows(all), &input, &output);
  } else {
    MergeRows(trainer_.input_, input_replicas_, s.InputRows(all),
              kDeterministicMergeRule, &input);
    MergeRows(trainer_.output_, output_replicas_, s.OutputRows(all),
              kDeterministicMergeRule, &output);
  }
  std::swap(input, trainer_.input_);
  std::swap(output, trainer_.output_);
  RecordProgress();
  if (st.ok() && hooks_.write_checkpoint) {
    st = trainer_.WithCheckpoint(hooks_.write_checkpoint);
  }
  std::swap(input, trainer_.input_);
  std::swap(output, trainer_.output_);
  if (!st.ok()) Abort(st);
}

Status Trainer::Run::SetUpDeterministic() {
  if (shared_replica_ && !hooks_.private_member_replicas) {
    WEMBED_RETURN_IF_ERROR(ShareReplica());
  }
  if (!machine_shared_) {
    const size_t replicas = shared_replica_ ? 1 : size_t(num_threads_);
    input_replicas_.assign(replicas, trainer_.input_);
    output_replicas_.assign(replicas, trainer_.output_);
  }
  barrier_ = std::make_unique<SyncBarrier>(num_threads_);
  uint64_t every = hooks_.sync_every_words;
  if (machine_shared_) {  // syncs that merge nothing: fewer suffice
    every = (every ? every : kSyncEveryWords) * kSharedSyncFactor;
  }
  syncs_per_epoch_ = SyncPoints::PerEpoch(group_tokens_, sync_threads_, every);
  schedule_ = std::make_unique<SyncSchedule>(
      trainer_.input_.rows(), trainer_.output_.rows(), UsesTree(options_),
      hooks_.sync_hot_rows ? hooks_.sync_hot_rows : SyncSchedule::kHotRows,
      syncs_per_epoch_);
  synced_words_ = words_processed_.load();
  return Status::Ok();
}

Status Trainer::Run::ShareReplica() {
  ReplicaGroup& group = *hooks_.replicas;
  const Matrix* bases[2] = {&trainer_.input_, &trainer_.output_};
  std::vector<Matrix>* replicas[2] = {&input_replicas_, &output_replicas_};
  for (int m = 0; m < 2; ++m) {
    const Matrix& base = *bases[m];
    const size_t bytes = base.rows() * base.stride() * sizeof(float);
    StatusOr<void*> memory = group.SharedMemory(bytes);
    WEMBED_RETURN_IF_ERROR(memory.status());
    if (*memory == nullptr) return Status::Ok();  // on every member
    Matrix view =
        Matrix::View(static_cast<float*>(*memory), base.rows(), base.cols());
    if (group.rank() == 0 && bytes > 0) {
      std::memcpy(view.data(), base.data(), bytes);
    }
    replicas[m]->clear();
    replicas[m]->push_back(std::move(view));
  }
  int32_t copied = 0;  // a round: rank 0's copies are in place
  WEMBED_RETURN_IF_ERROR(group.MaxInt(&copied, 1));
  machine_shared_ = true;
  return Status::Ok();
}

void Trainer::Run::CopySharedReplica() {
  Matrix* bases[2] = {&trainer_.input_, &trainer_.output_};
  const Matrix* replicas[2] = {&input_replicas_[0], &output_replicas_[0]};
  for (int m = 0; m < 2; ++m) {
    const size_t bytes = bases[m]->rows() * bases[m]->stride() * sizeof(float);
    if (bytes > 0) std::memcpy(bases[m]->data(), replicas[m]->data(), bytes);
  }
}

Status Trainer::Run::JoinGroup() {
  group_tokens_ = trainer_.progress_.corpus_tokens;
  sync_threads_ = uint64_t(num_threads_);
  sync_replicas_ = shared_replica_ ? 1 : sync_threads_;
  if (hooks_.replicas == nullptr) return Status::Ok();
  uint64_t counts[3] = {group_tokens_, sync_threads_, sync_replicas_};
  WEMBED_RETURN_IF_ERROR(hooks_.replicas->SumU64(counts, 3));
  group_tokens_ = counts[0];
  sync_threads_ = counts[1];
  sync_replicas_ = counts[2];
  words_total_ = uint64_t(options_.epochs) * group_tokens_;
  // The members share one vocabulary of summed counts: subsample by the
  // group's frequencies, not by this member's share of the tokens.
  trainer_.tables_->SetSubsampling(trainer_.vocab_, options_, group_tokens_);
  // A fresh run: each member's threads draw their own streams. With the
  // same streams everywhere, every member drew the same negatives at the
  // same steps, and the summed changes of those rows overshot (4 ranks
  // diverged on en-mix at the default --alpha 0.05).
  const int member = hooks_.replicas->rank();
  if (words_processed_.load() == 0 && member > 0) {
    std::vector<ThreadProgress>& threads = trainer_.progress_.threads;
    for (size_t t = 0; t < threads.size(); ++t) {
      Rng rng(ThreadSeed(options_.seed, member, int(t)));
      rng.GetState(threads[t].rng_state);
    }
  }
  return Status::Ok();
}

Status Trainer::Run::MergeAcrossGroup(const RowSet& in, const RowSet& out,
                                      Matrix* input, Matrix* output) {
  const size_t width = PackedWidth(trainer_.input_.cols());
  const size_t floats = (RowCount(in) + RowCount(out)) * width;
  // Grown only: growing a vector zero-fills the new part, which cost 6% of
  // a rank's time when the size went up and down with the schedule.
  if (group_changes_.size() < floats) group_changes_.resize(floats);
  float* in_changes = group_changes_.data();
  float* out_changes = in_changes + RowCount(in) * width;
  SumOfChanges(trainer_.input_, input_replicas_, in, in_changes);
  SumOfChanges(trainer_.output_, output_replicas_, out, out_changes);
  ReplicaGroup& group = *hooks_.replicas;
  WEMBED_RETURN_IF_ERROR(group.AverageFloats(group_changes_.data(), floats));
  // The members' mean times their number: the sums over every replica.
  const float members = float(group.size());
  ApplyChanges(trainer_.input_, in_changes, members, sync_replicas_,
               kDeterministicMergeRule, in, input);
  ApplyChanges(trainer_.output_, out_changes, members, sync_replicas_,
               kDeterministicMergeRule, out, output);
  return Status::Ok();
}

void Trainer::Run::LeaveGroup() {
  if (hooks_.replicas == nullptr || group_done_) return;
  uint64_t round[kRoundSize] = {1, 0, 0, 0, 0};
  (void)hooks_.replicas->SumU64(round, kRoundSize);  // the others end too
  group_done_ = true;
}

void Trainer::Run::RecordProgress() {
  trainer_.progress_.words_processed = words_processed_.load();
  trainer_.progress_.elapsed_seconds =
      elapsed_before_ + Seconds(start_, Clock::now());
  trainer_.UpdateEpoch();
  RecordLoss();
}

Trainer::Run::Scratch Trainer::Run::MakeScratch(Matrix* input,
                                                Matrix* output) const {
  Scratch scratch(options_, stride_, trainer_.tables_->MaxTargets(options_));
  scratch.input = input;
  scratch.output = output;
  if (subword_model_.table != nullptr) {
    scratch.subword = std::make_unique<SubwordScratch>(subword_model_);
  }
  if (UsesHotRows()) {
    scratch.hot = HotRowCache(output, HotRowCache::kDefaultRows,
                              HotRowCache::kDefaultPeriod, HotRowWeight());
  }
  return scratch;
}

void Trainer::Run::InitSubwordModel() {
  SubwordModel& m = subword_model_;
  m.input = &trainer_.input_;
  m.subword_input = &trainer_.subword_input_;
  m.output = &trainer_.output_;
  m.table = &trainer_.tables_->subwords;
  m.cbow = options_.model == Model::kCbow;
  m.noise = &trainer_.tables_->noise;
  m.sigmoid = &trainer_.tables_->sigmoid;
  m.kernels = &trainer_.tables_->kernels;
  m.window = options_.window;
  m.negative = options_.negative;
  m.stride = stride_;
  m.exact = options_.update == UpdateRule::kExact;
}

bool Trainer::Run::UsesHotRows() const {
  return UsesTree(options_) && options_.update == UpdateRule::kBatch &&
         options_.sg_input != SgInput::kCenter &&
         subword_model_.table == nullptr && num_threads_ > 1 &&
         (!synced_ || shared_replica_);
}

inline void Trainer::Run::TrainSentence(int length, float alpha, Rng& rng,
                                        Scratch& w) {
  if (w.subword != nullptr) {  // --subwords: its own loop
    TrainSentenceSubwords(subword_model_, w.sentence.data(), length, alpha, rng,
                          *w.subword, &w.loss_sum, &w.loss_count);
    return;
  }
  const bool exact = options_.update == UpdateRule::kExact;
  if (options_.sg_input == SgInput::kCenter) {
    TrainSentenceCenter(length, alpha, rng, w);  // per pair either way
  } else if (exact) {
    if (options_.model == Model::kCbow) {
      TrainSentenceCbowExact(length, alpha, rng, w);
    } else {
      TrainSentenceExact(length, alpha, rng, w);
    }
  } else if (options_.model == Model::kSkipGram && !UsesTree(options_)) {
    TrainSentenceBatch(length, alpha, rng, w);  // the default
  } else {
    TrainSentencePipelined(length, alpha, rng, w);
  }
}

void Trainer::Run::ExactNsTargets(const float* x, int32_t center, float alpha,
                                  Rng& rng, Scratch& w) {
  const Tables& tables = *trainer_.tables_;
  const SgnsKernels& k = tables.kernels;
  for (int d = 0; d <= options_.negative; ++d) {
    int32_t target = center;
    float label = 1.0f;
    if (d > 0) {
      target = tables.noise.Sample(rng);
      if (target == center) continue;
      label = 0.0f;
    }
    // Hogwild: rows may be written by other threads concurrently; the
    // races are intended (word2vec.c does the same).
    float* l2 = w.output->row(target);
    const float f = k.dot(x, l2, stride_);
    const float g = (label - tables.sigmoid.Sigmoid(f)) * alpha;
    w.loss_sum -= tables.sigmoid.LogSigmoid(d == 0 ? f : -f);
    ++w.loss_count;
    k.axpy(g, l2, w.neu1e.data(), stride_);
    k.axpy(g, x, l2, stride_);
  }
}

void Trainer::Run::ExactHsTargets(const float* x, int32_t center, float alpha,
                                  Scratch& w) {
  const Tables& tables = *trainer_.tables_;
  const SgnsKernels& k = tables.kernels;
  const int depth = tables.tree.code_length(center);
  const int32_t* points = tables.tree.points(center);
  const uint8_t* codes = tables.tree.codes(center);
  for (int d = 0; d < depth; ++d) {
    float* l2 = w.output->row(points[d]);  // hogwild, as above
    const float g = HsCoefficient(tables.sigmoid, k.dot(x, l2, stride_),
                                  codes[d], alpha, &w.loss_sum);
    if (g == 0.0f) continue;  // a saturated node: word2vec.c skips it
    k.axpy(g, l2, w.neu1e.data(), stride_);
    k.axpy(g, x, l2, stride_);
  }
  w.loss_count += uint64_t(depth);
}

void Trainer::Run::TrainSentenceExact(int length, float alpha, Rng& rng,
                                      Scratch& w) {
  const int32_t* sentence = w.sentence.data();
  const SgnsKernels& k = trainer_.tables_->kernels;
  Matrix& input = *w.input;
  const bool hs = UsesTree(options_);
  const int window = options_.window;
  for (int i = 0; i < length; ++i) {
    const int32_t center = sentence[i];
    const int radius = window - int(rng.Below(uint32_t(window)));
    const int lo = std::max(0, i - radius);
    const int hi = std::min(length - 1, i + radius);
    for (int c = lo; c <= hi; ++c) {
      if (c == i) continue;
      float* l1 = input.row(sentence[c]);  // hogwild
      std::fill(w.neu1e.begin(), w.neu1e.end(), 0.0f);
      if (hs) {
        ExactHsTargets(l1, center, alpha, w);
      } else {
        ExactNsTargets(l1, center, alpha, rng, w);
      }
      k.axpy(1.0f, w.neu1e.data(), l1, stride_);
    }
  }
}

void Trainer::Run::TrainSentenceBatch(int length, float alpha, Rng& rng,
                                      Scratch& w) {
  const int32_t* sentence = w.sentence.data();
  float** in_rows = w.in_rows.data();
  float** out_rows = w.out_rows.data();
  const Tables& tables = *trainer_.tables_;
  const SgnsKernels& k = tables.kernels;
  Matrix& input = *w.input;
  Matrix& output = *w.output;
  const int window = options_.window;
  const int negative = options_.negative;
  const size_t row_bytes = stride_ * sizeof(float);
  auto prefetch_row = [row_bytes](const float* row) {
    const char* p = reinterpret_cast<const char*>(row);
    for (size_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(p + b, 1, 3);
  };
  // The radius and negatives of center i + 1 are drawn while center i is
  // processed, so their rows can be prefetched one step ahead. The draw
  // order is fixed, so runs stay reproducible.
  int32_t* negatives = w.negatives.data();
  int32_t* upcoming = negatives + negative;
  auto draw = [&](int i, int32_t* negs) {
    const int radius = window - int(rng.Below(uint32_t(window)));
    for (int d = 0; d < negative; ++d) negs[d] = tables.noise.Sample(rng);
    prefetch_row(output.row(sentence[i]));
    for (int d = 0; d < negative; ++d) prefetch_row(output.row(negs[d]));
    if (i + radius < length) prefetch_row(input.row(sentence[i + radius]));
    return radius;
  };
  int next_radius = length > 0 ? draw(0, upcoming) : 0;
  for (int i = 0; i < length; ++i) {
    std::swap(negatives, upcoming);
    const int radius = next_radius;
    if (i + 1 < length) next_radius = draw(i + 1, upcoming);
    const int32_t center = sentence[i];
    const int lo = std::max(0, i - radius);
    const int hi = std::min(length - 1, i + radius);
    int num_in = 0;
    for (int c = lo; c <= hi; ++c) {
      if (c != i) in_rows[num_in++] = input.row(sentence[c]);
    }
    if (num_in == 0) continue;
    int num_out = 0;
    out_rows[num_out++] = output.row(center);
    for (int d = 0; d < negative; ++d) {
      if (negatives[d] != center)
        out_rows[num_out++] = output.row(negatives[d]);
    }
    // Hogwild: rows may be written by other threads concurrently; the races
    // are intended (as in word2vec.c and pWord2Vec).
    k.dot_block(in_rows, num_in, out_rows, num_out, stride_, w.scores.data());
    for (int j = 0; j < num_in; ++j) {
      const float* s = w.scores.data() + j * num_out;
      float* g = w.grads.data() + j * num_out;
      g[0] = (1.0f - tables.sigmoid.Sigmoid(s[0])) * alpha;
      w.loss_sum -= tables.sigmoid.LogSigmoid(s[0]);
      for (int o = 1; o < num_out; ++o) {
        g[o] = -tables.sigmoid.Sigmoid(s[o]) * alpha;
        w.loss_sum -= tables.sigmoid.LogSigmoid(-s[o]);
      }
    }
    w.loss_count += uint64_t(num_in) * num_out;
    k.apply_block(in_rows, num_in, out_rows, num_out, stride_, w.grads.data(),
                  w.block.data());
  }
}

// fastText's skip-gram: the center word's input vector predicts each
// context word against `negative` noise words drawn for that context (a
// draw equal to the context word is skipped); the input row is updated after
// each context, as fastText does.
void Trainer::Run::TrainSentenceCenter(int length, float alpha, Rng& rng,
                                       Scratch& w) {
  const int32_t* sentence = w.sentence.data();
  const Tables& tables = *trainer_.tables_;
  const SgnsKernels& k = tables.kernels;
  Matrix& output = *w.output;
  float** out = w.out_rows.data();
  float* error = w.cbow.row(1);
  const int window = options_.window;
  for (int i = 0; i < length; ++i) {
    const int radius = window - int(rng.Below(uint32_t(window)));
    const int lo = std::max(0, i - radius);
    const int hi = std::min(length - 1, i + radius);
    float* x = w.input->row(sentence[i]);
    for (int c = lo; c <= hi; ++c) {
      if (c == i) continue;
      const int32_t target = sentence[c];
      int n = 0;
      out[n++] = output.row(target);
      for (int d = 0; d < options_.negative; ++d) {
        const int32_t noise = tables.noise.Sample(rng);
        if (noise != target) out[n++] = output.row(noise);
      }
      // Hogwild, as in TrainSentenceBatch.
      k.dot_block(&x, 1, out, n, stride_, w.scores.data());
      w.loss_sum += NsCoefficients(tables.sigmoid, w.scores.data(), n, alpha,
                                   w.grads.data());
      w.loss_count += uint64_t(n);
      k.hidden_update(x, out, n, stride_, w.grads.data(), error);
      k.axpy(1.0f, error, x, stride_);
    }
  }
}

int Trainer::Run::DrawAhead(const int32_t* sentence, int length, int i,
                            int32_t* negs, Rng& rng, Scratch& w) {
  const int window = options_.window;
  const int radius = window - int(rng.Below(uint32_t(window)));
  if (UsesTree(options_)) {
    PrefetchPaths(sentence, length, i, w);
  } else {
    DrawNegatives(sentence, length, i, negs, rng, w);
  }
  PrefetchContexts(sentence, std::min(length - 1, i + radius), w);
  return radius;
}

void Trainer::Run::DrawNegatives(const int32_t* sentence, int length, int i,
                                 int32_t* negs, Rng& rng, Scratch& w) {
  const NoiseSampler& noise = trainer_.tables_->noise;
  const int n = options_.negative;
  uint64_t* pending = w.pending.data();
  if (i == 0) {
    for (int d = 0; d < n; ++d) pending[d] = rng.Next();
  }
  for (int d = 0; d < n; ++d) negs[d] = noise.Resolve(pending[d]);
  if (i + 1 < length) {
    for (int d = 0; d < n; ++d) {
      pending[d] = rng.Next();
      noise.Prefetch(pending[d]);
    }
  }
  const Matrix& output = *w.output;
  PrefetchRow(output.row(sentence[i]), stride_ * sizeof(float));
  for (int d = 0; d < n; ++d) {
    PrefetchRow(output.row(negs[d]), stride_ * sizeof(float));
  }
}

inline void Trainer::Run::PrefetchPaths(const int32_t* sentence, int length,
                                        int i, Scratch& w) const {
  const HuffmanTree& tree = trainer_.tables_->tree;
  if (i + 2 < length) tree.PrefetchEntry(sentence[i + 2]);
  if (i + 1 < length) tree.PrefetchPath(sentence[i + 1]);
  const int depth = tree.code_length(sentence[i]);
  const int32_t* points = tree.points(sentence[i]);
  for (int d = kPrefetchFromDepth; d < depth; ++d) {
    PrefetchRow(w.hot.Row(*w.output, points[d]), stride_ * sizeof(float));
  }
}

void Trainer::Run::PrefetchContexts(const int32_t* sentence, int last,
                                    Scratch& w) const {
  for (int c = w.prefetched_until + 1; c <= last; ++c) {
    PrefetchRow(w.input->row(sentence[c]), stride_ * sizeof(float));
  }
  w.prefetched_until = std::max(w.prefetched_until, last);
}

int Trainer::Run::BatchTargets(int32_t center, const int32_t* negs,
                               Scratch& w) {
  Matrix& output = *w.output;
  float** out = w.out_rows.data();
  if (UsesTree(options_)) {
    const HuffmanTree& tree = trainer_.tables_->tree;
    const int depth = tree.code_length(center);
    const int32_t* points = tree.points(center);
    for (int d = 0; d < depth; ++d) out[d] = w.hot.Row(output, points[d]);
    return depth;
  }
  int n = 0;
  out[n++] = output.row(center);
  for (int d = 0; d < options_.negative; ++d) {
    if (negs[d] != center) out[n++] = output.row(negs[d]);
  }
  return n;
}

void Trainer::Run::BatchCoefficients(int32_t center, int num_in, int num_out,
                                     float alpha, Scratch& w) {
  const Tables& tables = *trainer_.tables_;
  const bool hs = UsesTree(options_);
  const uint8_t* codes = hs ? tables.tree.codes(center) : nullptr;
  float loss = 0;
  for (int j = 0; j < num_in; ++j) {
    const float* s = w.scores.data() + j * num_out;
    float* g = w.grads.data() + j * num_out;
    loss += hs ? HsCoefficients(tables.sigmoid, s, codes, num_out, alpha, g)
               : NsCoefficients(tables.sigmoid, s, num_out, alpha, g);
  }
  w.loss_sum += loss;
  w.loss_count += uint64_t(num_in) * num_out;
}

void Trainer::Run::TrainSentencePipelined(int length, float alpha, Rng& rng,
                                          Scratch& w) {
  const int32_t* sentence = w.sentence.data();
  int32_t* negatives = w.negatives.data();
  int32_t* upcoming = negatives + options_.negative;
  w.prefetched_until = -1;
  int next_radius =
      length > 0 ? DrawAhead(sentence, length, 0, upcoming, rng, w) : 0;
  for (int i = 0; i < length; ++i) {
    std::swap(negatives, upcoming);
    const int radius = next_radius;
    if (i + 1 < length) {
      next_radius = DrawAhead(sentence, length, i + 1, upcoming, rng, w);
    }
    const int num_in =
        GatherContexts(sentence, length, i, radius, *w.input, w.in_rows.data());
    const int num_out = BatchTargets(sentence[i], negatives, w);
    if (num_in == 0 || num_out == 0) continue;
    if (options_.model == Model::kCbow) {
      CbowStep(sentence[i], num_in, num_out, alpha, w);
    } else {
      SkipGramStep(sentence[i], num_in, num_out, alpha, w);
    }
  }
  w.hot.Advance(uint64_t(length));  // merges every period (HotRowCache)
}

void Trainer::Run::SkipGramStep(int32_t center, int num_in, int num_out,
                                float alpha, Scratch& w) {
  const SgnsKernels& k = trainer_.tables_->kernels;
  float* error = w.cbow.row(1);
  for (int j = 0; j < num_in; ++j) {  // hogwild, as in TrainSentenceBatch
    float* x = w.in_rows[j];
    k.dot_block(&x, 1, w.out_rows.data(), num_out, stride_, w.scores.data());
    BatchCoefficients(center, 1, num_out, alpha, w);
    k.hidden_update(x, w.out_rows.data(), num_out, stride_, w.grads.data(),
                    error);
    k.axpy(1.0f, error, x, stride_);
  }
}

void Trainer::Run::CbowStep(int32_t center, int num_in, int num_out,
                            float alpha, Scratch& w) {
  const SgnsKernels& k = trainer_.tables_->kernels;
  float** in_rows = w.in_rows.data();
  float* hidden = w.cbow.row(0);
  float* error = w.cbow.row(1);
  k.average(in_rows, num_in, stride_, CbowScale(num_in), hidden);
  k.dot_block(&hidden, 1, w.out_rows.data(), num_out, stride_, w.scores.data());
  BatchCoefficients(center, 1, num_out, alpha, w);
  // Hogwild, as in TrainSentenceBatch.
  k.hidden_update(hidden, w.out_rows.data(), num_out, stride_, w.grads.data(),
                  error);
  k.scatter_add(error, in_rows, num_in, stride_);
}

// word2vec.c's CBOW: the hidden vector h is the mean (or sum) of the
// context rows; its gradient is added to every context row undivided (for
// the mean, that is count times the gradient of each row, as word2vec.c
// and gensim do).
void Trainer::Run::TrainSentenceCbowExact(int length, float alpha, Rng& rng,
                                          Scratch& w) {
  const int32_t* sentence = w.sentence.data();
  const SgnsKernels& k = trainer_.tables_->kernels;
  float** in_rows = w.in_rows.data();
  float* hidden = w.cbow.row(0);
  const bool hs = UsesTree(options_);
  const int window = options_.window;
  for (int i = 0; i < length; ++i) {
    const int radius = window - int(rng.Below(uint32_t(window)));
    const int num_in =
        GatherContexts(sentence, length, i, radius, *w.input, in_rows);
    if (num_in == 0) continue;
    k.average(in_rows, num_in, stride_, CbowScale(num_in), hidden);
    std::fill(w.neu1e.begin(), w.neu1e.end(), 0.0f);
    if (hs) {
      ExactHsTargets(hidden, sentence[i], alpha, w);
    } else {
      ExactNsTargets(hidden, sentence[i], alpha, rng, w);
    }
    k.scatter_add(w.neu1e.data(), in_rows, num_in, stride_);  // hogwild
  }
}

TrainStatus Trainer::Run::Snapshot(Clock::time_point now) {
  static_assert(std::atomic<double>::is_always_lock_free);
  TrainStatus s;
  s.words_processed = words_processed_.load();
  s.words_total = words_total_;
  s.progress = words_total_ ? double(s.words_processed) / words_total_ : 1.0;
  s.epochs = options_.epochs;
  s.elapsed_seconds = Seconds(start_, now);
  uint32_t min_epoch = uint32_t(options_.epochs);
  double alpha = 0;
  for (int t = 0; t < num_threads_; ++t) {
    min_epoch = std::min(min_epoch, workers_[t].epoch.load());
    alpha = std::max(alpha, double(workers_[t].alpha.load()));
  }
  s.epoch = int(std::min<uint32_t>(min_epoch + 1, uint32_t(options_.epochs)));
  s.alpha = alpha;
  return s;
}

// Progress for the hook: rates since the previous report, loss since the
// previous report, ETA from the whole run's rate. Monitor thread only.
TrainStatus Trainer::Run::Progress(Clock::time_point now,
                                   Clock::time_point last_report,
                                   uint64_t first_processed) {
  TrainStatus s = Snapshot(now);
  const double dt = Seconds(last_report, now);
  double loss_sum = 0;
  uint64_t loss_count = 0, words = 0;
  s.thread_words_per_second.resize(num_threads_);
  for (int t = 0; t < num_threads_; ++t) {
    const uint64_t w = workers_[t].words.load();
    s.thread_words_per_second[t] = double(w - last_words_[t]) / dt;
    words += w - last_words_[t];
    last_words_[t] = w;
    loss_sum += workers_[t].loss_sum.load();
    loss_count += workers_[t].loss_count.load();
  }
  s.words_per_second = double(words) / dt;
  if (hooks_.replicas != nullptr) {  // the group's count, as of its last sync
    s.members = hooks_.replicas->size();
    s.words_per_second = double(s.words_processed - last_processed_) / dt;
    last_processed_ = s.words_processed;
  }
  s.average_loss = LossSinceSnapshot(loss_sum, loss_count);
  last_loss_sum_ = loss_sum;
  last_loss_count_ = loss_count;
  last_average_loss_ = s.average_loss;
  const double overall_rate = double(s.words_processed - first_processed) /
                              std::max(1e-9, s.elapsed_seconds);
  s.eta_seconds =
      overall_rate > 0
          ? double(words_total_ - std::min(words_total_, s.words_processed)) /
                overall_rate
          : 0;
  return s;
}

// Pauses every worker at a safe point, writes a checkpoint through the hook
// and lets them go on. A failed write stops the run. Called with `lock`
// held.
void Trainer::Run::CheckpointPaused(std::unique_lock<std::mutex>& lock) {
  pause_requested_.store(true, std::memory_order_release);
  cv_.wait(lock, [&] { return paused_ + done_ == num_threads_; });
  if (done_ < num_threads_) {
    RecordProgress();
    Status st = trainer_.WithCheckpoint(hooks_.write_checkpoint);
    if (!st.ok()) {
      monitor_status_ = st;
      abort_.store(true);
    }
  }
  pause_requested_.store(false, std::memory_order_release);
  cv_.notify_all();
}

void Trainer::Run::Monitor() {
  try {
    MonitorLoop();
  } catch (const std::exception& e) {
    Abort(ThreadError("progress monitor", e), !synced_);
  }
}

Status Trainer::Run::StartMonitor(std::thread* monitor) {
  try {
    if (hooks_.before_thread_start) hooks_.before_thread_start(0);
    *monitor = std::thread(&Run::Monitor, this);
  } catch (const std::exception& e) {
    return ThreadError("cannot start the progress monitor", e);
  }
  return Status::Ok();
}

std::vector<std::thread> Trainer::Run::StartWorkers() {
  std::vector<std::thread> workers;
  workers.reserve(num_threads_);
  for (int t = 0; t < num_threads_; ++t) {
    try {
      if (hooks_.before_thread_start) hooks_.before_thread_start(t + 1);
      workers.emplace_back(&Run::Worker, this, t);
    } catch (const std::exception& e) {
      Abort(ThreadError("cannot start a training thread", e), !synced_);
      std::lock_guard<std::mutex> lock(mutex_);
      done_ += num_threads_ - t;  // never started: nothing to wait for
      cv_.notify_all();
      break;
    }
  }
  return workers;
}

void Trainer::Run::MonitorLoop() {
  const double progress_every =
      hooks_.progress_every_seconds > 0 ? hooks_.progress_every_seconds : 1.0;
  const bool checkpoints =
      hooks_.checkpoint_every_seconds > 0 && hooks_.write_checkpoint;
  Clock::time_point last_progress = start_;
  Clock::time_point last_checkpoint = start_;
  last_words_.assign(num_threads_, 0);
  const uint64_t first_processed = words_processed_.load();
  last_processed_ = first_processed;
  double tick = std::min(0.1, progress_every);
  if (checkpoints) tick = std::min(tick, hooks_.checkpoint_every_seconds);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!monitor_exit_) {
    cv_.wait_for(lock, std::chrono::duration<double>(tick));
    if (monitor_exit_) break;
    const Clock::time_point now = Clock::now();
    if (hooks_.on_progress && Seconds(last_progress, now) >= progress_every) {
      const TrainStatus s = Progress(now, last_progress, first_processed);
      last_progress = now;
      lock.unlock();
      hooks_.on_progress(s);
      lock.lock();
    }
    if (checkpoints &&
        Seconds(last_checkpoint, now) >= hooks_.checkpoint_every_seconds) {
      if (synced_) {
        checkpoint_wanted_.store(true);  // written at the next quiet sync
      } else {
        CheckpointPaused(lock);
      }
      last_checkpoint = Clock::now();
    }
  }
}

void Trainer::Run::RecordLoss() {
  double loss_sum = 0;
  uint64_t loss_count = 0;
  for (int t = 0; t < num_threads_; ++t) {
    loss_sum += workers_[t].loss_sum.load();
    loss_count += workers_[t].loss_count.load();
  }
  trainer_.progress_.loss_sum = loss_sum_before_ + loss_sum;
  trainer_.progress_.loss_count = loss_count_before_ + loss_count;
}

StatusOr<TrainSummary> Trainer::Run::Execute() {
  start_ = Clock::now();
  elapsed_before_ = trainer_.progress_.elapsed_seconds;
  loss_sum_before_ = trainer_.progress_.loss_sum;
  loss_count_before_ = trainer_.progress_.loss_count;
  const uint64_t processed_before = words_processed_.load();
  WEMBED_RETURN_IF_ERROR(JoinGroup());
  if (synced_) {
    if (Status st = SetUpDeterministic(); !st.ok()) {
      LeaveGroup();
      return st;
    }
  }
  std::thread monitor;
  Status started = StartMonitor(&monitor);
  if (!started.ok()) {
    LeaveGroup();
    return started;
  }

  // One worker per thread, all updating the shared matrices without locks
  // (hogwild). Plain threads rather than an OpenMP team: OpenMP may start
  // fewer threads than asked (OMP_DYNAMIC, OMP_THREAD_LIMIT, nesting), and
  // every worker owns a corpus range that must be trained.
  std::vector<std::thread> workers = StartWorkers();
  for (std::thread& w : workers) w.join();
  LeaveGroup();  // if this member ended early

  {
    std::lock_guard<std::mutex> lock(mutex_);
    monitor_exit_ = true;
  }
  cv_.notify_all();
  monitor.join();

  const double seconds = Seconds(start_, Clock::now());
  TrainProgress& progress = trainer_.progress_;
  progress.words_processed = words_processed_.load();
  progress.elapsed_seconds = elapsed_before_ + seconds;
  bool all_finished = true;
  for (int t = 0; t < num_threads_; ++t) {
    all_finished &= progress.threads[t].epoch >= uint32_t(options_.epochs);
  }
  RecordLoss();
  progress.finished = all_finished;
  trainer_.UpdateEpoch();
  if (!monitor_status_.ok()) return monitor_status_;
  if (!trainer_.AllFinite()) {
    return Status::InvalidArgument(
        "training diverged: the vectors contain non-finite values (the "
        "learning rate --alpha " +
        std::to_string(options_.alpha) + " is too high; word2vec uses 0.025)");
  }
  TrainSummary summary;
  summary.words_trained = progress.words_processed - processed_before;
  if (synced_ && hooks_.replicas == nullptr) {  // --deterministic
    summary.words_trained = 0;
    for (const WorkerShared& w : workers_) summary.words_trained += w.words;
  }
  if (hooks_.replicas != nullptr) summary.members = hooks_.replicas->size();
  summary.seconds = seconds;
  summary.stopped = !all_finished;
  FinishSummary(&summary);
  return summary;
}

void Trainer::Run::FinishSummary(TrainSummary* summary) const {
  double loss_sum = 0;
  uint64_t loss_count = 0;
  for (const WorkerShared& w : workers_) {
    loss_sum += w.loss_sum.load();
    loss_count += w.loss_count.load();
  }
  summary->words_per_second =
      summary->words_trained / std::max(summary->seconds, 1e-9);
  // The mean loss since the last progress snapshot (the whole run if there
  // was none): the loss at the end of training, not averaged from the start.
  summary->final_loss = LossSinceSnapshot(loss_sum, loss_count);
  summary->words_total = words_total_;
  summary->sync_seconds = sync_seconds_;
  summary->replicas = machine_shared_ ? 0 : int(input_replicas_.size());
  summary->shared_model = machine_shared_;
  for (const WorkerShared& w : workers_) {
    summary->sync_wait_seconds += w.sync_wait.load() / double(num_threads_);
  }
  summary->kernels = trainer_.tables_->kernels.name;
}

// ---------------------------------------------------------------------------

Trainer::Trainer(const TrainOptions& options, Vocabulary vocab,
                 const EncodedCorpus* corpus)
    : options_(options), vocab_(std::move(vocab)), corpus_(corpus) {}

Trainer::~Trainer() = default;

void Trainer::BuildTables() {
  tables_ = std::make_unique<Tables>(vocab_, options_, corpus_->num_tokens());
  options_.kernels = tables_->kernels.name;  // checkpoints store the real set
}

Status Trainer::InitializeFresh() {
  const size_t dim = size_t(options_.dim);
  input_ = Matrix(vocab_.size(), dim);
  output_ = Matrix(OutputRowsFor(LayoutFor(options_), vocab_.size()), dim);
  Rng init_rng(options_.seed);
  for (size_t r = 0; r < vocab_.size(); ++r) {
    float* row = input_.row(r);
    for (size_t c = 0; c < dim; ++c) {
      row[c] = (init_rng.UniformFloat() - 0.5f) / float(dim);
    }
  }
  if (options_.Subwords().enabled()) {
    subword_input_ = Matrix(size_t(options_.buckets), dim);
    InitializeSubwordRows(options_.seed, options_.dim, &subword_input_);
  }
  int threads = options_.threads;
  if (threads <= 0)
    threads = int(std::max(1u, std::thread::hardware_concurrency()));
  progress_ = TrainProgress();
  progress_.corpus_tokens = corpus_->num_tokens();
  progress_.corpus_fingerprint = corpus_->Fingerprint();
  progress_.corpus_bytes = corpus_->size_bytes();
  progress_.threads.resize(threads);
  const uint64_t size = corpus_->size_bytes();
  for (int t = 0; t < threads; ++t) {
    ThreadProgress& tp = progress_.threads[t];
    StatusOr<uint64_t> begin =
        corpus_->SentenceStartAtOrAfter(size * t / threads);
    StatusOr<uint64_t> end =
        corpus_->SentenceStartAtOrAfter(size * (t + 1) / threads);
    if (!begin.ok()) return begin.status();
    if (!end.ok()) return end.status();
    tp.begin = *begin;
    tp.end = *end;
    tp.position = tp.begin;
    Rng rng(ThreadSeed(options_.seed, /*member=*/0, t));
    rng.GetState(tp.rng_state);
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Trainer>> Trainer::Create(
    const TrainOptions& options, Vocabulary vocab,
    const EncodedCorpus* corpus) {
  WEMBED_RETURN_IF_ERROR(options.Validate());
  if (vocab.empty()) return Status::InvalidArgument("the vocabulary is empty");
  if (corpus->num_tokens() == 0) {
    return Status::InvalidArgument("the corpus has no in-vocabulary words");
  }
  std::unique_ptr<Trainer> trainer(
      new Trainer(options, std::move(vocab), corpus));
  WEMBED_RETURN_IF_ERROR(trainer->InitializeFresh());
  trainer->BuildTables();
  return trainer;
}

namespace {

// The checkpoint's matrices are what `options` train: dim columns, a row
// per word, and the output rows the loss needs.
Status CheckMatrices(const Checkpoint& checkpoint,
                     const TrainOptions& options) {
  if (checkpoint.output_layout != LayoutFor(options)) {
    return Status::Corruption(
        std::string("the checkpoint's output matrix holds ") +
        (checkpoint.output_layout == OutputLayout::kTreeNodes
             ? "tree nodes"
             : "word vectors") +
        " but its options say --loss " + (UsesTree(options) ? "hs" : "ns"));
  }
  const size_t rows = checkpoint.vocab.size();
  if (checkpoint.input.rows() != rows ||
      checkpoint.output.rows() != OutputRowsFor(LayoutFor(options), rows) ||
      checkpoint.input.cols() != size_t(options.dim) ||
      checkpoint.output.cols() != size_t(options.dim)) {
    return Status::Corruption("checkpoint matrices do not match its options");
  }
  const SubwordSpec spec = options.Subwords();
  if (checkpoint.subwords != spec ||
      checkpoint.subword_input.rows() != spec.buckets ||
      (spec.enabled() &&
       checkpoint.subword_input.cols() != size_t(options.dim))) {
    return Status::Corruption(
        "the checkpoint's subword settings or n-gram rows do not match its "
        "options (--subwords, --buckets)");
  }
  return Status::Ok();
}

// The checkpoint's corpus is `corpus`: same tokens and fingerprint (or, for
// a checkpoint of a build before the fingerprint became XXH3, the legacy
// FNV-1a one, which is computed only then).
Status CheckSameCorpus(const TrainProgress& p, const EncodedCorpus& corpus) {
  const Status differs = Status::InvalidArgument(
      "the corpus differs from the one the checkpoint was trained on "
      "(same --input files, unchanged, are needed to resume)");
  if (p.corpus_tokens != corpus.num_tokens()) return differs;
  if (p.corpus_fingerprint == corpus.Fingerprint()) return Status::Ok();
  StatusOr<uint64_t> legacy = corpus.LegacyFingerprint();
  if (!legacy.ok()) return legacy.status();
  return *legacy == p.corpus_fingerprint ? Status::Ok() : differs;
}

}  // namespace

StatusOr<std::unique_ptr<Trainer>> Trainer::Resume(
    Checkpoint checkpoint, const TrainOptions& options,
    const EncodedCorpus* corpus) {
  WEMBED_RETURN_IF_ERROR(options.Validate());
  TrainProgress& p = checkpoint.progress;
  WEMBED_RETURN_IF_ERROR(CheckSameCorpus(p, *corpus));
  WEMBED_RETURN_IF_ERROR(CheckMatrices(checkpoint, options));
  if (p.threads.empty()) {
    return Status::Corruption("checkpoint has no thread progress");
  }
  uint32_t epochs_done = 0;
  for (const ThreadProgress& t : p.threads)
    epochs_done = std::max(epochs_done, t.epoch);
  if (epochs_done > uint32_t(options.epochs)) {
    return Status::InvalidArgument(
        "--epochs " + std::to_string(options.epochs) + " is below the " +
        std::to_string(epochs_done) + " epochs this run has already completed");
  }
  for (const ThreadProgress& t : p.threads) {
    if (t.begin > t.end || t.end > corpus->size_bytes() ||
        t.position < t.begin || t.position > t.end) {
      return Status::Corruption("checkpoint thread position out of range");
    }
  }
  std::unique_ptr<Trainer> trainer(
      new Trainer(options, std::move(checkpoint.vocab), corpus));
  trainer->input_ = std::move(checkpoint.input);
  trainer->output_ = std::move(checkpoint.output);
  trainer->subword_input_ = std::move(checkpoint.subword_input);
  trainer->progress_ = std::move(checkpoint.progress);
  trainer->progress_.finished = false;
  trainer->BuildTables();
  if (trainer->TreeFingerprint() != checkpoint.tree_fingerprint) {
    return Status::InvalidArgument(
        "the Huffman tree rebuilt from the checkpoint's counts differs from "
        "the one its output rows belong to (a wembed that builds trees "
        "differently); it cannot be resumed exactly");
  }
  return trainer;
}

StatusOr<std::unique_ptr<Trainer>> Trainer::CreateFrom(
    const TrainOptions& options, Vocabulary vocab, const EncodedCorpus* corpus,
    const Checkpoint& init, InitReport* report) {
  if (init.input.cols() != size_t(options.dim)) {
    return Status::InvalidArgument("the initial vectors have dimension " +
                                   std::to_string(init.input.cols()) +
                                   " but --dim is " +
                                   std::to_string(options.dim));
  }
  StatusOr<std::unique_ptr<Trainer>> created =
      Create(options, std::move(vocab), corpus);
  if (!created.ok()) return created.status();
  std::unique_ptr<Trainer> trainer = std::move(created).value();
  *report = trainer->CopyKnownRows(init);
  return trainer;
}

InitReport Trainer::CopyKnownRows(const Checkpoint& init) {
  InitReport report;
  const bool tree = UsesTree(options_);
  const bool word_outputs =
      !tree && init.output_layout == OutputLayout::kWordVectors &&
      !init.vocab.empty() && init.output.rows() == init.vocab.size();
  const bool same_tree = tree &&
                         init.output_layout == OutputLayout::kTreeNodes &&
                         init.tree_fingerprint == TreeFingerprint() &&
                         init.output.rows() == output_.rows();
  const size_t bytes = size_t(options_.dim) * sizeof(float);
  // The n-gram rows carry over only to a run with the same settings;
  // otherwise a word starts from its composed vector (the vector it had).
  const bool same_subwords = init.subwords == options_.Subwords() &&
                             init.subword_input.cols() == size_t(options_.dim);
  const bool compose = init.subwords.enabled() && !same_subwords;
  std::vector<uint32_t> buckets;
  for (size_t r = 0; r < vocab_.size(); ++r) {
    const int32_t id = init.vocab.Find(vocab_.word(int32_t(r)));
    if (id < 0) {
      ++report.new_words;
      continue;
    }
    ++report.known_words;
    if (compose) {
      ComposeWordVector(init.vocab.word(id), init.input.row(id), init.subwords,
                        init.subword_input, &buckets, input_.row(r));
    } else {
      std::memcpy(input_.row(r), init.input.row(id), bytes);
    }
    if (word_outputs) std::memcpy(output_.row(r), init.output.row(id), bytes);
  }
  if (same_tree) {
    for (size_t r = 0; r < output_.rows(); ++r) {
      std::memcpy(output_.row(r), init.output.row(r), bytes);
    }
  }
  if (options_.Subwords().enabled() && same_subwords) {
    subword_input_ = init.subword_input;  // the same n-gram rows
  }
  report.output_rows_kept = word_outputs || same_tree;
  if (!report.output_rows_kept) {
    report.output_rows_note =
        init.output.rows() == 0 ? "the initial vectors have no output rows"
        : tree != (init.output_layout == OutputLayout::kTreeNodes)
            ? "the initial checkpoint was trained with the other --loss"
            : "the Huffman tree of the new counts differs from the "
              "checkpoint's, so its inner-node rows do not apply";
  }
  return report;
}

uint64_t Trainer::TreeFingerprint() const {
  return UsesTree(options_) ? tables_->tree.Fingerprint() : 0;
}

void Trainer::UpdateEpoch() {
  progress_.epoch = uint32_t(options_.epochs);
  for (const ThreadProgress& t : progress_.threads) {
    progress_.epoch = std::min(progress_.epoch, t.epoch);
  }
}

StatusOr<TrainSummary> Trainer::Train(const TrainHooks& hooks) {
  thread_failed_ = false;
  Run run(this, hooks);
  return run.Execute();
}

// Everything of a checkpoint but the matrices, vocabulary and progress.
void Trainer::DescribeIn(Checkpoint* c) const {
  c->output_layout = LayoutFor(options_);
  c->subwords = options_.Subwords();
  c->format_version = FormatVersionFor(c->output_layout, c->subwords.enabled());
  c->options = options_.ToKeyValues();
  c->tree_fingerprint = TreeFingerprint();
}

Checkpoint Trainer::MakeCheckpoint() const {
  Checkpoint c;
  DescribeIn(&c);
  c.vocab = vocab_;
  c.input = input_;
  c.output = output_;
  c.subword_input = subword_input_;
  c.progress = progress_;
  return c;
}

bool Trainer::AllFinite() const {
  for (const Matrix* m : {&input_, &output_, &subword_input_}) {
    const float* p = m->data();
    const size_t n = m->rows() * m->stride();
    float acc = 0;
    // x * 0 is 0 for finite x and NaN for Inf/NaN.
    for (size_t i = 0; i < n; ++i) acc += p[i] * 0.0f;
    if (acc != 0.0f) return false;
  }
  return true;
}

Status Trainer::WithCheckpoint(
    const std::function<Status(const Checkpoint&)>& fn) {
  Checkpoint c;
  DescribeIn(&c);
  c.vocab = vocab_;
  c.progress = progress_;
  // The matrices come back even if `fn` throws (std::bad_alloc).
  struct Lend {
    Trainer& t;
    Checkpoint& c;
    Lend(Trainer& trainer, Checkpoint& ckpt) : t(trainer), c(ckpt) {
      c.input = std::move(t.input_);
      c.output = std::move(t.output_);
      c.subword_input = std::move(t.subword_input_);
    }
    ~Lend() {
      t.input_ = std::move(c.input);
      t.output_ = std::move(c.output);
      t.subword_input_ = std::move(c.subword_input);
    }
  } lend(*this, c);
  return fn(c);
}

Checkpoint Trainer::Release() && {
  Checkpoint c;
  DescribeIn(&c);
  c.vocab = std::move(vocab_);
  c.input = std::move(input_);
  c.output = std::move(output_);
  c.subword_input = std::move(subword_input_);
  c.progress = std::move(progress_);
  return c;
}

}  // namespace wembed
