// wembed phrases: joins frequent word pairs with '_' (word2phrase, gensim's
// Phrases), in one or more passes; the work is RunPhrases in the library.
#include <cstdio>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "progress_format.h"
#include "wembed/corpus/phrases.h"
#include "wembed/train/option_table.h"

namespace wembed::cli {
namespace {

constexpr char kCommand[] = "phrases";

// The options of this command that no other command has.
struct PhraseFlags {
  std::string output;
  std::vector<double> thresholds;
  std::string scoring = "default";
  int passes = 1;
};

void AddPhraseOptions(po::options_description& desc, PhraseFlags* flags) {
  desc.add_options()(
      "output,o", po::value(&flags->output)->required(),
      "text file to write (gzip if the name ends in .gz): the tokens, one "
      "space apart, one line per sentence, pairs joined with '_'")(
      "threshold", po::value(&flags->thresholds)->multitoken(),
      "a pair is joined when its score is above this: one value for every "
      "pass, or one per pass (--passes 2 --threshold 200 100). Default 100; "
      "0.5 with --scoring npmi, where it must be in [-1, 1] (write negative "
      "values as --threshold=-0.2)")(
      "scoring", po::value(&flags->scoring)->default_value("default"),
      "default: word2phrase's (count(ab) - min-count) * total / (count(a) * "
      "count(b)); npmi: gensim's normalized pointwise mutual information")(
      "passes", po::value(&flags->passes)->default_value(1),
      "pass k joins pairs in the output of pass k-1: phrases of up to 2^k "
      "words (the inputs are read passes + 1 times)");
  AddTableOptions(
      desc,
      {"input", "lowercase", "strip-punct", "max-token-bytes", "min-count",
       "max-table-entries", "quiet"},
      {{"input",
        "corpus files (plain or gzip; files, not - or a pipe: "
        "they are read once per pass and once more to write)"},
       {"min-count", "words and pairs seen fewer times are never joined"},
       {"max-table-entries",
        "distinct words + pairs held while counting; beyond it the rarest "
        "are pruned (word2phrase's ReduceVocab) and rare counts become "
        "approximate (about 50 bytes each)"},
       {"quiet", "no progress or summary output"}});
}

// The library's options from the table's and this command's flags.
StatusOr<PhraseOptions> MakeOptions(const TrainingJob& job,
                                    const PhraseFlags& flags) {
  PhraseOptions options;
  options.tokenizer = job.options.tokenizer;
  options.min_count = job.options.vocab.min_count;
  options.max_table_entries = job.options.vocab.max_table_entries;
  if (flags.scoring == "npmi") {
    options.scoring = PhraseScoring::kNpmi;
  } else if (flags.scoring != "default") {
    return Status::InvalidArgument("--scoring must be default or npmi, not '" +
                                   flags.scoring + "'");
  }
  if (flags.passes < 1 || flags.passes > kMaxPhrasePasses) {
    return Status::InvalidArgument("--passes must be in 1.." +
                                   std::to_string(kMaxPhrasePasses));
  }
  std::vector<double> t = flags.thresholds;
  if (t.empty()) {
    t = {options.scoring == PhraseScoring::kNpmi ? kDefaultNpmiThreshold
                                                 : kDefaultPhraseThreshold};
  }
  if (t.size() == 1) t.assign(size_t(flags.passes), t[0]);
  if (t.size() != size_t(flags.passes)) {
    return Status::InvalidArgument(
        "--threshold: " + CountOf(t.size(), "value") + " for " +
        CountOf(size_t(flags.passes), "pass", "passes") +
        " (give one value, or one per pass)");
  }
  options.thresholds = t;
  return options;
}

std::string FormatReal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

std::string FormatProgress(const PhraseProgress& p) {
  const std::string what = p.writing
                               ? "writing"
                               : "pass " + std::to_string(p.pass) + "/" +
                                     std::to_string(p.passes) + " counting";
  return "phrases: " + what + ": " + FormatCount(double(p.bytes_read)) +
         "B read, " + FormatCount(double(p.tokens)) + " tokens, " +
         FormatDuration(p.seconds);
}

// The line after a pass and, when its table was pruned, a note.
void PrintPass(ProgressPrinter& printer, const PhrasePassStats& s,
               size_t passes, uint64_t max_entries) {
  char secs[32];
  std::snprintf(secs, sizeof(secs), "%.1f s", s.seconds);
  printer.Line("phrases: pass " + std::to_string(s.pass) + "/" +
               std::to_string(passes) + ": " + FormatCount(double(s.tokens)) +
               " tokens, " + FormatCount(double(s.distinct_words)) +
               " distinct words, " + FormatCount(double(s.distinct_pairs)) +
               " distinct pairs; " + CountOf(s.phrases, "phrase") +
               " scored above " + FormatReal(s.threshold) + " (" + secs + ")");
  if (s.prune_rounds > 0) {
    printer.Line("phrases: note: pass " + std::to_string(s.pass) +
                 ": more than " + std::to_string(max_entries) +
                 " distinct words and pairs: the count table was pruned " +
                 CountOf(s.prune_rounds, "time") +
                 " (counts <= " + std::to_string(s.prune_threshold) +
                 " dropped while counting), so counts of rare pairs are "
                 "approximate; raise --max-table-entries for exact counts");
  }
}

std::string FormatSummary(const PhraseResult& r, const std::string& output) {
  std::string joined;
  for (const PhrasePassStats& s : r.passes) {
    joined += (joined.empty() ? "" : ", ") + FormatCount(double(s.joined)) +
              " in pass " + std::to_string(s.pass);
  }
  char secs[32];
  std::snprintf(secs, sizeof(secs), "%.1f s", r.seconds);
  return "phrases: wrote " + FormatCount(double(r.tokens_written)) +
         " tokens, " + CountOf(r.sentences_written, "line") +
         " (pairs joined: " + joined + ") in " + secs + " -> " + output;
}

}  // namespace

int RunPhrasesCommand(int argc, char** argv) {
  PhraseFlags flags;
  po::options_description desc("options");
  AddPhraseOptions(desc, &flags);
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed phrases --input F... --output F [--min-count 5] "
          "[--threshold 100] [--scoring default|npmi] [--passes 1]",
          "Joins frequent word pairs with '_' (new york -> new_york), as "
          "word2vec's word2phrase\nand gensim's Phrases do: each pass counts "
          "words and adjacent pairs (never across\na line end) in a bounded "
          "table, scores each pair and joins those scoring above\nthe "
          "threshold; later passes build longer phrases. Tokens are split as "
          "for train.",
          desc, nullptr, &vm)) {
    return *code;
  }
  TrainingJob job;
  if (auto code = ApplyCorpusOptions(kCommand, vm, &job)) return *code;
  StatusOr<PhraseOptions> options = MakeOptions(job, flags);
  if (!options.ok()) return ReportError(kCommand, options.status());
  PhraseRequest request;
  request.inputs = job.options.inputs;
  request.output = flags.output;
  request.options = *options;
  ProgressPrinter printer(job.quiet);
  request.progress = [&](const PhraseProgress& p) {
    printer.Update(FormatProgress(p));
  };
  request.pass_done = [&](const PhrasePassStats& s) {
    PrintPass(printer, s, request.options.thresholds.size(),
              request.options.max_table_entries);
  };
  StatusOr<PhraseResult> result = RunPhrases(request);
  if (!result.ok()) {
    printer.Finish("");
    return ReportError(kCommand, result.status());
  }
  printer.Finish(FormatSummary(*result, flags.output));
  return kExitOk;
}

}  // namespace wembed::cli
