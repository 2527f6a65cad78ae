// --deterministic training: the same bits from run to run with several
// threads, its checkpoints and stops, and replica groups (Trainers in
// threads averaging through an in-process ReplicaGroup).
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <new>
#include <thread>

#include "in_process_ranks.h"
#include "planted_fixture.h"
#include "test_util.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/train/replica_group.h"
#include "wembed/train/trainer.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {
namespace {

using Fixture = testing::PlantedFixture;

bool SameBits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(),
                     a.rows() * a.stride() * sizeof(float)) == 0;
}

double PlantedAccuracy(const Matrix& input, const Vocabulary& vocab,
                       const Fixture& f) {
  Embeddings e;
  e.words = vocab.words();
  e.vectors = input;
  AnalogyOptions ao;
  ao.restrict_vocab = 0;
  AnalogyEvaluator evaluator(std::move(e), ao);
  const AnalogyResult r = evaluator.Evaluate(f.questions);
  return AnalogyAccuracy(r.total, false, AnalogyProtocol::kSkipUnknown);
}

TrainOptions DeterministicOptions() {
  TrainOptions o = testing::PlantedOptions();
  o.threads = 2;
  o.deterministic = true;
  return o;
}

// Many syncs over the planted corpus's 476 words: a sync every 1000 words
// per thread, the hottest 16 rows at every one, tiers of 32, 64, ... rows.
TrainHooks ManySyncs() {
  TrainHooks hooks;
  hooks.sync_every_words = 1000;
  hooks.sync_hot_rows = 16;
  return hooks;
}

std::unique_ptr<Trainer> MustTrain(const TrainOptions& o, const Fixture& f,
                                   const TrainHooks& hooks = ManySyncs()) {
  auto t = testing::MustCreateTrainer(o, f);
  auto s = t->Train(hooks);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return t;
}

TEST(DeterministicTest, TwoThreadsGiveTheSameBitsAndLearn) {
  auto f = testing::MakePlantedFixture(30000);
  const TrainOptions o = DeterministicOptions();
  auto a = MustTrain(o, *f);
  auto b = MustTrain(o, *f);
  EXPECT_TRUE(SameBits(a->input_vectors(), b->input_vectors()));
  EXPECT_TRUE(SameBits(a->output_vectors(), b->output_vectors()));
  EXPECT_TRUE(a->progress().finished);
  EXPECT_EQ(a->progress().words_processed, 5 * f->scan.corpus.num_tokens());
  EXPECT_GE(PlantedAccuracy(a->input_vectors(), a->vocab(), *f), 90.0);
  TrainOptions other = o;
  other.seed = 4;
  auto c = MustTrain(other, *f);
  EXPECT_FALSE(SameBits(a->input_vectors(), c->input_vectors()));
}

// Four replicas, the default sync interval (here about one sync per
// epoch): each replica moves the planted corpus's rows the same way, and
// the plain sum of their changes (MergeRule::kSumOfDeltas) overshoots
// (with it this run scores 17.8% on the planted analogies; `--deterministic
// --threads 4` on en-mix scored 0.0%). The merge rule caps repeated changes.
TEST(DeterministicTest, FourReplicasWithLongIntervalsStayFiniteAndLearn) {
  auto f = testing::MakePlantedFixture(30000);
  TrainOptions o = DeterministicOptions();
  o.threads = 4;
  auto t = MustTrain(o, *f, TrainHooks());
  EXPECT_TRUE(t->AllFinite());
  EXPECT_GE(PlantedAccuracy(t->input_vectors(), t->vocab(), *f), 90.0);
}

TEST(DeterministicTest, EveryModelAndLossIsReproducibleWithThreeThreads) {
  auto f = testing::MakePlantedFixture(5000);
  for (Model model : {Model::kSkipGram, Model::kCbow}) {
    for (Loss loss : {Loss::kNegativeSampling, Loss::kHierarchicalSoftmax}) {
      TrainOptions o = DeterministicOptions();
      o.threads = 3;
      o.epochs = 2;
      o.model = model;
      o.loss = loss;
      auto a = MustTrain(o, *f);
      auto b = MustTrain(o, *f);
      EXPECT_TRUE(SameBits(a->input_vectors(), b->input_vectors()));
      EXPECT_TRUE(SameBits(a->output_vectors(), b->output_vectors()));
    }
  }
}

