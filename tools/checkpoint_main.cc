// wembed info / wembed export: describe a checkpoint, or write its vectors
// (or a vectors file's) in word2vec, TensorBoard or NumPy format.
#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "vector_loading.h"
#include "wembed/base/matrix.h"
#include "wembed/base/output_paths.h"
#include "wembed/base/status.h"
#include "wembed/corpus/corpus_file.h"
#include "wembed/train/option_table.h"
#include "wembed/train/train_options.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/vectors/subword_vectors.h"
#include "wembed/vectors/vector_export.h"

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

std::string OutputMatrixText(const Checkpoint& c) {
  if (c.output_layout == OutputLayout::kWordVectors) {
    return "context vectors (" + CountOf(c.output.rows(), "row") + ")";
  }
  return "hierarchical softmax tree nodes (" + CountOf(c.output.rows(), "row") +
         "), tree fingerprint " + Hex64(c.tree_fingerprint);
}

void PrintText(const std::string& path, const Checkpoint& c, const Summary& s) {
  const TrainProgress& p = c.progress;
  std::cout << "checkpoint:      " << path << "\n"
            << "format version:  " << c.format_version << "\n"
            << "vocabulary:      " << CountOf(c.vocab.size(), "word")
            << " (total count " << c.vocab.total_count() << ")\n"
            << "dim:             " << c.input.cols() << "\n"
            << "output matrix:   " << OutputMatrixText(c) << "\n";
  if (c.subwords.enabled()) {
    std::cout << "subwords:        n-grams of " << c.subwords.min_n << "-"
              << c.subwords.max_n << " characters, "
              << CountOf(c.subwords.buckets, "bucket") << "\n";
  }
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
  if (!c.ranks.empty()) {  // `mpirun -np N wembed train`'s checkpoint
    std::cout << "ranks:           " << c.ranks.size()
              << " (resume with mpirun -np " << c.ranks.size() << ")\n";
    for (size_t r = 0; r < c.ranks.size(); ++r) {
      const RankShare& share = c.ranks[r];
      std::cout << "  rank " << r << ": " << CountOf(share.threads, "thread")
                << ", share of " << CountOf(share.corpus_tokens, "token")
                << ", fingerprint " << Hex64(share.corpus_fingerprint) << "\n";
    }
  }
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
  j["output_layout"] = c.output_layout == OutputLayout::kWordVectors
                           ? "word_vectors"
                           : "tree_nodes";
  j["output_rows"] = c.output.rows();
  if (c.output_layout == OutputLayout::kTreeNodes) {
    j["tree_fingerprint"] = Hex64(c.tree_fingerprint);
  }
  if (c.subwords.enabled()) {
    j["subwords"] = {{"min_n", c.subwords.min_n},
                     {"max_n", c.subwords.max_n},
                     {"buckets", c.subwords.buckets}};
  }
  j["options"] = Json::object();
  for (const auto& [key, value] : c.options) j["options"][key] = value;
  j["progress"] = ProgressJson(c.progress, s);
  j["ranks"] = Json::array();  // empty unless written by MPI ranks
  for (const RankShare& share : c.ranks) {
    j["ranks"].push_back(
        {{"threads", share.threads},
         {"corpus_tokens", share.corpus_tokens},
         {"corpus_bytes", share.corpus_bytes},
         {"corpus_fingerprint", Hex64(share.corpus_fingerprint)}});
  }
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

// A checkpoint with words, and with per-word output rows unless only the
// input vectors are asked for.
Status CheckExportable(const std::string& path, const Checkpoint& c,
                       OutputVectors which) {
  if (c.vocab.empty()) {
    return Status::InvalidArgument(path + ": the checkpoint has no words");
  }
  if (c.output_layout == OutputLayout::kTreeNodes &&
      which != OutputVectors::kInput) {
    return Status::InvalidArgument(
        path + ": --output-vectors " + OutputVectorsName(which) +
        ": the checkpoint's output matrix holds hierarchical softmax tree "
        "nodes, not word vectors (--loss hs); only --output-vectors input "
        "can be exported");
  }
  return Status::Ok();
}

// "; note: the run is not finished (epoch x of N)" for an unfinished run.
std::string UnfinishedNote(const Checkpoint& c) {
  if (c.progress.finished) return "";
  const Summary summary = Summarize(c);
  return "; note: the run is not finished (epoch " +
         std::to_string(summary.current_epoch) + " of " +
         (summary.epochs ? std::to_string(*summary.epochs) : "?") + ")";
}

// What `wembed export` writes: a checkpoint's chosen matrix, or the
// vectors of a word2vec file.
struct ExportSource {
  std::vector<std::string> words;
  Matrix vectors;
  std::string note;            // "; note: the run is not finished ..." or ""
  std::string what = "input";  // which vectors: "input", "mix", ...
};

// --words: keeps the rows of the listed words, in the list's order; an
// unseen word gets the mean of its n-gram rows when `spec` is enabled.
Status SelectListedWords(const std::string& words_file, const SubwordSpec& spec,
                         const Matrix& subword_input, ExportSource* src) {
  StatusOr<std::vector<std::string>> words = ReadWordList(words_file);
  if (!words.ok()) return words.status();
  std::vector<std::string> missing;
  Embeddings picked = SelectWordVectors(*words, src->words, src->vectors, spec,
                                        subword_input, &missing);
  if (picked.words.empty()) {
    return Status::InvalidArgument("--words " + words_file +
                                   ": none of the listed words has a vector");
  }
  if (!missing.empty()) {
    src->note += "; " + CountOf(missing.size(), "listed word") +
                 " without a vector left out (the first: '" + missing[0] + "')";
  }
  src->words = std::move(picked.words);
  src->vectors = std::move(picked.vectors);
  return Status::Ok();
}

// Reads `path`: a checkpoint (any --output-vectors; with subwords, a word's
// input vector is the mean of its rows), else a vectors file (input vectors
// only). With `words_file`, only the listed words (SelectListedWords).
StatusOr<ExportSource> ReadExportSource(const std::string& path,
                                        const TrainingJob& job,
                                        const std::string& words_file) {
  ExportSource src;
  if (LooksLikeCheckpoint(path)) {
    StatusOr<Checkpoint> ckpt = ReadCheckpoint(path);
    if (!ckpt.ok()) return ckpt.status();
    Checkpoint& c = *ckpt;
    ComposeCheckpointInput(&c);
    const OutputVectors which = job.output_vectors == OutputVectors::kAuto
                                    ? AutoVectorsFor(c)
                                    : job.output_vectors;
    WEMBED_RETURN_IF_ERROR(CheckExportable(path, c, which));
    if (!CheckpointIsFinite(c)) {
      return Status::InvalidArgument(
          path +
          ": the vectors contain non-finite values (NaN or Inf; the "
          "training run diverged); nothing exported");
    }
    Matrix sum;
    const Matrix& chosen =
        ChooseVectors(c.input, c.output, which, &sum, job.output_weight);
    // Moved, not copied: the checkpoint is not used again.
    src.vectors = std::move(&chosen == &c.input    ? c.input
                            : &chosen == &c.output ? c.output
                                                   : sum);
    src.words = c.vocab.words();
    src.note = UnfinishedNote(c);
    src.what = OutputVectorsName(which);
    if (!words_file.empty()) {
      WEMBED_RETURN_IF_ERROR(
          SelectListedWords(words_file, c.subwords, c.subword_input, &src));
    }
    return src;
  }
  if (job.output_vectors != OutputVectors::kInput &&
      job.output_vectors != OutputVectors::kAuto) {
    return Status::InvalidArgument(
        path +
        ": --output-vectors output, sum and mix need a checkpoint (a "
        "vectors file holds the input vectors only)");
  }
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> emb = LoadVectorsForCommand("export", path, 0, &info);
  if (!emb.ok()) return emb.status();
  if (emb->words.empty()) {
    return Status::InvalidArgument(path + ": no vectors");
  }
  src.words = std::move(emb->words);
  src.vectors = std::move(emb->vectors);
  if (!words_file.empty()) {
    WEMBED_RETURN_IF_ERROR(
        SelectListedWords(words_file, SubwordSpec{}, Matrix(), &src));
  }
  return src;
}

// "--format" for export: ExportFormats(), declared once in the library.
std::string ExportFormatHelp() {
  std::string help = "output format:";
  for (const ExportFormatInfo& f : ExportFormats()) {
    help += "\n  " + f.name + ": " + f.help;
  }
  return help;
}

// "bin|txt|tsv|npy".
std::string FormatNames() {
  std::string names;
  for (const ExportFormatInfo& f : ExportFormats()) {
    names += (names.empty() ? "" : "|") + f.name;
  }
  return names;
}

Status CheckExportOutputs(const std::string& path, const std::string& output,
                          ExportFormat format) {
  const std::vector<std::string> files = ExportPaths(output, format);
  PathOptions outputs;
  for (const std::string& f : files) outputs.push_back({"--output", f});
  const std::string input = LooksLikeCheckpoint(path) ? "checkpoint" : "input";
  WEMBED_RETURN_IF_ERROR(CheckOutputPaths({{input, path}}, outputs));
  if (!IsDirectoryFormat(format)) return CheckWritable("--output", output);
  if (output == "-") return CheckWritable("--output", output);
  // The directory may not exist yet: its parent must be writable then.
  std::error_code ec;
  if (!std::filesystem::is_directory(output, ec)) {
    if (std::filesystem::exists(output, ec)) {
      return Status::InvalidArgument(
          "--output " + output + ": the " + ExportFormatName(format) +
          " format writes a directory, and this is a file");
    }
    return CheckWritable("--output", output);
  }
  for (const std::string& f : files) {
    WEMBED_RETURN_IF_ERROR(CheckWritable("--output", f));
  }
  return Status::Ok();
}

}  // namespace

