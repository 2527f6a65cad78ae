// wembed synth: writes a generated corpus with planted analogies (and its
// questions file), for trying wembed without downloading a corpus.
#include <iostream>

#include "cli_common.h"
#include "wembed/base/output_paths.h"
#include "commands.h"
#include "wembed/corpus/synthetic_corpus.h"

namespace wembed::cli {

int RunSynthCommand(int argc, char** argv) {
  SyntheticCorpusOptions o;
  std::string corpus_path, questions_path;
  po::options_description desc("options");
  desc.add_options()("output-corpus",
                     po::value<std::string>(&corpus_path)->required(),
                     "where to write the corpus (one sentence per line)")(
      "output-questions", po::value<std::string>(&questions_path)->required(),
      "where to write the analogy questions (Google format)")(
      "pairs", po::value<int>(&o.pairs)->default_value(o.pairs),
      "word pairs per relation (country-capital, male-female)")(
      "sentences", po::value<int>(&o.sentences)->default_value(o.sentences),
      "number of sentences")(
      "seed", po::value<uint64_t>(&o.seed)->default_value(o.seed),
      "random seed");
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed synth --output-corpus F --output-questions Q [options]",
          "Generates a small corpus with planted analogy structure.", desc,
          nullptr, &vm)) {
    return *code;
  }
  if (o.pairs < 2 || o.pairs > 99) {
    return ReportError("synth",
                       Status::InvalidArgument("--pairs must be in 2..99"));
  }
  if (o.sentences < 1) {
    return ReportError("synth",
                       Status::InvalidArgument("--sentences must be >= 1"));
  }
  const PathOptions outputs = {{"--output-corpus", corpus_path},
                               {"--output-questions", questions_path}};
  if (Status s = CheckOutputPaths({}, outputs); !s.ok()) {
    return ReportError("synth", s);
  }
  for (const auto& [option, path] : outputs) {
    if (Status s = CheckWritable(option, path); !s.ok()) {
      return ReportError("synth", s);
    }
  }
  const SyntheticCorpus corpus = GenerateSyntheticCorpus(o);
  if (Status s = WriteSyntheticCorpus(corpus, corpus_path, questions_path);
      !s.ok()) {
    return ReportError("synth", s);
  }
  ReportNote("synth", "wrote " + CountOf(o.sentences, "sentence") + " to " +
                         corpus_path + " and " +
                         CountOf(corpus.num_questions, "question") + " to " +
                         questions_path);
  return kExitOk;
}

}  // namespace wembed::cli
