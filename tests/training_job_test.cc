// RunTraining: the whole run as one library call, as the CLI, the Python
// module and MPI ranks use it: events in order, outputs written, stop and
// resume, and the same bytes as the CLI.
#include "wembed/train/training_job.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "test_util.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/eval/analogy_evaluator.h"

namespace wembed {
namespace {

using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;

// Records the events; raises `stop_after_progress` stop requests.
class RecordingObserver : public TrainingObserver {
 public:
  void OnNote(const std::string& text) override { events.push_back("note"); notes.push_back(text); }
  void OnScanDone(const ScanStats&, size_t vocab_size, uint64_t) override {
    events.push_back("scan");
    vocab = vocab_size;
  }
  void OnTrainingStart(bool resumed, double at) override {
    events.push_back(resumed ? "resume" : "start");
    resumed_at = at;
  }
  void OnTrainProgress(const TrainStatus& s) override {
    ++progress_reports;
    // After some words (a slow run, e.g. under a sanitizer, can report
    // before the first words are published: the test resumes from past 0).
    if (stop != nullptr && s.words_processed > 0) stop->store(true);
  }
  double ProgressIntervalSeconds() const override { return 0.01; }
  void OnTrainingDone(const TrainSummary& s, int t) override {
    events.push_back("done");
    threads = t;
  }
  void OnVectorsWritten(const std::string& path, size_t rows,
                        size_t dim) override {
    events.push_back("vectors");
    written_rows = rows;
    written_dim = dim;
  }

  std::vector<std::string> events, notes;
  size_t vocab = 0, written_rows = 0, written_dim = 0;
  int progress_reports = 0, threads = 0;
  double resumed_at = -1;
  std::atomic<bool>* stop = nullptr;
};

struct Corpus {
  TempDir dir;
  std::string text, questions;
};

std::unique_ptr<Corpus> MakeCorpus(int sentences) {
  auto c = std::make_unique<Corpus>();
  SyntheticCorpusOptions so;
  so.sentences = sentences;
  c->text = c->dir.File("corpus.txt");
  c->questions = c->dir.File("questions.txt");
  EXPECT_TRUE(WriteSyntheticCorpus(GenerateSyntheticCorpus(so), c->text,
                                   c->questions)
                  .ok());
  return c;
}

TrainingJob SmallJob(const Corpus& c) {
  TrainingJob job;
  job.options.inputs = {c.text};
  job.options.dim = 32;
  job.options.epochs = 5;
  job.options.threads = 1;
  job.options.sample = 1e-3;
  job.options.seed = 3;
  job.output = c.dir.File("v.bin");
  return job;
}

TEST(TrainingJobTest, ARunReportsItsStagesAndLearnsThePlantedAnalogies) {
  auto c = MakeCorpus(30000);
  RecordingObserver observer;
  StatusOr<TrainingResult> r = RunTraining(SmallJob(*c), observer);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(observer.events,
            (std::vector<std::string>{"scan", "start", "done", "vectors"}));
  EXPECT_FALSE(r->stopped);
  EXPECT_EQ(observer.threads, 1);
  const Checkpoint& m = r->model;
  EXPECT_EQ(m.vocab.size(), observer.vocab);
  EXPECT_EQ(observer.written_rows, m.vocab.size());
  EXPECT_EQ(observer.written_dim, 32u);
  EXPECT_TRUE(m.progress.finished);
  // The job as run: absolute inputs, resolved threads.
  EXPECT_EQ(r->job.options.inputs, std::vector<std::string>{c->text});

  Embeddings e{m.vocab.words(), m.input};
  AnalogyOptions ao;
  ao.restrict_vocab = 0;
  AnalogyEvaluator evaluator(std::move(e), ao);
  const AnalogyResult a =
      evaluator.Evaluate(ReadAnalogyQuestions(c->questions).value());
  EXPECT_GE(AnalogyAccuracy(a.total, false, ao.protocol), 90.0);
}

TEST(TrainingJobTest, SameBytesAsTheCommandLine) {
  auto c = MakeCorpus(5000);
  TrainingJob job = SmallJob(*c);
  job.options.epochs = 2;
  job.format = VectorFormat::kText;
  RecordingObserver observer;
  ASSERT_TRUE(RunTraining(job, observer).ok());
  const std::string cli = c->dir.File("cli.txt");
  const auto r = RunCommand(
      {WEMBED_BINARY, "train", "-i", c->text, "-o", cli, "--format", "txt",
       "--dim", "32", "--epochs", "2", "--threads", "1", "--sample", "1e-3",
       "--seed", "3", "-q"},
      c->dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ReadFile(cli) == ReadFile(job.output));
}

TEST(TrainingJobTest, AStopWritesACheckpointThatResumesToTheEnd) {
  auto c = MakeCorpus(30000);
  TrainingJob job = SmallJob(*c);
  job.checkpoint = c->dir.File("run.ckpt");
  std::atomic<bool> stop{false};
  RecordingObserver first;
  first.stop = &stop;
  StatusOr<TrainingResult> r = RunTraining(job, first, &stop);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->stopped);
  EXPECT_GE(first.progress_reports, 1);
  EXPECT_EQ(first.events.back(), "done");  // no vectors for a stopped run
  EXPECT_FALSE(std::filesystem::exists(job.output));