namespace {

struct ExportArgs {
  std::string path, output, format_name, words_file;
  ExportFormat format = ExportFormat::kBin;
  TrainingJob job;  // only its output_vectors
};

void AddExportOptions(po::options_description& options, ExportArgs* a) {
  options.add_options()("input", po::value<std::string>(&a->path)->required(),
                        "checkpoint or word2vec vectors file (positional)")(
      "output,o", po::value<std::string>(&a->output)->required(),
      "file to write (bin, txt), or directory (tsv, npy; created if "
      "missing)")("format",
                  po::value<std::string>(&a->format_name)
                      ->default_value(ExportFormatName(ExportFormat::kBin)),
                  ExportFormatHelp().c_str())(
      "words", po::value<std::string>(&a->words_file),
      "write only the words listed in this file (whitespace-separated), "
      "in its order; with a --subwords checkpoint an unseen word gets the "
      "mean of its n-gram rows");
  AddTableOptions(options, {"output-vectors", "output-weight"});
}

// --format, and --output-vectors through the option table (the table's
// --format is train's, narrower than export's, so ApplyTableOptions is not
// used).
Status ResolveExportArgs(const po::variables_map& vm, ExportArgs* a) {
  const std::optional<ExportFormat> format = ParseExportFormat(a->format_name);
  if (!format) {
    return Status::InvalidArgument("--format must be " + ExportFormatChoices() +
                                   ", not '" + a->format_name + "'");
  }
  a->format = *format;
  for (const char* name : {"output-vectors", "output-weight"}) {
    if (vm.count(name) == 0 || vm[name].defaulted()) continue;
    WEMBED_RETURN_IF_ERROR(
        FindTrainingOption(name)->set({vm[name].as<std::string>()}, &a->job));
  }
  return Status::Ok();
}

}  // namespace

