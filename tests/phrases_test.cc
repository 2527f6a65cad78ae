// Phrases: counts and scores against hand-computed values, thresholds,
// min-count, sentence ends, pruning, joining, passes, gzip, errors.
#include "wembed/corpus/phrases.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "corpus/phrase_table.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::Gzip;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// Tokenizes `text` (default options) into `sink`.
void Feed(const std::string& text, TokenSink& sink) {
  Tokenizer tokenizer{TokenizerOptions{}};
  tokenizer.Feed(text, sink);
  tokenizer.Finish(sink);
}

// Collects a token stream as text: one space between tokens, '\n' per end.
class TextSink final : public TokenSink {
 public:
  void OnToken(std::string_view token) override {
    if (!text.empty() && text.back() != '\n') text += ' ';
    text += token;
  }
  void OnSentenceEnd() override { text += '\n'; }
  std::string text;
};

// 11 tokens in 4 sentences. Within sentences: a b x3, b c, b d, c a, d c.
// Across sentence ends (never counted): c|a, d|c, b|d.
constexpr char kTiny[] = "a b c\na b d\nc a b\nd c\n";

TEST(PhraseCounterTest, CountsWordsAndPairsWithinSentences) {
  PhraseCounter counter(1000);
  Feed(kTiny, counter);
  EXPECT_EQ(counter.total_tokens(), 11u);
  EXPECT_EQ(counter.sentences(), 4u);
  EXPECT_EQ(counter.CountOf("a"), 3u);
  EXPECT_EQ(counter.CountOf("b"), 3u);
  EXPECT_EQ(counter.CountOf("c"), 3u);
  EXPECT_EQ(counter.CountOf("d"), 2u);
  EXPECT_EQ(counter.CountOf("a", "b"), 3u);
  EXPECT_EQ(counter.CountOf("b", "c"), 1u);
  EXPECT_EQ(counter.CountOf("b", "d"), 1u);  // 2 if "b\nd" were counted
  EXPECT_EQ(counter.CountOf("c", "a"), 1u);  // 2 if "c\na" were counted
  EXPECT_EQ(counter.CountOf("d", "c"), 1u);  // 2 if "d\nc" were counted
  EXPECT_EQ(counter.CountOf("b", "a"), 0u);
  EXPECT_EQ(counter.distinct_words(), 4u);
  EXPECT_EQ(counter.distinct_pairs(), 5u);
  EXPECT_EQ(counter.pruner().rounds(), 0u);
}

TEST(PhraseScoreTest, DefaultScoringIsWord2phrases) {
  // (count(ab) - min_count) * total / (count(a) * count(b)).
  EXPECT_DOUBLE_EQ(PhraseScore(PhraseScoring::kDefault, 20, 25, 10, 1000, 5),
                   10.0);
  // kTiny, min_count 1: "a b" = (3 - 1) * 11 / (3 * 3) = 22 / 9.
  EXPECT_DOUBLE_EQ(PhraseScore(PhraseScoring::kDefault, 3, 3, 3, 11, 1),
                   22.0 / 9.0);
  // A pair seen min_count times scores 0.
  EXPECT_DOUBLE_EQ(PhraseScore(PhraseScoring::kDefault, 3, 3, 1, 11, 1), 0);
}

TEST(PhraseScoreTest, NpmiIsGensims) {
  // kTiny: "a b": p(ab) = p(a) = p(b) = 3/11: ln(11/3) / ln(11/3) = 1.
  EXPECT_DOUBLE_EQ(PhraseScore(PhraseScoring::kNpmi, 3, 3, 3, 11, 1), 1.0);
  // "b c": ln((1/11) / (3/11 * 3/11)) / -ln(1/11) = ln(11/9) / ln(11).
  EXPECT_NEAR(PhraseScore(PhraseScoring::kNpmi, 3, 3, 1, 11, 1),
              std::log(11.0 / 9.0) / std::log(11.0), 1e-12);
  // "d c": ln(11/6) / ln(11) = 0.25277826... (gensim's npmi_scorer agrees)
  EXPECT_NEAR(PhraseScore(PhraseScoring::kNpmi, 2, 3, 1, 11, 1), 0.25277826,
              1e-8);
  // Independent words: p(ab) = p(a) p(b) gives 0.
  EXPECT_NEAR(PhraseScore(PhraseScoring::kNpmi, 100, 100, 10, 1000, 1), 0,
              1e-12);
}

