// RunTraining: a whole training run, stage by stage (see
// include/wembed/train/training_job.h and docs/architecture.md).
#include "wembed/train/training_job.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <new>
#include <thread>
#include <utility>

#include "base/log_file_writer.h"
#include "train/rank_protocol.h"
#include "wembed/base/output_paths.h"
#include "wembed/corpus/corpus_file.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/input_files.h"
#include "wembed/train/option_table.h"
#include "wembed/train/progress_log.h"
#include "wembed/vectors/subword_vectors.h"

namespace wembed {
namespace {

// Inputs are stored in checkpoints as absolute paths, so that --resume works
// from any directory.
void MakeAbsolute(std::vector<std::string>* inputs) {
  for (std::string& input : *inputs) {
    const bool list = IsInputList(input);
    std::string path = list ? input.substr(1) : input;
    if (path != "-" && !path.empty()) {
      path = std::filesystem::absolute(path).lexically_normal().string();
    }
    input = (list ? "@" : "") + path;
  }
}

// Bytes each training thread reads of the cached corpus at a time: a
// quarter of the memory budget shared by the threads.
size_t CorpusBufferBytes(const TrainingJob& job) {
  const uint64_t budget = job.memory_budget << 20;
  return size_t(std::clamp<uint64_t>(
      budget / 4 / uint64_t(std::max(1, job.options.threads)),
      uint64_t{64} << 10, uint64_t{8} << 20));
}

std::string JoinInputs(const std::vector<std::string>& inputs) {
  std::string s;
  for (const std::string& in : inputs) s += " " + in;
  return s;
}

// One run of a job: the stages in order, each a method.
class TrainingRun {
 public:
  TrainingRun(const TrainingJob& job, TrainingObserver& observer,
              const std::atomic<bool>* stop, const Env& env, RankGroup* ranks)
      : job_(job), observer_(observer), stop_(stop), env_(env), ranks_(ranks) {}

  // Under a RankGroup every rank runs the same steps; each Agree() is a
  // point where all ranks learn whether any failed (rank_protocol.h).
  StatusOr<TrainingResult> Run() {
    WEMBED_RETURN_IF_ERROR(Agree(Prepare()));
    WEMBED_RETURN_IF_ERROR(ReadCorpus());
    WEMBED_RETURN_IF_ERROR(Agree(SaveVocabAndCreateTrainer()));
    WEMBED_RETURN_IF_ERROR(Agree(Train()));
    WEMBED_RETURN_IF_ERROR(
        Agree(result_.stopped ? WriteFinalCheckpoint() : WriteFinishedModel()));
    result_.job = job_;
    result_.model = std::move(*trainer_).Release();
    return std::move(result_);
  }

 private:
  bool StopRequested() const { return stop_ != nullptr && stop_->load(); }
  bool resuming() const { return !job_.resume.empty(); }
  // Rank 0 of a group, or a process alone: writes the outputs.
  bool writer() const { return ranks_ == nullptr || ranks_->rank() == 0; }
  Status Agree(const Status& local) {
    return ranks_ == nullptr ? local : AgreeOnStatus(*ranks_, local);
  }

  Status Prepare() {
    WEMBED_RETURN_IF_ERROR(PrepareJob());
    WEMBED_RETURN_IF_ERROR(CheckRankSupport());
    WEMBED_RETURN_IF_ERROR(ResolveInputs());
    if (writer()) WEMBED_RETURN_IF_ERROR(CheckPaths());
    return LoadFixedVocabulary();
  }

  // A resumed run has as many ranks as the run it continues; each rank
  // takes its threads and share of the checkpoint.
  Status CheckRankSupport() {
    if (ranks_ != nullptr && ranks_->size() > 1 &&
        job_.options.Subwords().enabled()) {
      return Status::InvalidArgument(
          "--subwords is not supported under MPI yet (the ranks would not "
          "average the subword vectors); train it in one process");
    }
    if (!resuming()) return Status::Ok();
    return TakeRankShare(ranks_ == nullptr ? 0 : ranks_->rank(),
                         ranks_ == nullptr ? 1 : ranks_->size(), job_.resume,
                         &resume_from_);
  }

