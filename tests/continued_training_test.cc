// Continued training (--init) through RunTraining, the call the CLI and the
// Python module make: known words keep their rows (and identity: their
// neighbours survive a short run on related text), new words start fresh,
// words the new text lacks keep their vectors, the schedule starts again,
// and a checkpoint's options are the defaults.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"
#include "wembed/corpus/synthetic_corpus.h"
#include "wembed/eval/nearest_neighbors.h"
#include "wembed/train/training_job.h"

namespace wembed {
namespace {

using testing::TempDir;

class NoteCollector : public TrainingObserver {
 public:
  void OnNote(const std::string& text) override { notes.push_back(text); }
  std::string All() const {
    std::string s;
    for (const std::string& n : notes) s += n + "\n";
    return s;
  }
  std::vector<std::string> notes;
};

// A corpus of `pairs` planted pairs and `fillers` filler words.
std::string WriteCorpus(const TempDir& dir, const std::string& name,
                        int sentences, int pairs, int fillers, uint64_t seed) {
  SyntheticCorpusOptions o;
  o.sentences = sentences;
  o.pairs = pairs;
  o.filler_words = fillers;
  o.seed = seed;
  const std::string path = dir.File(name);
  EXPECT_TRUE(WriteSyntheticCorpus(GenerateSyntheticCorpus(o), path,
                                   dir.File(name + ".questions"))
                  .ok());
  return path;
}

TrainingJob SmallJob(const std::string& input, const std::string& output) {
  TrainingJob job;
  job.options.inputs = {input};
  job.options.dim = 32;
  job.options.sample = 1e-3;
  job.options.threads = 1;
  job.options.seed = 5;
  job.output = output;
  job.quiet = true;
  return job;
}

TrainingResult MustRun(const TrainingJob& job, NoteCollector* notes) {
  StatusOr<TrainingResult> r = RunTraining(job, *notes);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : TrainingResult();
}

const float* RowOf(const Checkpoint& m, const std::string& word) {
  const int32_t id = m.vocab.Find(word);
  EXPECT_GE(id, 0) << word;
  return id >= 0 ? m.input.row(id) : nullptr;
}

double Cosine(const float* a, const float* b, size_t dim) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t c = 0; c < dim; ++c) {
    ab += double(a[c]) * b[c];
    aa += double(a[c]) * a[c];
    bb += double(b[c]) * b[c];
  }
  return ab / std::sqrt(aa * bb);
}

std::vector<std::string> PlantedWords(int pairs) {
  std::vector<std::string> words;
  for (const char* stem : {"country", "capital", "male", "female"}) {
    for (int i = 0; i < pairs; ++i) {
      words.push_back(stem + std::string(i < 10 ? "0" : "") +
                      std::to_string(i));
    }
  }
  return words;
}

// The 10 nearest words of `word` in `m` among the words of `among`.
std::set<std::string> Neighbours(const Checkpoint& m, const std::string& word,
                                 const Vocabulary& among) {
  Embeddings e;
  e.vectors = Matrix(among.size(), m.input.cols());
  for (const std::string& w : among.words()) {
    const float* row = RowOf(m, w);
    std::copy(row, row + m.input.cols(), e.vectors.row(e.words.size()));
    e.words.push_back(w);
  }
  NearestNeighbors nn(std::move(e), /*case_sensitive=*/true);
  std::set<std::string> out;
  for (const Neighbor& n : nn.Similar(nn.Find(word), 10)) {
    out.insert(nn.word(n.row));
  }
  return out;
}

// How much of `before` the planted words keep in `after`: the mean cosine
// of their rows, and the mean share of their 10 nearest words (among
// `among`) that stay.
struct Retention {
  double cosine = 0;
  double overlap = 0;
};

Retention Compare(const Checkpoint& before, const Checkpoint& after,
                  const Vocabulary& among) {
  Retention r;
  const std::vector<std::string> planted = PlantedWords(12);
  for (const std::string& w : planted) {
    r.cosine += Cosine(RowOf(before, w), RowOf(after, w), 32);
    const std::set<std::string> old_neighbours = Neighbours(before, w, among);
    for (const std::string& n : Neighbours(after, w, among)) {
      r.overlap += double(old_neighbours.count(n));
    }
  }
  r.cosine /= double(planted.size());
  r.overlap /= 10.0 * double(planted.size());
  return r;
}

class ContinuedTrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The first model: 12 pairs, 300 fillers.
    old_text_ = WriteCorpus(dir_, "old.txt", 30000, 12, 300, 7);
    TrainingJob job = SmallJob(old_text_, dir_.File("old.bin"));
    job.checkpoint = dir_.File("old.wemb");
    job.options.epochs = 3;
    old_ = MustRun(job, &notes_).model;
    // Related new text: other sentences, two more pairs (new words), only
    // the 100 most frequent fillers (the rest of the old words are absent).
    new_text_ = WriteCorpus(dir_, "new.txt", 4000, 14, 100, 8);
  }

  // A one-epoch run on the new text from the old checkpoint; its notes must
  // say the output rows were kept.
  TrainingResult Continue(const std::string& output) {
    TrainingJob job = SmallJob(new_text_, dir_.File(output));
    job.init = dir_.File("old.wemb");
    job.options.epochs = 1;
    NoteCollector notes;
    TrainingResult r = MustRun(job, &notes);
    EXPECT_NE(notes.All().find("output rows kept"), std::string::npos)
        << notes.All();
    return r;
  }

  TempDir dir_;
  NoteCollector notes_;
  std::string old_text_, new_text_;
  Checkpoint old_;
};