TEST(PhraseScoreTest, BelowMinCountIsNeverAPhrase) {
  const double never = -std::numeric_limits<double>::infinity();
  for (PhraseScoring s : {PhraseScoring::kDefault, PhraseScoring::kNpmi}) {
    EXPECT_EQ(PhraseScore(s, 3, 3, 3, 11, 4), never);  // pair below
    EXPECT_EQ(PhraseScore(s, 3, 9, 3, 30, 4), never);  // first word below
    EXPECT_EQ(PhraseScore(s, 9, 3, 3, 30, 4), never);  // second word below
    EXPECT_GT(PhraseScore(s, 9, 9, 5, 30, 4), never);
  }
}

PhraseOptions Options(PhraseScoring scoring, uint64_t min_count,
                      double threshold) {
  PhraseOptions o;
  o.scoring = scoring;
  o.min_count = min_count;
  o.thresholds = {threshold};
  return o;
}

TEST(PhraseSetTest, ThresholdIsStrict) {
  PhraseCounter counter(1000);
  Feed(kTiny, counter);
  const double ab = 22.0 / 9.0;
  PhraseSet below = BuildPhraseSet(
      counter, Options(PhraseScoring::kDefault, 1, ab - 1e-9), ab - 1e-9);
  EXPECT_TRUE(below.Contains("a", "b"));
  EXPECT_EQ(below.size(), 1u);  // the others score 0
  const double exact = PhraseScore(PhraseScoring::kDefault, 3, 3, 3, 11, 1);
  PhraseSet equal = BuildPhraseSet(
      counter, Options(PhraseScoring::kDefault, 1, exact), exact);
  EXPECT_FALSE(equal.Contains("a", "b"));
  EXPECT_EQ(equal.size(), 0u);
}

TEST(PhraseSetTest, NpmiThresholdAndMinCount) {
  PhraseCounter counter(1000);
  Feed(kTiny, counter);
  // npmi: a b = 1, d c = 0.2528, b c = c a = 0.0837, b d = 0.2528.
  PhraseSet low =
      BuildPhraseSet(counter, Options(PhraseScoring::kNpmi, 1, 0.2), 0.2);
  EXPECT_TRUE(low.Contains("a", "b"));
  EXPECT_TRUE(low.Contains("d", "c"));
  EXPECT_TRUE(low.Contains("b", "d"));
  EXPECT_FALSE(low.Contains("b", "c"));
  EXPECT_EQ(low.size(), 3u);
  // min-count 3 keeps only pairs seen 3 times; 4 none.
  PhraseSet three =
      BuildPhraseSet(counter, Options(PhraseScoring::kNpmi, 3, -1), -1);
  EXPECT_EQ(three.size(), 1u);
  EXPECT_TRUE(three.Contains("a", "b"));
  EXPECT_EQ(
      BuildPhraseSet(counter, Options(PhraseScoring::kNpmi, 4, -1), -1).size(),
      0u);
}

TEST(PhraseSetTest, JoinedFormMustFitMaxTokenBytes) {
  PhraseCounter counter(1000);
  Feed("abcd efgh\nabcd efgh\nabcd efgh\nx y\n", counter);
  PhraseOptions o = Options(PhraseScoring::kNpmi, 1, 0);
  o.tokenizer.max_token_bytes = 9;  // "abcd_efgh"
  EXPECT_TRUE(BuildPhraseSet(counter, o, 0).Contains("abcd", "efgh"));
  o.tokenizer.max_token_bytes = 8;
  EXPECT_FALSE(BuildPhraseSet(counter, o, 0).Contains("abcd", "efgh"));
  EXPECT_TRUE(BuildPhraseSet(counter, o, 0).Contains("x", "y"));
}

TEST(PhraseJoinerTest, JoinsLeftToRightOncePerPassWithinSentences) {
  PhraseSet set;
  set.Add("a", "b");
  set.Add("b", "c");
  set.Add("c", "a");
  TextSink out;
  PhraseJoiner joiner(set, out);
  // "a b c": a_b is taken first and c stays alone; "b c" joins; the
  // sentence end between "c" and "a" is never crossed.
  Feed("a b c\nx b c\nc\na b a b\n", joiner);
  EXPECT_EQ(out.text, "a_b c\nx b_c\nc\na_b a_b\n");
  EXPECT_EQ(joiner.joined(), 4u);
}

