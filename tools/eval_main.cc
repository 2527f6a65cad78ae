// wembed eval analogy | similarity: benchmark scores of word vectors.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "json_writer.h"
#include "vector_loading.h"
#include "wembed/analogy_evaluator.h"
#include "wembed/embeddings.h"
#include "wembed/similarity_evaluator.h"

namespace wembed::cli {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f%%", v);
  return buf;
}

// ---------------------------------------------------------------- analogy

struct AnalogyRun {
  std::string path;
  size_t skipped_lines = 0;
  AnalogyResult result;
};

void WriteCounts(JsonWriter& j, const AnalogyCounts& c, bool mul,
                 AnalogyProtocol protocol) {
  j.BeginObject()
      .Key("correct")
      .Int(static_cast<int64_t>(mul ? c.correct_mul : c.correct_add))
      .Key("seen")
      .Int(static_cast<int64_t>(c.seen))
      .Key("questions")
      .Int(static_cast<int64_t>(c.questions))
      .Key("accuracy")
      .Number(AnalogyAccuracy(c, mul, protocol))
      .Key("coverage")
      .Number(c.questions == 0 ? 0.0
                               : 100.0 * double(c.seen) / double(c.questions))
      .EndObject();
}

// The fields of one result (a file, or all files together). `primary_mul`:
// the main counts are 3CosMul (only mul was run).
void WriteResultFields(JsonWriter& j, const std::vector<AnalogyRun>& runs,
                       const AnalogyCounts& total,
                       const AnalogyCounts& semantic,
                       const AnalogyCounts& syntactic, const AnalogyOptions& o,
                       bool with_files) {
  const bool primary_mul = !o.method_add;
  j.Key("total");
  WriteCounts(j, total, primary_mul, o.protocol);
  j.Key("semantic");
  WriteCounts(j, semantic, primary_mul, o.protocol);
  j.Key("syntactic");
  WriteCounts(j, syntactic, primary_mul, o.protocol);
  if (o.method_mul) {
    j.Key("mul").BeginObject();
    j.Key("total");
    WriteCounts(j, total, true, o.protocol);
    j.Key("semantic");
    WriteCounts(j, semantic, true, o.protocol);
    j.Key("syntactic");
    WriteCounts(j, syntactic, true, o.protocol);
    j.EndObject();
  }
  j.Key("sections").BeginArray();
  for (const AnalogyRun& run : runs) {
    for (const AnalogySectionResult& s : run.result.sections) {
      const AnalogyCounts& c = s.counts;
      j.BeginObject()
          .Key("name")
          .String(s.name)
          .Key("file")
          .String(run.path)
          .Key("type")
          .String(s.syntactic ? "syntactic" : "semantic")
          .Key("correct")
          .Int(
              static_cast<int64_t>(primary_mul ? c.correct_mul : c.correct_add))
          .Key("seen")
          .Int(static_cast<int64_t>(c.seen))
          .Key("questions")
          .Int(static_cast<int64_t>(c.questions))
          .Key("accuracy")
          .Number(AnalogyAccuracy(c, primary_mul, o.protocol));
      if (o.method_mul) {
        j.Key("mul")
            .BeginObject()
            .Key("correct")
            .Int(static_cast<int64_t>(c.correct_mul))
            .Key("accuracy")
            .Number(AnalogyAccuracy(c, true, o.protocol))
            .EndObject();
      }
      j.EndObject();
    }
  }
  j.EndArray();
  if (with_files) {
    j.Key("files").BeginArray();
    for (const AnalogyRun& run : runs) {
      j.BeginObject().Key("path").String(run.path);
      j.Key("skipped_lines").Int(static_cast<int64_t>(run.skipped_lines));
      WriteResultFields(j, {run}, run.result.total, run.result.semantic,
                        run.result.syntactic, o, /*with_files=*/false);
      j.EndObject();
    }
    j.EndArray();
  }
}

