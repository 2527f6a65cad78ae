// wembed encode: scan a corpus once into an encoded-corpus file (.wenc) that
// `wembed train --input` reads without scanning again; and what `wembed
// info` prints about such a file.
#include <sys/stat.h>

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/corpus/corpus_file.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/train/option_table.h"

namespace wembed::cli {
namespace {

constexpr char kCommand[] = "encode";

std::string Hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
  return buf;
}

// An encoded corpus is read at random offsets: only a regular file (or a
// new one) will do.
Status CheckRegularOutput(const std::string& output) {
  struct stat st;
  if (::stat(output.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(
        "--output " + output +
        ": not a regular file (an encoded corpus is read at random offsets)");
  }
  return Status::Ok();
}

void PrintSummary(ProgressPrinter& printer, const ScanResult& scan,
                  const VocabOptions& vocab, const std::string& output) {
  const ScanStats& st = scan.stats;
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f s", st.seconds);
  printer.Finish("encode: " + CountOf(st.total_tokens, "token") + " (" +
                 std::to_string(st.distinct_tokens) + " distinct, " +
                 CountOf(st.sentences, "sentence") + ", " +
                 FormatCount(double(st.bytes_read)) + "B) read in " + seconds +
                 " on " + CountOf(st.threads, "thread") + "; kept " +
                 CountOf(scan.vocab.size(), "word") + " covering " +
                 CountOf(scan.corpus.num_tokens(), "token") + " -> " + output +
                 " (" + FormatCount(double(scan.corpus.size_bytes())) +
                 "B encoded, fingerprint " + Hex64(scan.corpus.Fingerprint()) +
                 ")");
  for (const std::string& note : ScanNotes(st, vocab)) {
    printer.Line("encode: " + note);
  }
}

// The scan as `job` and the command line ask for it.
StatusOr<ScanResult> Encode(const TrainingJob& job, const std::string& output,
                            ProgressPrinter& printer,
                            const std::atomic<bool>* stop) {
  Vocabulary fixed;
  ScanRequest request = CorpusScanRequest(job);
  if (!job.read_vocab.empty()) {
    StatusOr<Vocabulary> v = LoadReadVocab(job);
    if (!v.ok()) return v.status();
    fixed = std::move(v).value();
    request.fixed_vocab = &fixed;
  }
  request.encode = true;
  request.storage = EncodedStorage::kFile;
  request.output_path = output;
  request.cancel = stop;
  request.progress = [&](const ScanStats& s) {
    printer.Update(FormatScanProgress(s));
  };
  return ScanCorpus(request);
}

}  // namespace

int RunEncodeCommand(int argc, char** argv) {
  std::string output;
  po::options_description desc("options");
  desc.add_options()("output,o", po::value(&output)->required(),
                     "encoded corpus file to write (.wenc)");
  AddTableOptions(
      desc,
      {"input", "lowercase", "strip-punct", "max-token-bytes", "min-count",
       "max-vocab", "max-final-vocab", "max-table-entries", "read-vocab",
       "threads", "memory-budget", "cache-dir", "quiet"},
      {{"quiet", "no progress or summary output"},
       {"cache-dir",
        "directory of the scan's spill files "
        "(default: $TMPDIR, else /tmp)"}});
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed encode --input F... --output corpus.wenc [options]",
          "Scans a corpus once (tokenize, count, encode) and writes its "
          "vocabulary and encoded\ntokens to an encoded-corpus file "
          "(docs/encoded-corpus-format.md). 'wembed train\n--input "
          "corpus.wenc' trains on it without scanning again, as often as "
          "needed.",
          desc, nullptr, &vm)) {
    return *code;
  }
  TrainingJob job;
  if (auto code = PrepareScanJob(kCommand, vm, output, &job)) return *code;
  if (Status s = CheckRegularOutput(output); !s.ok()) {
    return ReportError(kCommand, s);
  }
  const std::atomic<bool>* stop = InstallStopSignalHandlers();
  ProgressPrinter printer(job.quiet);
  StatusOr<ScanResult> scan = Encode(job, output, printer, stop);
  if (!scan.ok()) {
    printer.Finish("");
    if (scan.status().code() == StatusCode::kCancelled) {
      ReportNote(kCommand, scan.status().message() + "; nothing was written");
      return ExitCodeForStopSignal();
    }
    return ReportError(kCommand, scan.status());
  }
  PrintSummary(printer, *scan, job.options.vocab, output);
  return kExitOk;
}

namespace {

void PrintCorpusText(const std::string& path, const CorpusFile& f) {
  const CorpusFileSummary& s = f.summary;
  std::cout << "encoded corpus:  " << path << "\n"
            << "format version:  " << f.format_version << "\n"
            << "vocabulary:      " << CountOf(f.vocab.size(), "word")
            << " (total count " << f.vocab.total_count() << ")\n"
            << "tokens:          " << s.num_tokens << " in "
            << CountOf(s.num_sentences, "sentence")
            << " (longest: " << s.max_sentence_bytes << " bytes)\n"
            << "data:            " << CountOf(s.data_bytes, "byte") << " in "
            << (s.data_bytes + s.chunk_bytes - 1) / s.chunk_bytes
            << " checksummed chunks of " << s.chunk_bytes << " bytes; file "
            << CountOf(f.file_bytes, "byte") << "\n"
            << "fingerprint:     " << Hex64(s.fingerprint) << "\n"
            << "options:         " << f.options.size() << "\n";
  for (const auto& [key, value] : f.options) {
    std::cout << "  " << key << " = " << value << "\n";
  }
}

void PrintCorpusJson(const std::string& path, const CorpusFile& f) {
  using Json = nlohmann::ordered_json;
  const CorpusFileSummary& s = f.summary;
  Json j;
  j["path"] = path;
  j["kind"] = "encoded corpus";
  j["format_version"] = f.format_version;
  j["vocab_size"] = f.vocab.size();
  j["total_count"] = f.vocab.total_count();
  j["tokens"] = s.num_tokens;
  j["sentences"] = s.num_sentences;
  j["max_sentence_bytes"] = s.max_sentence_bytes;
  j["data_bytes"] = s.data_bytes;
  j["chunk_bytes"] = s.chunk_bytes;
  j["file_bytes"] = f.file_bytes;
  j["fingerprint"] = Hex64(s.fingerprint);
  j["options"] = Json::object();
  for (const auto& [key, value] : f.options) j["options"][key] = value;
  std::cout << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace

int RunCorpusInfo(const std::string& path, bool json) {
  StatusOr<CorpusFile> file = ReadCorpusFile(path);
  if (!file.ok()) return ReportError("info", file.status());
  if (json) {
    PrintCorpusJson(path, *file);
  } else {
    PrintCorpusText(path, *file);
  }
  if (Status s = FlushStdout(); !s.ok()) return ReportError("info", s);
  return kExitOk;
}

}  // namespace wembed::cli
