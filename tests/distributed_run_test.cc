// The distributed run without MPI: RunTraining on the members of an
// InProcessRanks group (threads of this process), and the input shares each
// rank reads. The same code runs under mpirun (mpi_cli_test.cc).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "corpus/input_share.h"
#include "in_process_ranks.h"
#include "test_util.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/train/training_job.h"
#include "wembed/vectors/checkpoint.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::Gzip;
using testing::InProcessRanks;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// The bytes of `pieces` (ranges of plain files), concatenated.
std::string ReadPieces(const std::vector<InputPiece>& pieces) {
  std::string s;
  for (const InputPiece& p : pieces) {
    const std::string all = ReadFile(p.path);
    const size_t end = p.end == InputPiece::kToEnd ? all.size() : p.end;
    s += all.substr(p.begin, end - p.begin);
  }
  return s;
}

TEST(InputShareTest, SharesReadEveryLineOnceAndWholeGzipFiles) {
  TempDir d;
  std::string text;
  for (int i = 0; i < 500; ++i) text += "line " + std::to_string(i) + " x\n";
  WriteFile(d.File("a.txt"), text);
  WriteFile(d.File("b.gz"), Gzip("zipped words\n"));
  WriteFile(d.File("c.txt"), "one last line without an end");
  const std::vector<std::string> files = {d.File("a.txt"), d.File("b.gz"),
                                          d.File("c.txt")};
  for (int count : {1, 2, 3, 7}) {
    std::string joined;
    int gzip_owners = 0;
    for (int i = 0; i < count; ++i) {
      StatusOr<std::vector<InputPiece>> share =
          PlanInputShare(files, i, count, Env::Default());
      ASSERT_TRUE(share.ok()) << share.status().message();
      std::vector<InputPiece> plain;
      for (const InputPiece& p : *share) {
        if (p.path == d.File("b.gz")) {
          ++gzip_owners;
          EXPECT_EQ(p.end, InputPiece::kToEnd);
        } else {
          // A piece starts at a line start.
          EXPECT_TRUE(p.begin == 0 || ReadFile(p.path)[p.begin - 1] == '\n');
          plain.push_back(p);
        }
      }
      joined += ReadPieces(plain);
    }
    EXPECT_EQ(joined, text + "one last line without an end") << count;
    EXPECT_EQ(gzip_owners, 1) << count;
  }
}

TEST(InputShareTest, StdinCannotBeShared) {
  StatusOr<std::vector<InputPiece>> share =
      PlanInputShare({"-"}, 0, 2, Env::Default());
  ASSERT_FALSE(share.ok());
  EXPECT_NE(share.status().message().find("cannot be shared"),
            std::string::npos);
}

TEST(RankCheckpointTest, RanksRoundTripAndMustCoverTheThreads) {
  TempDir d;
  Checkpoint c;
  c.vocab = Vocabulary::FromWordsAndCounts({"a"}, {1}).value();
  c.input = Matrix(1, 2);
  c.output = Matrix(1, 2);
  c.progress.threads.resize(3);
  c.ranks = {{10, 20, 30, 2}, {11, 21, 31, 1}};
  ASSERT_TRUE(WriteCheckpoint(d.File("c.ckpt"), c).ok());
  StatusOr<Checkpoint> read = ReadCheckpoint(d.File("c.ckpt"));
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->ranks.size(), 2u);
  EXPECT_EQ(read->ranks[1].corpus_tokens, 11u);
  EXPECT_EQ(read->ranks[1].corpus_bytes, 21u);
  EXPECT_EQ(read->ranks[1].corpus_fingerprint, 31u);
  EXPECT_EQ(read->ranks[0].threads, 2u);
  EXPECT_EQ(read->format_version, 1u);  // an extension: no new version
  c.ranks[1].threads = 2;
  const Status s = WriteCheckpoint(d.File("c.ckpt"), c);
  EXPECT_NE(s.message().find("the ranks have 4 threads but the progress has 3"),
            std::string::npos)
      << s.message();
}

struct Corpus {
  TempDir dir;
  std::string text;
};

std::unique_ptr<Corpus> MakeCorpus(int sentences) {
  auto c = std::make_unique<Corpus>();
  SyntheticCorpusOptions so;
  so.sentences = sentences;
  c->text = c->dir.File("corpus.txt");
  EXPECT_TRUE(WriteSyntheticCorpus(GenerateSyntheticCorpus(so), c->text,
                                   c->dir.File("questions.txt"))
                  .ok());
  return c;
}

