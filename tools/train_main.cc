// wembed train: argument parsing and printing around RunTraining, which
// does the work (include/wembed/train/training_job.h).
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/train/training_job.h"
#ifdef WEMBED_HAVE_MPI
#include "wembed/dist/mpi_rank_group.h"
#endif

namespace wembed::cli {
namespace {

constexpr char kCommand[] = "train";

// Prints what RunTraining reports: progress lines on stderr (one refreshing
// line on a terminal), notes always.
class PrintingObserver : public TrainingObserver {
 public:
  PrintingObserver(const TrainingJob& job) : job_(job), printer_(job.quiet) {}

  void OnNote(const std::string& text) override {
    printer_.Finish("");
    ReportNote(kCommand, text);
  }
  void OnScanProgress(const ScanStats& s) override {
    printer_.Update(FormatScanProgress(s));
  }
  void OnScanDone(const ScanStats& s, size_t vocab_size,
                  uint64_t tokens) override {
    printer_.Finish(FormatScanSummary(s, vocab_size, tokens));
  }
  void OnEncodedCorpusRead(const std::string& path, size_t vocab_size,
                           uint64_t tokens, double seconds) override {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f s", seconds);
    printer_.Line("train: read " + path + " in " + buf + ": vocabulary " +
                  CountOf(vocab_size, "word") + " covering " +
                  CountOf(tokens, "token"));
  }
  void OnModelAllocated(const ModelMatrices& m) override {
    printer_.Line(FormatModelMemory(m));
  }
  void OnTrainingStart(bool resumed, double at) override {
    if (resumed) {
      printer_.Line("train: resuming " + job_.resume + " at " +
                    FormatPercent(at));
    }
  }
  void OnTrainProgress(const TrainStatus& s) override {
    printer_.Update(FormatTrainProgress(s));
  }
  double ProgressIntervalSeconds() const override {
    return printer_.is_terminal() ? 1.0 : 10.0;
  }
  void OnTrainingDone(const TrainSummary& s, int threads) override {
    printer_.Finish(FormatTrainSummary(s, threads));
  }
  void OnVectorsWritten(const std::string& path, size_t rows,
                        size_t dim) override {
    printer_.Line("train: wrote " + std::to_string(rows) + " x " +
                  std::to_string(dim) + " vectors to " + path);
  }
  // Ends a refreshing status line before an error is printed.
  void Clear() { printer_.Finish(""); }

 private:
  const TrainingJob& job_;
  ProgressPrinter printer_;
};

// The exit code and last words of a run stopped by a signal.
// `ranks`: the number of MPI ranks (1: a plain run).
int ReportStopped(const TrainingResult& r, int ranks) {
  if (StopSignal() == 0) {
    return ReportError(kCommand, Status::Internal(
                                     "training stopped early without a "
                                     "signal"));
  }
  const TrainingJob& job = r.job;
  if (job.checkpoint.empty()) {
    ReportNote(kCommand,
               "stopped; no --checkpoint was given, so this run cannot be "
               "resumed");
  } else {
    ReportNote(kCommand,
               "stopped; checkpoint written to " + job.checkpoint +
                   "\n  resume with: " +
                   (ranks > 1 ? "mpirun -np " + std::to_string(ranks) + " "
                              : std::string()) +
                   "wembed train --resume " + job.checkpoint +
                   (job.output.empty() ? "" : " --output " + job.output));
  }
  return ExitCodeForStopSignal();
}

// The ranks when mpirun started this process as one of several (its
// OMPI_COMM_WORLD_SIZE; docs/distributed.md), else null: a plain run never
// initialises MPI.
StatusOr<std::unique_ptr<RankGroup>> JoinRanks() {
  const char* world = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (world == nullptr || std::atoi(world) <= 1) {
    return std::unique_ptr<RankGroup>();
  }
#ifdef WEMBED_HAVE_MPI
  StatusOr<std::unique_ptr<MpiRankGroup>> group = MpiRankGroup::Create();
  if (!group.ok()) return group.status();
  return std::unique_ptr<RankGroup>(std::move(group).value());
#else
  return Status::InvalidArgument(
      "started by mpirun as one of " + std::string(world) +
      " ranks, but this wembed was built without MPI (cmake -DWEMBED_MPI=ON)");
#endif
}

// Runs the job as this process (or rank) and reports the outcome. Under
// MPI only rank 0 prints; every rank exits with the same code.
int RunAndReport(const TrainingJob& job, RankGroup* ranks) {
  const std::atomic<bool>* stop = InstallStopSignalHandlers();
  const bool printing = ranks == nullptr || ranks->rank() == 0;
  PrintingObserver printer(job);
  TrainingObserver silent;
  TrainingObserver& observer = printing ? printer : silent;
  StatusOr<TrainingResult> result =
      RunTraining(job, observer, stop, Env::Default(), ranks);
  if (!result.ok()) {
    const bool cancelled = result.status().code() == StatusCode::kCancelled;
    if (!printing) return cancelled ? ExitCodeForStopSignal() : kExitError;
    printer.Clear();
    if (cancelled) {
      ReportNote(kCommand, result.status().message());
      return ExitCodeForStopSignal();
    }
    return ReportError(kCommand, result.status());
  }
  if (result->stopped) {
    if (!printing) return ExitCodeForStopSignal();
    return ReportStopped(*result, ranks == nullptr ? 1 : ranks->size());
  }
  return kExitOk;
}

// Usage errors a fresh run can be told about before anything is read.
std::optional<int> CheckRequired(const TrainingJob& job) {
  if (!job.resume.empty()) return std::nullopt;
  if (job.options.inputs.empty()) {
    return ReportUsageError(kCommand, "--input is required");
  }
  if (job.output.empty() && job.checkpoint.empty()) {
    return ReportUsageError(kCommand,
                            "--output (or --checkpoint) is required");
  }
  return std::nullopt;
}

}  // namespace

int RunTrainCommand(int argc, char** argv) {
  po::options_description desc("options");
  AddTableOptions(desc, {});
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed train --input F... --output PATH [options]\n"
          "       wembed train --resume CHECKPOINT [--output PATH] "
          "[--epochs N]\n"
          "       wembed train --init VECTORS_OR_CHECKPOINT --input NEW... "
          "--output PATH",
          "Trains word embeddings with word2vec's semantics: skip-gram or "
          "CBOW (--model),\nnegative sampling or hierarchical softmax "
          "(--loss).",
          desc, nullptr, &vm)) {
    return *code;
  }
  TrainingJob job;
  if (Status s = ApplyTableOptions(vm, &job); !s.ok()) {
    return ReportError(kCommand, s);
  }
  if (auto code = CheckRequired(job)) return *code;
  StatusOr<std::unique_ptr<RankGroup>> ranks = JoinRanks();
  if (!ranks.ok()) return ReportError(kCommand, ranks.status());
  return RunAndReport(job, ranks->get());
}

}  // namespace wembed::cli
