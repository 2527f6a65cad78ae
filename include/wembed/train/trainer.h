// Trainer: word2vec's models (skip-gram or CBOW) and losses (negative
// sampling or hierarchical softmax) over an EncodedCorpus, on several
// threads with lock-free (hogwild) updates, following word2vec.c's semantics:
// W_E uniform in [-0.5/dim, 0.5/dim), output vectors zero, subsampling of
// frequent words, a dynamic window, unigram^0.75 negatives or a Huffman tree
// of the counts, learning rate decaying linearly with global progress, and
// the input-vector gradient accumulated over the targets and applied once.
//
// A run can pause at safe points (between sentences) to write a checkpoint
// and can stop on request; Resume() continues bit-exactly with one thread.
#ifndef WEMBED_TRAIN_TRAINER_H_
#define WEMBED_TRAIN_TRAINER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wembed/base/matrix.h"
#include "wembed/base/status.h"
#include "wembed/corpus/encoded_corpus.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/train/replica_group.h"
#include "wembed/train/train_options.h"
#include "wembed/vectors/checkpoint.h"

namespace wembed {

// A snapshot of a running training job, for progress displays.
struct TrainStatus {
  double progress = 0;           // fraction of all epochs' words, 0..1
  uint64_t words_processed = 0;  // corpus tokens consumed so far (all epochs)
  uint64_t words_total = 0;      // epochs * corpus tokens
  int epoch = 0;                 // current epoch, 1-based (slowest thread)
  int epochs = 0;
  double elapsed_seconds = 0;   // wall time of this process's training
  double words_per_second = 0;  // all threads, since the previous snapshot;
                                // of every member of a replica group (MPI
                                // ranks: their word count as of the last
                                // sync), else this process's
  std::vector<double> thread_words_per_second;  // this process's threads
  int members = 1;          // of the replica group (MPI ranks), 1 without one
  double alpha = 0;         // current learning rate
  double average_loss = 0;  // mean loss per (input, output) pair,
                            // since the previous snapshot
  double eta_seconds = 0;
};

struct TrainSummary {
  uint64_t words_trained = 0;   // tokens consumed in this process, or by
                                // every member of a replica group
  uint64_t words_total = 0;     // the run's tokens x epochs (of every member
                                // of a replica group)
  double seconds = 0;           // training wall time in this process
  double words_per_second = 0;  // words_trained / seconds
  int members = 1;   // of the replica group (MPI ranks), 1 without one
  int replicas = 0;  // private copies of the model this process trained
                     // (0: the threads trained the model itself, hogwild)
  bool shared_model = false;     // the members trained one replica in memory
                                 // they share (TrainHooks::replicas)
  double final_loss = 0;         // mean loss per pair since the last progress
                                 // snapshot (whole run if none; if no pair was
                                 // trained since, the snapshot's)
  bool stopped = false;          // true if stopped on request before the end
  double sync_seconds = 0;       // --deterministic: wall time in the syncs'
                                 // merges and group rounds (not the waits)
  double sync_wait_seconds = 0;  // --deterministic: a thread's mean wall
                                 // time at the sync barrier (merges and
                                 // waits for the slowest thread)
  const char* kernels = "";      // kernel set used (scalar, avx2, avx512)
};

// What Trainer::CreateFrom took over from the initial vectors.
struct InitReport {
  size_t known_words = 0;  // rows copied from the initial vectors
  size_t new_words = 0;    // rows initialised fresh
  bool output_rows_kept = false;
  std::string output_rows_note;  // why not, when they were not kept
};

struct TrainHooks {
  // Checked at safe points; when it becomes true, every thread stops at its
  // next safe point and Train() returns with summary.stopped = true.
  const std::atomic<bool>* stop_requested = nullptr;
  // > 0: call write_checkpoint every this many seconds, with all threads
  // paused at safe points. An error from it stops training and is returned.
  double checkpoint_every_seconds = 0;
  std::function<Status(const Checkpoint&)> write_checkpoint;
  // Called from a monitor thread every progress_every_seconds.
  double progress_every_seconds = 1.0;
  std::function<void(const TrainStatus&)> on_progress;
  // Bytes each thread reads of a file-backed corpus at a time (raised to
  // the corpus's longest sentence); 0 = 4 MiB. Memory only, never results.
  size_t corpus_buffer_bytes = 0;
  // Tests only: called before each thread is created (0 = the monitor,
  // 1.. = the workers), at the start of each worker, in its thread, and in
  // each worker after it has read a sentence (its progress is past it) and
  // before it trains on it; an exception thrown there (std::system_error,
  // std::bad_alloc) stands for a failed thread creation or allocation,
  // which ends the run with an error Status (Trainer::thread_failed())
  // instead of std::terminate.
  std::function<void(int thread)> before_thread_start;
  std::function<void(int thread)> in_worker;
  std::function<void(int thread, const ThreadProgress& state)> in_sentence;
  // The other replicas this run averages with at its sync points (MPI
  // ranks); nullptr: this process alone. Not owned; must outlive Train().
  // Every member trains its own corpus share with the same vocabulary,
  // options and starting matrices; the members' token and thread counts
  // (summed at the start) fix the learning-rate schedule and the sync
  // points, so all meet the same number of times (docs/distributed.md).
  // A group trains replicas merged at the sync points (with
  // --deterministic one per thread, otherwise one per member that its
  // threads share; see private_member_replicas).
  ReplicaGroup* replicas = nullptr;
  // --deterministic: about this many corpus words per thread between two
  // syncs; 0 = 65,536, and the rows of the hottest tier, merged at every
  // sync; 0 = 1024 (docs/distributed.md). They change the vectors; every
  // member of a replica group must use the same. Tests set small values.
  uint64_t sync_every_words = 0;
  size_t sync_hot_rows = 0;
  // A group without --deterministic whose members share this machine's
  // memory (ReplicaGroup::SharedMemory) trains one replica in that memory,
  // hogwild across every member's threads, and its syncs only agree on the
  // word count, stops and checkpoints. True: every member keeps a replica
  // of its own, averaged at the syncs, as on several machines.
  bool private_member_replicas = false;
};

class Trainer {
 public:
  ~Trainer();