TEST(DeterministicTest, SubwordsAreRefused) {
  auto f = testing::MakePlantedFixture(500);
  TrainOptions o = DeterministicOptions();
  o.subword_min_n = 3;
  o.subword_max_n = 6;
  auto t = Trainer::Create(o, f->scan.vocab, &f->scan.corpus);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("--deterministic"), std::string::npos);
}

// Periodic checkpoints merge the replicas into a copy: the run's result is
// the one without checkpoints, and each checkpoint holds one merged model.
TEST(DeterministicTest, CheckpointsDoNotChangeTheResult) {
  auto f = testing::MakePlantedFixture(30000);
  const TrainOptions o = DeterministicOptions();
  auto plain = MustTrain(o, *f);
  int written = 0;
  TrainHooks hooks = ManySyncs();
  hooks.checkpoint_every_seconds = 0.001;
  hooks.write_checkpoint = [&](const Checkpoint& c) {
    ++written;
    EXPECT_EQ(c.input.rows(), f->scan.vocab.size());
    return CheckpointIsFinite(c) ? Status::Ok() : Status::Internal("nan");
  };
  auto checkpointed = MustTrain(o, *f, hooks);
  EXPECT_GE(written, 1);
  EXPECT_TRUE(SameBits(plain->input_vectors(), checkpointed->input_vectors()));
}

// A stop comes at a sync; resuming the saved checkpoint twice gives the
// same bits (a resume continues from the merged model, so it need not equal
// the uninterrupted run, whose replicas were not merged there).
TEST(DeterministicTest, StopAtASyncAndResumeIsReproducible) {
  auto f = testing::MakePlantedFixture(30000);
  const TrainOptions o = DeterministicOptions();
  auto first = testing::MustCreateTrainer(o, *f);
  std::atomic<bool> stop{true};  // at the first quiet sync
  TrainHooks hooks = ManySyncs();
  hooks.stop_requested = &stop;
  auto s = first->Train(hooks);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->stopped);
  const std::string path = f->dir.File("det.ckpt");
  ASSERT_TRUE(WriteCheckpoint(path, first->MakeCheckpoint()).ok());
  std::unique_ptr<Trainer> resumed[2];
  for (auto& r : resumed) {
    auto ckpt = ReadCheckpoint(path);
    ASSERT_TRUE(ckpt.ok());
    auto options = TrainOptions::FromKeyValues(ckpt->options);
    ASSERT_TRUE(options.ok());
    EXPECT_TRUE(options->deterministic);
    auto t =
        Trainer::Resume(std::move(ckpt).value(), *options, &f->scan.corpus);
    ASSERT_TRUE(t.ok()) << t.status().message();
    r = std::move(t).value();
    auto done = r->Train(ManySyncs());
    ASSERT_TRUE(done.ok());
    EXPECT_FALSE(done->stopped);
  }
  EXPECT_TRUE(
      SameBits(resumed[0]->input_vectors(), resumed[1]->input_vectors()));
  EXPECT_EQ(resumed[0]->progress().words_processed,
            5 * f->scan.corpus.num_tokens());
  EXPECT_GE(
      PlantedAccuracy(resumed[0]->input_vectors(), resumed[0]->vocab(), *f),
      90.0);
}

// N members in threads of one process: each collective gathers every
// member's buffer, reduces it in rank order (so every member gets the same
// bits) and hands each the result. Counts that differ between members are
// a test failure (the trainer's schedule must keep them in step).
class InProcessGroup {
 public:
  // share_memory: SharedMemory offers memory, as MPI ranks on one machine.
  explicit InProcessGroup(int n, bool share_memory = false)
      : barrier_(n), slots_(size_t(n)), share_memory_(share_memory) {
    for (int r = 0; r < n; ++r) members_.emplace_back(new Member(this, r));
  }
  ReplicaGroup* member(int rank) { return members_[size_t(rank)].get(); }

