// The option table: every training option declared once, and what derives
// from it (validation, checkpoint keys, resume merging).
#include "wembed/train/option_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "wembed/train/train_options.h"
#include "wembed/train/training_job.h"

namespace wembed {
namespace {

TEST(OptionTableTest, NamesAreUniqueAndEveryEntryIsComplete) {
  std::set<std::string> names;
  std::set<char> shorts;
  for (const OptionSpec& s : TrainingOptionTable()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    if (s.short_name != 0) EXPECT_TRUE(shorts.insert(s.short_name).second);
    EXPECT_FALSE(s.help.empty()) << s.name;
    EXPECT_FALSE(s.group.empty()) << s.name;
    EXPECT_TRUE(s.get && s.set && s.check) << s.name;
    EXPECT_EQ(s.choices.empty(), s.kind != OptionKind::kChoice) << s.name;
    EXPECT_EQ(FindTrainingOption(s.name), &s);
  }
  EXPECT_EQ(FindTrainingOption("min_count"), FindTrainingOption("min-count"));
  EXPECT_EQ(FindTrainingOption("no-such-option"), nullptr);
}

TEST(OptionTableTest, DefaultsAreTheStructsAndValid) {
  const TrainingJob defaults;
  for (const OptionSpec& s : TrainingOptionTable()) {
    EXPECT_EQ(s.check(defaults), "") << s.name;
    // Setting the default text gives the default back.
    TrainingJob job;
    const std::vector<std::string> text = s.get(defaults);
    if (s.kind == OptionKind::kTextList || text == std::vector<std::string>{""})
      continue;
    ASSERT_TRUE(s.set(text, &job).ok()) << s.name;
    EXPECT_EQ(s.get(job), text) << s.name;
  }
  EXPECT_EQ(FindTrainingOption("dim")->DefaultText(), "100");
  EXPECT_EQ(FindTrainingOption("sample")->DefaultText(), "1e-4");
  EXPECT_EQ(FindTrainingOption("update")->DefaultText(), "batch");
  EXPECT_EQ(FindTrainingOption("format")->DefaultText(), "bin");
  EXPECT_EQ(FindTrainingOption("lowercase")->DefaultText(), "0");
}

TEST(OptionTableTest, ParseErrorsNameTheOption) {
  TrainingJob job;
  Status s = FindTrainingOption("dim")->set({"abc"}, &job);
  EXPECT_EQ(s.message(), "--dim: expected an integer, got 'abc'");
  s = FindTrainingOption("min-count")->set({"-1"}, &job);
  EXPECT_EQ(s.message(), "--min-count: expected a non-negative integer, got '-1'");
  s = FindTrainingOption("alpha")->set({"fast"}, &job);
  EXPECT_EQ(s.message(), "--alpha: expected a number, got 'fast'");
  s = FindTrainingOption("update")->set({"sloppy"}, &job);
  EXPECT_EQ(s.message(), "--update must be batch or exact, not 'sloppy'");
  s = FindTrainingOption("kernels")->set({"mmx"}, &job);
  EXPECT_EQ(s.message(),
            "--kernels must be auto, avx512, avx2 or scalar, not 'mmx'");
  s = FindTrainingOption("lowercase")->set({"maybe"}, &job);
  EXPECT_FALSE(s.ok());
  for (const char* yes : {"1", "true", "yes", "on"}) {
    ASSERT_TRUE(FindTrainingOption("lowercase")->set({yes}, &job).ok());
    EXPECT_TRUE(job.options.tokenizer.lowercase);
  }
}

// Each bound is checked at its edge: the edge passes, one step past fails
// with a message naming the option.
TEST(OptionTableTest, BoundsAtTheirEdges) {
  struct Edge {
    const char* name;
    const char* ok;
    const char* bad;
  };
  const Edge edges[] = {{"dim", "10000", "10001"},
                        {"dim", "1", "0"},
                        {"window", "1", "0"},
                        {"negative", "1", "0"},  // 0 only with --loss hs
                        {"sample", "0", "1"},
                        {"epochs", "1", "0"},
                        {"alpha", "10", "10.5"},
                        {"min-alpha-ratio", "1", "0"},
                        {"noise-exponent", "2", "2.01"},
                        {"min-count", "1", "0"},
                        {"max-token-bytes", "4", "3"},
                        {"max-token-bytes", "1048576", "1048577"},
                        {"max-sentence-length", "1", "0"},
                        {"max-table-entries", "1", "0"},
                        {"checkpoint-every", "0.001", "0"},
                        {"threads", "0", "-1"}};
  for (const Edge& e : edges) {
    const OptionSpec* spec = FindTrainingOption(e.name);
    ASSERT_NE(spec, nullptr) << e.name;
    TrainingJob job;
    job.options.inputs = {"corpus.txt"};
    ASSERT_TRUE(spec->set({e.ok}, &job).ok()) << e.name;
    EXPECT_TRUE(ValidateTrainingJob(job).ok()) << e.name << " " << e.ok;
    ASSERT_TRUE(spec->set({e.bad}, &job).ok()) << e.name;
    const Status s = ValidateTrainingJob(job);
    EXPECT_FALSE(s.ok()) << e.name << " " << e.bad;
    EXPECT_EQ(s.message().rfind("--" + std::string(e.name) + " ", 0), 0u)
        << s.message();
  }
  TrainingJob no_input;
  EXPECT_EQ(ValidateTrainingJob(no_input).message(), "no --input given");
}

TEST(OptionTableTest, StoredOptionsRoundTripThroughCheckpointKeys) {
  TrainOptions o;
  o.inputs = {"/a/b.txt", "/c d/e.gz"};
  o.dim = 37;
  o.sample = 3.25e-5;
  o.alpha = 0.05;
  o.tokenizer.lowercase = true;
  o.tokenizer.max_token_bytes = 77;
  o.vocab.max_table_entries = 12345;
  o.update = UpdateRule::kExact;
  o.kernels = "scalar";
  o.seed = 987654321987654321ull;
  const auto kv = o.ToKeyValues();
  EXPECT_EQ(kv[0], (std::pair<std::string, std::string>{"input.0", "/a/b.txt"}));
  EXPECT_EQ(kv[1], (std::pair<std::string, std::string>{"input.1", "/c d/e.gz"}));
  StatusOr<TrainOptions> back = TrainOptions::FromKeyValues(kv);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->ToKeyValues(), kv);
  EXPECT_EQ(back->sample, o.sample);
  EXPECT_EQ(back->seed, o.seed);
  // Per-run options are never stored.
  for (const auto& [key, value] : kv) {
    EXPECT_NE(key, "output");
    EXPECT_NE(key, "checkpoint");
    EXPECT_NE(key, "read-vocab");
  }
}

TEST(OptionTableTest, CheckpointsOfEarlierVersionsStillRead) {
  // Keys and value spellings as version 0.1.0 wrote them.
  StatusOr<TrainOptions> o = TrainOptions::FromKeyValues(
      {{"input.0", "/x"}, {"lowercase", "1"}, {"strip-punct", "0"},
       {"sample", "1e-04"}, {"min-alpha-ratio", "0.0001"}, {"threads", "2"},
       {"update", "exact"}});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->sample, 1e-4);
  EXPECT_TRUE(o->tokenizer.lowercase);
  EXPECT_EQ(o->update, UpdateRule::kExact);
  EXPECT_EQ(o->dim, 100);  // missing keys keep their defaults
  EXPECT_EQ(TrainOptions::FromKeyValues({{"bogus", "1"}}).status().message(),
            "unknown training option 'bogus'");
  EXPECT_EQ(TrainOptions::FromKeyValues({{"dim", "x"}}).status().message(),
            "bad value 'x' for option 'dim'");
  EXPECT_FALSE(TrainOptions::FromKeyValues({{"output", "v.bin"}}).ok());
}