  // A fresh run. `corpus` must outlive the Trainer and be encoded with
  // `vocab`. Options must be valid (TrainOptions::Validate).
  static StatusOr<std::unique_ptr<Trainer>> Create(const TrainOptions& options,
                                                   Vocabulary vocab,
                                                   const EncodedCorpus* corpus);
  // Continued training: a fresh run (new thread positions, the learning-rate
  // schedule from the start) whose rows start from `init`'s: every word of
  // `vocab` that `init` knows gets its input row and, when `init` has output
  // rows of the same kind (word vectors; tree nodes only for the identical
  // tree), its output rows; the other rows are initialised as by Create().
  // `init` needs only vocab (words), input and, optionally, output; its
  // dimension must be options.dim.
  static StatusOr<std::unique_ptr<Trainer>> CreateFrom(
      const TrainOptions& options, Vocabulary vocab,
      const EncodedCorpus* corpus, const Checkpoint& init, InitReport* report);
  // Continues the run saved in `checkpoint`. `options` are the checkpoint's
  // options (possibly with more epochs). Fails if `corpus` is not the one the
  // checkpoint was trained on.
  static StatusOr<std::unique_ptr<Trainer>> Resume(Checkpoint checkpoint,
                                                   const TrainOptions& options,
                                                   const EncodedCorpus* corpus);

  // Trains until every thread has finished its epochs or a stop is
  // requested. Not re-entrant.
  StatusOr<TrainSummary> Train(const TrainHooks& hooks);

  // The full state (a copy); call only while Train() is not running.
  Checkpoint MakeCheckpoint() const;
  // Calls `fn` with the full state without copying the matrices: they are
  // lent to the Checkpoint for the duration of the call. Call only while
  // Train() is not running (the periodic checkpoint hook does the same with
  // the threads paused).
  Status WithCheckpoint(const std::function<Status(const Checkpoint&)>& fn);

  // False if any vector element is NaN or infinite (a diverged run).
  bool AllFinite() const;

  // After Train() returned an error: true if it was a thread's failure (an
  // exception such as std::bad_alloc in a worker or the progress monitor, a
  // thread that could not be started). Every thread stopped at a safe
  // point, a failed worker at its last one (the sentence it was training
  // is trained again), so the state can be checkpointed and resumed.
  bool thread_failed() const { return thread_failed_; }

  // Moves the full state out (no copy of the matrices); the trainer must
  // not be used afterwards.
  Checkpoint Release() &&;

  const Vocabulary& vocab() const { return vocab_; }
  const Matrix& input_vectors() const { return input_; }
  const Matrix& output_vectors() const { return output_; }
  // --subwords: the n-gram rows (buckets x dim); empty otherwise.
  const Matrix& subword_vectors() const { return subword_input_; }
  const TrainOptions& options() const { return options_; }
  const TrainProgress& progress() const { return progress_; }

 private:
  class Run;  // the state of one Train() call (threads, monitor)

  Trainer(const TrainOptions& options, Vocabulary vocab,
          const EncodedCorpus* corpus);
  // Fresh matrices and thread ranges (read from a file-backed corpus).
  Status InitializeFresh();
  void BuildTables();
  InitReport CopyKnownRows(const Checkpoint& init);
  // The Huffman tree's fingerprint (--loss hs), else 0.
  uint64_t TreeFingerprint() const;
  void DescribeIn(Checkpoint* c) const;
  // progress_.epoch = the smallest epoch count over the threads.
  void UpdateEpoch();

  TrainOptions options_;
  Vocabulary vocab_;
  const EncodedCorpus* corpus_;
  Matrix input_;          // W_E
  Matrix output_;         // context vectors, or the Huffman tree's inner nodes
  Matrix subword_input_;  // --subwords: the n-gram rows (buckets x dim)
  TrainProgress progress_;
  struct Tables;  // sampling and sigmoid tables, built from vocab_
  std::unique_ptr<Tables> tables_;
  bool thread_failed_ = false;  // of the last Train() call
};

}  // namespace wembed

#endif  // WEMBED_TRAIN_TRAINER_H_