  TrainingJob resume;
  resume.resume = job.checkpoint;
  resume.output = job.output;
  resume.options.dim = 64;  // ignored, with a note
  resume.given = {"resume", "output", "dim"};
  RecordingObserver second;
  r = RunTraining(resume, second);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->stopped);
  EXPECT_EQ(second.events.front(), "note");
  EXPECT_EQ(second.notes[0],
            "note: --dim is ignored when resuming (the checkpoint's value is "
            "used)");
  EXPECT_GT(second.resumed_at, 0.0);
  EXPECT_LT(second.resumed_at, 1.0);
  EXPECT_EQ(r->job.checkpoint, job.checkpoint);
  EXPECT_TRUE(r->model.progress.finished);
  EXPECT_EQ(r->model.input.cols(), 32u);
  EXPECT_TRUE(std::filesystem::exists(job.output));
}

// With neither --output nor --checkpoint (the Python module's way), the
// model is trained in memory and nothing is written.
TEST(TrainingJobTest, AJobWithoutOutputsTrainsInMemory) {
  auto c = MakeCorpus(500);
  TrainingJob job = SmallJob(*c);
  job.output.clear();
  RecordingObserver observer;
  StatusOr<TrainingResult> r = RunTraining(job, observer);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->model.input.rows(), r->model.vocab.size());
  EXPECT_EQ(observer.events,
            (std::vector<std::string>{"scan", "start", "done"}));
  EXPECT_EQ(c->dir.List(),
            (std::vector<std::string>{"corpus.txt", "questions.txt"}));
}

TEST(TrainingJobTest, ProblemsAreStatusesNamingTheCause) {
  auto c = MakeCorpus(100);
  RecordingObserver observer;
  TrainingJob job = SmallJob(*c);
  job.options.dim = 0;
  EXPECT_EQ(RunTraining(job, observer).status().message(),
            "--dim must be in 1..10000");
  job = SmallJob(*c);
  job.output = c->text;  // would overwrite the corpus
  EXPECT_NE(RunTraining(job, observer).status().message().find("same file"),
            std::string::npos);
  job = SmallJob(*c);
  job.options.inputs = {c->dir.File("missing.txt")};
  EXPECT_EQ(RunTraining(job, observer).status().code(), StatusCode::kNotFound);
  std::atomic<bool> stop{true};
  job = SmallJob(*c);
  StatusOr<TrainingResult> r = RunTraining(job, observer, &stop);
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace wembed
