// End-to-end training on a generated corpus with planted analogies, plus the
// trainer's determinism, stop/resume and validation contracts.
#include "wembed/train/trainer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>

#include "planted_fixture.h"
#include "test_util.h"
#include "train/hot_rows.h"
#include "wembed/corpus/corpus_file.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/train/training_job.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {
namespace {

using testing::TempDir;

using Fixture = testing::PlantedFixture;

std::unique_ptr<Fixture> MakeFixture(int sentences = 30000) {
  return testing::MakePlantedFixture(sentences);
}

TrainOptions SmallOptions() { return testing::PlantedOptions(); }

std::unique_ptr<Trainer> MustCreate(const TrainOptions& o, const Fixture& f) {
  return testing::MustCreateTrainer(o, f);
}

double PlantedAccuracy(const Trainer& trainer, const Fixture& f) {
  Embeddings e;
  e.words = trainer.vocab().words();
  e.vectors = trainer.input_vectors();
  AnalogyOptions ao;
  ao.restrict_vocab = 0;
  AnalogyEvaluator evaluator(std::move(e), ao);
  const AnalogyResult r = evaluator.Evaluate(f.questions);
  EXPECT_EQ(r.total.questions, size_t(f.synthetic.num_questions));
  EXPECT_EQ(r.total.seen, r.total.questions);  // every planted word is known
  return AnalogyAccuracy(r.total, false, AnalogyProtocol::kSkipUnknown);
}

bool SameBits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(),
                     a.rows() * a.stride() * sizeof(float)) == 0;
}

TEST(TrainerTest, InitialisationFollowsWord2vec) {
  auto f = MakeFixture(2000);
  TrainOptions o = SmallOptions();
  auto t = MustCreate(o, *f);
  const float bound = 0.5f / float(o.dim);
  double sum = 0;
  for (size_t r = 0; r < t->input_vectors().rows(); ++r) {
    for (int c = 0; c < o.dim; ++c) {
      const float v = t->input_vectors().row(r)[c];
      ASSERT_GE(v, -bound);
      ASSERT_LT(v, bound);
      sum += std::fabs(v);
      ASSERT_EQ(t->output_vectors().row(r)[c], 0.0f);
    }
  }
  EXPECT_GT(sum, 0);  // not all zero
}

TEST(TrainerTest, BatchUpdateLearnsPlantedAnalogies) {
  auto f = MakeFixture();
  auto t = MustCreate(SmallOptions(), *f);
  auto summary = t->Train(TrainHooks());
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_FALSE(summary->stopped);
  EXPECT_EQ(summary->words_trained, 5 * f->scan.corpus.num_tokens());
  EXPECT_GE(PlantedAccuracy(*t, *f), 90.0);
}

TEST(TrainerTest, ExactAndBatchUpdatesReachTheSameQuality) {
  auto f = MakeFixture();
  TrainOptions o = SmallOptions();
  o.update = UpdateRule::kExact;
  auto exact = MustCreate(o, *f);
  ASSERT_TRUE(exact->Train(TrainHooks()).ok());
  o.update = UpdateRule::kBatch;
  auto batch = MustCreate(o, *f);
  ASSERT_TRUE(batch->Train(TrainHooks()).ok());
  const double exact_acc = PlantedAccuracy(*exact, *f);
  const double batch_acc = PlantedAccuracy(*batch, *f);
  EXPECT_GE(exact_acc, 90.0);
  EXPECT_NEAR(batch_acc, exact_acc, 5.0);
}

TEST(TrainerTest, MultiThreadedRunLearnsPlantedAnalogies) {
  auto f = MakeFixture();
  TrainOptions o = SmallOptions();
  o.threads = 2;
  auto t = MustCreate(o, *f);
  auto summary = t->Train(TrainHooks());
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->words_trained, 5 * f->scan.corpus.num_tokens());
  EXPECT_GE(PlantedAccuracy(*t, *f), 90.0);
}

