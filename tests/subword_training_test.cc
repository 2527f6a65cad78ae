// fastText's subword model: composition of word vectors from n-gram rows,
// the gradient through the averaging, training on planted analogies,
// checkpoints and resume, and the CLI (export --words, similar, analogy).
#include "train/subword_training.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "planted_fixture.h"
#include "test_util.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/train/trainer.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/subword_vectors.h"

namespace wembed {
namespace {

using testing::RunCommand;
using testing::TempDir;

const std::string kWembed = WEMBED_BINARY;

void FillRandom(Matrix* m, std::mt19937* rng, float scale) {
  std::uniform_real_distribution<float> u(-scale, scale);
  for (size_t r = 0; r < m->rows(); ++r) {
    for (size_t c = 0; c < m->cols(); ++c) m->row(r)[c] = u(*rng);
  }
}

TEST(SubwordVectorsTest, UnseenWordIsTheMeanOfItsNgramRows) {
  const SubwordSpec spec{3, 3, 13};
  Matrix rows(13, 4);
  std::mt19937 rng(1);
  FillRandom(&rows, &rng, 1.0f);
  // "abc": "<ab", "abc", "bc>" (hand-listed).
  const uint32_t b[3] = {SubwordHash("<ab") % 13, SubwordHash("abc") % 13,
                         SubwordHash("bc>") % 13};
  float got[4];
  std::vector<uint32_t> scratch;
  ASSERT_EQ(ComposeWordVector("abc", nullptr, spec, rows, &scratch, got), 3);
  for (int c = 0; c < 4; ++c) {
    const float want =
        (rows.row(b[0])[c] + rows.row(b[1])[c] + rows.row(b[2])[c]) / 3.0f;
    EXPECT_NEAR(got[c], want, 1e-6f) << c;
  }
  // With its own row it is the mean of four.
  const float own[4] = {4, 8, 12, 16};
  ASSERT_EQ(ComposeWordVector("abc", own, spec, rows, &scratch, got), 4);
  for (int c = 0; c < 4; ++c) {
    const float want =
        (own[c] + rows.row(b[0])[c] + rows.row(b[1])[c] + rows.row(b[2])[c]) /
        4.0f;
    EXPECT_NEAR(got[c], want, 1e-6f) << c;
  }
  // Shorter than MIN with its brackets: no rows at all.
  EXPECT_EQ(ComposeWordVector("a", nullptr, SubwordSpec{4, 6, 13}, rows,
                              &scratch, got),
            0);
}

TEST(SubwordVectorsTest, AppendUnseenWordVectorsAddsEachUnknownWordOnce) {
  const SubwordSpec spec{2, 3, 7};
  Matrix rows(7, 2);
  std::mt19937 rng(4);
  FillRandom(&rows, &rng, 1.0f);
  Embeddings e;
  e.words = {"known"};
  e.vectors = Matrix(1, 2);
  // "KNOWN" folds to a known word; "zz" twice is added once.
  EXPECT_EQ(AppendUnseenWordVectors({"zz", "KNOWN", "zz", "qq"}, false, spec,
                                    rows, &e),
            2u);
  EXPECT_EQ(e.words, (std::vector<std::string>{"known", "zz", "qq"}));
  ASSERT_EQ(e.vectors.rows(), 3u);
  float want[2];
  std::vector<uint32_t> scratch;
  ComposeWordVector("qq", nullptr, spec, rows, &scratch, want);
  EXPECT_EQ(e.vectors.row(2)[0], want[0]);
  EXPECT_EQ(e.vectors.row(2)[1], want[1]);
  // Case-sensitive: "KNOWN" is a word of its own.
  EXPECT_EQ(AppendUnseenWordVectors({"KNOWN"}, true, spec, rows, &e), 1u);
}

TEST(SubwordVectorsTest, SelectWordVectorsMixesKnownAndUnseenWords) {
  const SubwordSpec spec{2, 3, 7};
  Matrix rows(7, 2);
  std::mt19937 rng(2);
  FillRandom(&rows, &rng, 1.0f);
  Matrix known(1, 2);
  known.row(0)[0] = 5;
  known.row(0)[1] = 6;
  std::vector<std::string> missing;
  const Embeddings e =
      SelectWordVectors({"zz", "k", "q"}, {"k"}, known, spec, rows, &missing);
  ASSERT_EQ(e.words, (std::vector<std::string>{"zz", "k", "q"}));
  EXPECT_EQ(e.vectors.row(1)[0], 5.0f);
  float want[2];
  std::vector<uint32_t> scratch;
  ComposeWordVector("zz", nullptr, spec, rows, &scratch, want);
  EXPECT_EQ(e.vectors.row(0)[0], want[0]);
  EXPECT_TRUE(missing.empty());
  // Without subwords an unseen word has no vector.
  const Embeddings plain = SelectWordVectors({"zz", "k"}, {"k"}, known,
                                             SubwordSpec{}, Matrix(), &missing);
  EXPECT_EQ(plain.words, (std::vector<std::string>{"k"}));
  EXPECT_EQ(missing, (std::vector<std::string>{"zz"}));
}

double LogSigmoid(double x) { return -std::log1p(std::exp(-x)); }

// The loss of one step, exactly: -sum log s(h.yp) - sum log s(-h.yk) over
// the first num_positive targets p and the others k, h the mean of `rows`
// (a row listed twice counts twice).
double StepLoss(const SubwordModel& m, const std::vector<float*>& rows,
                const int32_t* targets, int n, int num_positive) {
  std::vector<double> h(m.stride, 0.0);
  for (const float* row : rows) {
    for (size_t c = 0; c < m.stride; ++c) h[c] += row[c] / double(rows.size());
  }
  double loss = 0;
  for (int t = 0; t < n; ++t) {
    double f = 0;
    const float* y = m.output->row(size_t(targets[t]));
    for (size_t c = 0; c < m.stride; ++c) f += h[c] * y[c];
    loss -= LogSigmoid(t < num_positive ? f : -f);
  }
  return loss;
}

// A tiny model: words "aaaa" (n-grams <aa aaa aaa aa> at 3-3: "aaa" twice),
// "bcd" and "xy", random rows.
struct TinyModel {
  TinyModel()
      : vocab(Vocabulary::FromWordsAndCounts({"aaaa", "bcd", "xy"}, {5, 4, 3})
                  .value()),
        table(vocab, SubwordSpec{3, 3, 11}),
        noise(vocab.counts(), 0.75),
        input(3, 8),
        sub(11, 8),
        output(3, 8) {
    std::mt19937 rng(3);
    for (Matrix* x : {&input, &sub, &output}) FillRandom(x, &rng, 0.4f);
    m.input = &input;
    m.subword_input = &sub;
    m.output = &output;
    m.table = &table;
    m.noise = &noise;
    m.sigmoid = &sigmoid;
    m.kernels = &SelectKernels(KernelIsa::kScalar);
    m.stride = input.stride();
  }
  // The rows word w's vector averages, in order (repeats kept).
  void AppendRows(int32_t w, std::vector<float*>* rows) {
    rows->push_back(input.row(size_t(w)));
    for (int b = 0; b < table.count(w); ++b) {
      rows->push_back(sub.row(table.buckets(w)[b]));
    }
  }
  Vocabulary vocab;
  SubwordTable table;
  NoiseSampler noise;
  SigmoidTable sigmoid;
  Matrix input, sub, output;
  SubwordModel m;
};

// `step` changes every averaged row by -alpha * n * dL/drow (n rows
// averaged: the gradient of the hidden vector goes back undivided, as
// fastText does) and each target row by -alpha * dL/dy; checked against
// central differences of the exact loss. A row averaged twice ("aaa") gets
// the step twice and counts twice in the derivative.
void ExpectGradientStep(TinyModel& t, const std::vector<float*>& averaged,
                        const int32_t* targets, int num_targets,
                        int num_positive, float alpha,
                        const std::function<void()>& step) {
  const size_t dim = t.input.cols();
  auto numeric = [&](float* p) {
    const float keep = *p, eps = 1e-3f;
    *p = keep + eps;
    const double up =
        StepLoss(t.m, averaged, targets, num_targets, num_positive);
    *p = keep - eps;
    const double down =
        StepLoss(t.m, averaged, targets, num_targets, num_positive);
    *p = keep;
    return (up - down) / (2.0 * eps);
  };
  std::vector<float*> rows = averaged;
  for (int k = 0; k < num_targets; ++k) {
    rows.push_back(t.output.row(size_t(targets[k])));
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::vector<std::vector<double>> want(rows.size());
  std::vector<std::vector<float>> before(rows.size());
  const double n = double(averaged.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const bool is_input =
        std::find(averaged.begin(), averaged.end(), rows[i]) != averaged.end();
    for (size_t c = 0; c < dim; ++c) {
      want[i].push_back(-alpha * (is_input ? n : 1.0) * numeric(rows[i] + c));
    }
    before[i].assign(rows[i], rows[i] + dim);
  }
  step();
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t c = 0; c < dim; ++c) {
      const double got = rows[i][c] - before[i][c];
      EXPECT_NEAR(got, want[i][c], 0.02 * std::fabs(want[i][c]) + 2e-4 * alpha)
          << "row " << i << " column " << c;
    }
  }
}

TEST(SubwordTrainingTest, SkipGramStepIsAGradientStepThroughTheAverage) {
  TinyModel t;
  const int32_t center = 0, targets[2] = {1, 2};
  ASSERT_EQ(t.table.count(center), 4);  // <aa aaa aaa aa>
  std::vector<float*> averaged;
  t.AppendRows(center, &averaged);
  SubwordScratch w(t.m);
  double loss = 0;
  ExpectGradientStep(t, averaged, targets, 2, 1, 0.01f, [&] {
    SubwordStep(t.m, center, targets, 2, 0.01f, w, &loss);
  });
  EXPECT_GT(loss, 0);
}

// The batch rule's step (the default with --subwords) for one context
// word: a gradient step through the average, as fastText's. A fine sigmoid
// table: the gradient's terms cancel, and the default table's bins would
// show. The loss reported is the step's loss.
TEST(SubwordTrainingTest, CenterStepIsAGradientStepThroughTheAverage) {
  const SigmoidTable fine(1 << 20);
  const int32_t targets[3] = {1, 2, 0};  // the center's own row a negative
  const int ends[1] = {3};
  for (KernelIsa isa : {KernelIsa::kScalar, KernelIsa::kAuto}) {
    TinyModel t;
    t.m.kernels = &SelectKernels(isa);
    t.m.sigmoid = &fine;
    std::vector<float*> averaged;
    t.AppendRows(0, &averaged);
    const double before = StepLoss(t.m, averaged, targets, 3, 1);
    SubwordScratch w(t.m);
    double loss = 0;
    ExpectGradientStep(t, averaged, targets, 3, 1, 0.01f, [&] {
      SubwordCenterStep(t.m, 0, targets, ends, 1, 0.01f, w, &loss);
    });
    EXPECT_NEAR(loss, before, 1e-3 * before) << t.m.kernels->name;
  }
}

void ExpectSameRows(const TinyModel& a, const TinyModel& b, float tolerance) {
  for (auto [x, y] : {std::pair{&a.input, &b.input}, std::pair{&a.sub, &b.sub},
                      std::pair{&a.output, &b.output}}) {
    for (size_t r = 0; r < x->rows(); ++r) {
      for (size_t c = 0; c < x->cols(); ++c) {
        EXPECT_NEAR(x->row(r)[c], y->row(r)[c], tolerance) << r << " " << c;
      }
    }
  }
}

// Three context words in one batch step give fastText's three steps one
// after another (its mean recomputed from the updated rows each time), rows
// repeated across groups included.
TEST(SubwordTrainingTest, CenterStepEqualsFastTextsStepsOneAfterAnother) {
  const int32_t targets[8] = {1, 2, 0, 2, 1, 0, 0, 2};
  const int ends[3] = {3, 6, 8};
  TinyModel batch, exact;
  SubwordScratch wb(batch.m), we(exact.m);
  double lb = 0, le = 0;
  for (int32_t center : {0, 2, 0}) {
    SubwordCenterStep(batch.m, center, targets, ends, 3, 0.2f, wb, &lb);
    for (int g = 0, begin = 0; g < 3; begin = ends[g++]) {
      SubwordStep(exact.m, center, targets + begin, ends[g] - begin, 0.2f, we,
                  &le);
    }
  }
  EXPECT_NEAR(lb, le, 0.02 * le);
  ExpectSameRows(batch, exact, 2e-6f);
}

// The vectorized kernels give the scalar reference's step.
TEST(SubwordTrainingTest, CenterStepKernelsMatchScalar) {
  TinyModel a, b;
  b.m.kernels = &SelectKernels(KernelIsa::kAuto);
  const int32_t targets[6] = {2, 1, 1, 0, 2, 2};
  const int ends[2] = {4, 6};
  SubwordScratch wa(a.m), wb(b.m);
  double la = 0, lb = 0;
  for (int32_t center : {0, 1, 2, 0}) {
    SubwordCenterStep(a.m, center, targets, ends, 2, 0.05f, wa, &la);
    SubwordCenterStep(b.m, center, targets, ends, 2, 0.05f, wb, &lb);
  }
  EXPECT_NEAR(la, lb, 1e-4);
  ExpectSameRows(a, b, 1e-5f);
}

// Both skip-gram rules draw the same random numbers for a sentence, count
// the same targets and make the same updates: up to rounding, and to the
// batch rule scoring a row repeated within one context's targets from its
// value before them (fastText: after the earlier increment), a difference
// of order alpha^2.
TEST(SubwordTrainingTest, BatchAndExactLoopsMakeTheSameDrawsAndUpdates) {
  const int32_t sentence[7] = {0, 1, 2, 2, 0, 1, 0};
  uint64_t count[2] = {0, 0};
  uint64_t state[2][4];
  TinyModel t[2];
  for (int exact = 0; exact < 2; ++exact) {
    t[exact].m.exact = exact == 1;
    t[exact].m.window = 3;
    t[exact].m.negative = 4;
    SubwordScratch w(t[exact].m);
    Rng rng(7);
    double loss = 0;
    TrainSentenceSubwords(t[exact].m, sentence, 7, 0.01f, rng, w, &loss,
                          &count[exact]);
    rng.GetState(state[exact]);
    EXPECT_GT(loss, 0);
  }
  EXPECT_GT(count[0], 0u);
  EXPECT_EQ(count[0], count[1]);
  EXPECT_EQ(std::memcmp(state[0], state[1], sizeof(state[0])), 0);
  ExpectSameRows(t[0], t[1], 1e-4f);  // alpha^2
}

TEST(SubwordTrainingTest, CbowStepIsAGradientStepThroughTheAverage) {
  TinyModel t;
  t.m.cbow = true;
  t.m.window = 1;
  const int32_t sentence[3] = {0, 1, 2};
  const int32_t targets[2] = {1, 0};  // the center "bcd", a negative
  std::vector<float*> averaged;       // both context words' rows: 5 + 3
  t.AppendRows(0, &averaged);
  t.AppendRows(2, &averaged);
  ASSERT_EQ(averaged.size(), 8u);
  SubwordScratch w(t.m);
  ASSERT_GE(w.rows.size(), averaged.size());
  double loss = 0;
  ExpectGradientStep(t, averaged, targets, 2, 1, 0.01f, [&] {
    SubwordCbowStep(t.m, sentence, 3, 1, 1, targets, 2, 0.01f, w, &loss);
  });
  EXPECT_GT(loss, 0);
}

using Fixture = testing::PlantedFixture;

std::unique_ptr<Fixture> MakeFixture(int sentences) {
  return testing::MakePlantedFixture(sentences);
}

TrainOptions SubwordOptions() {
  TrainOptions o = testing::PlantedOptions();
  o.subword_min_n = 3;
  o.subword_max_n = 6;
  o.buckets = 20000;
  return o;
}

std::unique_ptr<Trainer> MustCreate(const TrainOptions& o, const Fixture& f) {
  return testing::MustCreateTrainer(o, f);
}

bool SameBits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(),
                     a.rows() * a.stride() * sizeof(float)) == 0;
}

