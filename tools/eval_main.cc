// wembed eval analogy | similarity: benchmark scores of word vectors.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "vector_loading.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/eval/similarity_evaluator.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/vectors/subword_vectors.h"

namespace wembed::cli {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f%%", v);
  return buf;
}

// NaN and infinities as null (JSON has no such numbers).
Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

void PrintJson(const Json& j) {
  std::cout << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
}

// ---------------------------------------------------------------- analogy

struct AnalogyArgs {
  std::string vectors;
  std::vector<std::string> question_files;
  std::string method = "add";
  std::string protocol = "skip-unknown";
  std::string oov = "none";
  bool json = false;
  AnalogyOptions options;
};

struct AnalogyRun {
  std::string path;
  size_t skipped_lines = 0;
  AnalogyResult result;
};

// All files together.
struct AnalogyTotals {
  AnalogyCounts total, semantic, syntactic;
};

void AddAnalogyOptions(po::options_description& desc, AnalogyArgs* a) {
  AddVectorsOption(desc, &a->vectors);
  desc.add_options()(
      "questions",
      po::value<std::vector<std::string>>(&a->question_files)
          ->required()
          ->multitoken(),
      "analogy files (': section' headers, then 'a b c d' lines; plain or "
      "gzip); several allowed")(
      "restrict",
      po::value<size_t>(&a->options.restrict_vocab)->default_value(30000),
      "known words and candidates: the first N rows (0 = all)")(
      "method", po::value<std::string>(&a->method)->default_value("add"),
      "add (3CosAdd), mul (3CosMul) or both")(
      "protocol",
      po::value<std::string>(&a->protocol)->default_value("skip-unknown"),
      "skip-unknown (questions with unknown words are skipped) or "
      "all-in-denominator (they count as wrong; whole vocabulary searched)")(
      "case-sensitive", po::bool_switch(&a->options.case_sensitive),
      "do not lowercase questions and vocabulary")(
      "oov", po::value<std::string>(&a->oov)->default_value("none"),
      "none: questions with an unknown word are skipped; subwords: an "
      "unknown word gets the mean of its character n-gram rows (a "
      "checkpoint trained with --subwords) and is a question word only, "
      "never a candidate answer")(
      "json", po::bool_switch(&a->json), "print one JSON object")(
      "threads", po::value<int>(&a->options.threads)->default_value(0),
      "threads (0 = all cores)");
}

// Reads --method, --protocol and --threads into the evaluator's options.
Status ResolveAnalogyOptions(AnalogyArgs* a) {
  AnalogyOptions& o = a->options;
  if (a->method != "add" && a->method != "mul" && a->method != "both") {
    return Status::InvalidArgument("--method must be add, mul or both, not '" +
                                   a->method + "'");
  }
  o.method_add = a->method != "mul";
  o.method_mul = a->method != "add";
  if (a->protocol == "skip-unknown") {
    o.protocol = AnalogyProtocol::kSkipUnknown;
  } else if (a->protocol == "all-in-denominator") {
    o.protocol = AnalogyProtocol::kAllInDenominator;
  } else {
    return Status::InvalidArgument(
        "--protocol must be skip-unknown or all-in-denominator, not '" +
        a->protocol + "'");
  }
  if (o.threads < 0) return Status::InvalidArgument("--threads must be >= 0");
  if (a->oov != "none" && a->oov != "subwords") {
    return Status::InvalidArgument("--oov must be none or subwords, not '" +
                                   a->oov + "'");
  }
  return Status::Ok();
}

// The checkpoint `vectors` with its n-gram matrix, for --oov subwords.
StatusOr<Checkpoint> ReadSubwordCheckpoint(const std::string& vectors) {
  const Status needs =
      Status::InvalidArgument("--oov subwords: " + vectors +
                              " is not a checkpoint trained with --subwords");
  if (!LooksLikeCheckpoint(vectors)) return needs;
  StatusOr<Checkpoint> c = ReadCheckpoint(vectors);
  if (!c.ok()) return c.status();
  if (!c->subwords.enabled()) return needs;
  return c;
}

