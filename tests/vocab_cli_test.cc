// Drives `wembed vocab` as a user would: exit codes, messages, files.
#include <gtest/gtest.h>
#include <sys/stat.h>

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

// Runs `wembed vocab <args>` (a shell fragment).
CommandResult RunVocab(const TempDir& dir, const std::string& args) {
  return RunShell(std::string("'") + WEMBED_BINARY + "' vocab " + args,
                  dir.path());
}

const char kCorpus[] =
    "the cat sat on the mat\n"
    "the dog sat\r\n"
    "\n"
    "a cat and a dog\n";

TEST(VocabCliTest, HelpListsEveryOptionWithItsDefault) {
  TempDir dir;
  const CommandResult r = RunVocab(dir, "--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt :
       {"--input", "--output", "--min-count arg (=5)", "--max-vocab arg (=0)",
        "--max-table-entries", "--lowercase", "--strip-punct",
        "--max-token-bytes arg (=100)", "--quiet"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt << "\n" << r.out;
  }
}

TEST(VocabCliTest, WritesWord2vecVocabularyAndASummary) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), kCorpus);
  const CommandResult r =
      RunVocab(dir, "--input " + dir.File("c.txt") + " --output " +
                        dir.File("v.txt") + " --min-count 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir.File("v.txt")), "the 3\ncat 2\nsat 2\ndog 2\na 2\n");
  EXPECT_NE(r.err.find("14 tokens"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kept 5 words"), std::string::npos) << r.err;
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"c.txt", "v.txt"}));
}

TEST(VocabCliTest, QuietPrintsNothing) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), kCorpus);
  const CommandResult r =
      RunVocab(dir, "-q -i " + dir.File("c.txt") + " -o " + dir.File("v.txt"));
  EXPECT_EQ(r.exit_code, 1);  // min-count 5: nothing is kept
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  const CommandResult ok =
      RunVocab(dir, "-q --min-count 1 -i " + dir.File("c.txt") + " -o " +
                        dir.File("v.txt"));
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.err, "");
  EXPECT_EQ(ok.out, "");
}