// The binary must train on CPUs without AVX-512: every kernel set learns.
TEST(TrainerTest, EveryKernelSetLearnsPlantedAnalogies) {
  auto f = MakeFixture();
  for (const char* kernels : {"scalar", "avx2", "avx512"}) {
    TrainOptions o = SmallOptions();
    o.kernels = kernels;
    auto t = MustCreate(o, *f);
    ASSERT_TRUE(t->Train(TrainHooks()).ok());
    // The resolved set is what a checkpoint stores (a fallback on CPUs
    // without it).
    const std::string used = t->options().kernels;
    EXPECT_TRUE(used == kernels || std::string(kernels) != "scalar") << used;
    EXPECT_GE(PlantedAccuracy(*t, *f), 90.0) << kernels << " -> " << used;
  }
}

TEST(TrainerTest, SingleThreadRunIsBitwiseReproducible) {
  auto f = MakeFixture(5000);
  TrainOptions o = SmallOptions();
  auto a = MustCreate(o, *f);
  auto b = MustCreate(o, *f);
  ASSERT_TRUE(a->Train(TrainHooks()).ok());
  ASSERT_TRUE(b->Train(TrainHooks()).ok());
  EXPECT_TRUE(SameBits(a->input_vectors(), b->input_vectors()));
  EXPECT_TRUE(SameBits(a->output_vectors(), b->output_vectors()));
  o.seed = 4;
  auto c = MustCreate(o, *f);
  ASSERT_TRUE(c->Train(TrainHooks()).ok());
  EXPECT_FALSE(SameBits(a->input_vectors(), c->input_vectors()));
}

// The fixture's corpus scanned again into a .wenc file: the cache kind
// (kScratch, in the fixture's directory) or a named one at `path` (kFile).
StatusOr<ScanResult> ScanToFile(const Fixture& f, EncodedStorage storage,
                                const std::string& path = "") {
  ScanRequest request;
  request.inputs = {f.dir.File("corpus.txt")};
  request.encode = true;
  request.storage = storage;
  request.scratch_dir = f.dir.path();
  request.output_path = path;
  return ScanCorpus(request);
}

// A corpus in a file, read through buffers far smaller than the corpus (down
// to its longest sentence), trains bit for bit like the same corpus in
// memory, on one thread and on several.
TEST(TrainerTest, FileBackedCorpusThroughSmallBuffersTrainsTheSame) {
  auto f = MakeFixture(8000);
  StatusOr<ScanResult> file = ScanToFile(*f, EncodedStorage::kScratch);
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_FALSE(file->corpus.in_memory());
  ASSERT_EQ(file->corpus.Fingerprint(), f->scan.corpus.Fingerprint());
  ASSERT_GT(file->corpus.size_bytes(), 50u * 1024);
  for (const int threads : {1, 3}) {
    TrainOptions o = SmallOptions();
    o.epochs = 2;
    o.threads = threads;
    auto memory = MustCreate(o, *f);
    auto from_file = Trainer::Create(o, file->vocab, &file->corpus);
    ASSERT_TRUE(from_file.ok());
    EXPECT_EQ((*from_file)->progress().threads[threads - 1].end,
              memory->progress().threads[threads - 1].end);
    TrainHooks small;
    small.corpus_buffer_bytes = 1;  // raised to the longest sentence
    ASSERT_TRUE(memory->Train(TrainHooks()).ok());
    ASSERT_TRUE((*from_file)->Train(small).ok());
    if (threads == 1) {
      EXPECT_TRUE(
          SameBits(memory->input_vectors(), (*from_file)->input_vectors()));
      EXPECT_TRUE(
          SameBits(memory->output_vectors(), (*from_file)->output_vectors()));
    }
    EXPECT_EQ((*from_file)->progress().words_processed,
              memory->progress().words_processed);
  }
}