// Every questions file, read before the vectors so a bad one fails fast.
StatusOr<std::vector<AnalogyQuestionSet>> ReadQuestionSets(
    const std::vector<std::string>& files) {
  std::vector<AnalogyQuestionSet> sets;
  for (const std::string& f : files) {
    StatusOr<AnalogyQuestionSet> s = ReadAnalogyQuestions(f);
    if (!s.ok()) return s.status();
    if (s->num_questions() == 0) {
      return Status::InvalidArgument(
          f + ": no analogy questions (expected ': section' headers and "
              "'a b c d' lines)");
    }
    sets.push_back(std::move(s).value());
  }
  return sets;
}

double CoveragePercent(size_t seen, size_t questions) {
  return questions == 0 ? 0.0 : 100.0 * double(seen) / double(questions);
}

// With --oov subwords "seen" and "coverage" count the questions scored
// (with n-gram vectors), and the *_in_vocab fields those of vocabulary words
// only.
Json CountsJson(const AnalogyCounts& c, bool mul, const AnalogyOptions& o,
                bool subwords) {
  Json j = {{"correct", mul ? c.correct_mul : c.correct_add},
            {"seen", c.seen},
            {"questions", c.questions},
            {"accuracy", AnalogyAccuracy(c, mul, o.protocol)},
            {"coverage", CoveragePercent(c.seen, c.questions)}};
  if (subwords) {
    j["seen_in_vocab"] = c.seen_in_vocab;
    j["coverage_in_vocab"] = CoveragePercent(c.seen_in_vocab, c.questions);
  }
  return j;
}

// total, semantic and syntactic under `mul` counts.
void AddTotalsJson(Json& j, const AnalogyTotals& t, bool mul,
                   const AnalogyOptions& o, bool subwords) {
  j["total"] = CountsJson(t.total, mul, o, subwords);
  j["semantic"] = CountsJson(t.semantic, mul, o, subwords);
  j["syntactic"] = CountsJson(t.syntactic, mul, o, subwords);
}

Json SectionJson(const AnalogySectionResult& s, const std::string& file,
                 const AnalogyOptions& o) {
  const bool primary_mul = !o.method_add;
  const AnalogyCounts& c = s.counts;
  Json j = {{"name", s.name},
            {"file", file},
            {"type", s.syntactic ? "syntactic" : "semantic"},
            {"correct", primary_mul ? c.correct_mul : c.correct_add},
            {"seen", c.seen},
            {"questions", c.questions},
            {"accuracy", AnalogyAccuracy(c, primary_mul, o.protocol)}};
  if (o.method_mul) {
    j["mul"] = {{"correct", c.correct_mul},
                {"accuracy", AnalogyAccuracy(c, true, o.protocol)}};
  }
  return j;
}

// The fields of one result (a file, or all files together); the main counts
// are 3CosMul's when only mul was run.
void AddResultJson(Json& j, const std::vector<AnalogyRun>& runs,
                   const AnalogyTotals& totals, const AnalogyOptions& o,
                   bool subwords) {
  AddTotalsJson(j, totals, !o.method_add, o, subwords);
  if (o.method_mul) {
    j["mul"] = Json::object();
    AddTotalsJson(j["mul"], totals, true, o, subwords);
  }
  j["sections"] = Json::array();
  for (const AnalogyRun& run : runs) {
    for (const AnalogySectionResult& s : run.result.sections) {
      j["sections"].push_back(SectionJson(s, run.path, o));
    }
  }
}

Json AnalogyJson(const AnalogyArgs& a, const EmbeddingsLoadInfo& info,
                 const AnalogyEvaluator& evaluator, size_t dim,
                 const std::vector<AnalogyRun>& runs,
                 const AnalogyTotals& totals, double load_s, double eval_s) {
  const AnalogyOptions& o = a.options;
  Json j = {{"vectors", a.vectors},
            {"format", VectorSourceName(info)},
            {"candidates", evaluator.num_candidates()},
            {"dim", dim},
            {"restrict", o.restrict_vocab},
            {"protocol", a.protocol},
            {"case_sensitive", o.case_sensitive},
            {"method", a.method},
            {"oov", a.oov}};
  const bool subwords = a.oov == "subwords";
  if (subwords) j["query_only_words"] = evaluator.num_query_only();
  AddResultJson(j, runs, totals, o, subwords);
  j["files"] = Json::array();
  for (const AnalogyRun& run : runs) {
    Json f = {{"path", run.path}, {"skipped_lines", run.skipped_lines}};
    AddResultJson(f, {run},
                  {run.result.total, run.result.semantic, run.result.syntactic},
                  o, subwords);
    j["files"].push_back(std::move(f));
  }
  j["seconds"] = {{"load", load_s}, {"evaluate", eval_s}};
  return j;
}

