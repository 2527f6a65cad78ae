// Fault sweep (issue 10): every command's library calls, as the CLI makes
// them, rerun with a fault at every I/O call they make. First a counting
// run learns how many calls of each FileOp the command makes; then, for
// every call index of every op:
//   (a) EIO (every op),
//   (b) ENOSPC (the output ops: create, write, fsync, close),
//   (c) a short read or write of half the bytes followed by EIO on the next
//       call of that op,
//   (d) a short read or write alone.
// After a fault that fired, the command must fail with one Status whose
// message is one line naming a file of the test directory; each output is
// either as it was before the run or complete (the fault-free result: only
// after the rename, when syncing the directory fails, or for an output
// written before the failing one, e.g. train's vectors before its
// checkpoint); no other file (no "*.tmp.*", no scratch file) is left in the
// directory. A short transfer alone (and a short-then-fail whose failing
// call never came) must give the fault-free result.
//
// Inputs are tiny so the sweep stays fast. A command that makes more than
// kAllIndices calls of one op gets all of the first kAllIndices and then
// about kStrideSamples more, evenly spaced up to the last call.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/phrases.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/eval/nearest_neighbors.h"
#include "wembed/eval/similarity_evaluator.h"
#include "wembed/eval/word_classes.h"
#include "wembed/plot/training_curve.h"
#include "wembed/plot/word_map.h"
#include "wembed/train/training_job.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/vectors/vector_export.h"

namespace wembed {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

constexpr int kNumOps = 8;  // FileOp values
constexpr int kAllIndices = 50;
constexpr int kStrideSamples = 20;

enum class Mode { kCount, kFail, kShortThenFail, kShortOnly };

// Counts every call; in a fault mode, acts on call `nth` of `op`.
class SweepInjector : public FaultInjector {
 public:
  SweepInjector() = default;
  SweepInjector(FileOp op, int nth, Mode mode, int err)
      : op_(op), nth_(nth), mode_(mode), err_(err) {}

  int BeforeOp(FileOp op, const std::string& path, size_t* size) override {
    std::lock_guard<std::mutex> lock(mu_);
    const int index = counts_[static_cast<int>(op)]++;
    if (mode_ == Mode::kCount || op != op_) return 0;
    if (index == nth_ && mode_ != Mode::kFail) {
      if (size != nullptr && *size > 1) *size /= 2;
      if (mode_ == Mode::kShortThenFail) ++nth_;  // the next call fails
      return 0;
    }
    if (index == nth_ && mode_ != Mode::kShortOnly) {
      fired_ = true;
      return err_;
    }
    return 0;
  }
  int count(FileOp op) const { return counts_[static_cast<int>(op)]; }
  bool fired() const { return fired_; }

 private:
  std::mutex mu_;
  std::array<int, kNumOps> counts_{};
  FileOp op_ = FileOp::kOpen;
  int nth_ = -1;
  Mode mode_ = Mode::kCount;
  int err_ = 0;
  bool fired_ = false;
};

// One command: `run` makes its library calls through `env`; `outputs` are
// the files it writes; `normalize` (optional) maps an output's bytes to what
// must match (a checkpoint records its wall-clock time).
struct Command {
  std::string name;
  std::function<Status(const Env& env)> run;
  std::vector<std::string> outputs;
  std::function<std::string(const std::string& path)> normalize;
};

// Indices of calls to try out of `count`: all of the first kAllIndices,
// then about kStrideSamples evenly spaced ones up to the last.
std::vector<int> IndicesToTry(int count) {
  std::vector<int> v;
  for (int i = 0; i < count && i < kAllIndices; ++i) v.push_back(i);
  if (count > kAllIndices) {
    const int stride = std::max(1, (count - kAllIndices) / kStrideSamples);
    for (int i = kAllIndices; i < count; i += stride) v.push_back(i);
    if (v.back() != count - 1) v.push_back(count - 1);
  }
  return v;
}

bool IsOutputOp(FileOp op) {
  return op == FileOp::kCreate || op == FileOp::kWrite ||
         op == FileOp::kFsync || op == FileOp::kClose;
}

class Sweep {
 public:
  Sweep(const TempDir& dir, Command cmd) : dir_(dir), cmd_(std::move(cmd)) {}

