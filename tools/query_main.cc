// wembed similar / wembed analogy: interactive and batch vector queries.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "wembed/text/ascii_text.h"
#include "cli_common.h"
#include "commands.h"
#include "vector_loading.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/eval/nearest_neighbors.h"

namespace wembed::cli {
namespace {

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

// Runs one query given as words; returns false (after a message on stderr)
// if it could not be answered.
using QueryFn = bool (*)(const std::string& command, const NearestNeighbors&,
                         const std::vector<std::string>& words, size_t k);

bool FindAll(const std::string& command, const NearestNeighbors& nn,
             const std::vector<std::string>& words,
             std::vector<int32_t>* rows) {
  bool ok = true;
  for (const std::string& w : words) {
    const int32_t r = nn.Find(w);
    if (r < 0) {
      ReportNote(command, "'" + w + "' is not in the vocabulary");
      ok = false;
    }
    rows->push_back(r);
  }
  return ok;
}

bool SimilarQuery(const std::string& command, const NearestNeighbors& nn,
                  const std::vector<std::string>& words, size_t k) {
  if (words.size() != 1) {
    ReportNote(command, "expected one word per line, got " +
                            std::to_string(words.size()));
    return false;
  }
  std::vector<int32_t> rows;
  if (!FindAll(command, nn, words, &rows)) return false;
  PrintNeighbors("similar " + nn.word(rows[0]), nn, nn.Similar(rows[0], k));
  return true;
}

bool AnalogyQuery(const std::string& command, const NearestNeighbors& nn,
                  const std::vector<std::string>& words, size_t k) {
  if (words.size() != 3) {
    ReportNote(command,
               "expected three words 'A B C' (A is to B as C is to ?), got " +
                   std::to_string(words.size()));
    return false;
  }
  std::vector<int32_t> rows;
  if (!FindAll(command, nn, words, &rows)) return false;
  PrintNeighbors("analogy " + nn.word(rows[0]) + " : " + nn.word(rows[1]) +
                     " :: " + nn.word(rows[2]) + " : ?",
                 nn, nn.Analogy(rows[0], rows[1], rows[2], k));
  return true;
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
  const NearestNeighbors nn(std::move(emb).value(), o.case_sensitive);

  bool all_ok = true;
  if (!o.words.empty()) {
    for (size_t i = 0; i < o.words.size(); i += words_per_query) {
      const std::vector<std::string> q(o.words.begin() + i,
                                       o.words.begin() + i + words_per_query);
      all_ok = query(command, nn, q, o.k) && all_ok;
    }
    return all_ok ? kExitOk : kExitError;
  }
  const bool interactive = ::isatty(STDIN_FILENO) != 0;
  std::string line;
  while (true) {
    if (interactive) {
      std::cout << (words_per_query == 1 ? "word> " : "A B C> ") << std::flush;
    }
    if (!std::getline(std::cin, line)) break;
    const std::vector<std::string_view> words = SplitOnAsciiSpace(line);
    const std::vector<std::string> q(words.begin(), words.end());
    if (q.empty()) continue;
    all_ok = query(command, nn, q, o.k) && all_ok;
  }
  if (interactive) std::cout << "\n";
  return all_ok || interactive ? kExitOk : kExitError;
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