void PrintCountsRow(const std::string& name, const AnalogyCounts& c,
                    const AnalogyOptions& o) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "  %-32s %6zu / %-6zu", name.c_str(), c.seen,
                c.questions);
  std::cout << buf;
  for (const bool mul : {false, true}) {
    if (mul ? !o.method_mul : !o.method_add) continue;
    std::snprintf(buf, sizeof(buf), "  %6zu %8s",
                  mul ? c.correct_mul : c.correct_add,
                  Percent(AnalogyAccuracy(c, mul, o.protocol)).c_str());
    std::cout << buf;
  }
  std::cout << "\n";
}

void PrintAnalogyTable(const AnalogyRun& run, const AnalogyOptions& o,
                       bool subwords) {
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
            << Percent(CoveragePercent(t.seen, t.questions)) << ")";
  if (subwords) {
    std::cout << " with subwords, " << t.seen_in_vocab << " ("
              << Percent(CoveragePercent(t.seen_in_vocab, t.questions))
              << ") in the vocabulary";
  }
  if (run.skipped_lines > 0) {
    std::cout << "; " << CountOf(run.skipped_lines, "malformed line")
              << " skipped (not 4 words)";
  }
  std::cout << "\n";
}

void PrintAnalogyText(const AnalogyArgs& a, const EmbeddingsLoadInfo& info,
                      const AnalogyEvaluator& evaluator, size_t dim,
                      const std::vector<AnalogyRun>& runs,
                      const AnalogyTotals& totals, double load_s,
                      double eval_s) {
  const AnalogyOptions& o = a.options;
  std::cout << "vectors: " << a.vectors << " (" << VectorSourceName(info)
            << ", " << CountOf(evaluator.num_candidates(), "candidate row")
            << ", dim " << dim << ")\nprotocol: " << a.protocol
            << ", restrict "
            << (o.protocol == AnalogyProtocol::kSkipUnknown
                    ? std::to_string(o.restrict_vocab)
                    : std::string("ignored"))
            << ", "
            << (o.case_sensitive ? "case-sensitive" : "case-insensitive")
            << ", method " << a.method << "\n";
  if (a.oov == "subwords") {
    std::cout << "oov: subwords, "
              << CountOf(evaluator.num_query_only(), "unknown word")
              << " with n-gram vectors (question words only, not "
                 "candidates)\n";
  }
  for (const AnalogyRun& run : runs) {
    PrintAnalogyTable(run, o, a.oov == "subwords");
  }
  if (runs.size() > 1) {
    std::cout << "all files:\n";
    PrintCountsRow("semantic", totals.semantic, o);
    PrintCountsRow("syntactic", totals.syntactic, o);
    PrintCountsRow("total", totals.total, o);
  }
  char buf[128];
  std::snprintf(buf, sizeof(buf), "time: load %.2f s, evaluate %.2f s\n",
                load_s, eval_s);
  std::cout << buf;
}

// --oov subwords: the mean of its n-gram rows for every question word that
// is not among `known` (the rows loaded), from the checkpoint a.vectors.
StatusOr<Embeddings> UnseenQuestionWords(
    const std::string& command, const AnalogyArgs& a,
    const std::vector<AnalogyQuestionSet>& sets,
    const std::vector<std::string>& known) {
  StatusOr<Checkpoint> c = ReadSubwordCheckpoint(a.vectors);
  if (!c.ok()) return c.status();
  std::vector<std::string> words;
  for (const AnalogyQuestionSet& set : sets) {
    for (const AnalogySection& sec : set.sections) {
      for (const AnalogyQuestion& q : sec.questions) {
        for (const std::string* w : {&q.a, &q.b, &q.c, &q.expected}) {
          words.push_back(*w);
        }
      }
    }
  }
  Embeddings unseen = UnseenWordVectors(words, known, a.options.case_sensitive,
                                        c->subwords, c->subword_input);
  ReportNote(command, CountOf(unseen.words.size(), "unknown word") +
                          " got vectors from their character n-grams");
  return unseen;
}