Checkpoint StoredRun() {
  TrainOptions stored;
  stored.inputs = {"/old/corpus.txt"};
  stored.dim = 50;
  stored.epochs = 3;
  stored.threads = 2;
  Checkpoint c;
  c.options = stored.ToKeyValues();
  c.progress.threads.resize(2);
  return c;
}

TEST(OptionTableTest, ResumeMergeFollowsEachOptionsRule) {
  TrainingJob given;
  given.resume = "run.ckpt";
  given.output = "v.bin";
  given.options.epochs = 5;
  given.options.dim = 300;
  given.options.inputs = {"/new/corpus.txt"};
  given.read_vocab = "v.txt";
  given.given = {"epochs", "dim", "input", "read-vocab", "output", "resume"};
  std::vector<std::string> notes;
  StatusOr<TrainingJob> job = MergeResumedJob(given, StoredRun(), &notes);
  ASSERT_TRUE(job.ok()) << job.status().message();
  EXPECT_EQ(job->options.epochs, 5);  // changeable
  EXPECT_EQ(job->options.inputs, std::vector<std::string>{"/new/corpus.txt"});
  EXPECT_EQ(job->options.dim, 50);  // kept, with a note
  EXPECT_EQ(job->output, "v.bin");  // per run
  EXPECT_EQ(job->checkpoint, "run.ckpt");  // keeps writing the one resumed
  EXPECT_EQ(notes, (std::vector<std::string>{
                       "note: --read-vocab is ignored when resuming (the "
                       "checkpoint's value is used)",
                       "note: --dim is ignored when resuming (the "
                       "checkpoint's value is used)"}));
}

