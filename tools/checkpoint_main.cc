// wembed info / wembed export: describe a checkpoint, or write its vectors
// in word2vec format.
#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "json_writer.h"
#include "progress_format.h"
#include "wembed/checkpoint.h"
#include "wembed/embeddings.h"
#include "wembed/matrix.h"
#include "wembed/status.h"

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
  std::cout << "options:         " << c.options.size() << "\n";
  for (const auto& [key, value] : c.options) {
    std::cout << "  " << key << " = " << value << "\n";
  }
}

void PrintJson(const std::string& path, const Checkpoint& c, const Summary& s) {
  const TrainProgress& p = c.progress;
  JsonWriter j;
  j.BeginObject();
  j.Key("path").String(path);
  j.Key("format_version").Int(c.format_version);
  j.Key("vocab_size").Int(int64_t(c.vocab.size()));
  j.Key("total_count").Int(int64_t(c.vocab.total_count()));
  j.Key("dim").Int(int64_t(c.input.cols()));
  j.Key("options").BeginObject();
  for (const auto& [key, value] : c.options) j.Key(key).String(value);
  j.EndObject();
  j.Key("progress").BeginObject();
  j.Key("epochs_completed").Int(p.epoch);
  j.Key("current_epoch").Int(int64_t(s.current_epoch));
  if (s.epochs) {
    j.Key("epochs").Int(int64_t(*s.epochs));
  } else {
    j.Key("epochs").Null();
  }
  j.Key("words_processed").Int(int64_t(p.words_processed));
  if (s.words_total > 0) {
    j.Key("words_total").Int(int64_t(s.words_total));
  } else {
    j.Key("words_total").Null();
  }
  if (s.fraction_done) {
    j.Key("percent").Number(100 * *s.fraction_done);
  } else {
    j.Key("percent").Null();
  }
  j.Key("finished").Bool(p.finished);
  j.Key("elapsed_seconds").Number(p.elapsed_seconds);
  j.Key("loss_count").Int(int64_t(p.loss_count));
  if (p.loss_count > 0) {
    j.Key("average_loss").Number(s.average_loss);
  } else {
    j.Key("average_loss").Null();
  }
  j.Key("corpus_tokens").Int(int64_t(p.corpus_tokens));
  j.Key("corpus_bytes").Int(int64_t(p.corpus_bytes));
  j.Key("corpus_fingerprint").String(Hex64(p.corpus_fingerprint));
  j.EndObject();
  j.Key("threads").BeginArray();
  for (const ThreadProgress& t : p.threads) {
    j.BeginObject();
    j.Key("epochs_completed").Int(t.epoch);
    j.Key("begin").Int(int64_t(t.begin));
    j.Key("end").Int(int64_t(t.end));
    j.Key("position").Int(int64_t(t.position));
    j.Key("words_done").Int(int64_t(t.words_done));
    j.Key("words_unreported").Int(int64_t(t.words_unreported));
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  std::cout << j.str() << "\n";
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
          argc, argv, "wembed info CHECKPOINT [--json]",
          "Describes a training checkpoint: format version, options, "
          "vocabulary size,\ndimension, progress and thread states. The whole "
          "file is validated first;\na damaged file gives one error line and "
          "exit status 1.",
          options, &positional, &vm)) {
    return *code;
  }
  StatusOr<Checkpoint> ckpt = ReadCheckpoint(path);
  if (!ckpt.ok()) return ReportError("info", ckpt.status());
  const Summary summary = Summarize(*ckpt);
  if (json) {
    PrintJson(path, *ckpt, summary);
  } else {
    PrintText(path, *ckpt, summary);
  }
  std::cout.flush();
  if (!std::cout) {
    return ReportError("info", Status::IoError("writing to stdout failed"));
  }
  return kExitOk;
}

int RunExportCommand(int argc, char** argv) {
  std::string path, output, format_name, which_name;
  po::options_description options("options");
  options.add_options()("checkpoint", po::value<std::string>(&path)->required(),
                        "checkpoint file (positional)")(
      "output,o", po::value<std::string>(&output)->required(),
      "word2vec vectors file to write")(
      "format", po::value<std::string>(&format_name)->default_value("bin"),
      "bin (word2vec binary) or txt (word2vec text)")(
      "output-vectors",
      po::value<std::string>(&which_name)->default_value("input"),
      "input (W_E), output (context vectors) or sum (input + output)");
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
  StatusOr<VectorFormat> format = ParseFormatOption(format_name);
  if (!format.ok()) return ReportError("export", format.status());
  StatusOr<OutputVectors> which = ParseOutputVectorsOption(which_name);
  if (!which.ok()) return ReportError("export", which.status());
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
  Checkpoint& c = *ckpt;
  if (c.vocab.empty()) {
    return ReportError("export", Status::InvalidArgument(
                                     path + ": the checkpoint has no words"));
  }
  const Matrix* vectors = &c.input;
  if (*which == OutputVectors::kOutput) vectors = &c.output;
  if (*which == OutputVectors::kSum) {
    for (size_t r = 0; r < c.input.rows(); ++r) {
      float* in = c.input.row(r);
      const float* out = c.output.row(r);
      for (size_t k = 0; k < c.input.cols(); ++k) in[k] += out[k];
    }
  }
  Status st = WriteWord2Vec(output, c.vocab.words(), *vectors, *format);
  if (!st.ok()) return ReportError("export", st);
  const Summary summary = Summarize(c);
  std::cerr << "wembed export: wrote "
            << CountOf(c.vocab.size(), which_name + " vector") << " of dim "
            << vectors->cols() << " to " << output << " (" << format_name
            << ")";
  if (!c.progress.finished) {
    std::cerr << "; note: the run is not finished (epoch "
              << summary.current_epoch << " of "
              << (summary.epochs ? std::to_string(*summary.epochs) : "?")
              << ")";
  }
  std::cerr << "\n";
  return kExitOk;
}

}  // namespace wembed::cli