void PrintCountsRow(const std::string& name, const AnalogyCounts& c,
                    const AnalogyOptions& o) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "  %-32s %6zu / %-6zu", name.c_str(), c.seen,
                c.questions);
  std::cout << buf;
  if (o.method_add) {
    std::snprintf(buf, sizeof(buf), "  %6zu %8s", c.correct_add,
                  Percent(AnalogyAccuracy(c, false, o.protocol)).c_str());
    std::cout << buf;
  }
  if (o.method_mul) {
    std::snprintf(buf, sizeof(buf), "  %6zu %8s", c.correct_mul,
                  Percent(AnalogyAccuracy(c, true, o.protocol)).c_str());
    std::cout << buf;
  }
  std::cout << "\n";
}

void PrintAnalogyTable(const AnalogyRun& run, const AnalogyOptions& o) {
  std::cout << "questions: " << run.path << "\n";
  std::string head = "  section                            seen / questions";
  if (o.method_add) head += "  3CosAdd correct/accuracy";
  if (o.method_mul) head += "  3CosMul correct/accuracy";
  std::cout << head << "\n";
  for (const AnalogySectionResult& s : run.result.sections) {
    PrintCountsRow(s.name, s.counts, o);
  }
  PrintCountsRow("semantic", run.result.semantic, o);
  PrintCountsRow("syntactic", run.result.syntactic, o);
  PrintCountsRow("total", run.result.total, o);
  const AnalogyCounts& t = run.result.total;
  std::cout << "  coverage: " << t.seen << " of "
            << CountOf(t.questions, "question") << " seen ("
            << Percent(t.questions ? 100.0 * t.seen / t.questions : 0.0) << ")";
  if (run.skipped_lines > 0) {
    std::cout << "; " << CountOf(run.skipped_lines, "malformed line")
              << " skipped (not 4 words)";
  }
  std::cout << "\n";
}