// Loads the vectors (and with --oov subwords the unseen words' vectors)
// into an evaluator.
StatusOr<std::unique_ptr<AnalogyEvaluator>> LoadAnalogyEvaluator(
    const std::string& command, const AnalogyArgs& a,
    const std::vector<AnalogyQuestionSet>& sets, EmbeddingsLoadInfo* info) {
  const AnalogyOptions& o = a.options;
  StatusOr<Embeddings> emb = LoadVectorsForCommand(
      command, a.vectors,
      o.protocol == AnalogyProtocol::kSkipUnknown ? o.restrict_vocab : 0, info);
  if (!emb.ok()) return emb.status();
  Embeddings unseen;
  if (a.oov == "subwords") {
    StatusOr<Embeddings> u = UnseenQuestionWords(command, a, sets, emb->words);
    if (!u.ok()) return u.status();
    unseen = std::move(u).value();
  }
  return std::make_unique<AnalogyEvaluator>(std::move(emb).value(), o,
                                            std::move(unseen));
}

int RunAnalogy(int argc, char** argv) {
  const std::string command = "eval analogy";
  AnalogyArgs a;
  po::options_description desc("options");
  AddAnalogyOptions(desc, &a);
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
  if (Status s = ResolveAnalogyOptions(&a); !s.ok()) {
    return ReportError(command, s);
  }
  StatusOr<std::vector<AnalogyQuestionSet>> sets =
      ReadQuestionSets(a.question_files);
  if (!sets.ok()) return ReportError(command, sets.status());
  const auto t_load = Clock::now();
  EmbeddingsLoadInfo info;
  StatusOr<std::unique_ptr<AnalogyEvaluator>> loaded =
      LoadAnalogyEvaluator(command, a, *sets, &info);
  if (!loaded.ok()) return ReportError(command, loaded.status());
  const AnalogyEvaluator& evaluator = **loaded;
  const size_t dim = evaluator.dim();
  const double load_s = SecondsSince(t_load);
  if (evaluator.num_candidates() == 0) {
    return ReportError(command, Status::Corruption(a.vectors + ": no vectors"));
  }
  const auto t_eval = Clock::now();
  std::vector<AnalogyRun> runs;
  AnalogyTotals totals;
  for (const AnalogyQuestionSet& set : *sets) {
    runs.push_back({set.path, set.skipped_lines, evaluator.Evaluate(set)});
    totals.total.Add(runs.back().result.total);
    totals.semantic.Add(runs.back().result.semantic);
    totals.syntactic.Add(runs.back().result.syntactic);
  }
  const double eval_s = SecondsSince(t_eval);
  if (a.json) {
    PrintJson(AnalogyJson(a, info, evaluator, dim, runs, totals, load_s,
                          eval_s));
  } else {
    PrintAnalogyText(a, info, evaluator, dim, runs, totals, load_s, eval_s);
  }
  if (Status s = FlushStdout(); !s.ok()) return ReportError(command, s);
  return kExitOk;
}

// ------------------------------------------------------------- similarity

struct SimilarityArgs {
  std::string vectors;
  std::vector<std::string> pair_files;
  std::string oov = "none";
  bool json = false;
  SimilarityOptions options;
};

// One pairs file: its pairs, what was skipped while reading, the result.
struct PairSet {
  std::string path;
  std::vector<WordPair> pairs;
  WordPairsReadInfo read;
  SimilarityResult result;
};

void AddSimilarityOptions(po::options_description& desc, SimilarityArgs* a) {
  AddVectorsOption(desc, &a->vectors);
  desc.add_options()(
      "pairs",
      po::value<std::vector<std::string>>(&a->pair_files)
          ->required()
          ->multitoken(),
      "'word1 word2 score' files (tab or space separated, '#' comments; "
      "plain or gzip); several allowed")(
      "restrict",
      po::value<size_t>(&a->options.restrict_vocab)->default_value(0),
      "known words: the first N rows (0 = all)")(
      "case-sensitive", po::bool_switch(&a->options.case_sensitive),
      "do not lowercase the pairs and the vocabulary")(
      "oov", po::value<std::string>(&a->oov)->default_value("none"),
      "none: pairs with an unknown word are skipped; subwords: an unknown "
      "word gets the mean of its character n-gram rows (a checkpoint "
      "trained with --subwords)")(
      "json", po::bool_switch(&a->json), "print one JSON object");
}