// A .wenc input is verified when opened; if it is rewritten afterwards,
// the bytes a thread reads are checked, and the run stops with an error.
TEST(TrainerTest, AnEncodedCorpusDamagedWhileTrainingIsAnError) {
  auto f = MakeFixture(3000);
  const std::string path = f->dir.File("c.wenc");
  ASSERT_TRUE(ScanToFile(*f, EncodedStorage::kFile, path).ok());
  StatusOr<CorpusFile> file = ReadCorpusFile(path);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_TRUE(file->corpus.reads_need_checks());
  // Overwrite data bytes in place: a 5-byte varint far beyond the
  // vocabulary, right after a sentence end.
  std::string bytes = testing::ReadFile(path);
  const size_t at = bytes.find('\0', bytes.size() / 2);
  ASSERT_NE(at, std::string::npos);
  for (size_t i = 0; i < 4; ++i) bytes[at + 1 + i] = char(0xff);
  bytes[at + 5] = char(0x7f);
  std::FILE* out = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(out, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), out);
  std::fclose(out);
  TrainOptions o = SmallOptions();
  o.epochs = 1;
  auto t = Trainer::Create(o, file->vocab, &file->corpus);
  ASSERT_TRUE(t.ok());
  StatusOr<TrainSummary> r = (*t)->Train(TrainHooks());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(
                "the encoded corpus changed while training on it"),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(
      CheckEncodedBytes(reinterpret_cast<const uint8_t*>("\x81\x01\0"), 3, 200),
      "");
  EXPECT_EQ(
      CheckEncodedBytes(reinterpret_cast<const uint8_t*>("\x81\x02\0"), 3, 200),
      "a word id outside the vocabulary");
  EXPECT_EQ(CheckEncodedBytes(reinterpret_cast<const uint8_t*>("\x81"), 1, 200),
            "a broken varint");
}

// Stops a run at an arbitrary safe point, saves and reloads a checkpoint,
// resumes, and compares with an uninterrupted run, bit for bit.
void ExpectBitwiseResume(const TrainOptions& o, Fixture* f) {
  auto reference = MustCreate(o, *f);
  ASSERT_TRUE(reference->Train(TrainHooks()).ok());

  const std::string path = f->dir.File("run.ckpt");
  auto first = MustCreate(o, *f);
  std::atomic<bool> stop{false};
  TrainHooks hooks;
  hooks.stop_requested = &stop;
  // Stop from the progress hook after a few snapshots: a time-dependent,
  // arbitrary point in the run.
  std::atomic<int> snapshots{0};
  hooks.progress_every_seconds = 0.01;
  hooks.on_progress = [&](const TrainStatus& s) {
    if (s.progress > 0.2 && ++snapshots >= 1) stop = true;
  };
  auto s1 = first->Train(hooks);
  ASSERT_TRUE(s1.ok());
  ASSERT_TRUE(s1->stopped) << "run finished before the stop; corpus too small";
  ASSERT_TRUE(WriteCheckpoint(path, first->MakeCheckpoint()).ok());

  int resumes = 0;
  std::unique_ptr<Trainer> current;
  for (;;) {
    auto ckpt = ReadCheckpoint(path);
    ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
    auto options = TrainOptions::FromKeyValues(ckpt->options);
    ASSERT_TRUE(options.ok());
    auto resumed =
        Trainer::Resume(std::move(ckpt).value(), *options, &f->scan.corpus);
    ASSERT_TRUE(resumed.ok()) << resumed.status().message();
    current = std::move(resumed).value();
    ++resumes;
    stop = false;
    snapshots = 0;
    // Interrupt the second leg again, let the third run to the end.
    TrainHooks h;
    h.stop_requested = &stop;
    if (resumes == 1) {
      h.progress_every_seconds = 0.01;
      h.on_progress = [&](const TrainStatus& s) {
        if (s.progress > 0.6) stop = true;
      };
    }
    auto s = current->Train(h);
    ASSERT_TRUE(s.ok());
    if (!s->stopped) break;
    ASSERT_TRUE(WriteCheckpoint(path, current->MakeCheckpoint()).ok());
  }
  EXPECT_GE(resumes, 1);
  EXPECT_TRUE(current->progress().finished);
  EXPECT_TRUE(SameBits(reference->input_vectors(), current->input_vectors()));
  EXPECT_TRUE(SameBits(reference->output_vectors(), current->output_vectors()));
}