int RunAnalogy(int argc, char** argv) {
  const std::string command = "eval analogy";
  std::string vectors, method = "add", protocol = "skip-unknown";
  std::vector<std::string> question_files;
  AnalogyOptions o;
  bool json = false;
  po::options_description desc("options");
  AddVectorsOption(desc, &vectors);
  desc.add_options()(
      "questions",
      po::value<std::vector<std::string>>(&question_files)
          ->required()
          ->multitoken(),
      "analogy files (': section' headers, then 'a b c d' lines); several "
      "allowed")("restrict",
                 po::value<size_t>(&o.restrict_vocab)->default_value(30000),
                 "known words and candidates: the first N rows (0 = all)")(
      "method", po::value<std::string>(&method)->default_value("add"),
      "add (3CosAdd), mul (3CosMul) or both")(
      "protocol",
      po::value<std::string>(&protocol)->default_value("skip-unknown"),
      "skip-unknown (questions with unknown words are skipped) or "
      "all-in-denominator (they count as wrong; whole vocabulary searched)")(
      "case-sensitive", po::bool_switch(&o.case_sensitive),
      "do not lowercase questions and vocabulary")(
      "json", po::bool_switch(&json), "print one JSON object")(
      "threads", po::value<int>(&o.threads)->default_value(0),
      "threads (0 = all cores)");
  po::variables_map vm;
  if (auto rc = ParseCommandLine(
          argc, argv,
          "wembed eval analogy --vectors V --questions Q... [options]",
          "Accuracy on word analogies (a is to b as c is to d). The default\n"
          "protocol is gensim's evaluate_word_analogies(restrict_vocab=N,\n"
          "case_insensitive=True); see docs/evaluation.md.",
          desc, nullptr, &vm)) {
    return *rc;
  }
  if (method == "add") {
    o.method_add = true;
    o.method_mul = false;
  } else if (method == "mul") {
    o.method_add = false;
    o.method_mul = true;
  } else if (method == "both") {
    o.method_add = o.method_mul = true;
  } else {
    return ReportError(command, Status::InvalidArgument(
                                    "--method must be add, mul or both, not '" +
                                    method + "'"));
  }
  if (protocol == "skip-unknown") {
    o.protocol = AnalogyProtocol::kSkipUnknown;
  } else if (protocol == "all-in-denominator") {
    o.protocol = AnalogyProtocol::kAllInDenominator;
  } else {
    return ReportError(
        command, Status::InvalidArgument("--protocol must be skip-unknown or "
                                         "all-in-denominator, not '" +
                                         protocol + "'"));
  }
  if (o.threads < 0) {
    return ReportError(command,
                       Status::InvalidArgument("--threads must be >= 0"));
  }

  // Read the questions first: a bad question file fails fast.
  std::vector<AnalogyQuestionSet> sets;
  for (const std::string& f : question_files) {
    StatusOr<AnalogyQuestionSet> s = ReadAnalogyQuestions(f);
    if (!s.ok()) return ReportError(command, s.status());
    sets.push_back(std::move(s).value());
  }

  for (const AnalogyQuestionSet& set : sets) {
    if (set.num_questions() == 0) {
      return ReportError(
          command, Status::InvalidArgument(
                       set.path + ": no analogy questions (expected ': "
                                  "section' headers and 'a b c d' lines)"));
    }
  }
  const auto t_load = Clock::now();
  const size_t max_rows =
      o.protocol == AnalogyProtocol::kSkipUnknown ? o.restrict_vocab : 0;
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> emb =
      LoadVectorsForCommand(command, vectors, max_rows, &info);
  if (!emb.ok()) return ReportError(command, emb.status());
  const size_t dim = emb->vectors.cols();
  const AnalogyEvaluator evaluator(std::move(emb).value(), o);
  const double load_seconds = SecondsSince(t_load);
  if (evaluator.num_candidates() == 0) {
    return ReportError(command, Status::Corruption(vectors + ": no vectors"));
  }

  const auto t_eval = Clock::now();
  std::vector<AnalogyRun> runs;
  AnalogyCounts total, semantic, syntactic;
  for (const AnalogyQuestionSet& set : sets) {
    AnalogyRun run{set.path, set.skipped_lines, evaluator.Evaluate(set)};
    total.Add(run.result.total);
    semantic.Add(run.result.semantic);
    syntactic.Add(run.result.syntactic);
    runs.push_back(std::move(run));
  }
  const double eval_seconds = SecondsSince(t_eval);

  const char* method_name = o.method_add && o.method_mul ? "both"
                            : o.method_add               ? "add"
                                                         : "mul";
  if (json) {
    JsonWriter j;
    j.BeginObject()
        .Key("vectors")
        .String(vectors)
        .Key("format")
        .String(VectorSourceName(info))
        .Key("candidates")
        .Int(static_cast<int64_t>(evaluator.num_candidates()))
        .Key("dim")
        .Int(static_cast<int64_t>(dim))
        .Key("restrict")
        .Int(static_cast<int64_t>(o.restrict_vocab))
        .Key("protocol")
        .String(protocol)
        .Key("case_sensitive")
        .Bool(o.case_sensitive)
        .Key("method")
        .String(method_name);
    WriteResultFields(j, runs, total, semantic, syntactic, o,
                      /*with_files=*/true);
    j.Key("seconds")
        .BeginObject()
        .Key("load")
        .Number(load_seconds)
        .Key("evaluate")
        .Number(eval_seconds)
        .EndObject();
    j.EndObject();
    std::cout << j.str() << "\n";
    return kExitOk;
  }
  std::cout << "vectors: " << vectors << " (" << VectorSourceName(info) << ", "
            << CountOf(evaluator.num_candidates(), "candidate row") << ", dim "
            << dim << ")\nprotocol: " << protocol << ", restrict "
            << (o.protocol == AnalogyProtocol::kSkipUnknown
                    ? std::to_string(o.restrict_vocab)
                    : std::string("ignored"))
            << ", "
            << (o.case_sensitive ? "case-sensitive" : "case-insensitive")
            << ", method " << method_name << "\n";
  for (const AnalogyRun& run : runs) PrintAnalogyTable(run, o);
  if (runs.size() > 1) {
    std::cout << "all files:\n";
    PrintCountsRow("semantic", semantic, o);
    PrintCountsRow("syntactic", syntactic, o);
    PrintCountsRow("total", total, o);
  }
  char buf[128];
  std::snprintf(buf, sizeof(buf), "time: load %.2f s, evaluate %.2f s\n",
                load_seconds, eval_seconds);
  std::cout << buf;
  return kExitOk;
}

// ------------------------------------------------------------- similarity