// Planted-analogy accuracy of the composed vectors (the vectors written).
double ComposedAccuracy(const Trainer& t, const Fixture& f) {
  Embeddings e;
  e.words = t.vocab().words();
  e.vectors =
      ComposeVocabularyVectors(t.vocab(), t.input_vectors(),
                               t.options().Subwords(), t.subword_vectors());
  AnalogyOptions ao;
  ao.restrict_vocab = 0;
  AnalogyEvaluator evaluator(std::move(e), ao);
  const AnalogyResult r = evaluator.Evaluate(f.questions);
  EXPECT_EQ(r.total.seen, r.total.questions);
  return AnalogyAccuracy(r.total, false, AnalogyProtocol::kSkipUnknown);
}

TEST(SubwordTrainingTest, LearnsPlantedAnalogiesWithComposedVectors) {
  auto f = MakeFixture(30000);
  auto t = MustCreate(SubwordOptions(), *f);
  EXPECT_EQ(t->subword_vectors().rows(), 20000u);
  auto summary = t->Train(TrainHooks());
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_GT(summary->final_loss, 0);
  EXPECT_GE(ComposedAccuracy(*t, *f), 90.0);
}

TEST(SubwordTrainingTest, ExactLoopLearnsPlantedAnalogiesWithComposedVectors) {
  auto f = MakeFixture(30000);
  TrainOptions o = SubwordOptions();
  o.update = UpdateRule::kExact;  // fastText's skip-gram loop
  auto t = MustCreate(o, *f);
  auto summary = t->Train(TrainHooks());
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_GE(ComposedAccuracy(*t, *f), 90.0);
}

