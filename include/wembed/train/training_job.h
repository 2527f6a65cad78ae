// TrainingJob and RunTraining: a whole training run as one library call,
// the one the CLI, the Python module and MPI ranks use. It reads or resumes,
// scans and encodes the corpus, trains, writes periodic and final
// checkpoints and the vectors, and reports progress and events to an
// observer. It never prints and never exits.
#ifndef WEMBED_TRAIN_TRAINING_JOB_H_
#define WEMBED_TRAIN_TRAINING_JOB_H_

#include <atomic>
#include <cstdint>
#include <set>
#include <string>

#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/train/rank_group.h"
#include "wembed/train/train_options.h"
#include "wembed/train/trainer.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {

// Everything a run needs: the stored training options and the per-run
// settings. Defaults are the member initialisers; the option table describes
// each field (flag, help, bounds, resume rule).
struct TrainingJob {
  TrainOptions options;
  // Vectors file; "" = none (the CLI then needs a checkpoint; a library
  // caller gets the model in TrainingResult either way).
  std::string output;
  VectorFormat format = VectorFormat::kBinary;
  // Which vectors the vectors file holds (auto: input + output_weight *
  // output for skip-gram with negative sampling, input otherwise).
  OutputVectors output_vectors = OutputVectors::kAuto;
  double output_weight = kDefaultOutputWeight;  // for OutputVectors::kMix
  std::string read_vocab;  // use this vocabulary instead of counting
  std::string save_vocab;  // also write the vocabulary here
  std::string checkpoint;  // periodic and final checkpoints
  // One JSON line per progress interval (wembed/train/progress_log.h),
  // written as training goes; a resumed run appends.
  std::string log_json;
  double checkpoint_every = 600;  // seconds
  std::string resume;             // continue the run of this checkpoint
  // Continued training: start a fresh run (new corpus, new learning-rate
  // schedule) from these vectors, a word2vec file or a checkpoint.
  std::string init;
  bool quiet = false;  // for front ends: no progress display
  // MiB for buffers and intermediate data of the scan and of training
  // (the matrices, the vocabulary and the count table come on top).
  uint64_t memory_budget = 256;
  // Directory of the encoded-corpus cache and the scan's spill files; ""
  // = $TMPDIR, else /tmp.
  std::string cache_dir;
  // Keep the cache as <cache_dir>/wembed-<fingerprint>.wenc.
  bool keep_cache = false;
  // Under a RankGroup whose ranks all run on one machine: each rank trains
  // a replica of its own (averaged at the syncs) instead of one replica in
  // shared memory (TrainHooks::private_member_replicas).
  bool private_rank_models = false;
  // Another tool's defaults for the options wembed shares with it
  // ("wembed" = wembed's own defaults, or "word2vec", "fasttext",
  // "gensim"); applied by ApplyPreset to every option not given explicitly.
  std::string preset = "wembed";
  // Names of the options the user set explicitly (not left at their
  // defaults). A resumed run takes these, where the table allows it, over
  // the checkpoint's values, and notes the others as ignored.
  std::set<std::string> given;
};

// The model's matrices as allocated: rows of each, all `stride` floats wide
// (dim rounded up to 16). None of them counts against --memory-budget.
struct ModelMatrices {
  size_t input_rows = 0;    // W_E: one per vocabulary word
  size_t output_rows = 0;   // negative sampling / hierarchical softmax
  size_t subword_rows = 0;  // the n-gram matrix: --buckets (0 without
                            // --subwords)
  size_t dim = 0;
  size_t stride = 0;
  uint64_t SubwordBytes() const {
    return uint64_t(subword_rows) * stride * sizeof(float);
  }
  uint64_t Bytes() const {
    return uint64_t(input_rows + output_rows + subword_rows) * stride *
           sizeof(float);
  }
};

// What RunTraining reports while it runs. Scan progress comes from the
// scanning thread and training progress from the trainer's monitor thread;
// the other calls from the caller's thread; never two at once.
class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  // A line worth showing the user: "note: ..." or "warning: ...".
  virtual void OnNote(const std::string& text) {}
  virtual void OnScanProgress(const ScanStats& stats) {}
  virtual void OnScanDone(const ScanStats& stats, size_t vocab_size,
                          uint64_t corpus_tokens) {}
  // Instead of a scan: an encoded corpus (.wenc) was read and verified.
  virtual void OnEncodedCorpusRead(const std::string& path, size_t vocab_size,
                                   uint64_t corpus_tokens, double seconds) {}
  // The trainer's matrices are allocated (just before OnTrainingStart).
  virtual void OnModelAllocated(const ModelMatrices& matrices) {}
  // Training starts; `resumed_at` is the fraction already done (0 fresh).
  virtual void OnTrainingStart(bool resumed, double resumed_at) {}
  virtual void OnTrainProgress(const TrainStatus& status) {}
  // How often OnTrainProgress is wanted, in seconds. With a --log-json
  // file, training reports every kProgressLogIntervalSeconds at most and
  // the observer is called about this often.
  virtual double ProgressIntervalSeconds() const { return 1.0; }
  virtual void OnTrainingDone(const TrainSummary& summary, int threads) {}
  virtual void OnVectorsWritten(const std::string& path, size_t rows,
                                size_t dim) {}
};

struct TrainingResult {
  TrainingJob job;  // as run: a resumed run's merged options
  TrainSummary summary;
  // Stopped on request (stop flag) before the end; the checkpoint, if one
  // was asked for, holds the state to resume from, and no vectors were
  // written.
  bool stopped = false;
  // The model as trained: options, vocabulary, both matrices, progress.
  Checkpoint model;
};

// job.output_vectors with auto resolved for the job's model (mix for
// skip-gram with negative sampling, input otherwise).
OutputVectors ResolvedOutputVectors(const TrainingJob& job);

// job.read_vocab's vocabulary (word2vec's -read-vocab), sorted and filtered
// by the job's --min-count, --max-vocab and --max-final-vocab. Errors name
// the file.
StatusOr<Vocabulary> LoadReadVocab(const TrainingJob& job,
                                   const Env& env = Env::Default());

// The scan `job` asks for: its inputs, tokenizer and vocabulary options,
// threads (0 = all cores), memory budget, cache directory (for spill files
// and the cache), --keep-cache, and the options a .wenc file stores. No
// encoding (set encode and storage as needed).
ScanRequest CorpusScanRequest(const TrainingJob& job);

// Runs `job`. `stop` (may be null) is polled: when it becomes true the scan
// or the training stops at its next safe point, a checkpoint is written if
// the job has one, and the result says stopped (a stop during the scan is
// Status kCancelled). Errors name the file or option at fault.
//
// With a `ranks` group (not owned; MPI ranks, docs/distributed.md) this is
// one rank of a distributed run, called on every rank with the same job:
// each rank scans its share of the inputs, the ranks' counts make one
// vocabulary, each trains its share with TrainHooks::replicas = ranks, and
// rank 0 alone writes the outputs (vectors, checkpoints, --save-vocab,
// --log-json). Every rank returns the same Status: an error on one rank
// ("rank R: ...") ends all of them at the next point they agree on.
StatusOr<TrainingResult> RunTraining(const TrainingJob& job,
                                     TrainingObserver& observer,
                                     const std::atomic<bool>* stop = nullptr,
                                     const Env& env = Env::Default(),
                                     RankGroup* ranks = nullptr);

}  // namespace wembed

#endif  // WEMBED_TRAIN_TRAINING_JOB_H_
