// wembed info / wembed export: describe a checkpoint, or write its vectors
// in word2vec format.
#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/base/output_paths.h"
#include "wembed/corpus/corpus_file.h"
#include "wembed/train/train_options.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/base/matrix.h"
#include "wembed/base/status.h"

namespace wembed::cli {
namespace {

// Threads listed one per line by `wembed info`; more are summarised only.
constexpr size_t kMaxThreadLines = 16;

// The run's epoch count from the stored options, if recorded.
std::optional<uint64_t> EpochsOption(const Checkpoint& c) {
  for (const auto& [key, value] : c.options) {
    if (key != "epochs") continue;
    uint64_t n = 0;
    const char* end = value.data() + value.size();
    const auto r = std::from_chars(value.data(), end, n);
    if (r.ec == std::errc() && r.ptr == end && n > 0) return n;
  }
  return std::nullopt;
}

// What `wembed info` reports, derived once for both output formats.
struct Summary {
  std::optional<uint64_t> epochs;       // N of "epoch x of N"
  uint64_t current_epoch = 0;           // 1-based, as the trainer shows it
  uint64_t words_total = 0;             // epochs * corpus_tokens, 0 = unknown
  std::optional<double> fraction_done;  // of the whole run
  uint32_t min_thread_epoch = 0;
  uint32_t max_thread_epoch = 0;
  double average_loss = 0;
};

Summary Summarize(const Checkpoint& c) {
  const TrainProgress& p = c.progress;
  Summary s;
  s.epochs = EpochsOption(c);
  s.current_epoch = uint64_t(p.epoch) + (p.finished ? 0 : 1);
  if (s.epochs) s.current_epoch = std::min(s.current_epoch, *s.epochs);
  if (s.epochs && p.corpus_tokens > 0) {
    s.words_total = *s.epochs * p.corpus_tokens;
    s.fraction_done =
        std::min(1.0, double(p.words_processed) / double(s.words_total));
  }
  if (p.finished) s.fraction_done = 1.0;
  if (!p.threads.empty()) {
    s.min_thread_epoch = s.max_thread_epoch = p.threads[0].epoch;
    for (const ThreadProgress& t : p.threads) {
      s.min_thread_epoch = std::min(s.min_thread_epoch, t.epoch);
      s.max_thread_epoch = std::max(s.max_thread_epoch, t.epoch);
    }
  }
  if (p.loss_count > 0) s.average_loss = p.loss_sum / double(p.loss_count);
  return s;
}

std::string Hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
  return buf;
}

// Share of a thread's range behind its position this epoch.
double RangeFraction(const ThreadProgress& t) {
  if (t.end == t.begin) return 1.0;
  return double(t.position - t.begin) / double(t.end - t.begin);
}

std::string FormatElapsed(double seconds) {
  const uint64_t s = uint64_t(seconds);
  char buf[64];
  std::snprintf(buf, sizeof(buf),
                "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64 " (%.1f s)", s / 3600,
                s / 60 % 60, s % 60, seconds);
  return buf;
}

// The "threads:" line and one line per thread (at most kMaxThreadLines).
void PrintThreads(const TrainProgress& p, const Summary& s) {
  std::cout << "threads:         " << p.threads.size();
  if (!p.threads.empty()) {
    uint64_t words_done = 0;
    double range_done = 0;
    for (const ThreadProgress& t : p.threads) {
      words_done += t.words_done;
      range_done += RangeFraction(t);
    }
    std::cout << ", epochs completed " << s.min_thread_epoch;
    if (s.max_thread_epoch != s.min_thread_epoch) {
      std::cout << ".." << s.max_thread_epoch;
    }
    if (p.finished) {
      std::cout << ", all finished";
    } else {
      std::cout << ", " << FormatPercent(range_done / double(p.threads.size()))
                << " of their ranges done this epoch on average, "
                << CountOf(words_done, "word") << " this epoch";
    }
  }
  std::cout << "\n";
  for (size_t i = 0; i < p.threads.size() && i < kMaxThreadLines; ++i) {
    const ThreadProgress& t = p.threads[i];
    std::cout << "  thread " << i << ": epochs completed " << t.epoch;
    if (p.finished) {
      std::cout << ", finished";  // no next epoch to be part-way through
    } else {
      std::cout << ", position " << t.position << " in [" << t.begin << ", "
                << t.end << ") " << FormatPercent(RangeFraction(t))
                << ", words " << t.words_done << " (" << t.words_unreported
                << " unreported)";
    }
    std::cout << "\n";
  }
  if (p.threads.size() > kMaxThreadLines) {
    std::cout << "  ... " << p.threads.size() - kMaxThreadLines
              << " more threads (see --json)\n";
  }
}

void PrintText(const std::string& path, const Checkpoint& c, const Summary& s) {
  const TrainProgress& p = c.progress;
  std::cout << "checkpoint:      " << path << "\n"
            << "format version:  " << c.format_version << "\n"
            << "vocabulary:      " << CountOf(c.vocab.size(), "word")
            << " (total count " << c.vocab.total_count() << ")\n"
            << "dim:             " << c.input.cols() << "\n";
  std::cout << "progress:        epoch " << s.current_epoch << " of "
            << (s.epochs ? std::to_string(*s.epochs) : "?") << " (" << p.epoch
            << " completed by every thread), "
            << (s.fraction_done ? FormatPercent(*s.fraction_done) : "?%")
            << ", words processed " << p.words_processed;
  if (s.words_total > 0) std::cout << " of " << s.words_total;
  std::cout << "\n"
            << "finished:        " << (p.finished ? "yes" : "no") << "\n"
            << "elapsed:         " << FormatElapsed(p.elapsed_seconds) << "\n";
  if (p.loss_count > 0) {
    std::cout << "average loss:    " << s.average_loss << " ("
              << CountOf(p.loss_count, "sample") << ")\n";
  }
  std::cout << "corpus:          " << CountOf(p.corpus_tokens, "token") << ", ";
  if (p.corpus_bytes > 0) std::cout << CountOf(p.corpus_bytes, "byte") << ", ";
  std::cout << "fingerprint " << Hex64(p.corpus_fingerprint) << "\n";
  PrintThreads(p, s);
  std::cout << "options:         " << c.options.size() << "\n";
  for (const auto& [key, value] : c.options) {
    std::cout << "  " << key << " = " << value << "\n";
  }
}

using Json = nlohmann::ordered_json;

// A number, or null when it is unknown.
template <typename T>
Json OrNull(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json ProgressJson(const TrainProgress& p, const Summary& s) {
  Json j;
  j["epochs_completed"] = p.epoch;
  j["current_epoch"] = s.current_epoch;
  j["epochs"] = OrNull(s.epochs);
  j["words_processed"] = p.words_processed;
  j["words_total"] = s.words_total > 0 ? Json(s.words_total) : Json(nullptr);
  j["percent"] = s.fraction_done ? Json(100 * *s.fraction_done) : Json(nullptr);
  j["finished"] = p.finished;
  j["elapsed_seconds"] = p.elapsed_seconds;
  j["loss_count"] = p.loss_count;
  j["average_loss"] = p.loss_count > 0 ? Json(s.average_loss) : Json(nullptr);
  j["corpus_tokens"] = p.corpus_tokens;
  j["corpus_bytes"] = p.corpus_bytes;
  j["corpus_fingerprint"] = Hex64(p.corpus_fingerprint);
  return j;
}

void PrintJson(const std::string& path, const Checkpoint& c, const Summary& s) {
  Json j;
  j["path"] = path;
  j["format_version"] = c.format_version;
  j["vocab_size"] = c.vocab.size();
  j["total_count"] = c.vocab.total_count();
  j["dim"] = c.input.cols();
  j["options"] = Json::object();
  for (const auto& [key, value] : c.options) j["options"][key] = value;
  j["progress"] = ProgressJson(c.progress, s);
  j["threads"] = Json::array();
  for (const ThreadProgress& t : c.progress.threads) {
    j["threads"].push_back({{"epochs_completed", t.epoch},
                            {"begin", t.begin},
                            {"end", t.end},
                            {"position", t.position},
                            {"words_done", t.words_done},
                            {"words_unreported", t.words_unreported}});
  }
  std::cout << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace

int RunInfoCommand(int argc, char** argv) {
  std::string path;
  bool json = false;
  po::options_description options("options");
  options.add_options()("checkpoint", po::value<std::string>(&path)->required(),
                        "checkpoint file (positional)")(
      "json", po::bool_switch(&json), "print one JSON object instead of text");
  po::positional_options_description positional;
  positional.add("checkpoint", 1);
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv, "wembed info CHECKPOINT|CORPUS.wenc [--json]",
          "Describes a training checkpoint: format version, options, "
          "vocabulary size,\ndimension, progress and thread states; or an "
          "encoded corpus (wembed encode):\nvocabulary, tokens, sentences, "
          "fingerprint and the options it was made with.\nThe whole "
          "file is validated first; a damaged file gives one error line and "
          "exit\nstatus 1.",
          options, &positional, &vm)) {
    return *code;
  }
  if (LooksLikeCorpusFile(path)) return RunCorpusInfo(path, json);
  StatusOr<Checkpoint> ckpt = ReadCheckpoint(path);
  if (!ckpt.ok()) return ReportError("info", ckpt.status());
  const Summary summary = Summarize(*ckpt);
  if (json) {
    PrintJson(path, *ckpt, summary);
  } else {
    PrintText(path, *ckpt, summary);
  }
  if (Status s = FlushStdout(); !s.ok()) return ReportError("info", s);
  return kExitOk;
}

namespace {

// "; note: the run is not finished (epoch x of N)" for an unfinished run.
std::string UnfinishedNote(const Checkpoint& c) {
  if (c.progress.finished) return "";
  const Summary summary = Summarize(c);
  return "; note: the run is not finished (epoch " +
         std::to_string(summary.current_epoch) + " of " +
         (summary.epochs ? std::to_string(*summary.epochs) : "?") + ")";
}

}  // namespace

int RunExportCommand(int argc, char** argv) {
  std::string path, output;
  po::options_description options("options");
  options.add_options()("checkpoint", po::value<std::string>(&path)->required(),
                        "checkpoint file (positional)")(
      "output,o", po::value<std::string>(&output)->required(),
      "word2vec vectors file to write");
  AddTableOptions(options, {"format", "output-vectors"});
  po::positional_options_description positional;
  positional.add("checkpoint", 1);
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed export CHECKPOINT --output VECTORS [--format bin|txt] "
          "[--output-vectors input|output|sum]",
          "Writes the vectors of a training checkpoint in word2vec format "
          "(\"V D\" header,\none row per word in vocabulary order). The file "
          "is replaced atomically.",
          options, &positional, &vm)) {
    return *code;
  }
  TrainingJob job;  // only its --format and --output-vectors
  if (Status s = ApplyTableOptions(vm, &job); !s.ok()) {
    return ReportError("export", s);
  }
  if (Status s =
          CheckOutputPaths({{"checkpoint", path}}, {{"--output", output}});
      !s.ok()) {
    return ReportError("export", s);
  }
  if (Status s = CheckWritable("--output", output); !s.ok()) {
    return ReportError("export", s);
  }
  StatusOr<Checkpoint> ckpt = ReadCheckpoint(path);
  if (!ckpt.ok()) return ReportError("export", ckpt.status());
  const Checkpoint& c = *ckpt;
  if (c.vocab.empty()) {
    return ReportError("export", Status::InvalidArgument(
                                     path + ": the checkpoint has no words"));
  }
  Matrix sum;
  const Matrix& vectors =
      ChooseVectors(c.input, c.output, job.output_vectors, &sum);
  Status st = WriteWord2Vec(output, c.vocab.words(), vectors, job.format);
  if (!st.ok()) return ReportError("export", st);
  ReportNote("export",
             "wrote " +
                 CountOf(c.vocab.size(),
                         std::string(OutputVectorsName(job.output_vectors)) +
                             " vector") +
                 " of dim " + std::to_string(vectors.cols()) + " to " + output +
                 " (" + (job.format == VectorFormat::kText ? "txt" : "bin") +
                 ")" + UnfinishedNote(c));
  return kExitOk;
}

}  // namespace wembed::cli