TEST(TrainerTest, StopSaveResumeIsBitwiseIdenticalToUninterrupted) {
  auto f = MakeFixture(20000);
  ExpectBitwiseResume(SmallOptions(), f.get());
}

TEST(TrainerTest, ResumeRefusesFewerEpochsThanAlreadyDone) {
  auto f = MakeFixture(3000);
  TrainOptions o = SmallOptions();
  o.epochs = 3;
  auto t = MustCreate(o, *f);
  ASSERT_TRUE(t->Train(TrainHooks()).ok());
  o.epochs = 2;
  auto r = Trainer::Resume(t->MakeCheckpoint(), o, &f->scan.corpus);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--epochs 2"), std::string::npos)
      << r.status().message();
  o.epochs = 4;  // more epochs is fine
  EXPECT_TRUE(Trainer::Resume(t->MakeCheckpoint(), o, &f->scan.corpus).ok());
}

TEST(TrainerTest, DivergedRunIsAnErrorNotACrash) {
  auto f = MakeFixture(3000);
  TrainOptions o = SmallOptions();
  o.alpha = 5.0;  // valid value, far too high: the run blows up
  auto t = MustCreate(o, *f);
  auto r = t->Train(TrainHooks());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("diverged"), std::string::npos);
  EXPECT_FALSE(t->AllFinite());
  EXPECT_FALSE(t->thread_failed());  // no checkpoint of this state
}

TEST(TrainerTest, ResumeRejectsADifferentCorpus) {
  auto f = MakeFixture(3000);
  auto g = MakeFixture(3100);
  auto t = MustCreate(SmallOptions(), *f);
  auto r =
      Trainer::Resume(t->MakeCheckpoint(), SmallOptions(), &g->scan.corpus);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("corpus"), std::string::npos);
}

// A checkpoint of a build before the XXH3 fingerprint records the FNV-1a
// one: it still resumes on the same corpus, and a wrong one is refused.
TEST(TrainerTest, ResumeAcceptsTheLegacyFingerprintOfTheSameCorpus) {
  auto f = MakeFixture(3000);
  auto t = MustCreate(SmallOptions(), *f);
  Checkpoint old = t->MakeCheckpoint();
  StatusOr<uint64_t> legacy = f->scan.corpus.LegacyFingerprint();
  ASSERT_TRUE(legacy.ok());
  ASSERT_NE(*legacy, f->scan.corpus.Fingerprint());
  old.progress.corpus_fingerprint = *legacy;
  auto r = Trainer::Resume(old, SmallOptions(), &f->scan.corpus);
  EXPECT_TRUE(r.ok()) << r.status().message();
  old.progress.corpus_fingerprint = *legacy + 1;
  r = Trainer::Resume(old, SmallOptions(), &f->scan.corpus);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("corpus differs"), std::string::npos);
}

TEST(TrainerTest, NonsenseOptionsAreRejectedWithTheOptionName) {
  struct Case {
    void (*mutate)(TrainOptions&);
    const char* option;
  };
  const Case cases[] = {
      {[](TrainOptions& o) { o.dim = 0; }, "--dim"},
      {[](TrainOptions& o) { o.window = -1; }, "--window"},
      {[](TrainOptions& o) { o.sample = 2; }, "--sample"},
      {[](TrainOptions& o) { o.negative = -3; }, "--negative"},
      {[](TrainOptions& o) { o.epochs = 0; }, "--epochs"},
      {[](TrainOptions& o) { o.threads = 100000; }, "--threads"},
      {[](TrainOptions& o) { o.alpha = 0; }, "--alpha"},
      {[](TrainOptions& o) { o.alpha = std::nan(""); }, "--alpha"},
      {[](TrainOptions& o) { o.min_alpha_ratio = 0; }, "--min-alpha-ratio"},
  };
  for (const Case& c : cases) {
    TrainOptions o = SmallOptions();
    c.mutate(o);
    Status s = o.Validate();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.option;
    EXPECT_NE(s.message().find(c.option), std::string::npos) << s.message();
  }
  EXPECT_TRUE(SmallOptions().Validate().ok());
}

