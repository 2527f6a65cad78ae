// wembed classes: k-means word classes of a vectors file (word2vec.c's
// -classes), written as "word class" lines or JSON. The clustering is the
// library's (include/wembed/eval/word_classes.h).
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "vector_loading.h"
#include "wembed/base/output_paths.h"
#include "wembed/eval/word_classes.h"

namespace wembed::cli {
namespace {

constexpr char kCommand[] = "classes";

struct ClassesArgs {
  std::string vectors;
  std::string output;
  std::string format = "txt";
  bool quiet = false;
  WordClassOptions options;
};

void AddClassesOptions(po::options_description& desc, ClassesArgs* a) {
  AddVectorsOption(desc, &a->vectors);
  desc.add_options()("classes", po::value<int>(&a->options.classes)->required(),
                     "number of classes K (k-means clusters)")(
      "output,o", po::value<std::string>(&a->output)->required(),
      "where to write the classes")(
      "format", po::value<std::string>(&a->format)->default_value("txt"),
      "txt: word2vec.c's 'word class' lines in vector order; json: one "
      "object with the classes, sizes and a word -> class map")(
      "iterations",
      po::value<int>(&a->options.iterations)
          ->default_value(a->options.iterations),
      "most k-means iterations (stops earlier when no word changes class)")(
      "seed", po::value<uint64_t>(&a->options.seed)->default_value(1),
      "random seed of the k-means++ initialisation (the result depends on "
      "it, not on --threads)")(
      "threads", po::value<int>(&a->options.threads)->default_value(0),
      "threads (0 = all cores)")("quiet,q", po::bool_switch(&a->quiet),
                                 "no progress output");
}

// The output is checked before the (possibly long) load and clustering.
Status CheckOutput(const ClassesArgs& a) {
  if (a.format != "txt" && a.format != "json") {
    return Status::InvalidArgument("--format must be txt or json, not '" +
                                   a.format + "'");
  }
  if (a.options.threads < 0) {
    return Status::InvalidArgument("--threads must be >= 0");
  }
  WEMBED_RETURN_IF_ERROR(
      CheckOutputPaths({{"--vectors", a.vectors}}, {{"--output", a.output}}));
  return CheckWritable("--output", a.output);
}

std::string Summary(const ClassesArgs& a, size_t words, const WordClasses& c) {
  return "wrote " + CountOf(c.sizes.size(), "class", "classes") + " of " +
         CountOf(words, "word") + " to " + a.output + " (" +
         (c.converged ? "converged after " : "stopped after ") +
         CountOf(uint64_t(c.iterations), "iteration") + ")";
}

}  // namespace

int RunClassesCommand(int argc, char** argv) {
  ClassesArgs a;
  po::options_description desc("options");
  AddClassesOptions(desc, &a);
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed classes --vectors V --classes K --output F "
          "[--iterations N] [--seed S] [--format txt|json]",
          "Groups words into K classes by k-means (k-means++ initialisation) "
          "on their\nunit-length vectors, as word2vec.c's -classes does. The "
          "result is the same for\na seed whatever the thread count.",
          desc, nullptr, &vm)) {
    return *code;
  }
  if (Status s = CheckOutput(a); !s.ok()) return ReportError(kCommand, s);
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> e = LoadVectorsForCommand(kCommand, a.vectors, 0, &info);
  if (!e.ok()) return ReportError(kCommand, e.status());
  if (!a.quiet) {
    a.options.on_iteration = [&](int it, size_t changed) {
      ReportNote(kCommand, "iteration " + std::to_string(it) + ": " +
                               CountOf(changed, "word") + " changed class");
    };
  }
  StatusOr<WordClasses> classes = ClusterWords(e->vectors, a.options);
  if (!classes.ok()) return ReportError(kCommand, classes.status());
  const ClassesFormat format =
      a.format == "json" ? ClassesFormat::kJson : ClassesFormat::kText;
  if (Status s = WriteWordClasses(a.output, e->words, *classes, format,
                                  a.options.seed);
      !s.ok()) {
    return ReportError(kCommand, s);
  }
  if (!a.quiet) ReportNote(kCommand, Summary(a, e->words.size(), *classes));
  return kExitOk;
}

}  // namespace wembed::cli