  Status ReadCorpus() {
    if (ranks_ == nullptr) {
      return encoded_input_ ? ReadEncodedInput() : ScanCorpusOnce();
    }
    if (!encoded_input_) return ScanShare();
    WEMBED_RETURN_IF_ERROR(Agree(ReadEncodedInput()));
    return Agree(TakeEncodedShare());
  }

  // Under a RankGroup: this rank's share of an encoded corpus, the bytes
  // from sentence start size x r / N to sentence start size x (r + 1) / N
  // (docs/distributed.md, "What each rank reads").
  Status TakeEncodedShare() {
    const EncodedCorpus& all = scan_.corpus;
    const uint64_t size = all.size_bytes();
    const auto start_near = [&](int r) {
      return all.SentenceStartAtOrAfter(size * uint64_t(r) /
                                        uint64_t(ranks_->size()));
    };
    StatusOr<uint64_t> begin = start_near(ranks_->rank());
    if (!begin.ok()) return begin.status();
    StatusOr<uint64_t> end = start_near(ranks_->rank() + 1);
    if (!end.ok()) return end.status();
    const std::string& path = input_files_[0];
    StatusOr<EncodedCorpus> share = all.Slice(*begin, *end, scan_.vocab.size());
    if (!share.ok()) {
      return Status(share.status().code(),
                    path + ": " + share.status().message());
    }
    if (share->num_tokens() == 0) {
      return Status::InvalidArgument(
          path + ": share " + std::to_string(ranks_->rank() + 1) + " of " +
          std::to_string(ranks_->size()) +
          " has no tokens (fewer ranks are needed for this corpus)");
    }
    scan_.corpus = std::move(share).value();
    return Status::Ok();
  }

  Status SaveVocabAndCreateTrainer() {
    if (!job_.save_vocab.empty() && writer()) {
      WEMBED_RETURN_IF_ERROR(scan_.vocab.Save(job_.save_vocab, env_));
    }
    if (StopRequested()) {
      return Status::Cancelled("interrupted before training started");
    }
    return CreateTrainer();
  }

  // The job as it will run: a resumed run's merged options, absolute input
  // paths, the thread count resolved; then validated.
  Status PrepareJob() {
    if (resuming()) {
      StatusOr<Checkpoint> ckpt = ReadCheckpoint(job_.resume, env_);
      if (!ckpt.ok()) return ckpt.status();
      resume_from_ = std::move(ckpt).value();
      std::vector<std::string> notes;
      StatusOr<TrainingJob> merged =
          MergeResumedJob(job_, resume_from_, &notes);
      if (!merged.ok()) return merged.status();
      job_ = std::move(merged).value();
      for (const std::string& note : notes) observer_.OnNote(note);
    } else {
      WEMBED_RETURN_IF_ERROR(ApplyPreset(&job_));
      WEMBED_RETURN_IF_ERROR(LoadInit());
    }
    MakeAbsolute(&job_.options.inputs);
    if (job_.options.threads == 0) {
      job_.options.threads =
          int(std::max(1u, std::thread::hardware_concurrency()));
    }
    return ValidateTrainingJob(job_);
  }

  // The input files (directories walked, lists read); one encoded corpus
  // (.wenc) is trained on as it is.
  Status ResolveInputs() {
    StatusOr<std::vector<std::string>> files =
        ExpandInputs(job_.options.inputs, env_);
    if (!files.ok()) return files.status();
    input_files_ = std::move(files).value();
    encoded_input_ = input_files_.size() == 1 && input_files_[0] != "-" &&
                     LooksLikeCorpusFile(input_files_[0]);
    if (encoded_input_ && !job_.read_vocab.empty()) {
      return Status::InvalidArgument(
          "--read-vocab cannot be used with an encoded corpus (" +
          input_files_[0] + " holds its vocabulary)");
    }
    return Status::Ok();
  }