int RunExportCommand(int argc, char** argv) {
  ExportArgs a;
  po::options_description options("options");
  AddExportOptions(options, &a);
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed export INPUT --output PATH [--format " + FormatNames() +
              "] [--output-vectors auto|input|output|sum|mix]"
              " [--output-weight W] [--words FILE]",
          "Writes the vectors of a training checkpoint (or of a word2vec "
          "vectors file) as\nword2vec binary or text, as a TensorBoard "
          "projector pair (vectors.tsv,\nmetadata.tsv) or as a NumPy array "
          "(vectors.npy, words.txt); see docs/exports.md.\nWords containing "
          "whitespace are refused in every format. Files are replaced\n"
          "atomically.",
          options, &positional, &vm)) {
    return *code;
  }
  Status st = ResolveExportArgs(vm, &a);
  if (st.ok()) st = CheckExportOutputs(a.path, a.output, a.format);
  if (!st.ok()) return ReportError("export", st);
  StatusOr<ExportSource> src = ReadExportSource(a.path, a.job, a.words_file);
  if (!src.ok()) return ReportError("export", src.status());
  st = ExportVectors(a.output, src->words, src->vectors, a.format);
  if (!st.ok()) return ReportError("export", st);
  ReportNote("export",
             "wrote " + CountOf(src->words.size(), src->what + " vector") +
                 " of dim " + std::to_string(src->vectors.cols()) + " to " +
                 a.output + " (" + a.format_name + ")" + src->note);
  return kExitOk;
}

}  // namespace wembed::cli