TEST(PhraseCounterTest, PruningIsDeterministicWithATinyTable) {
  // Limit 4 (prune target 3). "a a a b c": at c the table holds a:3, aa:2,
  // b:1, ab:1, c:1; pruning counts <= 1 leaves a, aa; then "b c" comes in.
  PhraseCounter counter(4);
  Feed("a a a b c\n", counter);
  EXPECT_EQ(counter.pruner().rounds(), 1u);
  EXPECT_EQ(counter.pruner().threshold(), 1u);
  EXPECT_EQ(counter.CountOf("a"), 3u);
  EXPECT_EQ(counter.CountOf("a", "a"), 2u);
  EXPECT_EQ(counter.CountOf("b"), 0u);  // pruned: counts are approximate
  EXPECT_EQ(counter.CountOf("a", "b"), 0u);
  EXPECT_EQ(counter.CountOf("b", "c"), 1u);
  EXPECT_EQ(counter.total_tokens(), 5u);

  // When counts <= 1 are not enough, the threshold rises: at c the table
  // holds a:3 b:3 ab:3 ba:2 c:1; dropping c leaves 4 > 3, so counts <= 2
  // go too (ba).
  PhraseCounter raised(4);
  Feed("a b a b a b c\n", raised);
  EXPECT_EQ(raised.pruner().rounds(), 2u);
  EXPECT_EQ(raised.pruner().threshold(), 2u);
  EXPECT_EQ(raised.CountOf("a", "b"), 3u);
  EXPECT_EQ(raised.CountOf("b", "a"), 0u);
  EXPECT_EQ(raised.CountOf("b", "c"), 1u);
  EXPECT_EQ(raised.distinct_words(), 2u);
  EXPECT_EQ(raised.distinct_pairs(), 2u);
}

// ------------------------------------------------------------ RunPhrases

// 30 lines "w<i> new york times w<i+1>": only new, york, times reach
// min-count 5.
std::string NewYorkTimes() {
  std::string s;
  for (int i = 0; i < 30; ++i) {
    s += "w" + std::to_string(i) + " new york times w" + std::to_string(i + 1) +
         "\n";
  }
  return s;
}

StatusOr<PhraseResult> Phrase(const std::vector<std::string>& inputs,
                              const std::string& output,
                              std::vector<double> thresholds,
                              const Env* env = nullptr) {
  PhraseRequest r;
  r.inputs = inputs;
  r.output = output;
  r.options.thresholds = std::move(thresholds);
  r.env = env;
  return RunPhrases(r);
}

TEST(RunPhrasesTest, OnePassJoinsPairsTwoPassesMakeThreeWordPhrases) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  // Pass 1: "new york" = (30 - 5) * 150 / (30 * 30) = 4.17 > 1, and is
  // taken before "york times".
  StatusOr<PhraseResult> one =
      Phrase({dir.File("c.txt")}, dir.File("1.txt"), {1});
  ASSERT_TRUE(one.ok()) << one.status().message();
  const std::string out1 = ReadFile(dir.File("1.txt"));
  EXPECT_EQ(out1.substr(0, out1.find('\n') + 1), "w0 new_york times w1\n");
  EXPECT_EQ(one->passes[0].tokens, 150u);
  EXPECT_EQ(one->passes[0].phrases, 2u);  // new york, york times
  EXPECT_EQ(one->passes[0].joined, 30u);
  EXPECT_EQ(one->tokens_written, 120u);
  EXPECT_EQ(one->sentences_written, 30u);
  // Pass 2 counts "new_york times": (30 - 5) * 120 / (30 * 30) = 3.33 > 1.
  StatusOr<PhraseResult> two =
      Phrase({dir.File("c.txt")}, dir.File("2.txt"), {1, 1});
  ASSERT_TRUE(two.ok()) << two.status().message();
  const std::string out2 = ReadFile(dir.File("2.txt"));
  EXPECT_EQ(out2.substr(0, out2.find('\n') + 1), "w0 new_york_times w1\n");
  EXPECT_EQ(testing::CountLines(out2), 30);
  ASSERT_EQ(two->passes.size(), 2u);
  EXPECT_EQ(two->passes[1].tokens, 120u);
  EXPECT_EQ(two->passes[1].joined, 30u);
  EXPECT_EQ(two->tokens_written, 90u);
  // A threshold above the pass-2 score stops at pairs.
  StatusOr<PhraseResult> high =
      Phrase({dir.File("c.txt")}, dir.File("3.txt"), {1, 3.4});
  ASSERT_TRUE(high.ok());
  EXPECT_EQ(ReadFile(dir.File("3.txt")), out1);
}

TEST(RunPhrasesTest, PhrasesNeverCrossLinesOrFiles) {
  TempDir dir;
  // "x" always ends a line and "y" starts the next (or the next file).
  std::string text;
  for (int i = 0; i < 20; ++i) text += "p q x\ny r s\n";
  WriteFile(dir.File("a.txt"), text + "x");
  WriteFile(dir.File("b.txt"), "y\n" + text);
  StatusOr<PhraseResult> r =
      Phrase({dir.File("a.txt"), dir.File("b.txt")}, dir.File("o.txt"), {0});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::string out = ReadFile(dir.File("o.txt"));
  EXPECT_EQ(out.find("x_y"), std::string::npos);
  EXPECT_NE(out.find("p_q x\ny_r s\n"), std::string::npos) << out;
  EXPECT_EQ(r->sentences_written, 82u);
}

