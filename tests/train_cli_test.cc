// `wembed train` as users run it: validation and exit codes, output formats
// read by gensim, and interruption by signals with exact resume.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_util.h"
#include "wembed/corpus/synthetic_corpus.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::ReadFile;
using testing::RunCommand;
using testing::Spawn;
using testing::TempDir;
using testing::WaitExit;

const std::string kWembed = WEMBED_BINARY;

class TrainCliTest : public ::testing::Test {
 protected:
  // A synthetic corpus of `sentences` lines in the temp dir.
  std::string Corpus(int sentences) {
    SyntheticCorpusOptions o;
    o.sentences = sentences;
    const std::string text = dir_.File("corpus" + std::to_string(sentences));
    EXPECT_TRUE(WriteSyntheticCorpus(GenerateSyntheticCorpus(o), text,
                                     dir_.File("questions.txt"))
                    .ok());
    return text;
  }
  CommandResult Train(std::vector<std::string> args) {
    args.insert(args.begin(), {kWembed, "train"});
    return RunCommand(args, dir_.path());
  }
  TempDir dir_;
};

TEST_F(TrainCliTest, NonsenseValuesGiveOneClearLineAndExitOne) {
  const std::string corpus = Corpus(500);
  const std::vector<std::vector<std::string>> cases = {
      {"--dim", "0"},
      {"--window", "-1"},
      {"--sample", "2"},
      {"--negative", "-1"},
      {"--epochs", "0"},
      {"--threads", "100000"},
      {"--alpha", "-0.1"},
      {"--format", "xml"},
      {"--update", "fast"},
      {"--output-vectors", "both"},
      {"--checkpoint-every", "0"}};
  for (const auto& c : cases) {
    std::vector<std::string> args = {"--input", corpus, "--output",
                                     dir_.File("v.bin")};
    args.insert(args.end(), c.begin(), c.end());
    CommandResult r = Train(args);
    EXPECT_EQ(r.exit_code, 1) << c[0] << ": " << r.err;
    EXPECT_NE(r.err.find(c[0]), std::string::npos) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_.File("v.bin")));
  }
}

