// wembed vocab: one counting pass over the corpus; writes the vocabulary in
// word2vec's -save-vocab format ("word count" lines, most frequent first).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/base/output_paths.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/train/option_table.h"

namespace wembed::cli {
namespace {

constexpr char kCommand[] = "vocab";

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f s", s);
  return buf;
}

// The summary line and, when the table was pruned, a note.
void PrintSummary(ProgressPrinter& printer, const ScanResult& scan,
                  const VocabOptions& vocab, const std::string& output) {
  const ScanStats& st = scan.stats;
  printer.Finish("vocab: " + CountOf(st.total_tokens, "token") + ", " +
                 std::to_string(st.distinct_tokens) + " distinct, " +
                 CountOf(st.sentences, "sentence") + ", " +
                 FormatCount(double(st.bytes_read)) + "B read in " +
                 FormatSeconds(st.seconds) + "; kept " +
                 CountOf(scan.vocab.size(), "word") + " (min-count " +
                 std::to_string(vocab.min_count) + ") covering " +
                 CountOf(scan.vocab.total_count(), "token") + " -> " + output);
  for (const std::string& note : ScanNotes(st, vocab)) {
    printer.Line("vocab: " + note);
  }
}

}  // namespace

int RunVocabCommand(int argc, char** argv) {
  std::string output;
  po::options_description desc("options");
  desc.add_options()("output,o", po::value(&output)->required(),
                     "vocabulary file to write ('word count' lines)");
  AddTableOptions(desc,
                  {"input", "lowercase", "strip-punct", "max-token-bytes",
                   "min-count", "max-vocab", "max-final-vocab",
                   "max-table-entries", "threads", "memory-budget", "quiet"},
                  {{"quiet", "no progress or summary output"}});
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv, "wembed vocab --input F... --output vocab.txt [options]",
          "Counts the words of a corpus in one pass and writes word2vec's "
          "vocabulary format:\none 'word count' line per word, by count "
          "descending (ties: first occurrence first).\nTokens are split on "
          "ASCII whitespace and NUL; each line is a sentence. The scan runs "
          "on --threads threads\nand gives the same vocabulary whatever "
          "their number.",
          desc, nullptr, &vm)) {
    return *code;
  }
  TrainingJob job;
  if (auto code = PrepareScanJob(kCommand, vm, output, &job)) return *code;
  ScanRequest request = CorpusScanRequest(job);
  ProgressPrinter printer(job.quiet);
  request.progress = [&](const ScanStats& s) {
    printer.Update(FormatScanProgress(s));
  };
  StatusOr<ScanResult> scan = ScanCorpus(request);
  Status saved = scan.ok() ? scan->vocab.Save(output) : scan.status();
  if (!saved.ok()) {
    printer.Finish("");
    return ReportError(kCommand, saved);
  }
  PrintSummary(printer, *scan, request.vocab, output);
  return kExitOk;
}

}  // namespace wembed::cli