void WriteSimilarityFields(JsonWriter& j, const std::string& path,
                           const SimilarityResult& r,
                           const WordPairsReadInfo& read) {
  j.Key("pairs")
      .String(path)
      .Key("skipped_lines")
      .Int(static_cast<int64_t>(read.skipped_lines))
      .Key("spearman")
      .Number(r.spearman)
      .Key("pearson")
      .Number(r.pearson)
      .Key("pairs_used")
      .Int(static_cast<int64_t>(r.pairs_used))
      .Key("pairs_total")
      .Int(static_cast<int64_t>(r.pairs_total))
      .Key("pairs_skipped")
      .Int(static_cast<int64_t>(r.pairs_total - r.pairs_used))
      .Key("unknown_words")
      .BeginArray();
  for (const std::string& w : r.unknown_words) j.String(w);
  j.EndArray();
}

// Why the correlations of `r` (pairs of `pairs`, vectors of `vectors`) are
// undefined (NaN).
std::string WhyUndefined(const std::vector<WordPair>& pairs,
                         const SimilarityResult& r,
                         const std::string& vectors) {
  if (r.pairs_total < 2) {
    return "the file has only " + CountOf(r.pairs_total, "pair") +
           " (need at least 2)";
  }
  if (r.pairs_used < 2) {
    return "only " + std::to_string(r.pairs_used) + " of the " +
           CountOf(r.pairs_total, "pair") +
           " has both words in the vocabulary of " + vectors +
           " (need at least 2)";
  }
  std::vector<double> gold, model;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (std::isnan(r.cosines[i])) continue;
    gold.push_back(pairs[i].score);
    model.push_back(r.cosines[i]);
  }
  auto constant = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; });
  };
  const std::string n = std::to_string(r.pairs_used);
  if (constant(gold))
    return "the scores of the " + n + " usable pairs are all equal";
  if (constant(model)) {
    return "the cosine similarities of the " + n +
           " usable pairs are all equal";
  }
  return "constant input";
}

