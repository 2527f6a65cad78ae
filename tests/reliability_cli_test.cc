// Faults and hostile inputs as users meet them (docs/reliability.md): full
// disks and file size limits, diverging runs, planted temp files, lying
// headers, FIFOs, failed writes to stdout. Each test checks the exit code,
// the one stderr line and what is left on disk.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/vectors/checkpoint.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

const std::string kWembed = WEMBED_BINARY;

// For a child: files of at most `bytes`, as under `ulimit -f` (SIGXFSZ
// left at its default: wembed itself turns it into EFBIG errors).
std::function<void()> FileSizeLimit(uint64_t bytes) {
  return [bytes] {
    ::signal(SIGXFSZ, SIG_DFL);
    const struct rlimit limit = {rlim_t(bytes), rlim_t(bytes)};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  };
}

// For a child: at most `bytes` of address space (an allocation beyond it
// fails with bad_alloc, reported as "out of memory").
std::function<void()> AddressSpaceLimit(uint64_t bytes) {
  return [bytes] {
    const struct rlimit limit = {rlim_t(bytes), rlim_t(bytes)};
    ::setrlimit(RLIMIT_AS, &limit);
  };
}

uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : uint64_t(size);
}

// Sets the last value of the input matrix of the checkpoint at `path` to
// NaN and fixes the section's CRC (docs/checkpoint-format.md): a checkpoint
// of a diverged run as an older wembed wrote it.
void PoisonCheckpoint(const std::string& path) {
  std::string bytes = ReadFile(path);
  size_t at = 20;  // after the file header
  while (at + 12 <= bytes.size()) {
    uint32_t type;
    uint64_t length;
    std::memcpy(&type, bytes.data() + at, 4);
    std::memcpy(&length, bytes.data() + at + 4, 8);
    if (type == 3) {  // the input matrix
      const uint32_t nan = 0x7fc00000u;
      std::memcpy(bytes.data() + at + 12 + length - 4, &nan, 4);
      const uint32_t crc = uint32_t(
          crc32(0, reinterpret_cast<const Bytef*>(bytes.data() + at),
                uInt(12 + length)));
      std::memcpy(bytes.data() + at + 12 + length, &crc, 4);
      WriteFile(path, bytes);
      return;
    }
    at += 16 + length;
  }
  ADD_FAILURE() << "no input matrix in " << path;
}

class ReliabilityCliTest : public ::testing::Test {
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
  CommandResult Run(std::vector<std::string> args,
                    const std::function<void()>& in_child = {}) {
    args.insert(args.begin(), kWembed);
    return RunCommand(args, dir_.path(), in_child);
  }
  // No "<name>.tmp.<pid>" left in the directory.
  void ExpectNoTempFiles() {
    for (const std::string& name : dir_.List()) {
      EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;
    }
  }
  TempDir dir_;
};

// ------------------------------------------------- 1. final outputs

TEST_F(ReliabilityCliTest, VectorsAreWrittenWhenTheFinalCheckpointCannotBe) {
  const std::string corpus = Corpus(2000);
  const std::vector<std::string> train = {
      "train", "--input", corpus, "--dim", "64", "--epochs", "1",
      "--threads", "1", "-q"};
  std::vector<std::string> args = train;
  args.insert(args.end(), {"--output", dir_.File("ref.bin"), "--checkpoint",
                           dir_.File("ref.ck")});
  ASSERT_EQ(Run(args).exit_code, 0);
  const uint64_t vectors = FileSize(dir_.File("ref.bin"));
  const uint64_t ckpt = FileSize(dir_.File("ref.ck"));
  ASSERT_LT(vectors + 4096, ckpt);  // a limit fits between them

  args = train;
  args.insert(args.end(), {"--output", dir_.File("out.bin"), "--checkpoint",
                           dir_.File("ck")});
  CommandResult r = Run(args, FileSizeLimit((vectors + ckpt) / 2));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(dir_.File("ck")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the vectors were written to " + dir_.File("out.bin")),
            std::string::npos)
      << r.err;
  EXPECT_EQ(FileSize(dir_.File("out.bin")), vectors);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("ck")));
  ExpectNoTempFiles();
}

