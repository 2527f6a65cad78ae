// wembed similar / wembed analogy: interactive and batch vector queries.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "wembed/text/ascii_text.h"
#include "cli_common.h"
#include "commands.h"
#include "vector_loading.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/vectors/subword_vectors.h"
#include "wembed/eval/nearest_neighbors.h"

namespace wembed::cli {
namespace {

// Longest query line read from standard input (as kMaxLineBytes for files):
// a longer line is skipped, not held in memory.
constexpr size_t kMaxQueryLineBytes = size_t{1} << 20;

enum class LineRead { kLine, kTooLong, kEnd };

// Reads one line of `in` into `*line` (without its '\n'). A line of more
// than kMaxQueryLineBytes is read to its end and dropped (kTooLong); kEnd
// when nothing is left. A last line without '\n' is a line.
LineRead ReadBoundedLine(std::istream& in, std::string* line) {
  line->clear();
  bool any = false, too_long = false;
  for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
    any = true;
    if (c == '\n') break;
    if (line->size() < kMaxQueryLineBytes) {
      line->push_back(char(c));
    } else {
      too_long = true;
    }
  }
  if (!any) return LineRead::kEnd;
  return too_long ? LineRead::kTooLong : LineRead::kLine;
}

struct QueryOptions {
  std::string vectors;
  std::vector<std::string> words;
  size_t k = 10;
  size_t max_rows = 0;
  bool case_sensitive = false;
};

void AddQueryOptions(po::options_description& desc, QueryOptions* o) {
  AddVectorsOption(desc, &o->vectors);
  desc.add_options()("k,k", po::value<size_t>(&o->k)->default_value(10),
                     "answers per query")(
      "max-rows", po::value<size_t>(&o->max_rows)->default_value(0),
      "use only the first N rows of the file (0 = all)")(
      "case-sensitive", po::bool_switch(&o->case_sensitive),
      "no lowercase fallback for words missing as written")(
      "words", po::value<std::vector<std::string>>(&o->words),
      "query words (positional)");
}

void PrintNeighbors(const std::string& title, const NearestNeighbors& nn,
                    const std::vector<Neighbor>& result) {
  std::string out = "# " + title + "\n";
  char buf[64];
  for (size_t i = 0; i < result.size(); ++i) {
    std::snprintf(buf, sizeof(buf), "%zu\t", i + 1);
    out += buf;
    out += nn.word(result[i].row);
    std::snprintf(buf, sizeof(buf), "\t%.6f\n", result[i].cosine);
    out += buf;
  }
  out += "\n";
  std::cout << out << std::flush;
}

// What a query looks words up in: the vectors, and, for a checkpoint
// trained with --subwords, the n-gram rows that give unseen words vectors.
struct QueryModel {
  QueryModel(Embeddings e, bool case_sensitive)
      : nn(std::move(e), case_sensitive) {}
  NearestNeighbors nn;
  SubwordSpec subwords;  // disabled unless a subword checkpoint
  Matrix subword_input;
};

// Runs one query given as words; returns false (after a message on stderr)
// if it could not be answered.
using QueryFn = bool (*)(const std::string& command, const QueryModel&,
                         const std::vector<std::string>& words, size_t k);

// The unit vector of an unseen word of a subword model (the mean of its
// n-gram rows, normalised) into `unit`; false if it has no n-gram.
bool UnseenUnitVector(const QueryModel& m, const std::string& word,
                      float* unit) {
  std::vector<uint32_t> buckets;
  if (!m.subwords.enabled() ||
      ComposeWordVector(word, nullptr, m.subwords, m.subword_input, &buckets,
                        unit) == 0) {
    return false;
  }
  double norm = 0;
  const size_t dim = m.nn.dim();
  for (size_t c = 0; c < dim; ++c) norm += double(unit[c]) * unit[c];
  const float scale = norm > 0 ? float(1.0 / std::sqrt(norm)) : 0.0f;
  for (size_t c = 0; c < dim; ++c) unit[c] *= scale;
  return true;
}

// The unit vector of each word into `units` (its row's, or UnseenUnitVector),
// the rows to exclude from the answers, and each word as shown (its row's
// word, or as given).
bool ResolveAll(const std::string& command, const QueryModel& m,
                const std::vector<std::string>& words, Matrix* units,
                std::vector<int32_t>* exclude,
                std::vector<std::string>* shown) {
  const size_t dim = m.nn.dim();
  *units = Matrix(words.size(), dim);
  bool ok = true;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const int32_t r = m.nn.Find(w);
    if (r >= 0) {
      std::copy(m.nn.unit_vector(r), m.nn.unit_vector(r) + dim, units->row(i));
      exclude->push_back(r);
      shown->push_back(m.nn.word(r));
      continue;
    }
    shown->push_back(w);
    if (!UnseenUnitVector(m, w, units->row(i))) {
      ReportNote(command, "'" + w + "' is not in the vocabulary" +
                              (m.subwords.enabled()
                                   ? " and has no n-gram of the model"
                                   : ""));
      ok = false;
    }
  }
  return ok;
}