TEST(SubwordTrainingTest, CbowLearnsPlantedAnalogiesWithComposedVectors) {
  auto f = MakeFixture(30000);
  TrainOptions o = SubwordOptions();
  o.model = Model::kCbow;
  o.noise_exponent = 0.75;
  auto t = MustCreate(o, *f);
  auto summary = t->Train(TrainHooks());
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_GT(summary->final_loss, 0);
  EXPECT_GE(ComposedAccuracy(*t, *f), 90.0);
}

void ExpectBitwiseResume(const TrainOptions& o) {
  auto f = MakeFixture(20000);
  auto reference = MustCreate(o, *f);
  ASSERT_TRUE(reference->Train(TrainHooks()).ok());

  auto first = MustCreate(o, *f);
  std::atomic<bool> stop{false};
  TrainHooks hooks;
  hooks.stop_requested = &stop;
  hooks.progress_every_seconds = 0.01;
  hooks.on_progress = [&](const TrainStatus& s) {
    if (s.progress > 0.3) stop = true;
  };
  auto s1 = first->Train(hooks);
  ASSERT_TRUE(s1.ok());
  ASSERT_TRUE(s1->stopped) << "run finished before the stop";
  const std::string path = f->dir.File("run.ckpt");
  ASSERT_TRUE(WriteCheckpoint(path, first->MakeCheckpoint()).ok());
  auto ckpt = ReadCheckpoint(path);
  ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
  EXPECT_EQ(ckpt->format_version, 3u);
  EXPECT_EQ(ckpt->subwords, (SubwordSpec{3, 6, 20000}));
  EXPECT_TRUE(SameBits(ckpt->subword_input, first->subword_vectors()));
  auto options = TrainOptions::FromKeyValues(ckpt->options);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->Subwords(), o.Subwords());
  auto resumed =
      Trainer::Resume(std::move(ckpt).value(), *options, &f->scan.corpus);
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  auto s2 = (*resumed)->Train(TrainHooks());
  ASSERT_TRUE(s2.ok());
  EXPECT_FALSE(s2->stopped);
  EXPECT_TRUE(
      SameBits(reference->input_vectors(), (*resumed)->input_vectors()));
  EXPECT_TRUE(
      SameBits(reference->output_vectors(), (*resumed)->output_vectors()));
  EXPECT_TRUE(
      SameBits(reference->subword_vectors(), (*resumed)->subword_vectors()));
}