TEST(OptionTableTest, ResumeRefusesADifferentThreadCount) {
  TrainingJob given;
  given.resume = "run.ckpt";
  given.options.threads = 4;
  given.given = {"threads"};
  std::vector<std::string> notes;
  StatusOr<TrainingJob> job = MergeResumedJob(given, StoredRun(), &notes);
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().message(),
            "--threads: a resumed run keeps the checkpoint's 2 threads");
  given.options.threads = 2;
  EXPECT_TRUE(MergeResumedJob(given, StoredRun(), &notes).ok());
}

}  // namespace
}  // namespace wembed

namespace wembed {
namespace {

TEST(OptionTableTest, PresetsSetOtherToolsDefaultsUnlessGiven) {
  TrainingJob job;
  job.options.inputs = {"corpus.txt"};
  ASSERT_TRUE(FindTrainingOption("preset")->set({"fasttext"}, &job).ok());
  ASSERT_TRUE(FindTrainingOption("alpha")->set({"0.1"}, &job).ok());
  job.given.insert("alpha");
  ASSERT_TRUE(ApplyPreset(&job).ok());
  EXPECT_EQ(job.options.alpha, 0.1);  // given explicitly: kept
  EXPECT_EQ(job.options.noise_exponent, 0.5);
  EXPECT_EQ(job.options.sg_input, SgInput::kCenter);
  EXPECT_EQ(job.given.count("noise-exponent"), 1u);
  EXPECT_TRUE(ValidateTrainingJob(job).ok());

  TrainingJob w2v;
  w2v.options.model = Model::kCbow;
  w2v.preset = "word2vec";
  ASSERT_TRUE(ApplyPreset(&w2v).ok());
  EXPECT_EQ(w2v.options.alpha, 0.05);  // word2vec.c's -cbow 1 rate
  EXPECT_EQ(w2v.output_vectors, OutputVectors::kInput);
  EXPECT_DOUBLE_EQ(w2v.options.sample, 1e-3);
  w2v.options.model = Model::kSkipGram;
  w2v.given.clear();
  ASSERT_TRUE(ApplyPreset(&w2v).ok());
  EXPECT_EQ(w2v.options.alpha, 0.025);

  TrainingJob gensim;
  gensim.preset = "gensim";
  ASSERT_TRUE(ApplyPreset(&gensim).ok());
  EXPECT_DOUBLE_EQ(gensim.options.alpha * gensim.options.min_alpha_ratio,
                   1e-4);  // gensim's absolute min_alpha

  TrainingJob plain;  // "wembed": nothing changes for skip-gram
  ASSERT_TRUE(ApplyPreset(&plain).ok());
  EXPECT_TRUE(plain.given.empty());
  EXPECT_EQ(plain.options.alpha, 0.05);
  EXPECT_EQ(plain.options.noise_exponent, 0.5);
  TrainingJob cbow;  // CBOW keeps word2vec.c's noise exponent
  cbow.options.model = Model::kCbow;
  ASSERT_TRUE(ApplyPreset(&cbow).ok());
  EXPECT_EQ(cbow.options.noise_exponent, 0.75);
  EXPECT_EQ(cbow.options.alpha, 0.05);
  EXPECT_FALSE(FindTrainingOption("preset")->set({"glove"}, &plain).ok());
}

TEST(OptionTableTest, CenterInputIsSkipGramWithNegativeSamplingOnly) {
  TrainingJob job;
  job.options.inputs = {"corpus.txt"};
  job.options.sg_input = SgInput::kCenter;
  EXPECT_TRUE(ValidateTrainingJob(job).ok());
  job.options.model = Model::kCbow;
  EXPECT_EQ(ValidateTrainingJob(job).message().rfind("--sg-input center", 0),
            0u);
  job.options.model = Model::kSkipGram;
  job.options.loss = Loss::kHierarchicalSoftmax;
  job.options.negative = 0;
  EXPECT_FALSE(ValidateTrainingJob(job).ok());
}

}  // namespace
}  // namespace wembed
