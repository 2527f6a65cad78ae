// How every command that writes files treats its output paths and its
// command line: devices, FIFOs, symlinks, /dev/stdout, '-', stale temp
// files, outputs that are inputs, stray arguments, empty and negative values.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

const std::string kWembed = WEMBED_BINARY;

constexpr char kCorpus[] =
    "the cat sat on the mat\n"
    "the dog sat on the log\n"
    "a cat and a dog\n";

constexpr char kVocab[] =
    "the 4\ncat 2\nsat 2\non 2\ndog 2\na 2\nmat 1\nlog 1\nand 1\n";

class OutputPathsCliTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteFile(Corpus(), kCorpus); }
  std::string Corpus() const { return dir_.File("corpus.txt"); }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), kWembed);
    return RunCommand(args, dir_.path());
  }
  CommandResult Vocab(const std::string& output) {
    return Run(
        {"vocab", "-q", "--min-count", "1", "-i", Corpus(), "-o", output});
  }
  // A finished checkpoint of a tiny run.
  std::string Checkpoint() {
    const std::string ck = dir_.File("run.ck");
    const CommandResult r =
        Run({"train", "-q", "-i", Corpus(), "--checkpoint", ck, "--min-count",
             "1", "--dim", "4", "--epochs", "1", "--threads", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ck;
  }
  // Files of the temp dir other than the corpus and `keep`.
  std::vector<std::string> Others(const std::vector<std::string>& keep) {
    std::vector<std::string> out;
    for (const std::string& f : dir_.List()) {
      if (f == "corpus.txt") continue;
      if (std::find(keep.begin(), keep.end(), f) != keep.end()) continue;
      out.push_back(f);
    }
    return out;
  }
  TempDir dir_;
};

TEST_F(OutputPathsCliTest, CharacterDeviceIsWrittenNotReplaced) {
  const std::string node = dir_.File("mynull");
  if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod needs root";
  }
  const CommandResult r = Vocab(node);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  struct stat st;
  ASSERT_EQ(::stat(node.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device was replaced";
  EXPECT_EQ(Others({"mynull"}), std::vector<std::string>{});
}

TEST_F(OutputPathsCliTest, FifoIsWrittenInPlace) {
  const std::string fifo = dir_.File("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const pid_t reader = ::fork();
  if (reader == 0) {
    WriteFile(dir_.File("drained"), ReadFile(fifo));
    ::_exit(0);
  }
  const CommandResult r = Vocab(fifo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::WaitExit(reader), 0);
  struct stat st;
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(ReadFile(dir_.File("drained")), kVocab);
}

TEST_F(OutputPathsCliTest, SymlinksKeepTheLinkAndWriteTheTarget) {
  WriteFile(dir_.File("target.txt"), "old\n");
  std::filesystem::create_symlink("target.txt", dir_.File("link.txt"));
  CommandResult r = Vocab(dir_.File("link.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir_.File("link.txt")));
  EXPECT_EQ(ReadFile(dir_.File("target.txt")), kVocab);
  // A dangling link: the file it names is created.
  std::filesystem::create_symlink("made.txt", dir_.File("dangling.txt"));
  r = Vocab(dir_.File("dangling.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir_.File("dangling.txt")));
  EXPECT_EQ(ReadFile(dir_.File("made.txt")), kVocab);
  // A loop: one line, exit 1, nothing created.
  std::filesystem::create_symlink("loop2", dir_.File("loop1"));
  std::filesystem::create_symlink("loop1", dir_.File("loop2"));
  r = Vocab(dir_.File("loop1"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--output " + dir_.File("loop1")), std::string::npos)
      << r.err;
  EXPECT_EQ(Others({"target.txt", "link.txt", "made.txt", "dangling.txt",
                    "loop1", "loop2"}),
            std::vector<std::string>{});
}

TEST_F(OutputPathsCliTest, DevStdoutStreamsTheOutput) {
  const CommandResult v = Vocab("/dev/stdout");
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, kVocab);
  const std::string ck = Checkpoint();
  const CommandResult e =
      Run({"export", ck, "-o", "/dev/stdout", "--format", "txt"});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(e.out.substr(0, 4), "9 4\n");
  EXPECT_EQ(CountLines(e.out), 10);
}

TEST_F(OutputPathsCliTest, DashIsRefusedAsAnOutputName) {
  const std::string ck = Checkpoint();
  const std::vector<std::vector<std::string>> cases = {
      {"vocab", "-i", Corpus(), "-o", "-"},
      {"train", "-i", Corpus(), "-o", "-"},
      {"train", "-i", Corpus(), "-o", "v.bin", "--save-vocab", "-"},
      {"export", ck, "-o", "-"},
      {"synth", "--output-corpus", "-", "--output-questions", "q.txt"},
  };
  for (const auto& args : cases) {
    const CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("/dev/stdout"), std::string::npos) << r.err;
    EXPECT_EQ(Others({"run.ck"}), std::vector<std::string>{}) << args[0];
  }
  // --help says so for every command that writes files, and only those.
  for (const char* command : {"vocab", "train", "export", "synth"}) {
    const CommandResult r = Run({command, "--help"});
    EXPECT_NE(r.out.find("'-' is not an output name"), std::string::npos)
        << command;
  }
  EXPECT_EQ(Run({"info", "--help"}).out.find("'-' is not an output name"),
            std::string::npos);
}

TEST_F(OutputPathsCliTest, StaleTempFilesOfKilledWritersAreRemoved) {
  // pid 2^22 + 12345 is above the kernel's pid_max default: never alive.
  WriteFile(dir_.File("v.txt.tmp.4206649"), "half");
  WriteFile(dir_.File("v.bin.tmp.4206649"), "half");
  EXPECT_EQ(Vocab(dir_.File("v.txt")).exit_code, 0);
  const std::string ck = Checkpoint();
  EXPECT_EQ(Run({"export", ck, "-o", dir_.File("v.bin")}).exit_code, 0);
  EXPECT_EQ(Others({"run.ck"}), (std::vector<std::string>{"v.bin", "v.txt"}));
}

TEST_F(OutputPathsCliTest, ExportChecksItsOutputBeforeReading) {
  const std::string ck = Checkpoint();
  std::filesystem::create_directory(dir_.File("d"));
  std::filesystem::create_symlink("run.ck", dir_.File("ck-link"));
  struct Case {
    std::string output, message;
  };
  for (const Case& c : std::vector<Case>{
           {dir_.File("d"), "--output " + dir_.File("d") + ": is a directory"},
           {dir_.File("no/x.bin"), "does not exist"},
           {dir_.File("ck-link"), "same file as checkpoint"},
           {ck, "same file as checkpoint"}}) {
    const CommandResult r = Run({"export", ck, "-o", c.output});
    EXPECT_EQ(r.exit_code, 1) << c.output;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_.File("d")));
  EXPECT_EQ(Others({"run.ck", "ck-link", "d"}), std::vector<std::string>{});
}

TEST_F(OutputPathsCliTest, SynthRefusesTheSameFileTwice) {
  WriteFile(dir_.File("a.txt"), "keep");
  std::filesystem::create_hard_link(dir_.File("a.txt"), dir_.File("b.txt"));
  std::filesystem::create_symlink("c.txt", dir_.File("to-c"));
  for (const auto& [corpus, questions] :
       std::vector<std::pair<std::string, std::string>>{
           {"a.txt", "b.txt"}, {"c.txt", "to-c"}, {"c.txt", "./c.txt"}}) {
    const CommandResult r = Run({"synth", "--output-corpus", dir_.File(corpus),
                                 "--output-questions", dir_.File(questions)});
    EXPECT_EQ(r.exit_code, 1) << corpus << " " << questions;
    EXPECT_NE(r.err.find("--output-questions and --output-corpus are the "
                         "same file"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(ReadFile(dir_.File("b.txt")), "keep");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("c.txt")));
}

TEST_F(OutputPathsCliTest, VocabRefusesItsInputAsOutput) {
  std::filesystem::create_hard_link(Corpus(), dir_.File("hard.txt"));
  std::filesystem::create_symlink("corpus.txt", dir_.File("soft.txt"));
  for (const char* out : {"corpus.txt", "hard.txt", "soft.txt"}) {
    const CommandResult r = Vocab(dir_.File(out));
    EXPECT_EQ(r.exit_code, 1) << out;
    EXPECT_NE(r.err.find("same file as --input"), std::string::npos) << r.err;
  }
  EXPECT_EQ(ReadFile(Corpus()), kCorpus);
}

TEST_F(OutputPathsCliTest, TrainRefusesOutputsThatCollide) {
  WriteFile(dir_.File("vocab.txt"), "the 4\n");
  const std::string ck = Checkpoint();
  const std::string before = ReadFile(ck);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string v = dir_.File("v.bin");
  for (const Case& c : std::vector<Case>{
           {{"-i", Corpus(), "-o", v, "--save-vocab", v},
            "--save-vocab and --output are the same file"},
           {{"-i", Corpus(), "-o", v, "--read-vocab", dir_.File("vocab.txt"),
             "--save-vocab", dir_.File("vocab.txt")},
            "--save-vocab " + dir_.File("vocab.txt") +
                " is the same file as --read-vocab"},
           {{"--resume", ck, "-o", ck}, "same file"},
           {{"--resume", ck, "--checkpoint", dir_.File("new.ck"), "-o",
             dir_.File("./new.ck")},
            "--checkpoint and --output are the same file"},
           {{"-i", Corpus(), "-o", v, "--checkpoint", ck, "--resume", ck,
             "--save-vocab", ck},
            "--save-vocab and --checkpoint are the same file"}}) {
    std::vector<std::string> args = {"train", "-q"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << c.message;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  EXPECT_EQ(ReadFile(ck), before);
  EXPECT_EQ(ReadFile(dir_.File("vocab.txt")), "the 4\n");
  EXPECT_FALSE(std::filesystem::exists(v));
}

// ParseCommandLine is shared: every command refuses stray arguments and
// empty values (exit 2) and negative values of unsigned options (exit 1)
// before doing any work.
TEST_F(OutputPathsCliTest, CommandLineChecksOfEveryCommand) {
  const std::string ck = Checkpoint();
  const std::string v = dir_.File("v.txt");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"vocab", "-i", Corpus(), "-o", v, "extra.txt"}, 2, "'extra.txt'"},
      {{"train", "-i", Corpus(), "-o", v, "b.txt"}, 2, "'b.txt'"},
      {{"synth", "--output-corpus", v, "--output-questions", "q", "x"},
       2,
       "'x'"},
      {{"export", ck, "extra", "-o", v}, 2, "extra"},
      {{"vocab", "-i", Corpus(), "-o", ""}, 2, "--output: empty value"},
      {{"vocab", "-i", Corpus(), "", "-o", v}, 2, "--input: empty value"},
      {{"train", "-i", Corpus(), "-o", v, "--save-vocab", ""},
       2,
       "--save-vocab: empty value"},
      {{"train", "-i", Corpus(), "-o", v, "--read-vocab", ""},
       2,
       "--read-vocab: empty value"},
      {{"eval", "analogy", "--vectors", ck, "--questions", ""},
       2,
       "--questions: empty value"},
      {{"vocab", "-i", Corpus(), "-o", v, "--min-count", "-1"},
       1,
       "--min-count: expected a non-negative integer, got '-1'"},
      {{"vocab", "-i", Corpus(), "-o", v, "--max-token-bytes", "-4"},
       1,
       "--max-token-bytes: expected a non-negative integer, got '-4'"},
      {{"train", "-i", Corpus(), "-o", v, "--max-vocab", "-1"},
       1,
       "--max-vocab: expected a non-negative integer, got '-1'"},
      {{"train", "-i", Corpus(), "-o", v, "--seed=-1"},
       1,
       "--seed: expected a non-negative integer, got '-1'"},
      {{"synth", "--output-corpus", v, "--output-questions", "q", "--seed",
        "-7"},
       1,
       "--seed: expected a non-negative integer, got '-7'"},
      {{"similar", "--vectors", ck, "-k", "-1", "the"},
       1,
       "expected a non-negative integer, got '-1'"},
      {{"eval", "analogy", "--vectors", ck, "--questions", Corpus(),
        "--restrict", "-1"},
       1,
       "--restrict: expected a non-negative integer, got '-1'"},
  };
  for (const Case& c : cases) {
    const CommandResult r = Run(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.message << ": " << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(Others({"run.ck"}), std::vector<std::string>{}) << c.message;
  }
}

}  // namespace
}  // namespace wembed