TEST(TrainerTest, OptionsRoundTripThroughKeyValues) {
  TrainOptions o = SmallOptions();
  o.inputs = {"a.txt", "b dir/c.gz"};
  o.sample = 3.3e-5;
  o.update = UpdateRule::kExact;
  o.noise_exponent = 0.5;
  o.tokenizer.lowercase = true;
  auto back = TrainOptions::FromKeyValues(o.ToKeyValues());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToKeyValues(), o.ToKeyValues());
  EXPECT_EQ(back->inputs, o.inputs);
  EXPECT_EQ(back->sample, o.sample);
  EXPECT_FALSE(TrainOptions::FromKeyValues({{"bogus", "1"}}).ok());
  EXPECT_FALSE(TrainOptions::FromKeyValues({{"dim", "x"}}).ok());
}

TEST(TrainerTest, ChooseVectorsSelectsWithoutCopyOrSums) {
  auto f = MakeFixture(2000);
  auto t = MustCreate(SmallOptions(), *f);
  ASSERT_TRUE(t->Train(TrainHooks()).ok());
  Matrix storage;
  const Matrix& in = t->input_vectors();
  const Matrix& out = t->output_vectors();
  EXPECT_EQ(&ChooseVectors(in, out, OutputVectors::kInput, &storage), &in);
  EXPECT_EQ(&ChooseVectors(in, out, OutputVectors::kOutput, &storage), &out);
  EXPECT_TRUE(storage.empty());  // no copy for input or output
  const Matrix& sum = ChooseVectors(in, out, OutputVectors::kSum, &storage);
  EXPECT_EQ(&sum, &storage);
  for (size_t r = 0; r < sum.rows(); r += 7) {
    for (size_t c = 0; c < sum.cols(); ++c) {
      EXPECT_EQ(sum.row(r)[c],
                t->input_vectors().row(r)[c] + t->output_vectors().row(r)[c]);
    }
  }
  Matrix mixed;
  const Matrix& mix = ChooseVectors(in, out, OutputVectors::kMix, &mixed, 0.25);
  EXPECT_EQ(&mix, &mixed);
  for (size_t r = 0; r < mix.rows(); r += 7) {
    for (size_t c = 0; c < mix.cols(); ++c) {
      EXPECT_FLOAT_EQ(mix.row(r)[c], in.row(r)[c] + 0.25f * out.row(r)[c]);
    }
  }
}

TEST(TrainerTest, AutoVectorsAreMixForSkipGramNegativeSamplingOnly) {
  TrainingJob job;
  EXPECT_EQ(ResolvedOutputVectors(job), OutputVectors::kMix);
  job.options.loss = Loss::kHierarchicalSoftmax;
  EXPECT_EQ(ResolvedOutputVectors(job), OutputVectors::kInput);
  job.options.loss = Loss::kNegativeSampling;
  job.options.model = Model::kCbow;
  EXPECT_EQ(ResolvedOutputVectors(job), OutputVectors::kInput);
  job.output_vectors = OutputVectors::kSum;  // explicit choices stay
  EXPECT_EQ(ResolvedOutputVectors(job), OutputVectors::kSum);
  TrainingJob subwords;  // composed inputs alone, as fastText writes
  subwords.options.subword_min_n = 3;
  subwords.options.subword_max_n = 6;
  EXPECT_EQ(ResolvedOutputVectors(subwords), OutputVectors::kInput);
}

}  // namespace
}  // namespace wembed