 private:
  struct Slot {
    const void* data = nullptr;
    size_t count = 0;
  };
  class Member : public ReplicaGroup {
   public:
    Member(InProcessGroup* g, int rank) : g_(g), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return int(g_->slots_.size()); }
    Status AverageFloats(float* data, size_t count) override {
      const float n = float(size());
      return g_->Reduce(
          rank_, data, count, [](float a, float b) { return a + b; },
          [n](float a) { return a / n; });
    }
    Status SumU64(uint64_t* data, size_t count) override {
      return g_->Reduce(
          rank_, data, count, [](uint64_t a, uint64_t b) { return a + b; },
          [](uint64_t a) { return a; });
    }
    Status MaxInt(int32_t* data, size_t count) override {
      return g_->Reduce(
          rank_, data, count,
          [](int32_t a, int32_t b) { return std::max(a, b); },
          [](int32_t a) { return a; });
    }
    StatusOr<void*> SharedMemory(size_t bytes) override {
      return g_->Share(rank_, bytes);
    }

   private:
    InProcessGroup* g_;
    int rank_;
  };

  template <typename T, typename Op, typename Finish>
  Status Reduce(int rank, T* data, size_t count, Op op, Finish finish) {
    slots_[size_t(rank)] = Slot{data, count};
    barrier_.arrive_and_wait();
    std::vector<T> result(data, data + count);
    bool same = true;
    for (size_t r = 1; r < slots_.size(); ++r) same &= slots_[r].count == count;
    EXPECT_TRUE(same) << "members disagree on a collective's count";
    for (size_t i = 0; same && i < count; ++i) {
      T acc = static_cast<const T*>(slots_[0].data)[i];
      for (size_t r = 1; r < slots_.size(); ++r) {
        acc = op(acc, static_cast<const T*>(slots_[r].data)[i]);
      }
      result[i] = finish(acc);
    }
    barrier_.arrive_and_wait();  // everyone has read every buffer
    std::copy(result.begin(), result.end(), data);
    return same ? Status::Ok() : Status::Internal("count mismatch");
  }

  // Rank 0 allocates; every member gets its pointer.
  void* Share(int rank, size_t bytes) {
    if (!share_memory_) return nullptr;
    if (rank == 0) shared_ = blocks_.Allocate(bytes);
    barrier_.arrive_and_wait();
    void* p = shared_;
    barrier_.arrive_and_wait();
    return p;
  }

  std::barrier<> barrier_;
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Member>> members_;
  const bool share_memory_;
  testing::SharedBlocks blocks_;
  void* shared_ = nullptr;
};