// --oov subwords: appends a vector for every unknown word of the pairs, the
// mean of its n-gram rows in the checkpoint a.vectors, to `emb`; the
// evaluator then knows every row (the rows were already cut at --restrict).
Status AddSubwordVectors(const std::string& command, const SimilarityArgs& a,
                         const std::vector<PairSet>& sets, Embeddings* emb,
                         SimilarityOptions* options) {
  StatusOr<Checkpoint> c = ReadSubwordCheckpoint(a.vectors);
  if (!c.ok()) return c.status();
  std::vector<std::string> words;
  for (const PairSet& set : sets) {
    for (const WordPair& p : set.pairs) {
      words.push_back(p.a);
      words.push_back(p.b);
    }
  }
  options->vocab_rows = emb->words.size();
  const size_t added = AppendUnseenWordVectors(
      words, a.options.case_sensitive, c->subwords, c->subword_input, emb);
  options->restrict_vocab = 0;
  ReportNote(command, CountOf(added, "unknown word") +
                          " got vectors from their character n-grams");
  return Status::Ok();
}

// Reads every pairs file; warns about lines skipped for a non-numeric
// score.
StatusOr<std::vector<PairSet>> ReadPairSets(const std::string& command,
                                            const std::vector<std::string>& files) {
  std::vector<PairSet> sets;
  for (const std::string& f : files) {
    PairSet set{f, {}, {}, {}};
    StatusOr<std::vector<WordPair>> p = ReadWordPairs(f, &set.read);
    if (!p.ok()) return p.status();
    const size_t skipped = set.read.skipped_lines;
    if (p->empty()) {
      return Status::InvalidArgument(
          f + ": no word pairs (expected 'word1 word2 score' lines)" +
          (skipped == 0 ? std::string()
                        : "; " + CountOf(skipped, "line") +
                              " skipped because the score is not a number"));
    }
    if (skipped > 0) {
      ReportNote(command, "warning: " + f + ": skipped " +
                              CountOf(skipped, "line") +
                              " whose score is not a number (first: line " +
                              std::to_string(set.read.first_skipped_line) +
                              " '" + set.read.first_skipped.substr(0, 60) +
                              "')");
    }
    set.pairs = std::move(p).value();
    sets.push_back(std::move(set));
  }
  return sets;
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
  if (constant(gold)) {
    return "the scores of the " + n + " usable pairs are all equal";
  }
  if (constant(model)) {
    return "the cosine similarities of the " + n +
           " usable pairs are all equal";
  }
  return "constant input";
}

// Scores every set; an undefined correlation is an error.
Status EvaluatePairSets(const SimilarityEvaluator& evaluator,
                        const std::string& vectors,
                        std::vector<PairSet>* sets) {
  for (PairSet& set : *sets) {
    StatusOr<SimilarityResult> r = evaluator.Evaluate(set.pairs);
    if (!r.ok()) {
      return Status(r.status().code(), set.path + ": " + r.status().message() +
                                           " of " + vectors);
    }
    if (!std::isfinite(r->spearman) || !std::isfinite(r->pearson)) {
      return Status::InvalidArgument(set.path + ": correlation undefined: " +
                                     WhyUndefined(set.pairs, *r, vectors));
    }
    set.result = std::move(r).value();
  }
  return Status::Ok();
}

void AddSimilarityFields(Json& j, const PairSet& set, bool subwords) {
  const SimilarityResult& r = set.result;
  j["pairs"] = set.path;
  j["skipped_lines"] = set.read.skipped_lines;
  j["spearman"] = Number(r.spearman);
  j["pearson"] = Number(r.pearson);
  j["pairs_used"] = r.pairs_used;
  j["pairs_total"] = r.pairs_total;
  j["pairs_skipped"] = r.pairs_total - r.pairs_used;
  if (subwords) j["pairs_in_vocab"] = r.pairs_in_vocab;
  j["unknown_words"] = r.unknown_words;
}