int RunSimilarity(int argc, char** argv) {
  const std::string command = "eval similarity";
  std::string vectors;
  std::vector<std::string> pair_files;
  SimilarityOptions o;
  bool json = false;
  po::options_description desc("options");
  AddVectorsOption(desc, &vectors);
  desc.add_options()(
      "pairs",
      po::value<std::vector<std::string>>(&pair_files)
          ->required()
          ->multitoken(),
      "'word1 word2 score' files (tab or space separated, '#' comments); "
      "several allowed")("restrict",
                         po::value<size_t>(&o.restrict_vocab)->default_value(0),
                         "known words: the first N rows (0 = all)")(
      "case-sensitive", po::bool_switch(&o.case_sensitive),
      "do not lowercase the pairs and the vocabulary")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::variables_map vm;
  if (auto rc = ParseCommandLine(
          argc, argv,
          "wembed eval similarity --vectors V --pairs P... [options]",
          "Spearman and Pearson correlation between cosine similarity and "
          "human scores,\nover the pairs whose two words are known.",
          desc, nullptr, &vm)) {
    return *rc;
  }
  std::vector<std::vector<WordPair>> pair_sets;
  std::vector<WordPairsReadInfo> read_infos;
  for (const std::string& f : pair_files) {
    WordPairsReadInfo read;
    StatusOr<std::vector<WordPair>> p = ReadWordPairs(f, &read);
    if (!p.ok()) return ReportError(command, p.status());
    if (p->empty()) {
      return ReportError(
          command,
          Status::InvalidArgument(
              f + ": no word pairs (expected 'word1 word2 score' lines)" +
              (read.skipped_lines == 0
                   ? std::string()
                   : "; " + CountOf(read.skipped_lines, "line") +
                         " skipped because the score is not a number")));
    }
    if (read.skipped_lines > 0) {
      std::cerr << "wembed " << command << ": warning: " << f << ": skipped "
                << CountOf(read.skipped_lines, "line")
                << " whose score is not a number (first: line "
                << read.first_skipped_line << " '"
                << read.first_skipped.substr(0, 60) << "')\n";
    }
    pair_sets.push_back(std::move(p).value());
    read_infos.push_back(std::move(read));
  }
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> emb =
      LoadVectorsForCommand(command, vectors, o.restrict_vocab, &info);
  if (!emb.ok()) return ReportError(command, emb.status());
  const SimilarityEvaluator evaluator(*emb, o);
  std::vector<SimilarityResult> results;
  for (size_t i = 0; i < pair_sets.size(); ++i) {
    StatusOr<SimilarityResult> r = evaluator.Evaluate(pair_sets[i]);
    if (!r.ok()) {
      return ReportError(
          command, Status(r.status().code(), pair_files[i] + ": " +
                                                 r.status().message() + " of " +
                                                 vectors));
    }
    if (!std::isfinite(r->spearman) || !std::isfinite(r->pearson)) {
      return ReportError(
          command,
          Status::InvalidArgument(pair_files[i] + ": correlation undefined: " +
                                  WhyUndefined(pair_sets[i], *r, vectors)));
    }
    results.push_back(std::move(r).value());
  }
  if (json) {
    JsonWriter j;
    j.BeginObject()
        .Key("vectors")
        .String(vectors)
        .Key("format")
        .String(VectorSourceName(info))
        .Key("rows")
        .Int(static_cast<int64_t>(emb->words.size()));
    // The first file's numbers at the top level; every file under "files".
    WriteSimilarityFields(j, pair_files[0], results[0], read_infos[0]);
    j.Key("files").BeginArray();
    for (size_t i = 0; i < results.size(); ++i) {
      j.BeginObject();
      WriteSimilarityFields(j, pair_files[i], results[i], read_infos[i]);
      j.EndObject();
    }
    j.EndArray().EndObject();
    std::cout << j.str() << "\n";
    return kExitOk;
  }
  std::cout << "vectors: " << vectors << " (" << VectorSourceName(info) << ", "
            << CountOf(emb->words.size(), "row") << ", dim "
            << emb->vectors.cols() << ")\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const SimilarityResult& r = results[i];
    char buf[512];
    std::snprintf(buf, sizeof(buf),
                  "%s: spearman %.4f  pearson %.4f  pairs used %zu of %zu "
                  "(%zu skipped: unknown words)",
                  pair_files[i].c_str(), r.spearman, r.pearson, r.pairs_used,
                  r.pairs_total, r.pairs_total - r.pairs_used);
    std::cout << buf;
    if (read_infos[i].skipped_lines > 0) {
      std::cout << "; " << CountOf(read_infos[i].skipped_lines, "line")
                << " skipped (score not a number)";
    }
    std::cout << "\n";
    if (!r.unknown_words.empty()) {
      std::cout << "  unknown words:";
      for (size_t k = 0; k < r.unknown_words.size() && k < 20; ++k) {
        std::cout << " " << r.unknown_words[k];
      }
      if (r.unknown_words.size() > 20) std::cout << " ...";
      std::cout << "\n";
    }
  }
  return kExitOk;
}

void PrintEvalUsage(std::ostream& out) {
  out << "usage: wembed eval <benchmark> [options]\n\nbenchmarks:\n"
         "  analogy     accuracy on analogy questions (3CosAdd / 3CosMul)\n"
         "  similarity  Spearman/Pearson correlation on word-pair scores\n\n"
         "'wembed eval <benchmark> --help' lists its options.\n";
}

}  // namespace

int RunEvalCommand(int argc, char** argv) {
  if (argc < 2) {
    PrintEvalUsage(std::cerr);
    return kExitUsage;
  }
  const std::string sub = argv[1];
  if (sub == "--help" || sub == "-h") {
    PrintEvalUsage(std::cout);
    return kExitOk;
  }
  // Re-point argv[0] so that messages read "wembed eval analogy: ...".
  std::string name = "eval " + sub;
  std::vector<char*> args(argv + 1, argv + argc);
  args[0] = name.data();
  if (sub == "analogy") return RunAnalogy(argc - 1, args.data());
  if (sub == "similarity") return RunSimilarity(argc - 1, args.data());
  std::cerr << "wembed eval: unknown benchmark '" << sub
            << "' (expected analogy or similarity)\n";
  return kExitUsage;
}

}  // namespace wembed::cli
