// wembed: the command-line front end. Dispatches to one subcommand.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "cli_common.h"
#include "commands.h"

namespace {

struct Subcommand {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

constexpr Subcommand kSubcommands[] = {
    {"vocab", wembed::cli::RunVocabCommand,
     "count words and write a word2vec vocabulary file"},
    {"encode", wembed::cli::RunEncodeCommand,
     "scan a corpus once into an encoded corpus (.wenc) for training"},
    {"train", wembed::cli::RunTrainCommand,
     "train word embeddings (skip-gram or CBOW; negative sampling or\n"
     "            hierarchical softmax; continued training with --init)"},
    {"eval", wembed::cli::RunEvalCommand,
     "score vectors on analogy or similarity benchmarks"},
    {"similar", wembed::cli::RunSimilarCommand,
     "nearest neighbours of words by cosine"},
    {"analogy", wembed::cli::RunAnalogyCommand,
     "answer a is to b as c is to ? (b - a + c)"},
    {"classes", wembed::cli::RunClassesCommand,
     "group words into k-means classes (word2vec's -classes)"},
    {"info", wembed::cli::RunInfoCommand,
     "describe a checkpoint or an encoded corpus"},
    {"export", wembed::cli::RunExportCommand,
     "write vectors as word2vec bin/txt, TensorBoard tsv or NumPy npy"},
    {"plot", wembed::cli::RunPlotCommand,
     "draw a word map (PCA, analogies) or a training curve"},
    {"synth", wembed::cli::RunSynthCommand,
     "generate a small corpus with planted analogies"},
    {"phrases", wembed::cli::RunPhrasesCommand,
     "join frequent word pairs with '_' (word2phrase, gensim Phrases)"},
};

void PrintUsage(std::ostream& out) {
  out << "usage: wembed <command> [options]\n\n"
         "wembed learns word embeddings (word2vec's skip-gram and CBOW, with\n"
         "negative sampling or hierarchical softmax) and evaluates them.\n\n"
         "commands:\n";
  for (const Subcommand& c : kSubcommands) {
    out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ')
        << c.summary << "\n";
  }
  out << "\n'wembed <command> --help' lists a command's options.\n";
}

// `code`, or 1 if standard output or standard error could not be written
// (a full disk, /dev/full, a closed descriptor): output that was lost is a
// failure, never exit 0.
int CheckStandardStreams(const std::string& name, int code) {
  errno = 0;
  std::cout.flush();
  int out_errno = errno;  // of the first failed write, if it was now
  const bool cout_ok = std::cout.good();
  const bool flushed = std::fflush(stdout) == 0;
  if (out_errno == 0 && !flushed) out_errno = errno;
  const bool out_ok = cout_ok && flushed && !std::ferror(stdout);
  if (!out_ok && code == wembed::cli::kExitOk) {
    code = wembed::cli::ReportError(
        name, wembed::Status::IoError(
                  "cannot write to standard output: " +
                  std::string(out_errno != 0 ? std::strerror(out_errno)
                                             : "write failed")));
  }
  std::cerr.flush();
  if (!std::cerr.good() || std::fflush(stderr) != 0 || std::ferror(stderr)) {
    code = wembed::cli::kExitError;
  }
  return code;
}

int RunMain(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(std::cerr);
    return wembed::cli::kExitUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return wembed::cli::kExitOk;
  }
  if (name == "--version") {
    std::cout << "wembed 0.1.0\n";
    return wembed::cli::kExitOk;
  }
  for (const Subcommand& c : kSubcommands) {
    if (name == c.name) {
      try {
        return c.run(argc - 1, argv + 1);
      } catch (const std::bad_alloc&) {
        return wembed::cli::ReportError(
            name, wembed::Status::Internal("out of memory"));
      } catch (const std::exception& e) {
        return wembed::cli::ReportError(name,
                                        wembed::Status::Internal(e.what()));
      }
    }
  }
  std::cerr << "wembed: unknown command '" << name
            << "' (see 'wembed --help')\n";
  return wembed::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) a write fails with EFBIG and is
  // reported, naming the file, instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  const int code = RunMain(argc, argv);
  return CheckStandardStreams(argc < 2 ? "wembed" : argv[1], code);
}
