// Wording of the summaries the commands print: singular nouns for a count
// of one, and `wembed info` on a finished run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

class MessagesCliTest : public ::testing::Test {
 protected:
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), WEMBED_BINARY);
    const CommandResult r = RunCommand(args, dir_.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }
  TempDir dir_;
};

void ExpectHas(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << text;
}

void ExpectLacks(const std::string& text, const std::string& part) {
  EXPECT_EQ(text.find(part), std::string::npos) << text;
}

TEST_F(MessagesCliTest, ACountOfOneIsSingular) {
  WriteFile(dir_.File("one.txt"), "x\n");
  CommandResult r = Run({"vocab", "-i", dir_.File("one.txt"), "-o",
                         dir_.File("v.txt"), "--min-count", "1"});
  ExpectHas(r.err, "vocab: 1 token, 1 distinct, 1 sentence, ");
  ExpectHas(r.err, "kept 1 word (min-count 1) covering 1 token -> ");

  const std::string ck = dir_.File("one.ck");
  r = Run({"train", "-i", dir_.File("one.txt"), "-o", dir_.File("v.bin"),
           "--checkpoint", ck, "--min-count", "1", "--dim", "4", "--epochs",
           "1", "--threads", "1"});
  ExpectHas(r.err, "read 1 word (1 distinct)");
  ExpectHas(r.err, "vocabulary 1 word covering 1 token");
  ExpectHas(r.err, "train: done: 1 word in ");
  ExpectHas(r.err, "(1 thread, ");

  r = Run({"info", ck});
  ExpectHas(r.out, "vocabulary:      1 word (total count 1)");
  ExpectHas(r.out, "corpus:          1 token, 2 bytes, ");

  r = Run({"export", ck, "-o", dir_.File("e.bin")});
  ExpectHas(r.err, "wrote 1 mix vector of dim 4");  // input + 0.25 output

  r = Run({"synth", "--output-corpus", dir_.File("s.txt"), "--output-questions",
           dir_.File("q.txt"), "--sentences", "1"});
  ExpectHas(r.err, "synth: wrote 1 sentence to ");

  WriteFile(dir_.File("dup.txt"), "3 2\na 1 2\na 1 3\nb 0 1\n");
  r = Run({"similar", "--vectors", dir_.File("dup.txt"), "a"});
  ExpectHas(r.err, "1 row repeats an earlier word");

  WriteFile(dir_.File("p.txt"), "a b 1\na a 2\n");
  r = Run({"eval", "similarity", "--vectors", dir_.File("dup.txt"), "--pairs",
           dir_.File("p.txt")});
  ExpectHas(r.out, "(text, 2 rows, dim 2)");
  WriteFile(dir_.File("one.vec"), "1 2\na 1 2\n");
  WriteFile(dir_.File("q.txt"), ": s\na a a a\n");
  r = Run({"eval", "analogy", "--vectors", dir_.File("one.vec"), "--questions",
           dir_.File("q.txt")});
  ExpectHas(r.out, "(text, 1 candidate row, dim 2)");
  ExpectHas(r.out, "coverage: 1 of 1 question seen");
}

TEST_F(MessagesCliTest, InfoOnAFinishedRunSaysFinished) {
  WriteFile(dir_.File("c.txt"), "a b c d e f\nb c d e f a\nc d e f a b\n");
  const std::string ck = dir_.File("run.ck");
  Run({"train", "-q", "-i", dir_.File("c.txt"), "--checkpoint", ck,
       "--min-count", "1", "--dim", "4", "--epochs", "2", "--threads", "2"});
  const CommandResult r = Run({"info", ck});
  ExpectHas(r.out, "finished:        yes");
  ExpectHas(r.out, "progress:        epoch 2 of 2 ");
  ExpectHas(r.out, "100.0%");
  ExpectHas(r.out, "all finished");
  ExpectHas(r.out, "  thread 0: epochs completed 2, finished\n");
  ExpectHas(r.out, "  thread 1: epochs completed 2, finished\n");
  ExpectLacks(r.out, "this epoch");
  ExpectLacks(r.out, "position");
}

}  // namespace
}  // namespace wembed