  void RunAll() {
    SaveBefore();
    SweepInjector counter;
    const Env counting(&counter);
    const Status ok = cmd_.run(counting);
    ASSERT_TRUE(ok.ok()) << cmd_.name << ": " << ok.message();
    for (const std::string& out : cmd_.outputs) {
      ASSERT_TRUE(std::filesystem::exists(out)) << out;
      good_[out] = Normalized(out);
    }
    after_good_ = dir_.List();
    RestoreBefore();
    int runs = 0;
    for (int o = 0; o < kNumOps; ++o) {
      const FileOp op = static_cast<FileOp>(o);
      const bool transfer = op == FileOp::kRead || op == FileOp::kWrite;
      for (int nth : IndicesToTry(counter.count(op))) {
        Try(op, nth, Mode::kFail, EIO);
        if (IsOutputOp(op)) Try(op, nth, Mode::kFail, ENOSPC);
        if (transfer) Try(op, nth, Mode::kShortThenFail, EIO);
        if (transfer) Try(op, nth, Mode::kShortOnly, 0);
        runs += 2 + (IsOutputOp(op) ? 1 : 0) + (transfer ? 2 : 0);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
    ::testing::Test::RecordProperty(cmd_.name + "_runs", runs);
    std::cout << cmd_.name << ": " << runs << " faulty runs over";
    for (int o = 0; o < kNumOps; ++o) {
      std::cout << " " << FileOpName(static_cast<FileOp>(o)) << " x"
                << counter.count(static_cast<FileOp>(o));
    }
    std::cout << "\n";
  }

 private:
  std::string Normalized(const std::string& path) const {
    return cmd_.normalize ? cmd_.normalize(path) : ReadFile(path);
  }

  void SaveBefore() {
    for (const std::string& out : cmd_.outputs) {
      if (std::filesystem::exists(out)) before_[out] = ReadFile(out);
    }
    listing_ = dir_.List();
  }

  // Puts the outputs back as they were before (absent or old contents).
  void RestoreBefore() {
    for (const std::string& out : cmd_.outputs) {
      auto it = before_.find(out);
      if (it == before_.end()) {
        std::filesystem::remove(out);
      } else {
        WriteFile(out, it->second);
      }
    }
  }

  void Try(FileOp op, int nth, Mode mode, int err) {
    SweepInjector faults(op, nth, mode, err);
    const Env env(&faults);
    const Status st = cmd_.run(env);
    const std::string where = cmd_.name + ": " + FileOpName(op) + " #" +
                              std::to_string(nth) + " mode " +
                              std::to_string(static_cast<int>(mode)) +
                              " errno " + std::to_string(err);
    if (faults.fired()) {
      CheckFailed(st, op, where);
    } else {
      EXPECT_TRUE(st.ok()) << where << ": " << st.message();
      for (const std::string& out : cmd_.outputs) {
        EXPECT_TRUE(std::filesystem::exists(out) &&
                    Normalized(out) == good_[out])
            << where << ": " << out << " differs from the fault-free run";
      }
      EXPECT_EQ(dir_.List(), after_good_) << where;
    }
    RestoreBefore();
  }

  void CheckFailed(const Status& st, FileOp op, const std::string& where) {
    ASSERT_FALSE(st.ok()) << where << ": the fault was ignored";
    EXPECT_EQ(st.message().find('\n'), std::string::npos)
        << where << ": " << st.message();
    EXPECT_NE(st.message().find(dir_.path()), std::string::npos)
        << where << ": names no file: " << st.message();
    std::set<std::string> allowed(listing_.begin(), listing_.end());
    for (const std::string& out : cmd_.outputs) {
      const bool existed = before_.count(out) != 0;
      const bool exists = std::filesystem::exists(out);
      if (exists) {
        allowed.insert(std::filesystem::path(out).filename().string());
      }
      const bool unchanged =
          existed ? exists && ReadFile(out) == before_[out] : !exists;
      const bool complete = exists && Normalized(out) == good_[out];
      EXPECT_TRUE(unchanged || complete)
          << where << ": " << out << " is partial: " << st.message();
    }
    for (const std::string& name : dir_.List()) {
      EXPECT_TRUE(allowed.count(name) != 0)
          << where << ": stray file " << name << ": " << st.message();
    }
  }

  const TempDir& dir_;
  Command cmd_;
  std::map<std::string, std::string> before_, good_;
  std::vector<std::string> listing_, after_good_;
};

// ------------------------------------------------------------ fixtures

// A small corpus, its analogy questions, word pairs and a vectors file.
struct Fixture {
  TempDir dir;
  std::string corpus, questions, pairs, vectors, log;
  Fixture() {
    SyntheticCorpusOptions so;
    so.sentences = 300;
    so.filler_words = 30;
    so.pairs = 4;
    corpus = dir.File("corpus.txt");
    questions = dir.File("questions.txt");
    EXPECT_TRUE(
        WriteSyntheticCorpus(GenerateSyntheticCorpus(so), corpus, questions)
            .ok());
    pairs = dir.File("pairs.txt");
    WriteFile(pairs,
              "# w1 w2 score\nw0 w1 1.5\nw1 w2 2.5\nw2 w3 0.5\n"
              "w3 w4 3\nw0 w4 4\n");
    std::mt19937 rng(5);
    Embeddings e = testing::RandomEmbeddings(40, 8, &rng);
    vectors = dir.File("vectors.bin");
    EXPECT_TRUE(
        WriteWord2Vec(vectors, e.words, e.vectors, VectorFormat::kBinary).ok());
    log = dir.File("log.jsonl");
    std::string lines;
    for (int i = 1; i <= 6; ++i) {
      lines += "{\"words\": " + std::to_string(i * 1000) +
               ", \"epochs\": " + std::to_string(i / 3.0) +
               ", \"loss\": " + std::to_string(3.0 - i * 0.3) +
               ", \"learning_rate\": " + std::to_string(0.025 - i * 0.003) +
               ", \"elapsed\": " + std::to_string(i) + "}\n";
    }
    WriteFile(log, lines);
  }
};

TrainingJob SmallJob(const Fixture& f) {
  TrainingJob job;
  job.options.inputs = {f.corpus};
  job.options.dim = 8;
  job.options.epochs = 1;
  job.options.threads = 1;
  job.options.vocab.min_count = 1;
  job.options.seed = 3;
  job.quiet = true;
  job.cache_dir = f.dir.path();
  return job;
}

// The matrices of a checkpoint (its other fields hold the time taken).
std::string CheckpointMatrices(const std::string& path) {
  StatusOr<Checkpoint> c = ReadCheckpoint(path);
  if (!c.ok()) return "unreadable: " + c.status().message();
  std::string s;
  for (const Matrix* m : {&c->input, &c->output}) {
    for (size_t r = 0; r < m->rows(); ++r) {
      s.append(reinterpret_cast<const char*>(m->row(r)),
               m->cols() * sizeof(float));
    }
  }
  return s;
}

std::string NormalizeOutput(const std::string& path) {
  if (path.ends_with(".ckpt")) return CheckpointMatrices(path);
  return ReadFile(path);
}

ScanRequest ScanOf(const Fixture& f, const Env& env) {
  ScanRequest r = CorpusScanRequest(SmallJob(f));
  r.env = &env;
  return r;
}

// RunTraining's Status (an observer that ignores everything).
Status Train(const TrainingJob& job, const Env& env = Env::Default()) {
  TrainingObserver observer;
  return RunTraining(job, observer, nullptr, env).status();
}

StatusOr<Embeddings> LoadVectors(const Fixture& f, const Env& env) {
  return LoadEmbeddings(f.vectors, 0, nullptr, env);
}

// A command on a fresh Fixture: run(f, out, env) writes `out`, the file
// `file` in the fixture's directory ("": the command writes nothing).
using FixtureRun = std::function<Status(const Fixture& f,
                                        const std::string& out,
                                        const Env& env)>;

// Sweeps `run`; `prepare` (optional) makes its inputs first, fault-free.
void SweepFixture(const std::string& name, const std::string& file,
                  const FixtureRun& run,
                  const std::function<void(const Fixture&)>& prepare = {}) {
  Fixture f;
  if (prepare) prepare(f);
  if (::testing::Test::HasFatalFailure()) return;
  const std::string out = file.empty() ? "" : f.dir.File(file);
  std::vector<std::string> outputs;
  if (!out.empty()) outputs.push_back(out);
  Command c{name, [&](const Env& env) { return run(f, out, env); }, outputs,
            {}};
  Sweep(f.dir, c).RunAll();
}

// ------------------------------------------------------------ commands

TEST(FaultSweepTest, Train) {
  Fixture f;
  TrainingJob job = SmallJob(f);
  job.output = f.dir.File("out.bin");
  job.checkpoint = f.dir.File("run.ckpt");
  Command c{"train", [&](const Env& env) { return Train(job, env); },
            {job.output, job.checkpoint}, NormalizeOutput};
  Sweep(f.dir, c).RunAll();
}

TEST(FaultSweepTest, TrainReplacesOldOutputs) {
  Fixture f;
  TrainingJob job = SmallJob(f);
  job.output = f.dir.File("out.txt");
  job.format = VectorFormat::kText;
  WriteFile(job.output, "old vectors\n");
  Command c{"train-txt", [&](const Env& env) { return Train(job, env); },
            {job.output}};
  Sweep(f.dir, c).RunAll();
}

TEST(FaultSweepTest, Vocab) {
  SweepFixture("vocab", "vocab.txt",
               [](const Fixture& f, const std::string& out, const Env& env) {
                 StatusOr<ScanResult> scan = ScanCorpus(ScanOf(f, env));
                 return scan.ok() ? scan->vocab.Save(out, env) : scan.status();
               });
}

TEST(FaultSweepTest, Encode) {
  SweepFixture("encode", "corpus.wenc",
               [](const Fixture& f, const std::string& out, const Env& env) {
                 ScanRequest r = ScanOf(f, env);
                 r.encode = true;
                 r.storage = EncodedStorage::kFile;
                 r.output_path = out;
                 return ScanCorpus(r).status();
               });
}

// export: a checkpoint's vectors, as bin and as txt.
void SweepExport(ExportFormat format, const std::string& name) {
  auto checkpoint = [](const Fixture& f) { return f.dir.File("run.ckpt"); };
  SweepFixture(
      "export-" + name, "exported." + name,
      [&](const Fixture& f, const std::string& out, const Env& env) {
        StatusOr<Checkpoint> ck = ReadCheckpoint(checkpoint(f), env);
        if (!ck.ok()) return ck.status();
        return ExportVectors(out, ck->vocab.words(), ck->input, format, env);
      },
      [&](const Fixture& f) {
        TrainingJob job = SmallJob(f);
        job.checkpoint = checkpoint(f);
        ASSERT_TRUE(Train(job).ok());
      });
}

TEST(FaultSweepTest, ExportBin) { SweepExport(ExportFormat::kBin, "bin"); }
TEST(FaultSweepTest, ExportTxt) { SweepExport(ExportFormat::kTxt, "txt"); }

TEST(FaultSweepTest, EvalAnalogy) {
  SweepFixture("eval-analogy", "",
               [](const Fixture& f, const std::string&, const Env& env) {
                 StatusOr<AnalogyQuestionSet> q =
                     ReadAnalogyQuestions(f.questions, env);
                 return q.ok() ? LoadVectors(f, env).status() : q.status();
               });
}

TEST(FaultSweepTest, EvalSimilarity) {
  SweepFixture("eval-similarity", "",
               [](const Fixture& f, const std::string&, const Env& env) {
                 StatusOr<std::vector<WordPair>> p =
                     ReadWordPairs(f.pairs, nullptr, env);
                 return p.ok() ? LoadVectors(f, env).status() : p.status();
               });
}

void SweepClasses(ClassesFormat format, const std::string& name) {
  SweepFixture(
      "classes-" + name, "classes." + name,
      [&](const Fixture& f, const std::string& out, const Env& env) {
        StatusOr<Embeddings> e = LoadVectors(f, env);
        if (!e.ok()) return e.status();
        WordClassOptions o;
        o.classes = 4;
        o.threads = 1;
        StatusOr<WordClasses> k = ClusterWords(e->vectors, o);
        if (!k.ok()) return k.status();
        return WriteWordClasses(out, e->words, *k, format, 1, env);
      });
}

TEST(FaultSweepTest, ClassesText) { SweepClasses(ClassesFormat::kText, "txt"); }
TEST(FaultSweepTest, ClassesJson) {
  SweepClasses(ClassesFormat::kJson, "json");
}

TEST(FaultSweepTest, Phrases) {
  SweepFixture("phrases", "phrased.txt",
               [](const Fixture& f, const std::string& out, const Env& env) {
                 PhraseRequest r;
                 r.inputs = {f.corpus};
                 r.output = out;
                 r.options.min_count = 1;
                 r.options.thresholds = {1.0, 1.0};
                 r.env = &env;
                 return RunPhrases(r).status();
               });
}

// PNG: cairo's SVG names glyphs by a per-process counter, so two SVGs of
// one process differ.
TEST(FaultSweepTest, PlotWordMap) {
  SweepFixture("plot-words", "map.png",
               [](const Fixture& f, const std::string& out, const Env& env) {
                 StatusOr<Embeddings> e = LoadVectors(f, env);
                 if (!e.ok()) return e.status();
                 const NearestNeighbors nn(std::move(e).value());
                 WordMapOptions o;
                 o.words = {"w1", "w2", "w3", "w4"};
                 return DrawWordMap(nn, o, out, env).status();
               });
}

TEST(FaultSweepTest, PlotTrainingCurve) {
  SweepFixture("plot-curve", "curve.png",
               [](const Fixture& f, const std::string& out, const Env& env) {
                 StatusOr<std::vector<TrainingLogPoint>> p =
                     ReadTrainingLog(f.log, env);
                 if (!p.ok()) return p.status();
                 return DrawTrainingCurve(*p, TrainingCurveOptions(), out,
                                          env);
               });
}

TEST(FaultSweepTest, Synth) {
  TempDir dir;
  const std::string text = dir.File("synth.txt");
  const std::string questions = dir.File("synth_questions.txt");
  WriteFile(questions, "old questions\n");
  SyntheticCorpusOptions so;
  so.sentences = 200;
  const SyntheticCorpus corpus = GenerateSyntheticCorpus(so);
  Command c{"synth",
            [&](const Env& env) -> Status {
              return WriteSyntheticCorpus(corpus, text, questions, env);
            },
            {text, questions}};
  Sweep(dir, c).RunAll();
}

}  // namespace
}  // namespace wembed