TrainingJob SmallJob(const Corpus& c) {
  TrainingJob job;
  job.options.inputs = {c.text};
  job.options.dim = 16;
  job.options.epochs = 1;
  job.options.threads = 1;
  job.options.seed = 3;
  job.options.vocab.min_count = 3;
  job.output = c.dir.File("v.txt");
  job.format = VectorFormat::kText;
  job.save_vocab = c.dir.File("vocab.txt");
  return job;
}

// RunTraining on every member of a group of `n`, member r with envs[r];
// share_memory: the members offer shared memory (ranks on one machine).
std::vector<StatusOr<TrainingResult>> RunRanks(
    const TrainingJob& job, int n, const std::vector<const Env*>& envs,
    bool share_memory = false) {
  InProcessRanks ranks(n, share_memory);
  std::vector<StatusOr<TrainingResult>> results(size_t(n),
                                                Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r) {
    threads.emplace_back([&, r] {
      TrainingObserver quiet;
      results[size_t(r)] =
          RunTraining(job, quiet, nullptr, *envs[size_t(r)], &ranks.member(r));
    });
  }
  for (std::thread& t : threads) t.join();
  return results;
}

TEST(DistributedRunTest, RanksShareOneVocabularyEqualToOneProcesss) {
  auto c = MakeCorpus(3000);
  const TrainingJob job = SmallJob(*c);
  ScanRequest request = CorpusScanRequest(job);
  request.encode = true;
  StatusOr<ScanResult> alone = ScanCorpus(request);
  ASSERT_TRUE(alone.ok()) << alone.status().message();

  const Env& env = Env::Default();
  std::vector<StatusOr<TrainingResult>> r =
      RunRanks(job, 3, {&env, &env, &env});
  uint64_t tokens = 0;
  for (const StatusOr<TrainingResult>& result : r) {
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->model.vocab.words(), alone->vocab.words());
    EXPECT_EQ(result->model.vocab.counts(), alone->vocab.counts());
    tokens += result->model.progress.corpus_tokens;  // this rank's share
  }
  EXPECT_EQ(tokens, alone->corpus.num_tokens());
  // Rank 0 wrote the outputs, once.
  EXPECT_EQ(testing::CountLines(ReadFile(job.save_vocab)),
            int(alone->vocab.size()));
  EXPECT_EQ(testing::CountLines(ReadFile(job.output)),
            int(alone->vocab.size()) + 1);
}

TEST(DistributedRunTest, AnErrorOnOneRankEndsEveryRankWithItsMessage) {
  auto c = MakeCorpus(3000);
  const TrainingJob job = SmallJob(*c);
  FailOneOp fail_read(FileOp::kRead, 0, EIO, false, "corpus.txt");
  const Env faulty(&fail_read);
  const Env& env = Env::Default();
  std::vector<StatusOr<TrainingResult>> r = RunRanks(job, 2, {&env, &faulty});
  for (const StatusOr<TrainingResult>& result : r) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message().rfind("rank 1: " + c->text, 0), 0u)
        << result.status().message();
  }
  EXPECT_FALSE(std::filesystem::exists(job.output));
}

TEST(DistributedRunTest, AnEmptyVocabularyIsOneErrorForAll) {
  auto c = MakeCorpus(300);
  TrainingJob job = SmallJob(*c);
  job.options.vocab.min_count = 1000000;
  const Env& env = Env::Default();
  std::vector<StatusOr<TrainingResult>> r = RunRanks(job, 2, {&env, &env});
  for (const StatusOr<TrainingResult>& result : r) {
    ASSERT_FALSE(result.ok());
    // Rank 0 merged the counts: the corpus's error, not one rank's.
    EXPECT_EQ(result.status().message().rfind(c->text + ": ", 0), 0u)
        << result.status().message();
  }
  EXPECT_EQ(r[0].status().message(), r[1].status().message());
}

// The ranks would not average the subword vectors: refused up front, with
// the same message on every rank.
TEST(DistributedRunTest, SubwordsAreRefusedUnderRanks) {
  auto c = MakeCorpus(300);
  TrainingJob job = SmallJob(*c);
  job.options.subword_min_n = 3;
  job.options.subword_max_n = 6;
  const Env& env = Env::Default();
  std::vector<StatusOr<TrainingResult>> r = RunRanks(job, 2, {&env, &env});
  for (const StatusOr<TrainingResult>& result : r) {
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find(
                  "--subwords is not supported under MPI yet"),
              std::string::npos)
        << result.status().message();
  }
  EXPECT_FALSE(std::filesystem::exists(job.output));
}

