// wembed train: tokenizes the corpus once, trains skip-gram with negative
// sampling, writes word2vec-format vectors and (optionally) checkpoints.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/checkpoint.h"
#include "wembed/corpus_scanner.h"
#include "wembed/embeddings.h"
#include "wembed/trainer.h"

namespace wembed::cli {
namespace {

// Set by the SIGINT/SIGTERM handler (a signal handler can only reach
// process-wide state); read by the trainer at safe points.
std::atomic<bool> g_stop_requested{false};
std::atomic<int> g_stop_signal{0};

extern "C" void HandleStopSignal(int sig) {
  g_stop_signal.store(sig);
  g_stop_requested.store(true);
}

void InstallSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = HandleStopSignal;
  // A second Ctrl-C kills at once (if the checkpoint write itself hangs).
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int ExitCodeForSignal() { return g_stop_signal.load() == SIGTERM ? 143 : 130; }

struct Args {
  TrainOptions options;
  std::string output;
  std::string format = "bin";
  std::string output_vectors = "input";
  std::string update = "batch";
  std::string read_vocab;
  std::string save_vocab;
  std::string checkpoint;
  double checkpoint_every = 600;
  std::string resume;
  bool quiet = false;
};

int Fail(const Status& s) { return ReportError("train", s); }

}  // namespace

int RunTrainCommand(int argc, char** argv) {
  Args a;
  TrainOptions& o = a.options;
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  po::options_description desc("options");
  desc.add_options()(
      "input,i", po::value<std::vector<std::string>>(&o.inputs)->multitoken(),
      "corpus files (plain or gzip), or - for stdin")(
      "output,o", po::value<std::string>(&a.output),
      "where to write the vectors (word2vec format)")(
      "format", po::value<std::string>(&a.format)->default_value("bin"),
      "vector file format: bin or txt")(
      "output-vectors",
      po::value<std::string>(&a.output_vectors)->default_value("input"),
      "which vectors to write: input (W_E), output (context) or sum")(
      "dim", po::value<int>(&o.dim)->default_value(100), "vector size")(
      "window", po::value<int>(&o.window)->default_value(5),
      "max context radius; each center draws a radius in 1..window")(
      "negative", po::value<int>(&o.negative)->default_value(5),
      "negative samples per positive")(
      "sample", po::value<double>(&o.sample)->default_value(1e-4, "1e-4"),
      "subsampling threshold for frequent words (0 = off)")(
      "min-count", po::value<uint64_t>(&o.vocab.min_count)->default_value(5),
      "drop words seen fewer times")(
      "max-vocab", po::value<uint64_t>(&o.vocab.max_vocab)->default_value(0),
      "keep only the N most frequent words (0 = no limit)")(
      "epochs", po::value<int>(&o.epochs)->default_value(5),
      "passes over the corpus")(
      "threads", po::value<int>(&o.threads)->default_value(cores),
      "worker threads (default: all cores)")(
      "alpha", po::value<double>(&o.alpha)->default_value(0.025, "0.025"),
      "initial learning rate (decays linearly to alpha * min-alpha-ratio)")(
      "min-alpha-ratio",
      po::value<double>(&o.min_alpha_ratio)->default_value(1e-4, "1e-4"),
      "final learning rate as a fraction of alpha (word2vec: 1e-4)")(
      "noise-exponent",
      po::value<double>(&o.noise_exponent)->default_value(0.75, "0.75"),
      "negatives drawn from unigram counts raised to this power")(
      "update", po::value<std::string>(&a.update)->default_value("batch"),
      "batch: negatives shared across a window (HogBatch, fast); exact: "
      "word2vec.c's per-pair update")(
      "max-sentence-length",
      po::value<int>(&o.max_sentence_length)->default_value(1000),
      "longer sentences are trained in pieces (word2vec: 1000)")(
      "kernels", po::value<std::string>(&o.kernels)->default_value("auto"),
      "arithmetic kernels: auto, avx512, avx2 or scalar (a resumed run "
      "keeps the checkpoint's)")(
      "seed", po::value<uint64_t>(&o.seed)->default_value(1),
      "random seed (with --threads 1 the run is bitwise reproducible)")(
      "read-vocab", po::value<std::string>(&a.read_vocab),
      "use this vocabulary file (word count lines) instead of counting")(
      "save-vocab", po::value<std::string>(&a.save_vocab),
      "also write the vocabulary (word count lines)")(
      "checkpoint", po::value<std::string>(&a.checkpoint),
      "write a resumable checkpoint here periodically and at the end")(
      "checkpoint-every",
      po::value<double>(&a.checkpoint_every)->default_value(600),
      "seconds between checkpoints")(
      "resume", po::value<std::string>(&a.resume),
      "continue the run saved in this checkpoint (its options are used; "
      "--input may point to the moved corpus; a larger --epochs stretches "
      "the learning-rate schedule from where it is, so the result differs "
      "from a fresh run with that many epochs)")(
      "quiet,q", po::bool_switch(&a.quiet), "no progress output");
  AddTokenizerOptions(desc, &o.tokenizer);

  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed train --input F... --output PATH [options]\n"
          "       wembed train --resume CHECKPOINT [--output PATH] "
          "[--epochs N]",
          "Trains skip-gram word embeddings with negative sampling "
          "(word2vec semantics).",
          desc, nullptr, &vm)) {
    return *code;
  }

  Checkpoint resume_from;
  const bool resuming = !a.resume.empty();
  if (resuming) {
    auto ckpt = ReadCheckpoint(a.resume);
    if (!ckpt.ok()) return Fail(ckpt.status());
    resume_from = std::move(ckpt).value();
    auto stored = TrainOptions::FromKeyValues(resume_from.options);
    if (!stored.ok()) {
      return Fail(
          Status::Corruption(a.resume + ": " + stored.status().message()));
    }
    TrainOptions resumed = std::move(stored).value();
    if (!vm["epochs"].defaulted()) resumed.epochs = o.epochs;
    if (!vm["threads"].defaulted() &&
        o.threads != int(resume_from.progress.threads.size())) {
      return Fail(Status::InvalidArgument(
          "--threads: a resumed run keeps the checkpoint's " +
          std::to_string(resume_from.progress.threads.size()) + " threads"));
    }
    // The corpus may have moved: --input replaces the stored paths (the
    // corpus fingerprint still has to match).
    if (!o.inputs.empty()) resumed.inputs = o.inputs;
    for (const char* opt :
         {"dim", "window", "negative", "sample", "min-count", "max-vocab",
          "alpha", "min-alpha-ratio", "noise-exponent", "update",
          "max-sentence-length", "kernels", "seed", "read-vocab", "lowercase",
          "strip-punct", "max-token-bytes"}) {
      if (vm.count(opt) && !vm[opt].defaulted()) {
        std::cerr << "wembed train: note: --" << opt
                  << " is ignored when resuming (the checkpoint's value is "
                     "used)\n";
      }
    }
    o = resumed;
    if (a.checkpoint.empty()) a.checkpoint = a.resume;
  } else {
    if (o.inputs.empty()) {
      std::cerr << "wembed train: usage error: --input is required (see "
                   "'wembed train --help')\n";
      return kExitUsage;
    }
    if (a.output.empty() && a.checkpoint.empty()) {
      std::cerr << "wembed train: usage error: --output (or --checkpoint) is "
                   "required (see 'wembed train --help')\n";
      return kExitUsage;
    }
    // Stored in checkpoints: absolute, so --resume works from any directory.
    for (std::string& input : o.inputs) {
      if (input != "-" && !input.empty()) {
        input = std::filesystem::absolute(input).lexically_normal().string();
      }
    }
    if (a.update == "exact") {
      o.update = UpdateRule::kExact;
    } else if (a.update == "batch") {
      o.update = UpdateRule::kBatch;
    } else {
      return Fail(
          Status::InvalidArgument("--update must be batch or exact, "
                                  "not '" +
                                  a.update + "'"));
    }
  }
  auto format = ParseFormatOption(a.format);
  if (!format.ok()) return Fail(format.status());
  auto which = ParseOutputVectorsOption(a.output_vectors);
  if (!which.ok()) return Fail(which.status());
  if (!(a.checkpoint_every > 0)) {
    return Fail(Status::InvalidArgument("--checkpoint-every must be > 0"));
  }
  if (Status s = o.Validate(); !s.ok()) return Fail(s);
  PathOptions input_paths = {{"--read-vocab", a.read_vocab}};
  for (const std::string& in : o.inputs) input_paths.push_back({"--input", in});
  // The checkpoint resumed from is rewritten on purpose (the default).
  if (a.checkpoint != a.resume) input_paths.push_back({"--resume", a.resume});
  const PathOptions output_paths = {{"--output", a.output},
                                    {"--checkpoint", a.checkpoint},
                                    {"--save-vocab", a.save_vocab}};
  if (Status s = CheckOutputPaths(input_paths, output_paths); !s.ok()) {
    return Fail(s);
  }
  for (const auto& [option, path] : output_paths) {
    if (Status s = CheckWritable(option, path); !s.ok()) return Fail(s);
  }

  // Vocabulary given up front: --read-vocab, or the checkpoint's.
  Vocabulary fixed_vocab;
  const Vocabulary* fixed = nullptr;
  if (resuming) {
    fixed = &resume_from.vocab;
  } else if (!a.read_vocab.empty()) {
    auto v = Vocabulary::Load(a.read_vocab);
    if (!v.ok()) return Fail(v.status());
    // As word2vec.c's -read-vocab: sorted by count, then --min-count and
    // --max-vocab applied.
    auto filtered = v->SortedAndFiltered(o.vocab.min_count, o.vocab.max_vocab);
    if (!filtered.ok()) {
      return Fail(Status::InvalidArgument(a.read_vocab + ": " +
                                          filtered.status().message()));
    }
    fixed_vocab = std::move(filtered).value();
    fixed = &fixed_vocab;
  }

  InstallSignalHandlers();
  ProgressPrinter printer(a.quiet);
  ScanRequest request;
  request.inputs = o.inputs;
  request.tokenizer = o.tokenizer;
  request.vocab = o.vocab;
  request.encode = true;
  request.fixed_vocab = fixed;
  request.cancel = &g_stop_requested;
  request.progress = [&](const ScanStats& s) {
    printer.Update(FormatScanProgress(s));
  };
  auto scanned = ScanCorpus(request);
  if (!scanned.ok()) {
    printer.Finish("");
    if (scanned.status().code() == StatusCode::kCancelled) {
      std::cerr << "wembed train: " << scanned.status().message()
                << "; nothing was trained\n";
      return ExitCodeForSignal();
    }
    return Fail(scanned.status());
  }
  ScanResult scan = std::move(scanned).value();
  printer.Finish(FormatScanSummary(scan.stats, scan.vocab.size(),
                                   scan.corpus.num_tokens()));
  if (scan.stats.prune_rounds > 0) {
    printer.Line(
        "vocab: note: the count table was pruned " +
        std::to_string(scan.stats.prune_rounds) +
        " times (counts <= " + std::to_string(scan.stats.prune_threshold) +
        " dropped while counting); rare-word counts are approximate");
  }
  if (fixed == &fixed_vocab && scan.corpus.num_tokens() > 0) {
    // Counts drive subsampling and negatives: warn when they cannot be this
    // corpus's.
    const double ratio =
        double(fixed_vocab.total_count()) / double(scan.corpus.num_tokens());
    if (ratio > 10 || ratio < 0.1) {
      printer.Line("train: warning: the counts in " + a.read_vocab +
                   " add up to " + std::to_string(fixed_vocab.total_count()) +
                   " but the corpus has " +
                   std::to_string(scan.corpus.num_tokens()) +
                   " of its words; subsampling and negative sampling use "
                   "the file's counts");
    }
  }
  if (!a.save_vocab.empty()) {
    if (Status s = scan.vocab.Save(a.save_vocab); !s.ok()) return Fail(s);
  }
  if (g_stop_requested.load()) {
    std::cerr << "wembed train: interrupted before training started\n";
    return ExitCodeForSignal();
  }

  std::unique_ptr<Trainer> trainer;
  if (resuming) {
    resume_from.vocab = std::move(scan.vocab);
    auto t = Trainer::Resume(std::move(resume_from), o, &scan.corpus);
    if (!t.ok()) {
      std::string inputs;
      for (const std::string& in : o.inputs) inputs += " " + in;
      return Fail(Status(
          t.status().code(),
          a.resume + ": " + t.status().message() + " (input:" + inputs + ")"));
    }
    trainer = std::move(t).value();
    const TrainProgress& p = trainer->progress();
    printer.Line("train: resuming " + a.resume + " at " +
                 FormatPercent(double(p.words_processed) /
                               double(std::max<uint64_t>(
                                   1, p.corpus_tokens * uint64_t(o.epochs)))));
  } else {
    auto t = Trainer::Create(o, std::move(scan.vocab), &scan.corpus);
    if (!t.ok()) return Fail(t.status());
    trainer = std::move(t).value();
  }

  TrainHooks hooks;
  hooks.stop_requested = &g_stop_requested;
  if (!a.checkpoint.empty()) {
    hooks.checkpoint_every_seconds = a.checkpoint_every;
    hooks.write_checkpoint = [&](const Checkpoint& c) {
      return WriteCheckpoint(a.checkpoint, c);
    };
  }
  hooks.progress_every_seconds = printer.is_terminal() ? 1.0 : 10.0;
  hooks.on_progress = [&](const TrainStatus& s) {
    printer.Update(FormatTrainProgress(s));
  };
  auto summary = trainer->Train(hooks);
  if (!summary.ok()) {
    printer.Finish("");
    return Fail(summary.status());
  }
  printer.Finish(FormatTrainSummary(*summary, trainer->options().threads > 0
                                                  ? trainer->options().threads
                                                  : cores));

  if (!a.checkpoint.empty()) {
    if (Status s = trainer->WithCheckpoint([&](const Checkpoint& c) {
          return WriteCheckpoint(a.checkpoint, c);
        });
        !s.ok()) {
      return Fail(s);
    }
  }
  if (summary->stopped && g_stop_signal.load() == 0) {
    return Fail(Status::Internal("training stopped early without a signal"));
  }
  if (summary->stopped) {
    if (a.checkpoint.empty()) {
      std::cerr << "wembed train: stopped; no --checkpoint was given, so this "
                   "run cannot be resumed\n";
    } else {
      std::cerr << "wembed train: stopped; checkpoint written to "
                << a.checkpoint << "\n  resume with: wembed train --resume "
                << a.checkpoint
                << (a.output.empty() ? "" : " --output " + a.output) << "\n";
    }
    return ExitCodeForSignal();
  }
  if (!a.output.empty()) {
    // Input and output vectors are written in place; only the sum needs a
    // new matrix.
    Matrix sum;
    const Matrix* chosen = &trainer->input_vectors();
    if (*which == OutputVectors::kOutput) chosen = &trainer->output_vectors();
    if (*which == OutputVectors::kSum) {
      sum = trainer->ExportVectors(OutputVectors::kSum);
      chosen = &sum;
    }
    const Matrix& vectors = *chosen;
    if (Status s =
            WriteWord2Vec(a.output, trainer->vocab().words(), vectors, *format);
        !s.ok()) {
      return Fail(s);
    }
    printer.Line("train: wrote " + std::to_string(vectors.rows()) + " x " +
                 std::to_string(vectors.cols()) + " vectors to " + a.output);
  }
  return kExitOk;
}

}  // namespace wembed::cli
