// Drives `wembed phrases` as a user would: exit codes, the one-line errors,
// files, progress and summary lines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::Gzip;
using testing::ReadFile;
using testing::RunShell;
using testing::TempDir;
using testing::WriteFile;

CommandResult RunPhrasesCli(const TempDir& dir, const std::string& args) {
  return RunShell(std::string("'") + WEMBED_BINARY + "' phrases " + args,
                  dir.path());
}

// 30 lines "w<i> new york times w<i+1>" (see phrases_test.cc).
std::string NewYorkTimes() {
  std::string s;
  for (int i = 0; i < 30; ++i) {
    s += "w" + std::to_string(i) + " New York Times w" + std::to_string(i + 1) +
         "\n";
  }
  return s;
}

TEST(PhrasesCliTest, HelpListsEveryOptionWithItsDefault) {
  TempDir dir;
  const CommandResult r = RunPhrasesCli(dir, "--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt :
       {"--input", "--output", "--min-count arg (=5)", "--threshold",
        "--scoring arg (=default)", "--passes arg (=1)",
        "--max-table-entries arg (=30000000)", "--lowercase", "--strip-punct",
        "--max-token-bytes arg (=100)", "--quiet"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt << "\n" << r.out;
  }
  const CommandResult top =
      RunShell(std::string("'") + WEMBED_BINARY + "' --help", dir.path());
  EXPECT_NE(top.out.find("phrases"), std::string::npos) << top.out;
}

TEST(PhrasesCliTest, TwoPassesWithLowercaseWritePhrasesAndASummary) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  const CommandResult r = RunPhrasesCli(
      dir, "--input " + dir.File("c.txt") + " --output " + dir.File("o.txt") +
               " --lowercase --passes 2 --threshold 1 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string out = ReadFile(dir.File("o.txt"));
  EXPECT_EQ(out.substr(0, out.find('\n') + 1), "w0 new_york_times w1\n");
  EXPECT_NE(r.err.find("pass 1/2: 150 tokens"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pass 2/2: 120 tokens"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wrote 90 tokens, 30 lines"), std::string::npos)
      << r.err;
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"c.txt", "o.txt"}));
}

TEST(PhrasesCliTest, GzipInAndOutAndQuiet) {
  TempDir dir;
  WriteFile(dir.File("c.txt.gz"), Gzip(NewYorkTimes()));
  const CommandResult r =
      RunPhrasesCli(dir, "-q -i " + dir.File("c.txt.gz") + " -o " +
                             dir.File("o.txt.gz") + " --threshold 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
  const CommandResult unzip =
      RunShell("gzip -dc '" + dir.File("o.txt.gz") + "'", dir.path());
  ASSERT_EQ(unzip.exit_code, 0) << unzip.err;
  EXPECT_EQ(unzip.out.substr(0, unzip.out.find('\n') + 1),
            "w0 New_York Times w1\n");
}

TEST(PhrasesCliTest, PruningIsNoted) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  const CommandResult r = RunPhrasesCli(
      dir, "-i " + dir.File("c.txt") + " -o " + dir.File("o.txt") +
               " --threshold 1 --max-table-entries 20");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("the count table was pruned"), std::string::npos)
      << r.err;
}

TEST(PhrasesCliTest, ErrorsAreOneLineWithTheRightExitCode) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  WriteFile(dir.File("o.txt"), "old");
  const std::string in = " -i " + dir.File("c.txt");
  const std::string out = " -o " + dir.File("o.txt");
  struct Case {
    std::string args;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {in, 2, "usage error: the option '--output' is required"},
      {out, 2, "usage error: the option '--input' is required"},
      {in + out + " --bogus", 2, "unrecognised option '--bogus'"},
      {in + out + " --scoring pmi", 1,
       "error: --scoring must be default or npmi, not 'pmi'"},
      {in + out + " --scoring npmi --threshold 10", 1,
       "error: --threshold must be in [-1, 1] with --scoring npmi, got 10"},
      {in + out + " --passes 2 --threshold 1 2 3", 1,
       "error: --threshold: 3 values for 2 passes"},
      {in + out + " --passes 17", 1, "error: --passes must be in 1..16"},
      {in + out + " --threshold abc", 1, "error: "},
      {in + out + " --min-count 0", 1, "error: --min-count must be >= 1"},
      {" -i " + dir.File("missing.txt") + out, 1, "missing.txt: no such file"},
      {" -i -" + out, 1, "error: standard input ('-') cannot be read 2 times"},
      {" -i " + dir.File("o.txt") + out, 1, "error: --output"},
  };
  for (const Case& c : cases) {
    const CommandResult r = RunPhrasesCli(dir, c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << c.args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("wembed phrases: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n"
                                                        << r.err;
    EXPECT_EQ(ReadFile(dir.File("o.txt")), "old") << c.args;
  }
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"c.txt", "o.txt"}));
}

TEST(PhrasesCliTest, NegativeNpmiThresholdWithEquals) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  const CommandResult r = RunPhrasesCli(
      dir, "-q -i " + dir.File("c.txt") + " -o " + dir.File("o.txt") +
               " --scoring npmi --threshold=-0.5 --min-count 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every pair of words seen at least once scores above -0.5.
  EXPECT_NE(ReadFile(dir.File("o.txt")).find("w0_New York_Times"),
            std::string::npos)
      << ReadFile(dir.File("o.txt"));
}

}  // namespace
}  // namespace wembed
