// Every command words a missing input and a directory given as an input the
// same way: "<path>: no such file", "<path>: is a directory" (one line,
// exit 1).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/path_util.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

TEST(InputPathsTest, SharedMessages) {
  TempDir dir;
  Status s = CheckInputPath(dir.File("nope"));
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), dir.File("nope") + ": no such file");
  s = CheckInputPath(dir.path());
  EXPECT_EQ(s.message(), dir.path() + ": is a directory");
  WriteFile(dir.File("f"), "x");
  EXPECT_TRUE(CheckInputPath(dir.File("f")).ok());
  EXPECT_EQ(InputOpenError("p", EACCES).message(),
            "p: cannot open: " + ErrnoMessage(EACCES));
}

TEST(InputPathsCliTest, EveryReaderNamesTheFileTheSameWay) {
  TempDir dir;
  WriteFile(dir.File("corpus.txt"), "a b c\na b\n");
  WriteFile(dir.File("v.txt"), "2 2\na 1 2\nb 2 1\n");
  WriteFile(dir.File("q.txt"), ": s\na b a b\n");
  WriteFile(dir.File("p.txt"), "a b 1\na a 2\n");
  const std::string v = dir.File("v.txt");
  // Each command line with BAD where the input goes.
  const std::vector<std::vector<std::string>> commands = {
      {"vocab", "-i", "BAD", "-o", dir.File("out")},
      {"train", "-i", "BAD", "-o", dir.File("out")},
      {"train", "-i", dir.File("corpus.txt"), "-o", dir.File("out"),
       "--read-vocab", "BAD"},
      {"train", "--resume", "BAD", "-o", dir.File("out")},
      {"info", "BAD"},
      {"export", "BAD", "-o", dir.File("out")},
      {"similar", "--vectors", "BAD", "a"},
      {"analogy", "--vectors", "BAD", "a", "b", "a"},
      {"eval", "analogy", "--vectors", "BAD", "--questions", dir.File("q.txt")},
      {"eval", "analogy", "--vectors", v, "--questions", "BAD"},
      {"eval", "similarity", "--vectors", "BAD", "--pairs", dir.File("p.txt")},
      {"eval", "similarity", "--vectors", v, "--pairs", "BAD"},
  };
  std::filesystem::create_directory(dir.File("sub"));
  for (const auto& [bad, message] :
       std::vector<std::pair<std::string, std::string>>{
           {dir.File("missing"), ": no such file"},
           {dir.File("sub"), ": is a directory"}}) {
    for (std::vector<std::string> args : commands) {
      for (std::string& a : args) {
        if (a == "BAD") a = bad;
      }
      // --input takes directories (their files): an empty one is the error.
      const bool corpus_input = args[1] == "-i" && args[2] == bad;
      const std::string expected = corpus_input && message == ": is a directory"
                                       ? ": no files in this directory"
                                       : message;
      args.insert(args.begin(), WEMBED_BINARY);
      const CommandResult r = RunCommand(args, dir.path());
      EXPECT_EQ(r.exit_code, 1) << args[1] << " " << args[2];
      EXPECT_EQ(CountLines(r.err), 1) << r.err;
      EXPECT_NE(r.err.find("error: " + bad + expected + "\n"),
                std::string::npos)
          << r.err;
      EXPECT_FALSE(std::filesystem::exists(dir.File("out")));
    }
  }
}

}  // namespace
}  // namespace wembed