namespace wembed {
namespace {

// SmallOptions for another model, loss and update rule (CBOW at
// word2vec.c's learning rate for it).
TrainOptions OptionsFor(Model model, Loss loss, UpdateRule update) {
  TrainOptions o = SmallOptions();
  o.model = model;
  o.loss = loss;
  o.update = update;
  if (model == Model::kCbow) o.alpha = 0.05;
  return o;
}

std::string Describe(const TrainOptions& o) {
  return std::string(o.model == Model::kCbow ? "cbow" : "sg") + "-" +
         (o.loss == Loss::kHierarchicalSoftmax ? "hs" : "ns") + "-" +
         UpdateRuleName(o.update);
}

TEST(TrainerTest, EveryModelLossAndUpdateLearnsPlantedAnalogies) {
  auto f = MakeFixture();
  for (Model model : {Model::kSkipGram, Model::kCbow}) {
    for (Loss loss : {Loss::kNegativeSampling, Loss::kHierarchicalSoftmax}) {
      for (UpdateRule update : {UpdateRule::kBatch, UpdateRule::kExact}) {
        const TrainOptions o = OptionsFor(model, loss, update);
        auto t = MustCreate(o, *f);
        auto summary = t->Train(TrainHooks());
        ASSERT_TRUE(summary.ok()) << Describe(o);
        EXPECT_EQ(summary->words_trained, 5 * f->scan.corpus.num_tokens());
        EXPECT_GT(summary->final_loss, 0) << Describe(o);
        EXPECT_GE(PlantedAccuracy(*t, *f), 90.0) << Describe(o);
      }
    }
  }
}

// Two threads keep the hottest tree rows private (HotRowCache) and merge
// them by delta sum: both models still learn.
TEST(TrainerTest, MultiThreadedHierarchicalSoftmaxLearnsPlantedAnalogies) {
  auto f = MakeFixture();
  for (Model model : {Model::kSkipGram, Model::kCbow}) {
    TrainOptions o =
        OptionsFor(model, Loss::kHierarchicalSoftmax, UpdateRule::kBatch);
    o.threads = 2;
    auto t = MustCreate(o, *f);
    ASSERT_TRUE(t->Train(TrainHooks()).ok()) << Describe(o);
    EXPECT_GE(PlantedAccuracy(*t, *f), 90.0) << Describe(o);
  }
}

// The private tree rows reach the shared matrix (zero at the start, all
// private on this small tree): merges happen.
TEST(TrainerTest, PrivateTreeRowsReachTheSharedMatrix) {
  auto f = MakeFixture(300);
  TrainOptions o = OptionsFor(Model::kSkipGram, Loss::kHierarchicalSoftmax,
                              UpdateRule::kBatch);
  o.threads = 2;
  o.epochs = 1;
  auto t = MustCreate(o, *f);
  ASSERT_LE(t->output_vectors().rows(), HotRowCache::kDefaultRows);
  ASSERT_TRUE(t->Train(TrainHooks()).ok());
  const Matrix& out = t->output_vectors();
  const float* root = out.row(out.rows() - 1);
  double norm = 0;
  for (int c = 0; c < o.dim; ++c) norm += double(root[c]) * root[c];
  EXPECT_GT(norm, 0.0);
}

TEST(TrainerTest, CbowWithTheSumOfContextsLearnsToo) {
  auto f = MakeFixture();
  TrainOptions o =
      OptionsFor(Model::kCbow, Loss::kNegativeSampling, UpdateRule::kBatch);
  o.cbow_mean = CbowMean::kSum;
  o.alpha = 0.025;  // the sum is about 2 * window times the mean
  auto t = MustCreate(o, *f);
  ASSERT_TRUE(t->Train(TrainHooks()).ok());
  EXPECT_GE(PlantedAccuracy(*t, *f), 90.0);
}

// fastText's direction: the center word's input vector predicts each
// context word, fresh negatives per context.
TEST(TrainerTest, CenterInputSkipGramLearnsAndResumesBitwise) {
  auto f = MakeFixture();
  TrainOptions o =
      OptionsFor(Model::kSkipGram, Loss::kNegativeSampling, UpdateRule::kBatch);
  o.sg_input = SgInput::kCenter;
  auto t = MustCreate(o, *f);
  auto summary = t->Train(TrainHooks());
  ASSERT_TRUE(summary.ok());
  EXPECT_GT(summary->final_loss, 0);
  EXPECT_GE(PlantedAccuracy(*t, *f), 90.0);
  // Not the context-input run: the two directions update different rows.
  auto context = MustCreate(
      OptionsFor(Model::kSkipGram, Loss::kNegativeSampling, UpdateRule::kBatch),
      *f);
  ASSERT_TRUE(context->Train(TrainHooks()).ok());
  EXPECT_FALSE(SameBits(t->input_vectors(), context->input_vectors()));
  auto small = MakeFixture(20000);
  ExpectBitwiseResume(o, small.get());
}

TEST(TrainerTest, HierarchicalSoftmaxOutputHoldsTheTreeNodes) {
  auto f = MakeFixture(2000);
  const TrainOptions o = OptionsFor(
      Model::kSkipGram, Loss::kHierarchicalSoftmax, UpdateRule::kBatch);
  auto t = MustCreate(o, *f);
  const size_t v = t->vocab().size();
  EXPECT_EQ(t->output_vectors().rows(), v - 1);
  ASSERT_TRUE(t->Train(TrainHooks()).ok());
  const Checkpoint c = t->MakeCheckpoint();
  EXPECT_EQ(c.output_layout, OutputLayout::kTreeNodes);
  EXPECT_NE(c.tree_fingerprint, 0u);
  const std::string path = f->dir.File("hs.ckpt");
  ASSERT_TRUE(WriteCheckpoint(path, c).ok());
  auto back = ReadCheckpoint(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->format_version, 2u);
  EXPECT_EQ(back->output.rows(), v - 1);
  EXPECT_TRUE(
      Trainer::Resume(std::move(back).value(), o, &f->scan.corpus).ok());
  // Negative sampling keeps one output row per word.
  auto ns = MustCreate(SmallOptions(), *f);
  EXPECT_EQ(ns->output_vectors().rows(), v);
  EXPECT_EQ(ns->MakeCheckpoint().output_layout, OutputLayout::kWordVectors);
  EXPECT_EQ(ns->MakeCheckpoint().tree_fingerprint, 0u);
}

TEST(TrainerTest, StopSaveResumeIsBitwiseForEveryModelAndLoss) {
  // Sanitized builds run 5-15x slower, so a quarter of the corpus still
  // leaves time to stop mid-run (and keeps the TSan run short).
  auto f = MakeFixture(testing::kSanitized ? 10000 : 40000);
  for (const TrainOptions& o :
       {OptionsFor(Model::kSkipGram, Loss::kHierarchicalSoftmax,
                   UpdateRule::kBatch),
        OptionsFor(Model::kCbow, Loss::kNegativeSampling, UpdateRule::kBatch),
        OptionsFor(Model::kCbow, Loss::kHierarchicalSoftmax,
                   UpdateRule::kBatch),
        OptionsFor(Model::kCbow, Loss::kHierarchicalSoftmax,
                   UpdateRule::kExact)}) {
    SCOPED_TRACE(Describe(o));
    ExpectBitwiseResume(o, f.get());
  }
}

TEST(TrainerTest, ResumeRefusesAnotherTreeOrLoss) {
  auto f = MakeFixture(2000);
  const TrainOptions o =
      OptionsFor(Model::kCbow, Loss::kHierarchicalSoftmax, UpdateRule::kBatch);
  auto t = MustCreate(o, *f);
  Checkpoint c = t->MakeCheckpoint();
  c.tree_fingerprint ^= 1;  // as if this build grew the tree differently
  auto r = Trainer::Resume(c, o, &f->scan.corpus);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Huffman tree"), std::string::npos)
      << r.status().message();
  TrainOptions ns = o;
  ns.loss = Loss::kNegativeSampling;
  r = Trainer::Resume(t->MakeCheckpoint(), ns, &f->scan.corpus);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("tree nodes"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace wembed
