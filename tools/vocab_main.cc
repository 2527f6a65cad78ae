// wembed vocab: one counting pass over the corpus; writes the vocabulary in
// word2vec's -save-vocab format ("word count" lines, most frequent first).
#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/corpus_scanner.h"

namespace wembed::cli {
namespace {

constexpr char kCommand[] = "vocab";

// Parses a non-negative decimal integer option value.
StatusOr<uint64_t> ParseCount(const std::string& option,
                              const std::string& text) {
  uint64_t v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  const auto r = std::from_chars(first, last, v);
  if (text.empty() || r.ec != std::errc() || r.ptr != last) {
    return Status::InvalidArgument("--" + option +
                                   ": expected a non-negative integer, got '" +
                                   text + "'");
  }
  return v;
}

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f s", s);
  return buf;
}

}  // namespace

int RunVocabCommand(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string output;
  std::string min_count_text = "5";
  std::string max_vocab_text = "0";
  std::string max_table_text = std::to_string(VocabOptions().max_table_entries);
  TokenizerOptions tokenizer;
  bool quiet = false;

  po::options_description desc("options");
  desc.add_options()(
      "input,i", po::value(&inputs)->multitoken()->required(),
      "corpus files, plain text or gzip (detected by content); '-' reads "
      "stdin")("output,o", po::value(&output)->required(),
               "vocabulary file to write ('word count' lines)")(
      "min-count", po::value(&min_count_text)->default_value(min_count_text),
      "keep words occurring at least this many times")(
      "max-vocab", po::value(&max_vocab_text)->default_value(max_vocab_text),
      "keep at most this many most frequent words (0 = no limit)")(
      "max-table-entries",
      po::value(&max_table_text)->default_value(max_table_text),
      "distinct words held while counting; beyond it the rarest are pruned "
      "(word2vec's ReduceVocab) and counts become approximate")(
      "quiet,q", po::bool_switch(&quiet), "no progress or summary output");
  AddTokenizerOptions(desc, &tokenizer);

  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv, "wembed vocab --input F... --output vocab.txt [options]",
          "Counts the words of a corpus in one pass and writes word2vec's "
          "vocabulary format:\none 'word count' line per word, by count "
          "descending (ties: first occurrence first).\nTokens are split on "
          "ASCII whitespace and NUL; each line is a sentence.",
          desc, nullptr, &vm)) {
    return *code;
  }

  ScanRequest request;
  request.inputs = inputs;
  request.tokenizer = tokenizer;
  {
    StatusOr<uint64_t> v = ParseCount("min-count", min_count_text);
    if (!v.ok()) return ReportError(kCommand, v.status());
    request.vocab.min_count = *v;
    v = ParseCount("max-vocab", max_vocab_text);
    if (!v.ok()) return ReportError(kCommand, v.status());
    request.vocab.max_vocab = *v;
    v = ParseCount("max-table-entries", max_table_text);
    if (!v.ok()) return ReportError(kCommand, v.status());
    request.vocab.max_table_entries = *v;
  }
  PathOptions input_paths;
  for (const std::string& in : inputs) input_paths.push_back({"--input", in});
  if (Status s = CheckOutputPaths(input_paths, {{"--output", output}});
      !s.ok()) {
    return ReportError(kCommand, s);
  }
  if (Status s = CheckWritable("--output", output); !s.ok()) {
    return ReportError(kCommand, s);
  }

  ProgressPrinter printer(quiet);
  request.progress = [&](const ScanStats& s) {
    printer.Update(FormatScanProgress(s));
  };
  StatusOr<ScanResult> scanned = ScanCorpus(request);
  if (!scanned.ok()) {
    printer.Finish("");
    return ReportError(kCommand, scanned.status());
  }
  const ScanResult& scan = *scanned;
  if (Status s = scan.vocab.Save(output); !s.ok()) {
    printer.Finish("");
    return ReportError(kCommand, s);
  }
  const ScanStats& st = scan.stats;
  printer.Finish("vocab: " + CountOf(st.total_tokens, "token") + ", " +
                 std::to_string(st.distinct_tokens) + " distinct, " +
                 CountOf(st.sentences, "sentence") + ", " +
                 FormatCount(double(st.bytes_read)) + "B read in " +
                 FormatSeconds(st.seconds) + "; kept " +
                 CountOf(scan.vocab.size(), "word") + " (min-count " +
                 std::to_string(request.vocab.min_count) + ") covering " +
                 CountOf(scan.vocab.total_count(), "token") + " -> " + output);
  if (st.prune_rounds > 0) {
    printer.Line("vocab: note: more than " +
                 std::to_string(request.vocab.max_table_entries) +
                 " distinct words: the count table was pruned " +
                 CountOf(st.prune_rounds, "time") +
                 " (counts <= " + std::to_string(st.prune_threshold) +
                 " dropped while counting), so counts of rare words are "
                 "approximate; raise --max-table-entries for exact counts");
  }
  return kExitOk;
}

}  // namespace wembed::cli