// The first file's numbers at the top level; every file under "files".
Json SimilarityJson(const SimilarityArgs& a, const EmbeddingsLoadInfo& info,
                    size_t rows, const std::vector<PairSet>& sets) {
  Json j = {{"vectors", a.vectors},
            {"format", VectorSourceName(info)},
            {"rows", rows}};
  const bool subwords = a.oov == "subwords";
  AddSimilarityFields(j, sets[0], subwords);
  j["files"] = Json::array();
  for (const PairSet& set : sets) {
    Json f = Json::object();
    AddSimilarityFields(f, set, subwords);
    j["files"].push_back(std::move(f));
  }
  return j;
}

void PrintSimilarityText(const SimilarityArgs& a,
                         const EmbeddingsLoadInfo& info,
                         const Embeddings& emb,
                         const std::vector<PairSet>& sets) {
  std::cout << "vectors: " << a.vectors << " (" << VectorSourceName(info)
            << ", " << CountOf(emb.words.size(), "row") << ", dim "
            << emb.vectors.cols() << ")\n";
  for (const PairSet& set : sets) {
    const SimilarityResult& r = set.result;
    char buf[512];
    std::snprintf(buf, sizeof(buf),
                  "%s: spearman %.4f  pearson %.4f  pairs used %zu of %zu "
                  "(%zu skipped: unknown words)",
                  set.path.c_str(), r.spearman, r.pearson, r.pairs_used,
                  r.pairs_total, r.pairs_total - r.pairs_used);
    std::cout << buf;
    if (a.oov == "subwords") {
      std::cout << "; " << r.pairs_in_vocab
                << " with both words in the vocabulary";
    }
    if (set.read.skipped_lines > 0) {
      std::cout << "; " << CountOf(set.read.skipped_lines, "line")
                << " skipped (score not a number)";
    }
    std::cout << "\n";
    if (r.unknown_words.empty()) continue;
    std::cout << "  unknown words:";
    for (size_t k = 0; k < r.unknown_words.size() && k < 20; ++k) {
      std::cout << " " << r.unknown_words[k];
    }
    std::cout << (r.unknown_words.size() > 20 ? " ...\n" : "\n");
  }
}

int RunSimilarity(int argc, char** argv) {
  const std::string command = "eval similarity";
  SimilarityArgs a;
  po::options_description desc("options");
  AddSimilarityOptions(desc, &a);
  po::variables_map vm;
  if (auto rc = ParseCommandLine(
          argc, argv,
          "wembed eval similarity --vectors V --pairs P... [options]",
          "Spearman and Pearson correlation between cosine similarity and "
          "human scores,\nover the pairs whose two words are known.",
          desc, nullptr, &vm)) {
    return *rc;
  }
  StatusOr<std::vector<PairSet>> sets = ReadPairSets(command, a.pair_files);
  if (!sets.ok()) return ReportError(command, sets.status());
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> emb = LoadVectorsForCommand(
      command, a.vectors, a.options.restrict_vocab, &info);
  if (!emb.ok()) return ReportError(command, emb.status());
  SimilarityOptions options = a.options;
  if (a.oov == "subwords") {
    Status s = AddSubwordVectors(command, a, *sets, &*emb, &options);
    if (!s.ok()) return ReportError(command, s);
  } else if (a.oov != "none") {
    return ReportUsageError(command, "--oov must be none or subwords, not '" +
                                         a.oov + "'");
  }
  const SimilarityEvaluator evaluator(*emb, options);
  if (Status s = EvaluatePairSets(evaluator, a.vectors, &*sets); !s.ok()) {
    return ReportError(command, s);
  }
  if (a.json) {
    PrintJson(SimilarityJson(a, info, emb->words.size(), *sets));
  } else {
    PrintSimilarityText(a, info, *emb, *sets);
  }
  if (Status s = FlushStdout(); !s.ok()) return ReportError(command, s);
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
  return ReportUsageError("eval", "unknown benchmark '" + sub +
                                      "' (expected analogy or similarity)");
}

}  // namespace wembed::cli
