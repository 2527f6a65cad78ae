// Encode once, train many times; the training cache; many inputs; a memory
// budget far below the corpus size; --max-final-vocab; as users run them.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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
using testing::WriteFile;

const std::string kWembed = WEMBED_BINARY;

class EncodeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SyntheticCorpusOptions o;
    o.sentences = 20000;
    corpus_ = dir_.File("corpus.txt");
    ASSERT_TRUE(WriteSyntheticCorpus(GenerateSyntheticCorpus(o), corpus_,
                                     dir_.File("q.txt"))
                    .ok());
    std::filesystem::create_directory(cache_);
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), kWembed);
    return RunCommand(args, dir_.path());
  }
  // Trains 2 epochs on one thread from `input` into `out`, with `extra`.
  CommandResult Train(const std::string& input, const std::string& out,
                      std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"train", "-i",          input,  "-o",
                                     out,     "--threads",   "1",    "--dim",
                                     "24",    "--epochs",    "2",    "--seed",
                                     "5",     "--cache-dir", cache_, "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }
  std::vector<std::string> CacheFiles() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(cache_)) {
      names.push_back(e.path().filename().string());
    }
    return names;
  }

  TempDir dir_;
  std::string corpus_;
  const std::string cache_ = dir_.File("cache");
};

TEST_F(EncodeCliTest, TrainingFromAnEncodedCorpusEqualsTrainingFromText) {
  const std::string wenc = dir_.File("c.wenc");
  CommandResult r =
      Run({"encode", "-i", corpus_, "-o", wenc, "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("encode: "), std::string::npos);
  EXPECT_NE(r.err.find("-> " + wenc), std::string::npos) << r.err;

  ASSERT_EQ(Train(corpus_, dir_.File("text.bin")).exit_code, 0);
  r = Train(wenc, dir_.File("wenc.bin"), {"--min-count", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "wembed train: note: --min-count is ignored: " + wenc +
                       " was encoded with min-count 5\n");
  EXPECT_TRUE(ReadFile(dir_.File("text.bin")) ==
              ReadFile(dir_.File("wenc.bin")));
  EXPECT_TRUE(CacheFiles().empty());

  r = Run({"info", wenc});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("encoded corpus:  " + wenc), std::string::npos);
  EXPECT_NE(r.out.find("  input.0 = " + corpus_), std::string::npos) << r.out;
  r = Run({"info", wenc, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "encoded corpus");
  EXPECT_GT(j["tokens"].get<uint64_t>(), 100000u);
  EXPECT_EQ(j["options"]["min-count"], "5");

  // Damage is one clear line, for train and info alike.
  std::string bytes = ReadFile(wenc);
  bytes[bytes.size() / 2] ^= 0x10;
  WriteFile(wenc, bytes);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"info", wenc},
        std::vector<std::string>{"train", "-i", wenc, "-o", dir_.File("x")}}) {
    r = Run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(wenc + ": checksum mismatch in section 'data'"),
              std::string::npos)
        << r.err;
  }
}

TEST_F(EncodeCliTest, EncodeRefusesWhatCannotWork) {
  const std::string wenc = dir_.File("c.wenc");
  ASSERT_EQ(Run({"encode", "-i", corpus_, "-o", wenc, "-q"}).exit_code, 0);
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"encode", "-i", corpus_, "-o", "/dev/null"},
       "--output /dev/null: not a regular file"},
      {{"train", "-i", wenc, "-o", dir_.File("v"), "--read-vocab", corpus_},
       "--read-vocab cannot be used with an encoded corpus"},
      {{"train", "-i", corpus_, wenc, "-o", dir_.File("v")},
       wenc + ": an encoded corpus (.wenc) cannot be read as text"},
      {{"encode", "-i", corpus_, "-o", corpus_}, "same file"},
  };
  for (const Case& c : cases) {
    const CommandResult r = Run(c.args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << r.err;
  }
}