TEST(SubwordTrainingTest, CheckpointResumeIsBitwiseIdentical) {
  ExpectBitwiseResume(SubwordOptions());
  TrainOptions cbow = SubwordOptions();
  cbow.model = Model::kCbow;
  ExpectBitwiseResume(cbow);
}

TEST(SubwordTrainingTest, ResumeRefusesMismatchedSubwordRows) {
  auto f = MakeFixture(2000);
  TrainOptions o = SubwordOptions();
  o.epochs = 1;
  Checkpoint c = MustCreate(o, *f)->MakeCheckpoint();
  c.subword_input = Matrix(10, size_t(o.dim));
  c.subwords.buckets = 10;
  auto resumed = Trainer::Resume(std::move(c), o, &f->scan.corpus);
  ASSERT_FALSE(resumed.ok());
  EXPECT_NE(resumed.status().message().find("subword"), std::string::npos);
}

TEST(SubwordTrainingTest, ContinuedTrainingStartsFromTheWordsVectors) {
  auto f = MakeFixture(2000);
  TrainOptions o = SubwordOptions();
  o.epochs = 1;
  auto first = MustCreate(o, *f);
  ASSERT_TRUE(first->Train(TrainHooks()).ok());
  const Checkpoint init = first->MakeCheckpoint();
  InitReport report;
  // Same settings: the rows and the n-gram rows carry over as they are.
  auto same =
      Trainer::CreateFrom(o, f->scan.vocab, &f->scan.corpus, init, &report);
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_TRUE(SameBits((*same)->input_vectors(), init.input));
  EXPECT_TRUE(SameBits((*same)->subword_vectors(), init.subword_input));
  // Without subwords: a word starts from its composed vector.
  TrainOptions plain = o;
  plain.subword_min_n = plain.subword_max_n = 0;
  auto off =
      Trainer::CreateFrom(plain, f->scan.vocab, &f->scan.corpus, init, &report);
  ASSERT_TRUE(off.ok()) << off.status().message();
  const Matrix composed = ComposeVocabularyVectors(
      init.vocab, init.input, init.subwords, init.subword_input);
  EXPECT_TRUE(SameBits((*off)->input_vectors(), composed));
  EXPECT_EQ((*off)->subword_vectors().rows(), 0u);
}