TEST_F(ContinuedTrainingTest, NewWordsJoinAbsentWordsAreKept) {
  const TrainingResult r = Continue("cont.bin");
  const Checkpoint& m = r.model;
  // The new words joined; the old words the new text lacks were kept with
  // count 0 and untouched vectors.
  EXPECT_GE(m.vocab.Find("country13"), 0);
  const int32_t absent = m.vocab.Find("w250");
  ASSERT_GE(absent, 0);
  EXPECT_EQ(m.vocab.count(absent), 0u);
  EXPECT_EQ(
      std::memcmp(RowOf(m, "w250"), RowOf(old_, "w250"), 32 * sizeof(float)),
      0);
  // Two more pairs: 8 planted words and 16 identity contexts.
  EXPECT_EQ(m.vocab.size(), old_.vocab.size() + 8 + 16);
  for (const std::string& w : old_.vocab.words()) {
    EXPECT_GE(m.vocab.Find(w), 0) << w;
  }
  // A fresh schedule over the new text only.
  EXPECT_EQ(m.progress.corpus_tokens * 1, m.progress.words_processed);
}

TEST_F(ContinuedTrainingTest, KnownWordsKeepTheirIdentity) {
  const Checkpoint continued = Continue("cont.bin").model;
  // The same short run from scratch (another seed: the same one would
  // start rows of the same rank from the same random values).
  TrainingJob fresh_job = SmallJob(new_text_, dir_.File("fresh.bin"));
  fresh_job.options.epochs = 1;
  fresh_job.options.seed = 6;
  NoteCollector notes;
  const Checkpoint fresh = MustRun(fresh_job, &notes).model;
  // Neighbours among the old words both models have.
  std::vector<std::string> common;
  for (const std::string& w : old_.vocab.words()) {
    if (fresh.vocab.Find(w) >= 0) common.push_back(w);
  }
  const Vocabulary among = Vocabulary::FromWordsAndCounts(
                               common, std::vector<uint64_t>(common.size(), 1))
                               .value();
  const Retention kept = Compare(old_, continued, among);
  const Retention unrelated = Compare(old_, fresh, among);
  std::cout << "[ info ] continued run: mean cosine to the old rows "
            << kept.cosine << ", neighbour overlap " << kept.overlap
            << "; fresh run: " << unrelated.cosine << ", " << unrelated.overlap
            << "\n";
  EXPECT_GE(kept.cosine, 0.8);
  EXPECT_GE(kept.overlap, 0.5);
  EXPECT_LT(unrelated.cosine, 0.3);
  EXPECT_GT(kept.overlap, unrelated.overlap);
}

TEST_F(ContinuedTrainingTest, CheckpointOptionsAreTheDefaults) {
  // The old model was trained with defaults but for dim 32 and sample 1e-3;
  // a continued run that names neither keeps them, and --window given
  // wins.
  TrainingJob job;
  job.options.inputs = {new_text_};
  job.output = dir_.File("cont.bin");
  job.init = dir_.File("old.wemb");
  job.options.window = 3;
  job.given = {"window"};
  job.options.epochs = 1;
  job.options.threads = 1;
  NoteCollector notes;
  const TrainingResult r = MustRun(job, &notes);
  EXPECT_EQ(r.job.options.dim, 32);
  EXPECT_EQ(r.job.options.sample, 1e-3);
  EXPECT_EQ(r.job.options.seed, 5u);
  EXPECT_EQ(r.job.options.window, 3);
  EXPECT_EQ(r.model.input.cols(), 32u);
}

TEST_F(ContinuedTrainingTest, FromAVectorsFileTheDimensionIsTheFiles) {
  TrainingJob job = SmallJob(new_text_, dir_.File("cont.bin"));
  job.options.dim = 100;  // the default, not given: the file's 32 wins
  job.init = dir_.File("old.bin");
  job.options.epochs = 1;
  job.options.loss = Loss::kHierarchicalSoftmax;
  NoteCollector notes;
  const TrainingResult r = MustRun(job, &notes);
  EXPECT_EQ(r.model.input.cols(), 32u);
  EXPECT_NE(notes.All().find("no output rows"), std::string::npos)
      << notes.All();
  job.given = {"dim"};
  StatusOr<TrainingResult> bad = RunTraining(job, notes);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--dim 100 differs"), std::string::npos)
      << bad.status().message();
}

// The inner-node rows of hierarchical softmax belong to one tree: kept when
// the new counts build the same tree (the same text), else started again.
TEST_F(ContinuedTrainingTest, TreeRowsAreKeptOnlyForTheSameTree) {
  TrainingJob job = SmallJob(new_text_, dir_.File("hs.bin"));
  job.checkpoint = dir_.File("hs.wemb");
  job.options.loss = Loss::kHierarchicalSoftmax;
  job.options.epochs = 1;
  NoteCollector notes;
  MustRun(job, &notes);
  for (const auto& [text, note] :
       {std::pair{new_text_, std::string("output rows kept")},
        std::pair{old_text_, std::string("Huffman tree of the new counts "
                                         "differs")}}) {
    TrainingJob cont = SmallJob(text, dir_.File("cont.bin"));
    cont.init = dir_.File("hs.wemb");
    cont.options.epochs = 1;
    NoteCollector n;
    const TrainingResult r = MustRun(cont, &n);
    EXPECT_EQ(r.job.options.loss, Loss::kHierarchicalSoftmax);  // inherited
    EXPECT_NE(n.All().find(note), std::string::npos) << n.All();
  }
}

}  // namespace
}  // namespace wembed