bool SimilarQuery(const std::string& command, const QueryModel& m,
                  const std::vector<std::string>& words, size_t k) {
  if (words.size() != 1) {
    ReportNote(command, "expected one word per line, got " +
                            std::to_string(words.size()));
    return false;
  }
  Matrix units;
  std::vector<int32_t> exclude;
  std::vector<std::string> shown;
  if (!ResolveAll(command, m, words, &units, &exclude, &shown)) return false;
  PrintNeighbors("similar " + shown[0], m.nn,
                 exclude.size() == 1 ? m.nn.Similar(exclude[0], k)
                                     : m.nn.Nearest(units.row(0), k, exclude));
  return true;
}

bool AnalogyQuery(const std::string& command, const QueryModel& m,
                  const std::vector<std::string>& words, size_t k) {
  if (words.size() != 3) {
    ReportNote(command,
               "expected three words 'A B C' (A is to B as C is to ?), got " +
                   std::to_string(words.size()));
    return false;
  }
  Matrix units;
  std::vector<int32_t> exclude;
  std::vector<std::string> shown;
  if (!ResolveAll(command, m, words, &units, &exclude, &shown)) return false;
  const std::string title = "analogy " + shown[0] + " : " + shown[1] +
                            " :: " + shown[2] + " : ?";
  if (exclude.size() == 3) {  // all three known: the usual query
    PrintNeighbors(title, m.nn,
                   m.nn.Analogy(exclude[0], exclude[1], exclude[2], k));
    return true;
  }
  std::vector<float> query(m.nn.dim());
  for (size_t c = 0; c < query.size(); ++c) {
    query[c] = units.row(1)[c] - units.row(0)[c] + units.row(2)[c];
  }
  PrintNeighbors(title, m.nn, m.nn.Nearest(query.data(), k, exclude));
  return true;
}

// The n-gram rows of a checkpoint trained with --subwords (read again: the
// loader keeps only the word vectors).
Status LoadSubwords(const std::string& path, QueryModel* m) {
  if (!LooksLikeCheckpoint(path)) return Status::Ok();
  StatusOr<Checkpoint> c = ReadCheckpoint(path);
  if (!c.ok()) return c.status();
  m->subwords = c->subwords;
  m->subword_input = std::move(c->subword_input);
  return Status::Ok();
}

// Answers one query per line of standard input (prompting when it is a
// terminal). The exit code: an error in any query fails a non-interactive
// run.
int AnswerStdin(const std::string& command, const QueryModel& model, size_t k,
                size_t words_per_query, QueryFn query) {
  bool all_ok = true;
  const bool interactive = ::isatty(STDIN_FILENO) != 0;
  std::string line;
  for (uint64_t line_no = 1;; ++line_no) {
    if (interactive) {
      std::cout << (words_per_query == 1 ? "word> " : "A B C> ") << std::flush;
    }
    const LineRead read = ReadBoundedLine(std::cin, &line);
    if (read == LineRead::kEnd) break;
    if (read == LineRead::kTooLong) {
      ReportError(command,
                  Status::InvalidArgument(
                      "standard input: line " + std::to_string(line_no) +
                      " is longer than " + std::to_string(kMaxQueryLineBytes) +
                      " bytes; skipped"));
      all_ok = false;
      continue;
    }
    const std::vector<std::string_view> words = SplitOnAsciiSpace(line);
    const std::vector<std::string> q(words.begin(), words.end());
    if (q.empty()) continue;
    all_ok = query(command, model, q, k) && all_ok;
  }
  if (interactive) std::cout << "\n";
  return all_ok || interactive ? kExitOk : kExitError;
}