// The fixture's corpus cut into `n` shares (consecutive lines), each
// encoded with the whole corpus's vocabulary.
std::vector<ScanResult> Shares(const Fixture& f, int n) {
  std::ifstream in(f.dir.File("corpus.txt"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<ScanResult> shares;
  for (int s = 0; s < n; ++s) {
    const std::string path = f.dir.File("share" + std::to_string(s));
    std::ofstream out(path);
    for (size_t i = lines.size() * s / n; i < lines.size() * (s + 1) / n; ++i)
      out << lines[i] << "\n";
    out.close();
    ScanRequest request;
    request.inputs = {path};
    request.encode = true;
    request.fixed_vocab = &f.scan.vocab;
    auto scan = ScanCorpus(request);
    EXPECT_TRUE(scan.ok()) << scan.status().message();
    shares.push_back(std::move(scan).value());
  }
  return shares;
}

struct MemberRun {
  std::unique_ptr<Trainer> trainer;
  StatusOr<TrainSummary> summary = Status::Internal("not run");
};

// Trains one member per share in its own thread, `hooks_for(rank)`
// giving each its hooks (replicas set here). A hang fails the test.
std::vector<MemberRun> TrainGroup(
    const TrainOptions& o, const Fixture& f, std::vector<ScanResult>& shares,
    const std::function<void(int, TrainHooks*)>& hooks_for,
    bool share_memory = false) {
  const int n = int(shares.size());
  InProcessGroup group(n, share_memory);
  std::vector<MemberRun> runs(static_cast<size_t>(n));
  std::vector<std::future<void>> done;
  for (int r = 0; r < n; ++r) {
    auto t = Trainer::Create(o, f.scan.vocab, &shares[r].corpus);
    EXPECT_TRUE(t.ok());
    runs[r].trainer = std::move(t).value();
    done.push_back(std::async(std::launch::async, [&, r] {
      TrainHooks hooks = ManySyncs();
      hooks.replicas = group.member(r);
      hooks_for(r, &hooks);
      runs[r].summary = runs[r].trainer->Train(hooks);
    }));
  }
  for (auto& d : done) {
    if (d.wait_for(std::chrono::minutes(5)) != std::future_status::ready) {
      ADD_FAILURE() << "a member of the replica group hangs";
      std::abort();
    }
  }
  return runs;
}

// Members 0 and 1 of a group ended with the same matrices, which learned
// the planted analogies (not checked under a sanitizer, whose tests train
// too little for that).
void ExpectIdenticalAndLearned(const std::vector<MemberRun>& runs,
                               const Fixture& f) {
  const Trainer& a = *runs[0].trainer;
  const Trainer& b = *runs[1].trainer;
  EXPECT_TRUE(SameBits(a.input_vectors(), b.input_vectors()));
  EXPECT_TRUE(SameBits(a.output_vectors(), b.output_vectors()));
  if (!testing::kSanitized) {
    EXPECT_GE(PlantedAccuracy(a.input_vectors(), a.vocab(), f), 90.0);
  }
}

// A group trains with private replicas whether or not --deterministic is
// set (the hogwild mode does not sync with a group).
TEST(ReplicaGroupTest, MembersEndIdenticalAndLearn) {
  auto f = testing::MakePlantedFixture(30000);
  std::vector<ScanResult> shares = Shares(*f, 2);
  for (bool deterministic : {true, false}) {
    TrainOptions o = DeterministicOptions();
    o.threads = 1;
    o.deterministic = deterministic;
    auto runs = TrainGroup(o, *f, shares, [](int, TrainHooks*) {});
    for (const MemberRun& m : runs) {
      ASSERT_TRUE(m.summary.ok()) << m.summary.status().message();
      EXPECT_FALSE(m.summary->stopped);
    }
    const Trainer& a = *runs[0].trainer;
    const Trainer& b = *runs[1].trainer;
    EXPECT_TRUE(SameBits(a.input_vectors(), b.input_vectors()));
    EXPECT_TRUE(SameBits(a.output_vectors(), b.output_vectors()));
    // The learning rate ran on the group's count: all tokens, all epochs.
    EXPECT_EQ(a.progress().words_processed, 5 * f->scan.corpus.num_tokens());
    EXPECT_GE(PlantedAccuracy(a.input_vectors(), a.vocab(), *f), 90.0);
  }
}

// Without --deterministic a member's threads train one replica hogwild
// (an MPI rank holds 2 copies of the model whatever its --threads) and the
// group still ends identical and learns, for both losses (hierarchical
// softmax keeps its hot tree rows per thread and merges them at each sync).
// Under a sanitizer, one epoch of the hogwild cases on 4,000 sentences
// instead of 30,000 (still about ten syncs): TSan checks every suppressed
// hogwild race against its suppressions, and 4 racing threads took 498 s
// for one epoch of the full corpus (2026-12-03), past the 5-minute
// watchdog.
TEST(ReplicaGroupTest, HogwildThreadsWithinAMemberShareOneReplica) {
  auto f = testing::MakePlantedFixture(testing::kSanitized ? 4000 : 30000);
  std::vector<ScanResult> shares = Shares(*f, 2);
  const int epochs = testing::kSanitized ? 1 : 5;
  for (const Loss loss :
       {Loss::kNegativeSampling, Loss::kHierarchicalSoftmax}) {
    for (const bool deterministic : {false, true}) {
      if (testing::kSanitized && deterministic) continue;
      SCOPED_TRACE(std::string(loss == Loss::kNegativeSampling ? "ns" : "hs") +
                   (deterministic ? " deterministic" : " hogwild"));
      TrainOptions o = DeterministicOptions();
      o.threads = 2;
      o.loss = loss;
      o.deterministic = deterministic;
      o.epochs = epochs;
      auto runs = TrainGroup(o, *f, shares, [](int, TrainHooks*) {});
      for (const MemberRun& m : runs) {
        ASSERT_TRUE(m.summary.ok()) << m.summary.status().message();
        EXPECT_EQ(m.summary->replicas, deterministic ? 2 : 1);
        EXPECT_EQ(m.summary->members, 2);
        // The group's words: all tokens of every epoch.
        EXPECT_EQ(m.summary->words_trained,
                  uint64_t(epochs) * f->scan.corpus.num_tokens());
      }
      ExpectIdenticalAndLearned(runs, *f);
    }
  }
}

// Members whose group offers shared memory (MPI ranks on one machine)
// train one replica in it, hogwild across every member's threads: the syncs
// merge nothing, every member ends with that replica, the group's words
// are all trained, and it learns, for both losses. Sanitizers: smaller, as
// above.
TEST(ReplicaGroupTest, MembersOnOneMachineTrainOneSharedReplica) {
  auto f = testing::MakePlantedFixture(testing::kSanitized ? 4000 : 30000);
  std::vector<ScanResult> shares = Shares(*f, 2);
  const int epochs = testing::kSanitized ? 1 : 5;
  for (const Loss loss :
       {Loss::kNegativeSampling, Loss::kHierarchicalSoftmax}) {
    SCOPED_TRACE(loss == Loss::kNegativeSampling ? "ns" : "hs");
    TrainOptions o = DeterministicOptions();
    o.threads = 2;
    o.loss = loss;
    o.deterministic = false;
    o.epochs = epochs;
    auto runs = TrainGroup(
        o, *f, shares, [](int, TrainHooks*) {}, true);
    for (const MemberRun& m : runs) {
      ASSERT_TRUE(m.summary.ok()) << m.summary.status().message();
      EXPECT_TRUE(m.summary->shared_model);
      EXPECT_EQ(m.summary->replicas, 0);
      EXPECT_EQ(m.summary->words_trained,
                uint64_t(epochs) * f->scan.corpus.num_tokens());
    }
    ExpectIdenticalAndLearned(runs, *f);
  }
}

// Offered shared memory, a group still trains a replica per member with
// private_member_replicas (as on several machines) and per thread with
// --deterministic.
TEST(ReplicaGroupTest, PrivateReplicasAndDeterministicDoNotShare) {
  auto f = testing::MakePlantedFixture(4000);
  std::vector<ScanResult> shares = Shares(*f, 2);
  for (const bool deterministic : {false, true}) {
    TrainOptions o = DeterministicOptions();
    o.threads = 2;
    o.deterministic = deterministic;
    o.epochs = 1;
    auto runs = TrainGroup(
        o, *f, shares,
        [&](int, TrainHooks* h) { h->private_member_replicas = true; }, true);
    for (const MemberRun& m : runs) {
      ASSERT_TRUE(m.summary.ok()) << m.summary.status().message();
      EXPECT_FALSE(m.summary->shared_model);
      EXPECT_EQ(m.summary->replicas, deterministic ? 2 : 1);
    }
  }
}

TEST(ReplicaGroupTest, AFailedMemberEndsEveryMember) {
  auto f = testing::MakePlantedFixture(10000);
  std::vector<ScanResult> shares = Shares(*f, 3);
  TrainOptions o = DeterministicOptions();
  auto runs = TrainGroup(o, *f, shares, [](int rank, TrainHooks* h) {
    if (rank == 1) h->in_worker = [](int) { throw std::bad_alloc(); };
  });
  ASSERT_FALSE(runs[1].summary.ok());
  EXPECT_NE(runs[1].summary.status().message().find("out of memory"),
            std::string::npos);
  for (int r : {0, 2}) {
    ASSERT_FALSE(runs[r].summary.ok());
    EXPECT_NE(runs[r].summary.status().message().find("another member"),
              std::string::npos)
        << runs[r].summary.status().message();
  }
}

// With a replica per member and with one shared replica.
TEST(ReplicaGroupTest, AStopOnOneMemberStopsAllAtOneModel) {
  auto f = testing::MakePlantedFixture(30000);
  std::vector<ScanResult> shares = Shares(*f, 2);
  for (const bool share_memory : {false, true}) {
    TrainOptions o = DeterministicOptions();
    o.deterministic = !share_memory;  // shared memory: the hogwild mode
    std::atomic<bool> stop{true};
    auto runs = TrainGroup(
        o, *f, shares,
        [&](int rank, TrainHooks* h) {
          if (rank == 0) h->stop_requested = &stop;
        },
        share_memory);
    for (const MemberRun& m : runs) {
      ASSERT_TRUE(m.summary.ok()) << m.summary.status().message();
      EXPECT_TRUE(m.summary->stopped);
      EXPECT_EQ(m.summary->shared_model, share_memory);
      EXPECT_LT(m.summary->words_trained, f->scan.corpus.num_tokens());
    }
    EXPECT_TRUE(SameBits(runs[0].trainer->input_vectors(),
                         runs[1].trainer->input_vectors()));
  }
}

}  // namespace
}  // namespace wembed