// SmallJob with 2 threads a rank and a checkpoint, run.ckpt.
TrainingJob CheckpointedJob(const Corpus& c) {
  TrainingJob job = SmallJob(c);
  job.options.threads = 2;
  job.checkpoint = c.dir.File("run.ckpt");
  return job;
}

TEST(DistributedRunTest, TheCheckpointHoldsEveryRanksThreadsAndResumes) {
  auto c = MakeCorpus(3000);
  const TrainingJob job = CheckpointedJob(*c);
  const Env& env = Env::Default();
  std::vector<StatusOr<TrainingResult>> r = RunRanks(job, 2, {&env, &env});
  ASSERT_TRUE(r[0].ok()) << r[0].status().message();
  StatusOr<Checkpoint> ckpt = ReadCheckpoint(job.checkpoint);
  ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
  ASSERT_EQ(ckpt->ranks.size(), 2u);
  ASSERT_EQ(ckpt->progress.threads.size(), 4u);
  uint64_t tokens = 0;
  for (size_t rank = 0; rank < 2; ++rank) {
    const Checkpoint& own = r[rank]->model;
    EXPECT_EQ(ckpt->ranks[rank].threads, 2u);
    EXPECT_EQ(ckpt->ranks[rank].corpus_fingerprint,
              own.progress.corpus_fingerprint);
    EXPECT_EQ(ckpt->progress.threads[2 * rank + 1].end,
              own.progress.threads[1].end);
    tokens += ckpt->ranks[rank].corpus_tokens;
  }
  EXPECT_EQ(ckpt->progress.corpus_tokens, tokens);

  TrainingJob resume;
  resume.resume = job.checkpoint;
  resume.options.epochs = 2;
  resume.given = {"resume", "epochs"};
  r = RunRanks(resume, 2, {&env, &env});
  for (const StatusOr<TrainingResult>& result : r) {
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->model.progress.threads[0].epoch, 2u);
  }
  // Another number of ranks, or one process: a clear error.
  r = RunRanks(resume, 3, {&env, &env, &env});
  ASSERT_FALSE(r[0].ok());
  EXPECT_NE(r[0].status().message().find(
                "was written by 2 ranks; resume it with mpirun -np 2, not 3 "
                "ranks"),
            std::string::npos)
      << r[0].status().message();
  TrainingObserver quiet;
  StatusOr<TrainingResult> alone = RunTraining(resume, quiet);
  ASSERT_FALSE(alone.ok());
  EXPECT_NE(alone.status().message().find("not one process"), std::string::npos)
      << alone.status().message();
}

// Ranks on one machine train one model in shared memory: every rank ends
// with it, the checkpoint holds it, and the run resumes.
TEST(DistributedRunTest, RanksSharingMemoryEndWithOneModelThatResumes) {
  auto c = MakeCorpus(3000);
  const TrainingJob job = CheckpointedJob(*c);
  const Env& env = Env::Default();
  std::vector<StatusOr<TrainingResult>> r =
      RunRanks(job, 2, {&env, &env}, true);
  for (const StatusOr<TrainingResult>& result : r) {
    ASSERT_TRUE(result.ok()) << result.status().message();
  }
  const auto same = [](const Matrix& a, const Matrix& b) {
    return a.rows() == b.rows() && a.stride() == b.stride() &&
           std::memcmp(a.data(), b.data(),
                       a.rows() * a.stride() * sizeof(float)) == 0;
  };
  EXPECT_TRUE(same(r[0]->model.input, r[1]->model.input));
  EXPECT_TRUE(same(r[0]->model.output, r[1]->model.output));
  StatusOr<Checkpoint> ckpt = ReadCheckpoint(job.checkpoint);
  ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
  EXPECT_TRUE(same(ckpt->input, r[0]->model.input));
  EXPECT_EQ(ckpt->ranks.size(), 2u);

  TrainingJob resume;
  resume.resume = job.checkpoint;
  resume.options.epochs = 2;
  resume.given = {"resume", "epochs"};
  r = RunRanks(resume, 2, {&env, &env}, true);
  for (const StatusOr<TrainingResult>& result : r) {
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->model.progress.threads[0].epoch, 2u);
  }
  EXPECT_FALSE(same(r[0]->model.input, ckpt->input));  // it trained on
}

}  // namespace
}  // namespace wembed