TEST_F(EncodeCliTest, TheCacheIsRemovedOrKept) {
  // Removed after a run and after an error (a run that diverges).
  ASSERT_EQ(Train(corpus_, dir_.File("a.bin")).exit_code, 0);
  EXPECT_TRUE(CacheFiles().empty());
  CommandResult r = Train(corpus_, dir_.File("b.bin"), {"--alpha", "9"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("diverged"), std::string::npos) << r.err;
  EXPECT_TRUE(CacheFiles().empty());
  // Kept on request, named by its fingerprint, and usable as an input.
  r = Train(corpus_, dir_.File("c.bin"), {"--keep-cache"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(CacheFiles().size(), 1u);
  const std::string kept = cache_ + "/" + CacheFiles()[0];
  EXPECT_EQ(kept.substr(kept.size() - 5), ".wenc");
  EXPECT_NE(r.err.find("note: the encoded corpus is kept in " + kept),
            std::string::npos)
      << r.err;
  ASSERT_EQ(Train(kept, dir_.File("d.bin")).exit_code, 0);
  EXPECT_TRUE(ReadFile(dir_.File("c.bin")) == ReadFile(dir_.File("d.bin")));
  // A cache directory that does not exist is named.
  r = Run({"train", "-i", corpus_, "-o", dir_.File("e.bin"), "--cache-dir",
           dir_.File("nope")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in " + dir_.File("nope") +
                       ": No such file or directory (choose another "
                       "directory with --cache-dir)"),
            std::string::npos)
      << r.err;
}

TEST_F(EncodeCliTest, NoCacheIsLeftBehindBySignals) {
  SyntheticCorpusOptions o;
  o.sentences = 200000;
  const std::string big = dir_.File("big.txt");
  ASSERT_TRUE(
      WriteSyntheticCorpus(GenerateSyntheticCorpus(o), big, dir_.File("q2.txt"))
          .ok());
  for (const int sig : {SIGINT, SIGKILL}) {
    const pid_t pid = Spawn({kWembed, "train", "-i", big, "-o",
                             dir_.File("v.bin"), "--cache-dir", cache_,
                             "--epochs", "20", "--threads", "2", "-q"});
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    ::kill(pid, sig);
    const int code = WaitExit(pid);
    EXPECT_NE(code, 0) << "finished before the signal";
    EXPECT_TRUE(CacheFiles().empty()) << "signal " << sig;
  }
}

TEST_F(EncodeCliTest, ATinyMemoryBudgetTrainsTheSame) {
  // The corpus is several times the budget: the scan spills, training reads
  // the cache through small buffers, and the vectors do not change.
  ASSERT_GT(std::filesystem::file_size(corpus_), 1u << 20);
  ASSERT_EQ(Train(corpus_, dir_.File("default.bin")).exit_code, 0);
  const CommandResult r =
      Run({"train", "-i", corpus_, "-o", dir_.File("tiny.bin"), "--threads",
           "1", "--dim", "24", "--epochs", "2", "--seed", "5", "--cache-dir",
           cache_, "--memory-budget", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("spilled to disk"), std::string::npos) << r.err;
  EXPECT_TRUE(ReadFile(dir_.File("default.bin")) ==
              ReadFile(dir_.File("tiny.bin")));
}

TEST_F(EncodeCliTest, DirectoriesAndListsAreInputs) {
  const std::string text = ReadFile(corpus_);
  std::filesystem::create_directories(dir_.File("parts/b"));
  const size_t cut = text.find('\n', text.size() / 2) + 1;
  WriteFile(dir_.File("parts/a.txt"), text.substr(0, cut));
  WriteFile(dir_.File("parts/b/c.gz"), testing::Gzip(text.substr(cut)));
  WriteFile(dir_.File("list.txt"), "# the parts\nparts/a.txt\nparts/b\n");
  ASSERT_EQ(
      Run({"vocab", "-i", corpus_, "-o", dir_.File("v0"), "-q"}).exit_code, 0);
  for (const std::string& input :
       {dir_.File("parts"), "@" + dir_.File("list.txt")}) {
    const CommandResult r =
        Run({"vocab", "-i", input, "-o", dir_.File("v1"), "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ReadFile(dir_.File("v0")), ReadFile(dir_.File("v1"))) << input;
  }
}

TEST_F(EncodeCliTest, MaxFinalVocabRaisesTheMinCount) {
  const CommandResult r = Run({"vocab", "-i", corpus_, "-o", dir_.File("v"),
                               "--max-final-vocab", "40"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string vocab = ReadFile(dir_.File("v"));
  EXPECT_LE(CountLines(vocab), 40);
  EXPECT_GE(CountLines(vocab), 1);
  EXPECT_NE(r.err.find("note: --max-final-vocab 40 raised the min-count to "),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace wembed