TEST_F(TrainCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Train({"--bogus"}).exit_code, 2);
  EXPECT_EQ(Train({"--output", dir_.File("v.bin")}).exit_code, 2);  // no input
  EXPECT_EQ(Train({"--input"}).exit_code, 2);  // option without its value
  // A value that does not parse is a bad value: exit 1, naming the option.
  CommandResult r = Train({"--dim", "abc", "--input", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dim"), std::string::npos) << r.err;
}

TEST_F(TrainCliTest, StrayArgumentsEmptyPathsAndNegativeCountsAreRefused) {
  const std::string corpus = Corpus(500);
  const std::string out = dir_.File("v.bin");
  CommandResult r = Train({"--input", corpus, "--output", out, "extra.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("extra.txt"), std::string::npos) << r.err;
  r = Train({"--input", corpus, "--output", out, "--checkpoint", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--checkpoint: empty value"), std::string::npos);
  r = Train({"--input", corpus, "--output", out, "--min-count", "-1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("non-negative"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(TrainCliTest, OutputsThatAreAnInputOrEachOtherAreRefused) {
  const std::string corpus = Corpus(500);
  const std::string before = ReadFile(corpus);
  CommandResult r = Train({"--input", corpus, "--output", corpus});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("same file"), std::string::npos) << r.err;
  std::filesystem::create_hard_link(corpus, dir_.File("hard.txt"));
  r = Train({"--input", corpus, "--output", dir_.File("hard.txt")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  r = Train({"--input", corpus, "--output", dir_.File("o.bin"), "--checkpoint",
             dir_.File("./o.bin")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--checkpoint and --output"), std::string::npos)
      << r.err;
  EXPECT_EQ(ReadFile(corpus), before);
  CommandResult v = RunCommand(
      {kWembed, "vocab", "--input", corpus, "--output", corpus}, dir_.path());
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_EQ(ReadFile(corpus), before);
}

TEST_F(TrainCliTest, MissingInputNamesTheFile) {
  CommandResult r =
      Train({"--input", dir_.File("nope.txt"), "--output", dir_.File("v.bin")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.txt"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("v.bin")));
}

TEST_F(TrainCliTest, UnwritableOutputFailsBeforeTraining) {
  const std::string corpus = Corpus(500);
  for (const char* option : {"--output", "--checkpoint", "--save-vocab"}) {
    std::vector<std::string> args = {"--input", corpus};
    if (std::string(option) != "--output") {
      args.push_back("--output");
      args.push_back(dir_.File("v.bin"));
    }
    args.push_back(option);
    args.push_back(dir_.File("missing-dir/file"));
    CommandResult r = Train(args);
    EXPECT_EQ(r.exit_code, 1) << option;
    EXPECT_NE(r.err.find(option), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("train:"), r.err.find("train: error")) << r.err;
  }
}

TEST_F(TrainCliTest, HelpListsOptionsWithDefaults) {
  CommandResult r = Train({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--dim",        "--window",         "--negative",
                          "--sample",     "--min-count",      "--epochs",
                          "--threads",    "--alpha",          "--seed",
                          "--read-vocab", "--save-vocab",     "--quiet",
                          "--format",     "--output-vectors", "--checkpoint",
                          "--resume",     "--lowercase",      "--strip-punct",
                          "--model",      "--loss",           "--cbow-mean",
                          "--init"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  }
  EXPECT_NE(r.out.find("(=100)"), std::string::npos);   // dim default
  EXPECT_NE(r.out.find("(=1e-4)"), std::string::npos);  // sample default
}

TEST_F(TrainCliTest, ModelAndLossChoicesAndTheirConflicts) {
  const std::string corpus = Corpus(500);
  const std::string out = dir_.File("v.bin");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--model", "skipgram"}, "--model must be sg or cbow"},
      {{"--loss", "softmax"}, "--loss must be ns or hs"},
      {{"--cbow-mean", "max"}, "--cbow-mean must be mean or sum"},
      {{"--loss", "hs", "--negative", "5"},
       "negative sampling and hierarchical softmax are not combined"},
      {{"--negative", "0"}, "--negative must be >= 1 with --loss ns"},
      {{"--loss", "hs", "--output-vectors", "sum"},
       "the output matrix holds the Huffman tree's inner nodes"}};
  for (const auto& [extra, needle] : cases) {
    std::vector<std::string> args = {"--input", corpus, "--output", out};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = Train(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  // word2vec.c's -hs 1 -negative 0 spelling is fine.
  CommandResult r =
      Train({"--input", corpus, "--output", out, "--loss", "hs", "--negative",
             "0", "--model", "cbow", "--epochs", "1", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// --deterministic: two runs with two threads (and a checkpoint) write the
// same vectors, byte for byte; another seed does not; --subwords is refused
// with one line.
TEST_F(TrainCliTest, DeterministicRunsWriteIdenticalFiles) {
  const std::string corpus = Corpus(20000);
  auto run = [&](const std::string& name, const std::string& seed) {
    CommandResult r = Train({"--input", corpus, "--output", dir_.File(name),
                             "--deterministic", "--threads", "2", "--epochs",
                             "2", "--dim", "32", "--seed", seed, "--checkpoint",
                             dir_.File(name + ".ckpt")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("syncs"), std::string::npos) << r.err;
    return ReadFile(dir_.File(name));
  };
  const std::string a = run("a.bin", "7");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, run("b.bin", "7"));
  EXPECT_NE(a, run("c.bin", "8"));
  CommandResult r = Train({"--input", corpus, "--output", dir_.File("s.bin"),
                           "--deterministic", "--subwords", "3-6"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--deterministic does not support --subwords"),
            std::string::npos)
      << r.err;
}

TEST_F(TrainCliTest, HierarchicalSoftmaxCheckpointsDescribeTheirTree) {
  const std::string corpus = Corpus(2000);
  const std::string ckpt = dir_.File("hs.wemb");
  ASSERT_EQ(Train({"--input", corpus, "--checkpoint", ckpt, "--loss", "hs",
                   "--epochs", "1", "--dim", "16", "--quiet"})
                .exit_code,
            0);
  CommandResult info = RunCommand({kWembed, "info", ckpt}, dir_.path());
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("format version:  2"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("hierarchical softmax tree nodes"), std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("loss = hs"), std::string::npos) << info.out;
  CommandResult json =
      RunCommand({kWembed, "info", ckpt, "--json"}, dir_.path());
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["output_layout"], "tree_nodes");
  EXPECT_EQ(j["output_rows"].get<size_t>() + 1, j["vocab_size"].get<size_t>());
  EXPECT_EQ(j["options"]["loss"], "hs");
  CommandResult bad =
      RunCommand({kWembed, "export", ckpt, "--output", dir_.File("e.bin"),
                  "--output-vectors", "sum"},
                 dir_.path());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(CountLines(bad.err), 1) << bad.err;
  EXPECT_NE(bad.err.find("tree nodes"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("e.bin")));
  EXPECT_EQ(
      RunCommand({kWembed, "export", ckpt, "--output", dir_.File("e.bin")},
                 dir_.path())
          .exit_code,
      0);
  // Resuming a finished hierarchical-softmax run with more epochs works.
  CommandResult more = Train({"--resume", ckpt, "--epochs", "2", "--output",
                              dir_.File("more.bin"), "--quiet"});
  EXPECT_EQ(more.exit_code, 0) << more.err;
}

TEST_F(TrainCliTest, InitContinuesFromVectorsOrACheckpoint) {
  const std::string corpus = Corpus(2000);
  const std::string ckpt = dir_.File("a.wemb");
  ASSERT_EQ(Train({"--input", corpus, "--checkpoint", ckpt, "--output",
                   dir_.File("a.txt"), "--format", "txt", "--epochs", "1",
                   "--dim", "16", "--model", "cbow", "--quiet"})
                .exit_code,
            0);
  CommandResult r = Train({"--init", ckpt, "--input", corpus, "--output",
                           dir_.File("b.bin"), "--epochs", "1", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("note: --init " + ckpt), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("output rows kept"), std::string::npos) << r.err;
  r = Train({"--init", dir_.File("a.txt"), "--input", corpus, "--output",
             dir_.File("c.bin"), "--epochs", "1", "--dim", "20"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--dim 20 differs from the dimension 16"),
            std::string::npos)
      << r.err;
  r = Train({"--init", dir_.File("nope.bin"), "--input", corpus, "--output",
             dir_.File("c.bin")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.bin"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("c.bin")));
  // --init means nothing to a resumed run.
  r = Train({"--resume", ckpt, "--init", dir_.File("a.txt"), "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("--init is ignored when resuming"), std::string::npos)
      << r.err;
}

// word2vec binary and text output, read back by gensim (python3-gensim).
TEST_F(TrainCliTest, GensimLoadsBothFormats) {
  const std::string corpus = Corpus(3000);
  ASSERT_EQ(Train({"--input", corpus, "--output", dir_.File("v.bin"), "--dim",
                   "24", "--epochs", "1", "--quiet", "--save-vocab",
                   dir_.File("vocab.txt")})
                .exit_code,
            0);
  ASSERT_EQ(Train({"--input", corpus, "--output", dir_.File("v.txt"),
                   "--format", "txt", "--dim", "24", "--epochs", "1", "--quiet",
                   "--output-vectors", "sum"})
                .exit_code,
            0);
  const std::string header = ReadFile(dir_.File("v.txt")).substr(0, 20);
  const std::string vocab = ReadFile(dir_.File("vocab.txt"));
  const long words = std::count(vocab.begin(), vocab.end(), '\n');
  EXPECT_EQ(header.substr(0, header.find('\n')), std::to_string(words) + " 24");
  const std::string script = dir_.File("load.py");
  testing::WriteFile(
      script,
      "import sys\n"
      "from gensim.models import KeyedVectors\n"
      "b = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)\n"
      "t = KeyedVectors.load_word2vec_format(sys.argv[2], binary=False)\n"
      "assert b.vector_size == 24 and t.vector_size == 24\n"
      "assert len(b.index_to_key) == len(t.index_to_key) == int(sys.argv[3])\n"
      "assert b.index_to_key == t.index_to_key\n"
      "print(b.index_to_key[0], b.most_similar('country00', topn=1)[0][0])\n");
  CommandResult r = RunCommand({"/usr/bin/python3", script, dir_.File("v.bin"),
                                dir_.File("v.txt"), std::to_string(words)},
                               dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
}

// Lines of the corpus the signal tests train on: long enough that a signal
// 200 ms after the scan lands mid-run. A sanitizer build is 5-15 times
// slower, so a tenth of it does there (a run that still ends first skips).
constexpr int kSignalRunLines = testing::kSanitized ? 30000 : 300000;

// Runs training in the background, sends `sig` after `delay`, and checks the
// exit code and that the checkpoint resumes to the uninterrupted result.
// Sends `sig` to `pid` once training has started: the scan's report ("read
// N words ...") is printed to `err` before the first epoch, however loaded
// the machine is.
void SignalOnceTraining(pid_t pid, const std::string& err, int sig) {
  for (int i = 0; i < 600 && ReadFile(err).find("read ") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, sig);
}

void InterruptAndResume(TempDir& dir, const std::string& corpus, int sig,
                        int expected_exit) {
  const std::vector<std::string> common = {
      "--input", corpus, "--threads", "1",    "--seed", "3", "--epochs", "3",
      "--dim",   "32",   "--sample",  "1e-3"};
  std::vector<std::string> ref = {kWembed, "train", "--output",
                                  dir.File("ref.bin"), "--quiet"};
  ref.insert(ref.end(), common.begin(), common.end());
  ASSERT_EQ(RunCommand(ref, dir.path()).exit_code, 0);

  const std::string ckpt = dir.File("run.ckpt");
  std::vector<std::string> run = {
      kWembed, "train", "--output", dir.File("out.bin"), "--checkpoint", ckpt};
  run.insert(run.end(), common.begin(), common.end());
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = Spawn(run, "", dir.File("run.err"));
  SignalOnceTraining(pid, dir.File("run.err"), sig);
  const int code = WaitExit(pid);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (code == 0) {
    GTEST_SKIP() << "run finished in " << seconds << " s, before the signal";
  }
  EXPECT_EQ(code, expected_exit) << ReadFile(dir.File("run.err"));
  EXPECT_NE(ReadFile(dir.File("run.err")).find("--resume"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.File("out.bin")));
  CommandResult info = RunCommand({kWembed, "info", ckpt}, dir.path());
  EXPECT_EQ(info.exit_code, 0) << info.err;
  CommandResult resumed = RunCommand(
      {kWembed, "train", "--resume", ckpt, "--output", dir.File("out.bin")},
      dir.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(ReadFile(dir.File("out.bin")), ReadFile(dir.File("ref.bin")))
      << "resumed vectors differ from the uninterrupted run";
}

TEST_F(TrainCliTest, SigintWritesCheckpointExits130AndResumesExactly) {
  InterruptAndResume(dir_, Corpus(kSignalRunLines), SIGINT, 130);
}

TEST_F(TrainCliTest, SigintWithAnEncodedCorpusResumesExactly) {
  const std::string wenc = dir_.File("c.wenc");
  const CommandResult r = RunCommand(
      {kWembed, "encode", "-i", Corpus(kSignalRunLines), "-o", wenc, "-q"},
      dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  InterruptAndResume(dir_, wenc, SIGINT, 130);
}

// --deterministic: SIGINT stops at the next sync and writes the merged
// model; resuming that checkpoint twice gives the same vectors.
TEST_F(TrainCliTest, SigintInDeterministicModeResumesReproducibly) {
  const std::string ckpt = dir_.File("det.ckpt");
  const pid_t pid =
      Spawn({kWembed, "train", "--input", Corpus(kSignalRunLines), "--output",
             dir_.File("out.bin"), "--checkpoint", ckpt, "--deterministic",
             "--threads", "2", "--epochs", "3", "--dim", "32"},
            "", dir_.File("run.err"));
  SignalOnceTraining(pid, dir_.File("run.err"), SIGINT);
  const int code = WaitExit(pid);
  if (code == 0) GTEST_SKIP() << "run finished before the signal";
  ASSERT_EQ(code, 130) << ReadFile(dir_.File("run.err"));
  for (const char* out : {"a.bin", "b.bin"}) {
    CommandResult r = RunCommand({kWembed, "train", "--resume", ckpt,
                                  "--output", dir_.File(out), "--quiet"},
                                 dir_.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(ReadFile(dir_.File("a.bin")), ReadFile(dir_.File("b.bin")));
}

TEST_F(TrainCliTest, SigtermExits143AndResumesExactly) {
  InterruptAndResume(dir_, Corpus(kSignalRunLines), SIGTERM, 143);
}

TEST_F(TrainCliTest, SighupExits129AndResumesExactly) {
  InterruptAndResume(dir_, Corpus(kSignalRunLines), SIGHUP, 129);
}

TEST_F(TrainCliTest, SigkillLeavesALoadableCheckpointThatResumes) {
  const std::string corpus = Corpus(kSignalRunLines);
  const std::string ckpt = dir_.File("run.ckpt");
  const pid_t pid = Spawn(
      {kWembed, "train", "--input", corpus, "--output", dir_.File("out.bin"),
       "--checkpoint", ckpt, "--checkpoint-every", "0.05", "--threads", "2",
       "--epochs", testing::kSanitized ? "3" : "8", "--sample", "1e-3",
       "--dim", "32", "--quiet"});
  // Kill once a checkpoint exists (within 60 s: a sanitizer build is slow),
  // at an arbitrary moment after that.
  for (int i = 0; i < 12000 && !std::filesystem::exists(ckpt); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(137));
  ::kill(pid, SIGKILL);
  const int code = WaitExit(pid);
  ASSERT_TRUE(std::filesystem::exists(ckpt));
  if (code == 0) GTEST_SKIP() << "run finished before SIGKILL";
  EXPECT_EQ(code, 128 + SIGKILL);
  CommandResult info = RunCommand({kWembed, "info", ckpt}, dir_.path());
  EXPECT_EQ(info.exit_code, 0) << info.err;
  CommandResult resumed =
      RunCommand({kWembed, "train", "--resume", ckpt, "--output",
                  dir_.File("out.bin"), "--quiet"},
                 dir_.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("out.bin")));
}

}  // namespace
}  // namespace wembed