int RunQueryCommand(int argc, char** argv, const std::string& command,
                    const std::string& usage, const std::string& description,
                    size_t words_per_query, QueryFn query) {
  QueryOptions o;
  po::options_description desc("options");
  AddQueryOptions(desc, &o);
  po::positional_options_description pos;
  pos.add("words", -1);
  po::variables_map vm;
  if (auto rc =
          ParseCommandLine(argc, argv, usage, description, desc, &pos, &vm)) {
    return *rc;
  }
  if (o.k == 0) {
    return ReportError(command,
                       Status::InvalidArgument("-k must be at least 1"));
  }
  if (!o.words.empty() && o.words.size() % words_per_query != 0) {
    return ReportUsageError(command, "expected a multiple of " +
                                         std::to_string(words_per_query) +
                                         " words, got " +
                                         std::to_string(o.words.size()));
  }
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> emb =
      LoadVectorsForCommand(command, o.vectors, o.max_rows, &info);
  if (!emb.ok()) return ReportError(command, emb.status());
  if (emb->words.empty()) {
    return ReportError(command, Status::Corruption(o.vectors + ": no vectors"));
  }
  QueryModel model(std::move(emb).value(), o.case_sensitive);
  if (Status st = LoadSubwords(o.vectors, &model); !st.ok()) {
    return ReportError(command, st);
  }

  bool all_ok = true;
  if (!o.words.empty()) {
    for (size_t i = 0; i < o.words.size(); i += words_per_query) {
      const std::vector<std::string> q(o.words.begin() + i,
                                       o.words.begin() + i + words_per_query);
      all_ok = query(command, model, q, o.k) && all_ok;
    }
    return all_ok ? kExitOk : kExitError;
  }
  return AnswerStdin(command, model, o.k, words_per_query, query);
}

}  // namespace

int RunSimilarCommand(int argc, char** argv) {
  return RunQueryCommand(
      argc, argv, "similar", "wembed similar [WORD...] --vectors V [-k 10]",
      "Nearest neighbours of each WORD by cosine similarity (the word itself\n"
      "excluded). Output per query: a '# similar WORD' line, then\n"
      "'rank<TAB>word<TAB>cosine' lines and a blank line. A word missing as\n"
      "written is looked up lowercased (unless --case-sensitive).\n\n"
      "Without WORDs, reads one word per line from stdin (prompting when "
      "stdin\n"
      "is a terminal). An unknown word prints a message on stderr and the "
      "next\n"
      "query goes on. Exit status: 1 if any query failed (except in "
      "interactive\n"
      "use), else 0.",
      1, SimilarQuery);
}

int RunAnalogyCommand(int argc, char** argv) {
  return RunQueryCommand(
      argc, argv, "analogy", "wembed analogy [A B C]... --vectors V [-k 10]",
      "Answers 'A is to B as C is to ?': the words nearest by cosine to\n"
      "unit(B) - unit(A) + unit(C), excluding A, B and C (3CosAdd). Output: "
      "an\n"
      "'# analogy ...' line, then 'rank<TAB>word<TAB>cosine' lines and a "
      "blank\n"
      "line. Several triples may be given.\n\n"
      "Without words, reads one 'A B C' triple per line from stdin (prompting\n"
      "when stdin is a terminal). An unknown word prints a message on stderr\n"
      "and the next query goes on. Exit status: 1 if any query failed (except\n"
      "in interactive use), else 0.",
      3, AnalogyQuery);
}

}  // namespace wembed::cli