  // --init: the initial vectors (a checkpoint's options become this run's
  // defaults; a vectors file gives the dimension).
  Status LoadInit() {
    if (job_.init.empty()) return Status::Ok();
    if (LooksLikeCheckpoint(job_.init)) {
      StatusOr<Checkpoint> ckpt = ReadCheckpoint(job_.init, env_);
      if (!ckpt.ok()) return ckpt.status();
      init_ = std::move(ckpt).value();
      StatusOr<TrainOptions> stored =
          TrainOptions::FromKeyValues(init_.options);
      if (!stored.ok()) {
        return Status::Corruption(job_.init + ": " + stored.status().message());
      }
      job_ = MergeInitJob(job_, *stored);
    } else {
      StatusOr<Embeddings> e = LoadEmbeddings(job_.init, 0, nullptr, env_);
      if (!e.ok()) return e.status();
      const size_t n = e->words.size();
      StatusOr<Vocabulary> words = Vocabulary::FromWordsAndCounts(
          std::move(e->words), std::vector<uint64_t>(n, 0));
      if (!words.ok()) {
        return Status::InvalidArgument(job_.init + ": " +
                                       words.status().message());
      }
      init_.vocab = std::move(words).value();
      init_.input = std::move(e->vectors);
      if (job_.given.count("dim") == 0) {
        job_.options.dim = int(init_.input.cols());
      }
    }
    if (init_.input.cols() != size_t(job_.options.dim)) {
      return Status::InvalidArgument(
          "--dim " + std::to_string(job_.options.dim) +
          " differs from the dimension " + std::to_string(init_.input.cols()) +
          " of --init " + job_.init);
    }
    return Status::Ok();
  }

  // Outputs distinct from the inputs and from each other, and writable,
  // before any long work.
  Status CheckPaths() const {
    PathOptions inputs = {{"--read-vocab", job_.read_vocab},
                          {"--init", job_.init}};
    for (const std::string& in : input_files_) {
      inputs.push_back({"--input", in});
    }
    // The checkpoint resumed from is rewritten on purpose (the default).
    if (job_.checkpoint != job_.resume) {
      inputs.push_back({"--resume", job_.resume});
    }
    const PathOptions outputs = {{"--output", job_.output},
                                 {"--checkpoint", job_.checkpoint},
                                 {"--save-vocab", job_.save_vocab},
                                 {"--log-json", job_.log_json}};
    WEMBED_RETURN_IF_ERROR(CheckOutputPaths(inputs, outputs));
    for (const auto& [option, path] : outputs) {
      WEMBED_RETURN_IF_ERROR(CheckWritable(option, path));
    }
    return Status::Ok();
  }

  // A vocabulary given up front: the checkpoint's, or --read-vocab's
  // sorted and filtered by --min-count and --max-vocab (word2vec.c's
  // -read-vocab).
  Status LoadFixedVocabulary() {
    if (resuming()) {
      fixed_ = &resume_from_.vocab;
      return Status::Ok();
    }
    if (job_.read_vocab.empty()) return Status::Ok();
    StatusOr<Vocabulary> v = LoadReadVocab(job_, env_);
    if (!v.ok()) return v.status();
    read_vocab_ = std::move(v).value();
    fixed_ = &read_vocab_;
    return Status::Ok();
  }