TEST(SubwordTrainingTest, DefaultRunHasNoSubwordRows) {
  auto f = MakeFixture(2000);
  TrainOptions o = SubwordOptions();
  o.subword_min_n = o.subword_max_n = 0;
  auto t = MustCreate(o, *f);
  EXPECT_EQ(t->subword_vectors().rows(), 0u);
  const Checkpoint c = t->MakeCheckpoint();
  EXPECT_FALSE(c.subwords.enabled());
  EXPECT_EQ(c.format_version, 1u);
  // The options stored are those of earlier builds: no subword keys.
  for (const auto& [key, value] : c.options) {
    EXPECT_NE(key, "subwords");
    EXPECT_NE(key, "buckets");
  }
  o.subword_min_n = 2;
  o.subword_max_n = 4;
  o.buckets = 77;
  const auto kv = o.ToKeyValues();
  auto back = TrainOptions::FromKeyValues(kv);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Subwords(), (SubwordSpec{2, 4, 77}));
}

class SubwordCliTest : public ::testing::Test {
 protected:
  testing::CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), kWembed);
    return RunCommand(args, dir_.path());
  }
  TempDir dir_;
};

std::vector<float> ParseRow(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string w;
    fields >> w;
    if (w != word) continue;
    std::vector<float> v;
    float x;
    while (fields >> x) v.push_back(x);
    return v;
  }
  return {};
}

