// A generated corpus with planted analogies, scanned and encoded, for the
// end-to-end training tests (trainer_test, subword_training_test).
#ifndef WEMBED_TESTS_PLANTED_FIXTURE_H_
#define WEMBED_TESTS_PLANTED_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "test_util.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/train/trainer.h"

namespace wembed {
namespace testing {

struct PlantedFixture {
  TempDir dir;
  SyntheticCorpus synthetic;
  ScanResult scan;
  AnalogyQuestionSet questions;
};

// `sentences` of the synthetic corpus, written, scanned (encoded) and its
// questions read; failures are test failures.
inline std::unique_ptr<PlantedFixture> MakePlantedFixture(int sentences) {
  auto f = std::make_unique<PlantedFixture>();
  SyntheticCorpusOptions so;
  so.sentences = sentences;
  f->synthetic = GenerateSyntheticCorpus(so);
  const std::string text = f->dir.File("corpus.txt");
  const std::string qpath = f->dir.File("questions.txt");
  EXPECT_TRUE(WriteSyntheticCorpus(f->synthetic, text, qpath).ok());
  ScanRequest request;
  request.inputs = {text};
  request.encode = true;
  auto scan = ScanCorpus(request);
  EXPECT_TRUE(scan.ok()) << scan.status().message();
  f->scan = std::move(scan).value();
  auto q = ReadAnalogyQuestions(qpath);
  EXPECT_TRUE(q.ok()) << q.status().message();
  f->questions = std::move(q).value();
  return f;
}

// Small, deterministic options for the planted corpus: dim 32, window 5,
// 5 negatives, sample 1e-3, 5 epochs, one thread, seed 3.
inline TrainOptions PlantedOptions() {
  TrainOptions o;
  o.inputs = {"synthetic"};
  o.dim = 32;
  o.window = 5;
  o.negative = 5;
  o.sample = 1e-3;
  o.epochs = 5;
  o.threads = 1;
  o.seed = 3;
  return o;
}

// Trainer::Create on the fixture's corpus; a failure is a test failure.
inline std::unique_ptr<Trainer> MustCreateTrainer(const TrainOptions& o,
                                                  const PlantedFixture& f) {
  auto t = Trainer::Create(o, f.scan.vocab, &f.scan.corpus);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return std::move(t).value();
}

}  // namespace testing
}  // namespace wembed

#endif  // WEMBED_TESTS_PLANTED_FIXTURE_H_
