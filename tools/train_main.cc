// wembed train: argument parsing and printing around RunTraining, which
// does the work (include/wembed/train/training_job.h).
#include <atomic>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/train/training_job.h"

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
int ReportStopped(const TrainingResult& r) {
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
    ReportNote(kCommand, "stopped; checkpoint written to " + job.checkpoint +
                             "\n  resume with: wembed train --resume " +
                             job.checkpoint +
                             (job.output.empty() ? "" : " --output " +
                                                            job.output));
  }
  return ExitCodeForStopSignal();
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
  const std::atomic<bool>* stop = InstallStopSignalHandlers();
  PrintingObserver observer(job);
  StatusOr<TrainingResult> result = RunTraining(job, observer, stop);
  if (!result.ok()) {
    observer.Clear();
    if (result.status().code() == StatusCode::kCancelled) {
      ReportNote(kCommand, result.status().message());
      return ExitCodeForStopSignal();
    }
    return ReportError(kCommand, result.status());
  }
  if (result->stopped) return ReportStopped(*result);
  return kExitOk;
}

}  // namespace wembed::cli