TEST_F(SubwordCliTest, TrainExportAndQueryUnseenWords) {
  SyntheticCorpusOptions so;
  so.sentences = 3000;
  const std::string corpus = dir_.File("corpus.txt");
  ASSERT_TRUE(WriteSyntheticCorpus(GenerateSyntheticCorpus(so), corpus,
                                   dir_.File("q.txt"))
                  .ok());
  const std::string ckpt = dir_.File("run.wemb");
  auto r = Run(
      {"train",     "--input", corpus,         "--output", dir_.File("v.txt"),
       "--format",  "txt",     "--subwords",   "3-5",      "--buckets",
       "5000",      "--dim",   "16",           "--epochs", "1",
       "--threads", "1",       "--checkpoint", ckpt,       "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto c = ReadCheckpoint(ckpt);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->subwords, (SubwordSpec{3, 5, 5000}));
  const std::string known = c->vocab.word(0);
  const std::string unseen = "qqzzyx";
  ASSERT_LT(c->vocab.Find(unseen), 0);
  testing::WriteFile(dir_.File("words.txt"), unseen + "\n" + known + "\n");
  r = Run({"export", ckpt, "--words", dir_.File("words.txt"), "--output",
           dir_.File("sel.txt"), "--format", "txt", "--output-vectors",
           "input"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = testing::ReadFile(dir_.File("sel.txt"));
  const std::vector<float> got_unseen = ParseRow(text, unseen);
  const std::vector<float> got_known = ParseRow(text, known);
  ASSERT_EQ(got_unseen.size(), 16u) << text;
  ASSERT_EQ(got_known.size(), 16u) << text;
  std::vector<float> want(16);
  std::vector<uint32_t> scratch;
  ComposeWordVector(unseen, nullptr, c->subwords, c->subword_input, &scratch,
                    want.data());
  std::vector<float> want_known(16);
  ComposeWordVector(known, c->input.row(0), c->subwords, c->subword_input,
                    &scratch, want_known.data());
  for (int i = 0; i < 16; ++i) {
    EXPECT_NEAR(got_unseen[i], want[i], 1e-5f) << i;
    EXPECT_NEAR(got_known[i], want_known[i], 1e-5f) << i;
  }
  r = Run({"similar", unseen, "--vectors", ckpt, "-k", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("# similar " + unseen), std::string::npos) << r.out;
  r = Run({"analogy", known, unseen, known, "--vectors", ckpt, "-k", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The vectors file of the run holds the composed vectors too (mixed with
  // the output rows by default: compare only the word list's size here).
  r = Run({"info", ckpt});
  EXPECT_NE(r.out.find("subwords:"), std::string::npos) << r.out;
  // eval similarity: unknown words are skipped, or get n-gram vectors.
  const std::string v1 = c->vocab.word(1), v2 = c->vocab.word(2);
  testing::WriteFile(dir_.File("pairs.txt"),
                     known + " " + v1 + " 9\n" + v1 + " " + v2 + " 5\n" +
                         known + " " + unseen + " 3\nzzqqk " + v2 + " 1\n");
  r = Run({"eval", "similarity", "--vectors", ckpt, "--pairs",
           dir_.File("pairs.txt"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["pairs_used"], 2) << r.out;
  r = Run({"eval", "similarity", "--vectors", ckpt, "--pairs",
           dir_.File("pairs.txt"), "--json", "--oov", "subwords"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["pairs_used"], 4) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["pairs_in_vocab"], 2) << r.out;
  EXPECT_NE(r.err.find("2 unknown words got vectors"), std::string::npos)
      << r.err;
  r = Run({"eval", "similarity", "--vectors", dir_.File("v.txt"), "--pairs",
           dir_.File("pairs.txt"), "--oov", "subwords"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--oov subwords"), std::string::npos) << r.err;
}

TEST_F(SubwordCliTest, EvalAnalogyScoresUnseenQuestionWords) {
  SyntheticCorpusOptions so;
  so.sentences = 2000;
  const std::string corpus = dir_.File("corpus.txt");
  ASSERT_TRUE(WriteSyntheticCorpus(GenerateSyntheticCorpus(so), corpus,
                                   dir_.File("planted.txt"))
                  .ok());
  const std::string ckpt = dir_.File("run.wemb");
  auto r = Run(
      {"train",     "--input", corpus,         "--output", dir_.File("v.txt"),
       "--format",  "txt",     "--subwords",   "3-5",      "--buckets",
       "3000",      "--dim",   "12",           "--epochs", "1",
       "--threads", "1",       "--checkpoint", ckpt,       "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto c = ReadCheckpoint(ckpt);
  ASSERT_TRUE(c.ok()) << c.status().message();
  std::vector<std::string> v;
  for (int32_t i = 0; i < 4; ++i) v.push_back(c->vocab.word(i));
  ASSERT_LT(c->vocab.Find("qqzzyx"), 0);
  ASSERT_LT(c->vocab.Find("zzqqk"), 0);
  // One question in the vocabulary, one with an unseen first word, one
  // with an unseen answer (scored, never right: answers are vocabulary
  // words).
  const std::string q = dir_.File("q.txt");
  testing::WriteFile(q, ": s\n" + v[0] + " " + v[1] + " " + v[2] + " " + v[3] +
                            "\nqqzzyx " + v[1] + " " + v[2] + " " + v[3] +
                            "\n: gram-x\n" + v[0] + " " + v[1] + " " + v[2] +
                            " zzqqk\n");
  r = Run({"eval", "analogy", "--vectors", ckpt, "--questions", q, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["total"]["seen"], 1) << r.out;
  EXPECT_EQ(j["total"]["questions"], 3) << r.out;
  EXPECT_FALSE(j["total"].contains("seen_in_vocab")) << r.out;
  r = Run({"eval", "analogy", "--vectors", ckpt, "--questions", q, "--json",
           "--oov", "subwords"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["oov"], "subwords");
  EXPECT_EQ(j["query_only_words"], 2) << r.out;
  EXPECT_EQ(j["total"]["seen"], 3) << r.out;
  EXPECT_EQ(j["total"]["seen_in_vocab"], 1) << r.out;
  EXPECT_DOUBLE_EQ(j["total"]["coverage"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(j["total"]["coverage_in_vocab"].get<double>(), 100.0 / 3.0);
  EXPECT_EQ(j["syntactic"]["seen"], 1) << r.out;
  EXPECT_EQ(j["syntactic"]["seen_in_vocab"], 0) << r.out;
  EXPECT_EQ(j["syntactic"]["correct"], 0) << r.out;
  EXPECT_NE(r.err.find("2 unknown words got vectors"), std::string::npos)
      << r.err;
  r = Run({"eval", "analogy", "--vectors", ckpt, "--questions", q, "--oov",
           "subwords"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("coverage: 3 of 3 questions seen (100.00%) with "
                       "subwords, 1 (33.33%) in the vocabulary"),
            std::string::npos)
      << r.out;
  // Vectors without an n-gram matrix: one error line, exit 1.
  r = Run({"eval", "analogy", "--vectors", dir_.File("v.txt"), "--questions", q,
           "--oov", "subwords"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("--oov subwords: " + dir_.File("v.txt") +
                       " is not a checkpoint trained with --subwords"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(SubwordCliTest, ProgressReportsTheNgramMatrixMemory) {
  testing::WriteFile(dir_.File("c.txt"), "aa bb cc aa bb cc aa bb\n");
  auto r = Run({"train", "--input", dir_.File("c.txt"), "--output",
                dir_.File("v.bin"), "--subwords", "3-4", "--buckets", "100",
                "--dim", "8", "--min-count", "1", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Rows are padded to 16 floats: 100 x 16 x 4 bytes; 3 words' rows in
  // each of the input and output matrices.
  EXPECT_NE(r.err.find("train: model matrices: input 3 x 8, output 3 x 8, "
                       "n-grams 100 x 8 (6400B); 6784B in all, outside "
                       "--memory-budget"),
            std::string::npos)
      << r.err;
  r = Run({"train", "--input", dir_.File("c.txt"), "--output",
           dir_.File("v.bin"), "--dim", "8", "--min-count", "1", "--threads",
           "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("train: model matrices: input 3 x 8, output 3 x 8; "
                       "384B in all"),
            std::string::npos)
      << r.err;
}

TEST_F(SubwordCliTest, SubwordsNeedNegativeSamplingAndValidLengths) {
  testing::WriteFile(dir_.File("c.txt"), "a b c a b c\n");
  auto r = Run({"train", "--input", dir_.File("c.txt"), "--output",
                dir_.File("v.bin"), "--subwords", "3-6", "--loss", "hs"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--subwords"), std::string::npos) << r.err;
  r = Run({"train", "--input", dir_.File("c.txt"), "--output",
           dir_.File("v.bin"), "--subwords", "6-3"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--subwords"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace wembed
