// `mpirun -np 2 wembed train` (built only with MPI): the ranks share one
// vocabulary equal to one process's, rank 0 alone writes the outputs, and
// an error on one rank ends every rank with one message, quickly. Each run
// is bounded by timeout(1), so a hang fails the test instead of blocking
// CI. Ranks run one thread each (CI has 2 cores).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::Gzip;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

// Seconds a whole mpirun may take before the test calls it a hang.
constexpr char kTimeoutSeconds[] = "90";

class MpiCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    corpus_ = dir_.File("corpus.txt");
    questions_ = dir_.File("questions.txt");
    ASSERT_EQ(Wembed({"synth", "--output-corpus", corpus_, "--output-questions",
                      questions_, "--sentences", "4000"})
                  .exit_code,
              0);
  }
  CommandResult Wembed(std::vector<std::string> args) {
    args.insert(args.begin(), WEMBED_BINARY);
    return RunCommand(args, dir_.path());
  }
  // `mpirun -np ranks program args...` (program: wembed unless given),
  // killed after kTimeoutSeconds.
  CommandResult Mpirun(int ranks, const std::vector<std::string>& args,
                       const char* program = WEMBED_BINARY) {
    std::vector<std::string> cmd = {"/usr/bin/timeout",
                                    "-k",
                                    "5",
                                    kTimeoutSeconds,
                                    WEMBED_MPIEXEC,
                                    "--oversubscribe",
                                    "--allow-run-as-root",
                                    "-np",
                                    std::to_string(ranks),
                                    program};
    cmd.insert(cmd.end(), args.begin(), args.end());
    return RunCommand(cmd, dir_.path());
  }
  // The planted corpus of `sentences` sentences, as big.txt with its
  // questions in big-questions.txt.
  void WriteBigCorpus(const char* sentences) {
    ASSERT_EQ(Wembed({"synth", "--output-corpus", dir_.File("big.txt"),
                      "--output-questions", dir_.File("big-questions.txt"),
                      "--sentences", sentences})
                  .exit_code,
              0);
  }
  // `wembed eval analogy`'s total accuracy (percent) of `vectors` on the
  // planted questions; -1 (a failure) if it cannot be read.
  double PlantedAccuracy(const std::string& vectors) {
    const CommandResult e =
        Wembed({"eval", "analogy", "--vectors", vectors, "--questions",
                dir_.File("big-questions.txt")});
    EXPECT_EQ(e.exit_code, 0) << e.err;
    const size_t total = e.out.find("  total ");
    if (total == std::string::npos) {
      ADD_FAILURE() << e.out;
      return -1;
    }
    const size_t percent = e.out.find('%', total);
    const size_t start = e.out.rfind(' ', percent) + 1;
    return std::stod(e.out.substr(start, percent - start));
  }
  std::vector<std::string> TrainArgs() const {
    return {"train",
            "--input",
            corpus_,
            "--threads",
            "1",
            "--dim",
            "16",
            "--epochs",
            "1",
            "--min-count",
            "3",
            "--format",
            "txt",
            "--output",
            dir_.File("v.txt"),
            "--save-vocab",
            dir_.File("vocab.txt")};
  }

  TempDir dir_;
  std::string corpus_, questions_;
};

TEST_F(MpiCliTest, AveragingGivesEveryRankTheRingOrdersBits) {
  for (int ranks : {2, 3}) {
    const CommandResult r = Mpirun(ranks, {}, WEMBED_MPI_AVERAGE_CHECK);
    EXPECT_EQ(r.exit_code, 0) << ranks << " ranks: " << r.err;
    EXPECT_EQ(r.out, "ok\n") << ranks << " ranks";
  }
}

TEST_F(MpiCliTest, TwoRanksShareOneProcesssVocabularyAndRankZeroWrites) {
  const CommandResult alone =
      Wembed({"vocab", "-i", corpus_, "-o", dir_.File("alone.txt"),
              "--min-count", "3", "-q"});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  const CommandResult r = Mpirun(2, TrainArgs());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir_.File("vocab.txt")), ReadFile(dir_.File("alone.txt")));
  const int words = CountLines(ReadFile(dir_.File("alone.txt")));
  EXPECT_EQ(CountLines(ReadFile(dir_.File("v.txt"))), words + 1);
  // One report of the vectors written: rank 0's.
  size_t at = r.err.find("wrote ");
  ASSERT_NE(at, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrote ", at + 1), std::string::npos) << r.err;
}