  // An encoded corpus: verified, its vocabulary and options taken (a
  // resumed run checks that the vocabulary is the checkpoint's).
  Status ReadEncodedInput() {
    const std::string& path = input_files_[0];
    const auto start = std::chrono::steady_clock::now();
    StatusOr<CorpusFile> file = ReadCorpusFile(path, env_);
    if (!file.ok()) return file.status();
    if (resuming()) {
      if (file->vocab.words() != resume_from_.vocab.words()) {
        return Status::InvalidArgument(
            job_.resume + ": the vocabulary of " + path +
            " differs from the checkpoint's (the corpus was re-encoded?)");
      }
    } else {
      std::vector<std::string> notes;
      ApplyCorpusOptions(file->options, path, &job_, &notes);
      for (const std::string& note : notes) observer_.OnNote(note);
      WEMBED_RETURN_IF_ERROR(ValidateTrainingJob(job_));
    }
    scan_.vocab = std::move(file->vocab);
    scan_.corpus = std::move(file->corpus);
    observer_.OnEncodedCorpusRead(
        path, scan_.vocab.size(), scan_.corpus.num_tokens(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    return AddInitWords();
  }

  ScanRequest ScanRequestForRun() {
    ScanRequest request = CorpusScanRequest(job_);
    request.inputs = input_files_;
    request.encode = true;
    request.storage = EncodedStorage::kScratch;
    request.fixed_vocab = fixed_;
    request.cancel = stop_;
    request.progress = [this](const ScanStats& s) {
      observer_.OnScanProgress(s);
    };
    request.env = &env_;
    return request;
  }

  static Status ScanError(const Status& s) {
    if (s.code() != StatusCode::kCancelled) return s;
    return Status::Cancelled(s.message() + "; nothing was trained");
  }

  Status ScanCorpusOnce() {
    StatusOr<ScanResult> scanned = ScanCorpus(ScanRequestForRun());
    if (!scanned.ok()) return ScanError(scanned.status());
    scan_ = std::move(scanned).value();
    return ScanDone(scan_.stats, scan_.corpus.num_tokens());
  }

  // One rank's scan: its share of the inputs, the vocabulary merged over
  // all ranks (the merge's collectives are reached by every rank exactly
  // once, by a rank whose scan failed before through AgreeOnStatus), then
  // agreement on the encoding, then the totals of all shares.
  Status ScanShare() {
    ScanRequest request = ScanRequestForRun();
    request.share = {ranks_->rank(), ranks_->size()};
    bool merged = false;
    Status merge_status;
    if (fixed_ == nullptr) {
      request.merge_counts = [&](std::vector<std::string> words,
                                 std::vector<uint64_t> counts) {
        merged = true;
        StatusOr<Vocabulary> v = MergeRankCounts(
            *ranks_, std::move(words), std::move(counts), job_.options.vocab,
            JoinInputs(job_.options.inputs).substr(1));
        if (!v.ok()) merge_status = v.status();
        return v;
      };
    }
    StatusOr<ScanResult> scanned = ScanCorpus(request);
    if (fixed_ == nullptr && !merged) {
      return ScanError(AgreeOnStatus(*ranks_, scanned.status()));
    }
    if (!merge_status.ok()) return ScanError(merge_status);  // agreed
    WEMBED_RETURN_IF_ERROR(Agree(ScanError(scanned.status())));
    scan_ = std::move(scanned).value();
    ScanStats total = scan_.stats;
    uint64_t sums[4] = {total.bytes_read, total.total_tokens, total.sentences,
                        scan_.corpus.num_tokens()};
    WEMBED_RETURN_IF_ERROR(ranks_->SumU64(sums, 4));
    total.bytes_read = sums[0];
    total.total_tokens = sums[1];
    total.sentences = sums[2];
    return Agree(ScanDone(total, sums[3]));
  }

  // The scan's report (`stats` and `corpus_tokens` of all ranks).
  Status ScanDone(const ScanStats& stats, uint64_t corpus_tokens) {
    observer_.OnScanDone(stats, scan_.vocab.size(), corpus_tokens);
    NoteScanCaveats();
    if (!scan_.kept_path.empty()) {
      observer_.OnNote("note: the encoded corpus is kept in " +
                       scan_.kept_path + " (train again with --input " +
                       scan_.kept_path + ")");
    }
    return AddInitWords();
  }

  // Continued training: the words of --init that the new text lacks (or
  // has fewer than --min-count times) join the vocabulary after the new
  // text's words, with count 0, so that they keep their vectors. The new
  // text's ids come first and are unchanged, and so is its encoding.
  Status AddInitWords() {
    if (init_.vocab.empty()) return Status::Ok();
    std::vector<std::string> words = scan_.vocab.words();
    std::vector<uint64_t> counts = scan_.vocab.counts();
    for (const std::string& w : init_.vocab.words()) {
      if (scan_.vocab.Find(w) >= 0) continue;
      words.push_back(w);
      counts.push_back(0);
    }
    StatusOr<Vocabulary> merged =
        Vocabulary::FromWordsAndCounts(std::move(words), std::move(counts));
    if (!merged.ok()) return merged.status();
    scan_.vocab = std::move(merged).value();
    return Status::Ok();
  }

  void NoteScanCaveats() {
    for (const std::string& note : ScanNotes(scan_.stats, job_.options.vocab)) {
      observer_.OnNote(note);
    }
    if (fixed_ != &read_vocab_ || scan_.corpus.num_tokens() == 0) return;
    // Counts drive subsampling and negatives: warn when they cannot be this
    // corpus's.
    const double ratio =
        double(read_vocab_.total_count()) / double(scan_.corpus.num_tokens());
    if (ratio > 10 || ratio < 0.1) {
      observer_.OnNote(
          "warning: the counts in " + job_.read_vocab + " add up to " +
          std::to_string(read_vocab_.total_count()) + " but the corpus has " +
          std::to_string(scan_.corpus.num_tokens()) +
          " of its words; subsampling and negative sampling use the file's "
          "counts");
    }
  }

  void ReportModel() {
    ModelMatrices m;
    m.input_rows = trainer_->input_vectors().rows();
    m.output_rows = trainer_->output_vectors().rows();
    m.subword_rows = trainer_->subword_vectors().rows();
    m.dim = trainer_->input_vectors().cols();
    m.stride = trainer_->input_vectors().stride();
    observer_.OnModelAllocated(m);
  }

  Status CreateTrainer() {
    if (!resuming()) {
      InitReport report;
      StatusOr<std::unique_ptr<Trainer>> t =
          job_.init.empty()
              ? Trainer::Create(job_.options, std::move(scan_.vocab),
                                &scan_.corpus)
              : Trainer::CreateFrom(job_.options, std::move(scan_.vocab),
                                    &scan_.corpus, init_, &report);
      if (!t.ok()) return t.status();
      trainer_ = std::move(t).value();
      if (!job_.init.empty()) NoteInit(report);
      ReportModel();
      observer_.OnTrainingStart(false, 0);
      return Status::Ok();
    }
    resume_from_.vocab = std::move(scan_.vocab);
    StatusOr<std::unique_ptr<Trainer>> t =
        Trainer::Resume(std::move(resume_from_), job_.options, &scan_.corpus);
    if (!t.ok()) {
      return Status(t.status().code(),
                    job_.resume + ": " + t.status().message() +
                        " (input:" + JoinInputs(job_.options.inputs) + ")");
    }
    trainer_ = std::move(t).value();
    ReportModel();
    const TrainProgress& p = trainer_->progress();
    observer_.OnTrainingStart(
        true, double(p.words_processed) /
                  double(std::max<uint64_t>(
                      1, p.corpus_tokens * uint64_t(job_.options.epochs))));
    return Status::Ok();
  }

  // The --log-json file, opened when training starts; a resumed run
  // continues its log.
  Status OpenLog() {
    if (job_.log_json.empty() || !writer()) return Status::Ok();
    log_ = std::make_unique<LogFileWriter>(job_.log_json, env_);
    return log_->Open(/*append=*/resuming());
  }

  // A log line for `s`; a failed write ends the log with a warning, not
  // the run.
  void LogProgress(const TrainStatus& s) {
    if (log_ == nullptr || !log_->is_open()) return;
    Status st = log_->AppendLine(ProgressJsonLine(s));
    if (!st.ok()) {
      observer_.OnNote("warning: --log-json: " + st.message() +
                       "; the log ends here");
    }
  }

  // Progress every observer interval, or every log interval with a log
  // (the observer then hears about every snapshot at least half its
  // interval after the previous one it heard about).
  void SetProgressHook(TrainHooks* hooks) {
    const double observer_every = observer_.ProgressIntervalSeconds();
    double every = observer_every;
    if (log_ != nullptr) every = std::min(every, kProgressLogIntervalSeconds);
    hooks->progress_every_seconds = every;
    const double forward_after = observer_every - 0.5 * every;
    hooks->on_progress = [this, forward_after](const TrainStatus& s) {
      LogProgress(s);
      if (s.elapsed_seconds - last_observed_ < forward_after) return;
      last_observed_ = s.elapsed_seconds;
      observer_.OnTrainProgress(s);
    };
  }

  // The log's last line, when training ends or stops: where it ended,
  // with the run's average speed and the loss since the last snapshot.
  TrainStatus FinalStatus(const TrainSummary& summary) const {
    const TrainProgress& p = trainer_->progress();
    const TrainOptions& o = job_.options;
    TrainStatus s;
    s.words_processed = p.words_processed;
    s.words_total = summary.words_total;  // every rank's
    s.progress = double(s.words_processed) /
                 double(std::max<uint64_t>(1, s.words_total));
    s.epochs = o.epochs;
    s.epoch = std::min(o.epochs, int(p.epoch) + (p.finished ? 0 : 1));
    s.elapsed_seconds = summary.seconds;
    s.words_per_second = summary.words_per_second;
    s.average_loss = summary.final_loss;
    // The trainer's linear decay (Trainer::Run::AlphaFor).
    s.alpha = o.alpha * std::max(1.0 - double(s.words_processed) /
                                           double(s.words_total + 1),
                                 o.min_alpha_ratio);
    return s;
  }

  void NoteInit(const InitReport& r) {
    observer_.OnNote(
        "note: --init " + job_.init + ": " + std::to_string(r.known_words) +
        " known word" + (r.known_words == 1 ? "" : "s") +
        " start from their vectors, " + std::to_string(r.new_words) +
        " new word" + (r.new_words == 1 ? "" : "s") +
        " from random ones; output rows " +
        (r.output_rows_kept ? "kept"
                            : "start at zero (" + r.output_rows_note + ")"));
    init_ = Checkpoint();  // the trainer has what it needs
  }

  Status Train() {
    WEMBED_RETURN_IF_ERROR(OpenLog());
    TrainHooks hooks;
    hooks.stop_requested = stop_;
    hooks.replicas = ranks_;
    hooks.private_member_replicas = job_.private_rank_models;
    if (!job_.checkpoint.empty() && PeriodicCheckpointsUnderRanks()) {
      hooks.checkpoint_every_seconds = job_.checkpoint_every;
      hooks.write_checkpoint = [this](const Checkpoint& c) {
        return WritePeriodicCheckpoint(c);
      };
    }
    SetProgressHook(&hooks);
    hooks.corpus_buffer_bytes = CorpusBufferBytes(job_);
    StatusOr<TrainSummary> summary = trainer_->Train(hooks);
    if (summary.ok()) LogProgress(FinalStatus(*summary));
    if (log_ != nullptr && log_->is_open()) {
      if (Status st = log_->Close(); !st.ok()) {
        observer_.OnNote("warning: --log-json: " + st.message());
      }
    }
    if (!summary.ok()) return AfterFailure(summary.status());
    result_.summary = *summary;
    result_.stopped = summary->stopped;
    observer_.OnTrainingDone(*summary, trainer_->options().threads);
    return Status::Ok();
  }

  // The percentage of the run's words that `p` has trained.
  int PercentDone(const TrainProgress& p) const {
    return int(100 * double(p.words_processed) /
               double(std::max<uint64_t>(
                   1, p.corpus_tokens * uint64_t(job_.options.epochs))));
  }

  // Until the trainer agrees on when to checkpoint, ranks would write at
  // different moments: a distributed run then writes only the final one.
  bool PeriodicCheckpointsUnderRanks() {
    if (ranks_ == nullptr || kTrainerSyncsReplicas) return true;
    if (writer()) {
      observer_.OnNote(
          "note: under MPI this build writes the checkpoint only at the end "
          "(periodic checkpoints need the trainer's sync points)");
    }
    return false;
  }

  // A periodic checkpoint, unless the run has diverged: a non-finite
  // state never replaces the last good checkpoint, it stops the run.
  Status WritePeriodicCheckpoint(const Checkpoint& c) {
    if (ranks_ == nullptr) {
      WEMBED_RETURN_IF_ERROR(CheckFinite(c));
      return WriteCheckpoint(job_.checkpoint, c, env_);
    }
    WEMBED_RETURN_IF_ERROR(Agree(CheckFinite(c)));
    return Agree(WriteRunCheckpoint(c));
  }

  // Under a RankGroup: collective; rank 0 writes every rank's positions.
  Status WriteRunCheckpoint(const Checkpoint& c) {
    if (ranks_ == nullptr) return WriteCheckpoint(job_.checkpoint, c, env_);
    Checkpoint combined;
    WEMBED_RETURN_IF_ERROR(GatherRankCheckpoint(*ranks_, c, &combined));
    if (!writer()) return Status::Ok();
    return WriteCheckpoint(job_.checkpoint, combined, env_);
  }

  Status CheckFinite(const Checkpoint& c) const {
    if (CheckpointIsFinite(c)) return Status::Ok();
    return Status::InvalidArgument(
        "training diverged at " + std::to_string(PercentDone(c.progress)) +
        "%: the vectors contain non-finite values (the learning rate "
        "--alpha " +
        std::to_string(job_.options.alpha) +
        " is too high; word2vec uses 0.025)");
  }

  // `error` (training failed) with what became of the checkpoint when the
  // vectors diverged: the file is left as it was, the last good state.
  Status WithCheckpointState(const Status& error) const {
    if (job_.checkpoint.empty() || trainer_->AllFinite()) return error;
    std::error_code ec;
    const bool exists = std::filesystem::exists(job_.checkpoint, ec);
    return Status(error.code(),
                  error.message() + "; " +
                      (exists ? "the checkpoint " + job_.checkpoint +
                                    " was not replaced and holds the last "
                                    "good state"
                              : "no checkpoint was written"));
  }

  // `error` (training failed) with what became of the checkpoint. A
  // thread's failure (out of memory, a thread that could not be started)
  // left every thread at a safe point: the state is written as a periodic
  // checkpoint (not if it is non-finite) and --resume continues from it.
  // Not under ranks: the other ranks are not at a common point to write.
  Status AfterFailure(const Status& error) {
    if (job_.checkpoint.empty() || ranks_ != nullptr ||
        !trainer_->thread_failed() || !trainer_->AllFinite()) {
      return WithCheckpointState(error);
    }
    Status written;
    try {
      written = trainer_->WithCheckpoint(
          [this](const Checkpoint& c) { return WritePeriodicCheckpoint(c); });
    } catch (const std::bad_alloc&) {
      written = Status::Internal("out of memory");
    }
    const std::string& ck = job_.checkpoint;
    if (!written.ok()) {
      return Status(error.code(), error.message() +
                                      "; the checkpoint was not written: " +
                                      written.message());
    }
    return Status(error.code(),
                  error.message() + "; the checkpoint " + ck +
                      " was written at " +
                      std::to_string(PercentDone(trainer_->progress())) +
                      "% (wembed train --resume " + ck +
                      (job_.output.empty() ? "" : " --output " + job_.output) +
                      " continues)");
  }

  Status WriteFinalCheckpoint() {
    if (job_.checkpoint.empty()) return Status::Ok();
    return trainer_->WithCheckpoint(
        [this](const Checkpoint& c) { return WriteRunCheckpoint(c); });
  }

  // A finished run: the vectors first, then the checkpoint. A failure of
  // one does not prevent the other; the error says which one was kept.
  Status WriteFinishedModel() {
    const Status vectors = WriteVectors();
    const Status ckpt = WriteFinalCheckpoint();
    if (vectors.ok() && ckpt.ok()) return Status::Ok();
    if (!vectors.ok() && !ckpt.ok()) {
      return Status(vectors.code(), vectors.message() + "; and " +
                                        ckpt.message() +
                                        "; the trained model is lost");
    }
    if (!vectors.ok()) {
      if (job_.checkpoint.empty()) return vectors;
      return Status(vectors.code(),
                    vectors.message() + "; the checkpoint " + job_.checkpoint +
                        " was written (wembed export " + job_.checkpoint +
                        " --output ... writes the vectors)");
    }
    if (job_.output.empty()) return ckpt;
    return Status(
        ckpt.code(),
        ckpt.message() + "; the vectors were written to " + job_.output);
  }

  Status WriteVectors() {
    if (job_.output.empty() || !writer()) return Status::Ok();
    Matrix sum, composed;
    const Matrix* input = &trainer_->input_vectors();
    const SubwordSpec spec = trainer_->options().Subwords();
    if (spec.enabled()) {  // a word's vector: the mean of its rows
      composed = ComposeVocabularyVectors(trainer_->vocab(), *input, spec,
                                          trainer_->subword_vectors());
      input = &composed;
    }
    const Matrix& vectors =
        ChooseVectors(*input, trainer_->output_vectors(),
                      ResolvedOutputVectors(job_), &sum, job_.output_weight);
    WEMBED_RETURN_IF_ERROR(WriteWord2Vec(job_.output, trainer_->vocab().words(),
                                         vectors, job_.format, env_));
    observer_.OnVectorsWritten(job_.output, vectors.rows(), vectors.cols());
    return Status::Ok();
  }

  TrainingJob job_;
  TrainingObserver& observer_;
  const std::atomic<bool>* stop_;
  const Env& env_;
  RankGroup* const ranks_;  // null: this process alone
  Checkpoint resume_from_;
  std::vector<std::string> input_files_;  // the inputs expanded
  bool encoded_input_ = false;            // one .wenc file
  Checkpoint init_;  // --init's vectors (vocab: words, input, maybe output)
  Vocabulary read_vocab_;
  const Vocabulary* fixed_ = nullptr;
  ScanResult scan_;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<LogFileWriter> log_;
  double last_observed_ = -1e300;  // elapsed_seconds of the last report
  TrainingResult result_;
};

}  // namespace

StatusOr<Vocabulary> LoadReadVocab(const TrainingJob& job, const Env& env) {
  StatusOr<Vocabulary> v = Vocabulary::Load(job.read_vocab, env);
  if (!v.ok()) return v.status();
  const VocabOptions& limits = job.options.vocab;
  StatusOr<Vocabulary> filtered = v->SortedAndFiltered(
      limits.min_count, limits.max_vocab, limits.max_final_vocab);
  if (!filtered.ok()) {
    return Status::InvalidArgument(job.read_vocab + ": " +
                                   filtered.status().message());
  }
  return filtered;
}

ScanRequest CorpusScanRequest(const TrainingJob& job) {
  ScanRequest request;
  request.inputs = job.options.inputs;
  request.tokenizer = job.options.tokenizer;
  request.vocab = job.options.vocab;
  request.threads =
      job.options.threads > 0
          ? job.options.threads
          : int(std::max(1u, std::thread::hardware_concurrency()));
  request.memory_budget = job.memory_budget << 20;
  request.scratch_dir = job.cache_dir;
  request.keep = job.keep_cache;
  TrainingJob absolute = job;  // the inputs as they are found from anywhere
  MakeAbsolute(&absolute.options.inputs);
  request.file_options = CorpusOptionsToKeyValues(absolute);
  return request;
}

StatusOr<TrainingResult> RunTraining(const TrainingJob& job,
                                     TrainingObserver& observer,
                                     const std::atomic<bool>* stop,
                                     const Env& env, RankGroup* ranks) {
  try {
    TrainingRun run(job, observer, stop, env, ranks);
    return run.Run();
  } catch (const std::bad_alloc&) {
    return Status::Internal("out of memory");
  }
}

OutputVectors ResolvedOutputVectors(const TrainingJob& job) {
  const TrainOptions& o = job.options;
  // With subwords the written vectors are the composed inputs alone, as
  // fastText's: an unseen word has no output row to mix in.
  return ResolveOutputVectors(job.output_vectors,
                              o.model == Model::kSkipGram &&
                                  o.loss == Loss::kNegativeSampling &&
                                  !o.Subwords().enabled());
}

}  // namespace wembed