TEST(RunPhrasesTest, GzipInAndOutRoundTrip) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  WriteFile(dir.File("c.txt.gz"), Gzip(NewYorkTimes()));
  ASSERT_TRUE(Phrase({dir.File("c.txt")}, dir.File("plain.txt"), {1}).ok());
  StatusOr<PhraseResult> gz =
      Phrase({dir.File("c.txt.gz")}, dir.File("out.txt.gz"), {1});
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  const std::string raw = ReadFile(dir.File("out.txt.gz"));
  ASSERT_GT(raw.size(), 2u);
  EXPECT_EQ(uint8_t(raw[0]), 0x1f);
  EXPECT_EQ(uint8_t(raw[1]), 0x8b);
  EXPECT_EQ(gz->bytes_written, raw.size());
  // The gzip output is itself a valid input: phrasing it with a threshold
  // nothing reaches gives back the plain output.
  ASSERT_TRUE(
      Phrase({dir.File("out.txt.gz")}, dir.File("again.txt"), {1e9}).ok());
  EXPECT_EQ(ReadFile(dir.File("again.txt")), ReadFile(dir.File("plain.txt")));
}

TEST(RunPhrasesTest, PruningIsReported) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  PhraseRequest r;
  r.inputs = {dir.File("c.txt")};
  r.output = dir.File("o.txt");
  r.options.thresholds = {1};
  r.options.max_table_entries = 20;
  std::vector<PhrasePassStats> reported;
  r.pass_done = [&](const PhrasePassStats& s) { reported.push_back(s); };
  StatusOr<PhraseResult> result = RunPhrases(r);
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_GT(reported[0].prune_rounds, 0u);
  EXPECT_GE(reported[0].prune_threshold, 1u);
  EXPECT_LE(reported[0].distinct_words + reported[0].distinct_pairs, 20u);
  // The frequent pairs survive pruning and are still joined.
  EXPECT_NE(ReadFile(dir.File("o.txt")).find("new_york"), std::string::npos);
}

TEST(RunPhrasesTest, BadInputsAndOptionsFailWithoutWriting) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  WriteFile(dir.File("empty.txt"), " \n\n");
  WriteFile(dir.File("out.txt"), "old");
  const std::string out = dir.File("out.txt");
  struct Case {
    std::vector<std::string> inputs;
    std::vector<double> thresholds;
    PhraseScoring scoring;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{dir.File("missing.txt")},
       {100},
       PhraseScoring::kDefault,
       "missing.txt: no such file"},
      {{"-"}, {100}, PhraseScoring::kDefault, "standard input"},
      {{dir.File("empty.txt")}, {100}, PhraseScoring::kDefault, "empty corpus"},
      {{out}, {100}, PhraseScoring::kDefault, "--output"},
      {{dir.File("c.txt")}, {2}, PhraseScoring::kNpmi, "[-1, 1]"},
      {{dir.File("c.txt")}, {-1}, PhraseScoring::kDefault, ">= 0"},
      {{dir.File("c.txt")}, {}, PhraseScoring::kDefault, "--passes"},
  };
  for (const Case& c : cases) {
    PhraseRequest r;
    r.inputs = c.inputs;
    r.output = out;
    r.options.thresholds = c.thresholds;
    r.options.scoring = c.scoring;
    StatusOr<PhraseResult> result = RunPhrases(r);
    ASSERT_FALSE(result.ok()) << c.expected;
    EXPECT_NE(result.status().message().find(c.expected), std::string::npos)
        << result.status().message();
    EXPECT_EQ(ReadFile(out), "old");
  }
  EXPECT_EQ(dir.List(),
            (std::vector<std::string>{"c.txt", "empty.txt", "out.txt"}));
}

TEST(RunPhrasesTest, WriteErrorLeavesTheOutputAsItWas) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), NewYorkTimes());
  WriteFile(dir.File("out.txt.gz"), "old");
  FailOneOp faults(FileOp::kWrite, 0, EIO);
  const Env env(&faults);
  StatusOr<PhraseResult> r =
      Phrase({dir.File("c.txt")}, dir.File("out.txt.gz"), {1}, &env);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("out.txt.gz"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(ReadFile(dir.File("out.txt.gz")), "old");
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"c.txt", "out.txt.gz"}));
}

}  // namespace
}  // namespace wembed