TEST_F(ReliabilityCliTest, CheckpointIsWrittenWhenTheVectorsCannotBe) {
  const std::string corpus = Corpus(2000);
  const std::vector<std::string> train = {
      "train", "--input", corpus, "--dim", "64", "--epochs", "1",
      "--threads", "1", "--format", "txt", "-q"};
  std::vector<std::string> args = train;
  args.insert(args.end(), {"--output", dir_.File("ref.txt"), "--checkpoint",
                           dir_.File("ref.ck")});
  ASSERT_EQ(Run(args).exit_code, 0);
  const uint64_t vectors = FileSize(dir_.File("ref.txt"));
  const uint64_t ckpt = FileSize(dir_.File("ref.ck"));
  ASSERT_LT(ckpt + 4096, vectors);  // text is longer than two float matrices

  args = train;
  args.insert(args.end(), {"--output", dir_.File("out.txt"), "--checkpoint",
                           dir_.File("ck")});
  CommandResult r = Run(args, FileSizeLimit((vectors + ckpt) / 2));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(dir_.File("out.txt")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the checkpoint " + dir_.File("ck") + " was written"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("out.txt")));
  EXPECT_EQ(FileSize(dir_.File("ck")), ckpt);
  ExpectNoTempFiles();
  // The checkpoint gives the vectors.
  r = Run({"export", dir_.File("ck"), "--output", dir_.File("out.txt"),
           "--format", "txt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir_.File("out.txt")), ReadFile(dir_.File("ref.txt")));
}

// ------------------------------------------------- 2. divergence

TEST_F(ReliabilityCliTest, DivergedRunKeepsTheLastGoodCheckpoint) {
  const std::string corpus = Corpus(testing::kSanitized ? 10000 : 40000);
  const std::string ck = dir_.File("ck");
  CommandResult r = Run({"train", "--input", corpus, "--checkpoint", ck,
                         "--epochs", "1", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"train", "--input", corpus, "--checkpoint", ck, "--alpha", "10",
           "--checkpoint-every", "0.2", "--epochs", "50", "-q"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("diverged"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the checkpoint " + ck + " was not replaced"),
            std::string::npos)
      << r.err;
  StatusOr<Checkpoint> kept = ReadCheckpoint(ck);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  EXPECT_TRUE(CheckpointIsFinite(*kept));
  ExpectNoTempFiles();
}

TEST_F(ReliabilityCliTest, NonFiniteCheckpointIsNotExported) {
  const std::string corpus = Corpus(500);
  const std::string ck = dir_.File("ck");
  ASSERT_EQ(Run({"train", "--input", corpus, "--checkpoint", ck, "-q"})
                .exit_code,
            0);
  PoisonCheckpoint(ck);
  ASSERT_TRUE(ReadCheckpoint(ck).ok());
  for (const char* format : {"txt", "bin"}) {
    CommandResult r = Run({"export", ck, "--output", dir_.File("v"),
                           "--format", format});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("non-finite"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_.File("v")));
  }
}

// ------------------------------------------------- 3. temp files

TEST_F(ReliabilityCliTest, PlantedSymlinkAtTheTempNameIsNotWrittenThrough) {
  const std::string victim = dir_.File("victim");
  const std::string target = dir_.File("out.txt");
  WriteFile(victim, "precious\n");
  // The child plants "<target>.tmp.<its pid>", the pid wembed runs with.
  auto plant = [&] {
    const std::string temp = target + ".tmp." + std::to_string(::getpid());
    if (::symlink(victim.c_str(), temp.c_str()) != 0) ::_exit(126);
  };
  CommandResult r =
      Run({"synth", "--output-corpus", target, "--output-questions",
           dir_.File("q.txt"), "--sentences", "100"},
          plant);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(victim), "precious\n");
  EXPECT_FALSE(std::filesystem::is_symlink(target));
  EXPECT_EQ(CountLines(ReadFile(target)), 100);
  ExpectNoTempFiles();
}

TEST_F(ReliabilityCliTest, ReplacedFileKeepsItsModeNewFileFollowsUmask) {
  const std::string old_file = dir_.File("old.txt");
  WriteFile(old_file, "old\n");
  ASSERT_EQ(::chmod(old_file.c_str(), 0600), 0);
  auto umask_002 = [] { ::umask(002); };
  for (const std::string& target : {old_file, dir_.File("new.txt")}) {
    CommandResult r =
        Run({"synth", "--output-corpus", target, "--output-questions",
             dir_.File("q.txt"), "--sentences", "10"},
            umask_002);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  struct stat st;
  ASSERT_EQ(::stat(old_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir_.File("new.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0664u);  // 0666 less the umask
}

// ------------------------------------------------- 4. lying headers

TEST_F(ReliabilityCliTest, LyingHeaderAllocatesOnlyWhatTheBytesJustify) {
  const std::string sparse = dir_.File("sparse.txt");
  WriteFile(sparse, "100000000 1\n");
  ASSERT_EQ(::truncate(sparse.c_str(), off_t{256} << 20), 0);  // a hole
  const std::string dense = dir_.File("dense.txt");
  WriteFile(dense, "100000000 1\n" + std::string(size_t{64} << 20, '\0'));
  const std::string real = dir_.File("real.txt");
  WriteFile(real, "2 1\na 1\nb 2\n");
  // The header would need gigabytes; the file's bytes justify little.
  // (A sanitizer's shadow memory needs terabytes of address space: there the
  // messages are checked without the cap.)
  const auto limit = testing::kSanitized
                         ? std::function<void()>()
                         : AddressSpaceLimit(uint64_t{1} << 30);
  for (const std::string& path : {sparse, dense}) {
    CommandResult r = Run({"similar", "a", "--vectors", path}, limit);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(path + ": line 2 is longer than"), std::string::npos)
        << r.err;
  }
  CommandResult r = Run({"similar", "a", "--vectors", real}, limit);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// ------------------------------------------------- 5. standard output

TEST_F(ReliabilityCliTest, FailedWriteToStandardOutputExitsOne) {
  const std::string vectors = dir_.File("v.txt");
  WriteFile(vectors, "3 2\na 1 0\nb 1 1\nc 0 1\n");
  for (const std::string& command :
       {kWembed + " similar a --vectors " + vectors, kWembed + " --help",
        kWembed + " similar --help"}) {
    CommandResult r = testing::RunShell(command + " > /dev/full", dir_.path());
    EXPECT_EQ(r.exit_code, 1) << command << ": " << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("cannot write to standard output"), std::string::npos)
        << r.err;
  }
  // The same commands succeed when the output can be written.
  CommandResult r =
      testing::RunShell(kWembed + " similar a --vectors " + vectors,
                        dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// ------------------------------------------------- 6, 7. FIFOs

// A FIFO is opened once and read once: a corpus through a FIFO gives the
// same vocabulary as the file, vectors through a FIFO the same neighbours.
// (A second open would block forever: the writer is gone.)
TEST_F(ReliabilityCliTest, FifoCorpusAndFifoVectorsAreReadOnce) {
  const std::string corpus = Corpus(2000);
  const std::string fifo = dir_.File("p");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string feed = "cat " + corpus + " > " + fifo + " & timeout 60 ";
  CommandResult r = Run({"vocab", "-i", corpus, "-o", dir_.File("ref.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunShell(feed + kWembed + " vocab -i " + fifo + " -o " +
                            dir_.File("v.txt"),
                        dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir_.File("v.txt")), ReadFile(dir_.File("ref.txt")));

  const std::string vectors = dir_.File("vectors.txt");
  WriteFile(vectors, "3 2\na 1 0\nb 1 1\nc 0 1\n");
  r = testing::RunShell(
      "cat " + vectors + " > " + fifo + " & timeout 60 " + kWembed +
          " similar a --vectors " + fifo,
      dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1\tb\t0.707107"), std::string::npos) << r.out;
}

// ------------------------------------------------- 8. tiny norms

TEST_F(ReliabilityCliTest, VectorOfDenormalNormHasSimilarityZeroNeverNan) {
  const std::string vectors = dir_.File("d.txt");
  WriteFile(vectors, "3 2\na 1e-39 0\nb 1 0\nc 0 1\n");
  CommandResult r = Run({"similar", "b", "--vectors", vectors});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("nan"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("a\t0.000000"), std::string::npos) << r.out;
  r = Run({"similar", "a", "--vectors", vectors});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("nan"), std::string::npos) << r.out;
  const std::string pairs = dir_.File("pairs.txt");
  WriteFile(pairs, "a b 5\nb c 1\nc a 3\n");
  r = Run({"eval", "similarity", "--vectors", vectors, "--pairs", pairs});
  EXPECT_EQ(r.out.find("nan"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("nan"), std::string::npos) << r.err;
}

// ------------------------------------------------- 9. signals

// SIGHUP stops a run like SIGINT (TrainCliTest.SighupExits129...), but
// under nohup (SIGHUP ignored) it stays ignored and the run finishes.
TEST_F(ReliabilityCliTest, IgnoredSighupStaysIgnored) {
  const std::string corpus = Corpus(100000);
  const std::string err = dir_.File("run.err");
  const pid_t pid = testing::Spawn(
      {kWembed, "train", "--input", corpus, "--output", dir_.File("out.bin"),
       "--checkpoint", dir_.File("ck"), "--threads", "1", "--epochs",
       // Long enough for the signal to arrive mid-run (a sanitizer build
       // is 5-15 times slower, so fewer epochs do).
       testing::kSanitized ? "15" : "150", "--dim", "32"},
      "", err, [] { ::signal(SIGHUP, SIG_IGN); });
  for (int i = 0; i < 600 && ReadFile(err).find("read ") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGHUP);
  EXPECT_EQ(testing::WaitExit(pid), 0) << ReadFile(err);
  EXPECT_TRUE(std::filesystem::exists(dir_.File("out.bin")));
}

// ------------------------------------------------- 9. tiny count tables

TEST_F(ReliabilityCliTest, TinyMaxTableEntriesDoesNotHang) {
  const std::string corpus = Corpus(40000);
  // Pruning after nearly every word used to cost a 64k-slot table and a
  // 1 MiB arena block each time: 40 s here. The limit is generous (and
  // more so under a sanitizer, which makes the CLI 5-15 times slower).
  const std::string timeout =
      testing::kSanitized ? "timeout 300 " : "timeout 20 ";
  for (const char* command : {"phrases", "vocab"}) {
    CommandResult r = testing::RunShell(
        timeout + kWembed + " " + command + " -i " + corpus + " -o " +
            dir_.File("out.txt") + " --min-count 1 --max-table-entries 1",
        dir_.path());
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    EXPECT_NE(r.err.find("raise --max-table-entries"), std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace wembed