TEST(VocabCliTest, StdinPlainAndGzipAndSeveralFiles) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), kCorpus);
  WriteFile(dir.File("c.gz"), Gzip(kCorpus));
  ASSERT_EQ(RunVocab(dir, "--min-count 1 -i " + dir.File("c.txt") + " -o " +
                              dir.File("plain.txt"))
                .exit_code,
            0);
  const std::string expected = ReadFile(dir.File("plain.txt"));
  ASSERT_FALSE(expected.empty());
  CommandResult r =
      RunVocab(dir, "--min-count 1 -i - -o " + dir.File("stdin.txt") + " < " +
                        dir.File("c.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir.File("stdin.txt")), expected);
  // Two files: every count doubles, order unchanged.
  r = RunVocab(dir, "--min-count 1 -i " + dir.File("c.gz") + " " +
                        dir.File("c.txt") + " -o " + dir.File("two.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir.File("two.txt")).substr(0, 12), "the 6\ncat 4\n");
}

TEST(VocabCliTest, TokenizerOptions) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), "\u00c9COLE \u00abécole\u00bb, Ecole\n");
  CommandResult r =
      RunVocab(dir, "--min-count 1 --lowercase --strip-punct -i " +
                        dir.File("c.txt") + " -o " + dir.File("v.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir.File("v.txt")), "\u00e9cole 2\necole 1\n");
  r = RunVocab(dir, "--min-count 1 --max-token-bytes 4 -i " +
                        dir.File("c.txt") + " -o " + dir.File("v.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir.File("v.txt")),
            "\u00c9CO 1\n\u00ab\u00e9 1\nEcol 1\n");
}

TEST(VocabCliTest, MaxVocabAndPruningNote) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "w" + std::to_string(i) + " x y\n";
  WriteFile(dir.File("c.txt"), text);
  CommandResult r =
      RunVocab(dir, "--min-count 1 --max-vocab 2 -i " + dir.File("c.txt") +
                        " -o " + dir.File("v.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir.File("v.txt")), "x 3000\ny 3000\n");
  EXPECT_EQ(r.err.find("pruned"), std::string::npos);
  r = RunVocab(dir, "--min-count 1 --max-table-entries 100 -i " +
                        dir.File("c.txt") + " -o " + dir.File("v.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("pruned"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("counts <= 1"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(dir.File("v.txt")).substr(0, 15), "x 3000\ny 3000\nw");
}

// Every failure: exit code, one line on stderr naming the problem, no
// output file (or the old one intact), no temp file left behind.
struct FailureCase {
  const char* name;
  std::string args;
  int exit_code;
  std::string message;  // expected in stderr
};

TEST(VocabCliTest, FailuresGiveOneLineAndKeepTheOldOutput) {
  TempDir dir;
  const std::string gz = Gzip(std::string(kCorpus) + kCorpus + kCorpus);
  std::string corrupt = gz;
  for (size_t i = 12; i < corrupt.size() - 8; ++i) corrupt[i] ^= 0x33;
  WriteFile(dir.File("corrupt.gz"), corrupt);
  WriteFile(dir.File("truncated.gz"), gz.substr(0, gz.size() - 10));
  WriteFile(dir.File("empty.txt"), "");
  WriteFile(dir.File("c.txt"), kCorpus);
  const std::string out = dir.File("out.txt");
  const std::string c = " -i " + dir.File("c.txt") + " -o " + out;
  const std::vector<FailureCase> cases = {
      {"missing file", "-i " + dir.File("missing.txt") + " -o " + out, 1,
       dir.File("missing.txt") + ": no such file"},
      {"directory input", "-i " + dir.File("sub") + " -o " + out, 1,
       dir.File("sub")},
      {"corrupt gzip", "-i " + dir.File("corrupt.gz") + " -o " + out, 1,
       dir.File("corrupt.gz") + ": corrupt gzip stream"},
      {"truncated gzip", "-i " + dir.File("truncated.gz") + " -o " + out, 1,
       dir.File("truncated.gz") + ": truncated gzip stream"},
      {"empty corpus", "-i " + dir.File("empty.txt") + " -o " + out, 1,
       "empty corpus"},
      {"empty vocabulary", "--min-count 99" + c, 1, "empty vocabulary"},
      {"bad min-count", "--min-count abc" + c, 1, "--min-count"},
      {"negative min-count", "--min-count -3" + c, 1, "--min-count"},
      {"bad max-vocab", "--max-vocab 1e3" + c, 1, "--max-vocab"},
      {"zero max-token-bytes", "--max-token-bytes 0" + c, 1, "max-token-bytes"},
      {"zero max-table-entries", "--max-table-entries 0" + c, 1,
       "max-table-entries"},
      {"unknown option", "--bogus" + c, 2, "--bogus"},
      {"missing --input", "-o " + out, 2, "--input"},
      {"missing --output", "-i " + dir.File("c.txt"), 2, "--output"},
      {"unwritable output",
       "-i " + dir.File("c.txt") + " -o " + dir.File("no/such/dir/v.txt"), 1,
       dir.File("no/such/dir/v.txt")},
      {"output is a directory",
       "--min-count 1 -i " + dir.File("c.txt") + " -o " + dir.File("sub"), 1,
       dir.File("sub")},
  };
  ASSERT_EQ(mkdir(dir.File("sub").c_str(), 0755), 0);
  for (const FailureCase& fc : cases) {
    SCOPED_TRACE(fc.name);
    WriteFile(out, "old 1\n");
    const CommandResult r = RunVocab(dir, fc.args);
    EXPECT_EQ(r.exit_code, fc.exit_code) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(fc.message), std::string::npos) << r.err;
    EXPECT_EQ(ReadFile(out), "old 1\n");
    EXPECT_EQ(dir.List(),
              (std::vector<std::string>{"c.txt", "corrupt.gz", "empty.txt",
                                        "out.txt", "sub", "truncated.gz"}));
  }
}

}  // namespace
}  // namespace wembed