TEST_F(MpiCliTest, AnErrorOnOneRankEndsBothWithOneMessage) {
  // The corrupt gzip file comes last: rank 1's share.
  WriteFile(dir_.File("bad.gz"), Gzip("some words\n").substr(0, 12));
  std::vector<std::string> args = TrainArgs();
  args.insert(args.begin() + 3, dir_.File("bad.gz"));  // after --input F
  const CommandResult r = Mpirun(2, args);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124) << "timed out: a rank hung";
  const std::string expected =
      "wembed train: error: rank 1: " + dir_.File("bad.gz") + ":";
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wembed train: error:", r.err.find(expected) + 1),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("v.txt")));
}

TEST_F(MpiCliTest, ACheckpointResumesUnderTheSameNumberOfRanksOnly) {
  std::vector<std::string> args = TrainArgs();
  args.insert(args.end(), {"--checkpoint", dir_.File("run.ckpt")});
  ASSERT_EQ(Mpirun(2, args).exit_code, 0);
  CommandResult r =
      Mpirun(2, {"train", "--resume", dir_.File("run.ckpt"), "--epochs", "2",
                 "--output", dir_.File("v2.txt")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("v2.txt")));
  r = Mpirun(3, {"train", "--resume", dir_.File("run.ckpt"), "--epochs", "3"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("was written by 2 ranks; resume it with mpirun -np 2, "
                       "not 3 ranks"),
            std::string::npos)
      << r.err;
  r = Wembed({"train", "--resume", dir_.File("run.ckpt"), "--epochs", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not one process"), std::string::npos) << r.err;
}

// --deterministic with 2 ranks of 2 threads: two runs write the same
// bytes. (Ranks of one thread are reproducible in either mode.)
TEST_F(MpiCliTest, DeterministicRanksWriteTheSameBytesEveryRun) {
  std::vector<std::string> args = TrainArgs();
  args[4] = "2";  // --threads
  args.push_back("--deterministic");
  for (const char* out : {"a.txt", "b.txt"}) {
    args[14] = dir_.File(out);  // --output
    const CommandResult r = Mpirun(2, args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The summary gives the group's words and rate.
    EXPECT_NE(r.err.find("(2 ranks x 2 threads"), std::string::npos) << r.err;
  }
  const std::string a = ReadFile(dir_.File("a.txt"));
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, ReadFile(dir_.File("b.txt")));
}

// An encoded corpus is cut between the ranks at sentence starts: the
// vocabulary is the file's, the run is reproducible (ranks of one thread,
// each with a model of its own), and it learns.
TEST_F(MpiCliTest, TwoRanksShareAnEncodedCorpus) {
  ASSERT_NO_FATAL_FAILURE(WriteBigCorpus("30000"));
  const std::string corpus = dir_.File("big.txt");
  const std::string wenc = dir_.File("c.wenc");
  CommandResult r =
      Wembed({"encode", "-i", corpus, "-o", wenc, "--min-count", "3", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> args = {"train",
                                         "--input",
                                         wenc,
                                         "--threads",
                                         "1",
                                         "--dim",
                                         "32",
                                         "--epochs",
                                         "5",
                                         "--sample",
                                         "1e-3",
                                         "--format",
                                         "txt",
                                         "--save-vocab",
                                         dir_.File("vocab.txt"),
                                         "--private-rank-models"};
  for (const char* out : {"a.txt", "b.txt"}) {
    std::vector<std::string> run = args;
    run.insert(run.end(), {"--output", dir_.File(out)});
    r = Mpirun(2, run);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_NE(r.err.find("train: read " + wenc), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(dir_.File("a.txt")), ReadFile(dir_.File("b.txt")));
  const CommandResult vocab =
      Wembed({"vocab", "-i", corpus, "-o", dir_.File("alone.txt"),
              "--min-count", "3", "-q"});
  ASSERT_EQ(vocab.exit_code, 0) << vocab.err;
  EXPECT_EQ(ReadFile(dir_.File("vocab.txt")), ReadFile(dir_.File("alone.txt")));
  EXPECT_GE(PlantedAccuracy(dir_.File("a.txt")), 90.0);
}

// A cluster scheduler ends a job with SIGTERM to mpirun, which forwards it
// to the ranks (OpenMPI: SIGCONT, then SIGTERM after
// odls_base_sigkill_timeout seconds, then SIGKILL after as many again):
// rank 0 writes the checkpoint at the next sync, and
// `mpirun -np 2 wembed train --resume` finishes the run. The run trains one
// model in shared memory (the ranks share this machine); resumed with a
// model per rank, it gives the same vectors every time.
TEST_F(MpiCliTest, SigtermToMpirunWritesACheckpointThatResumes) {
  ASSERT_NO_FATAL_FAILURE(
      WriteBigCorpus(testing::kSanitized ? "20000" : "200000"));
  const std::string corpus = dir_.File("big.txt");
  const std::string ckpt = dir_.File("run.ckpt");
  // mpirun itself gets the signal (under timeout(1), whose -k would kill
  // mpirun 5 s after forwarding it, a slow stop would lose the checkpoint).
  const std::vector<std::string> cmd = {WEMBED_MPIEXEC,
                                        "--oversubscribe",
                                        "--allow-run-as-root",
                                        "--mca",
                                        "odls_base_sigkill_timeout",
                                        "2",
                                        "-np",
                                        "2",
                                        WEMBED_BINARY,
                                        "train",
                                        "--input",
                                        corpus,
                                        "--threads",
                                        "1",
                                        "--dim",
                                        "200",
                                        "--negative",
                                        "20",
                                        "--window",
                                        "10",
                                        "--epochs",
                                        "30",
                                        "--min-count",
                                        "3",
                                        "--output",
                                        dir_.File("v.bin"),
                                        "--checkpoint",
                                        ckpt};
  const pid_t pid = testing::Spawn(cmd, "", dir_.File("run.err"));
  // Once rank 0 reports the model's memory, training starts.
  for (int i = 0;
       i < 1200 &&
       ReadFile(dir_.File("run.err")).find("train: model matrices") ==
           std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int code = -1;
  for (int i = 0; i < 1200 && code < 0; ++i) {  // 60 s, then a hang
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (code < 0) {
    ::kill(pid, SIGKILL);
    testing::WaitExit(pid);
  }
  const std::string err = ReadFile(dir_.File("run.err"));
  ASSERT_GE(code, 0) << "mpirun did not end within 60 s of SIGTERM\n" << err;
  if (code == 0) GTEST_SKIP() << "the run ended before the signal";
  EXPECT_NE(err.find("checkpoint written to"), std::string::npos)
      << "exit " << code << "\n"
      << err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("v.bin")));
  ASSERT_TRUE(std::filesystem::exists(ckpt)) << err;
  CommandResult info = Wembed({"info", ckpt});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("ranks:           2"), std::string::npos) << info.out;
  for (const char* out : {"a.bin", "b.bin"}) {
    std::filesystem::copy_file(
        ckpt, dir_.File("copy.ckpt"),
        std::filesystem::copy_options::overwrite_existing);
    const CommandResult r =
        Mpirun(2, {"train", "--resume", dir_.File("copy.ckpt"), "--output",
                   dir_.File(out), "--private-rank-models", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const std::string a = ReadFile(dir_.File("a.bin"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, ReadFile(dir_.File("b.bin")));
}

// Ranks on one machine train one model in shared memory unless
// --private-rank-models asks for one each, and the summary says which.
TEST_F(MpiCliTest, RanksOnOneMachineShareOneModelUnlessAskedNotTo) {
  std::vector<std::string> args = TrainArgs();
  CommandResult r = Mpirun(2, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("(2 ranks sharing one model x 1 thread"),
            std::string::npos)
      << r.err;
  args.push_back("--private-rank-models");
  r = Mpirun(2, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("(2 ranks x 1 thread"), std::string::npos) << r.err;
  EXPECT_EQ(CountLines(ReadFile(dir_.File("v.txt"))),
            CountLines(ReadFile(dir_.File("vocab.txt"))) + 1);
}

// The bar. It holds even before the trainer averages the ranks'
// models (rank 0's half of this corpus is enough), so it checks the whole
// path, not the averaging (the trainer's own tests do).
// The progress log's last record counts the group's words: every rank's
// tokens of every epoch, all of them trained.
TEST_F(MpiCliTest, TwoRanksLearnThePlantedAnalogies) {
  ASSERT_NO_FATAL_FAILURE(WriteBigCorpus("30000"));
  const std::string log_path = dir_.File("log.json");
  const CommandResult r =
      Mpirun(2, {"train", "--input", dir_.File("big.txt"), "--threads", "1",
                 "--dim", "32", "--epochs", "5", "--min-count", "3", "--sample",
                 "1e-3", "--log-json=" + log_path, "--format", "txt",
                 "--output", dir_.File("v.txt"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(PlantedAccuracy(dir_.File("v.txt")), 90.0);
  const std::string log = ReadFile(log_path);
  ASSERT_FALSE(log.empty());
  const nlohmann::json last = nlohmann::json::parse(
      log.substr(log.rfind('\n', log.size() - 2) + 1), nullptr, false);
  ASSERT_FALSE(last.is_discarded()) << log;
  EXPECT_EQ(last["words"], last["words_total"]) << log;
  EXPECT_DOUBLE_EQ(last["progress"].get<double>(), 1.0) << log;
  EXPECT_GT(last["loss"].get<double>(), 0.0) << log;
}

}  // namespace
}  // namespace wembed
