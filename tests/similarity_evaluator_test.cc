#include "wembed/eval/similarity_evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::MakeEmbeddings;
using testing::TempDir;
using testing::WriteFile;

TEST(CorrelationTest, AverageRanksForTies) {
  EXPECT_EQ(AverageRanks({10, 20, 20, 30}),
            (std::vector<double>{1, 2.5, 2.5, 4}));
  EXPECT_EQ(AverageRanks({3, 3, 3}), (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(AverageRanks({0.5, -1, 7, 0.5, 0.5}),
            (std::vector<double>{3, 1, 5, 3, 3}));
}

// The example of scipy.stats.spearmanr's documentation:
// spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233.
// By hand: y ranks (1, 2, 3.5, 5, 3.5); with deviations (-2,-1,0,1,2) and
// (-2,-1,.5,2,.5): r = 8 / sqrt(10 * 9.5) = 8 / sqrt(95).
TEST(CorrelationTest, SpearmanWithTies) {
  const double rho = SpearmanCorrelation({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7});
  EXPECT_NEAR(rho, 8 / std::sqrt(95.0), 1e-15);
  EXPECT_NEAR(rho, 0.8207826816681233, 1e-15);
  // Monotone transforms do not change it; reversal flips it.
  EXPECT_NEAR(SpearmanCorrelation({1, 2, 3, 4, 5}, {50, 60, 70, 800, 70}), rho,
              1e-15);
  EXPECT_NEAR(SpearmanCorrelation({1, 2, 3}, {3, 2, 1}), -1.0, 1e-15);
  EXPECT_TRUE(std::isnan(SpearmanCorrelation({1, 2, 3}, {4, 4, 4})));
}

// The example of scipy.stats.pearsonr's documentation:
// pearsonr([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2]) =
// -0.828503883588428
TEST(CorrelationTest, Pearson) {
  EXPECT_NEAR(
      PearsonCorrelation({1, 2, 3, 4, 5, 6, 7}, {10, 9, 2.5, 6, 4, 3, 2}),
      -0.828503883588428, 1e-14);
  EXPECT_NEAR(PearsonCorrelation({1, 2, 3}, {2, 4, 6}), 1.0, 1e-15);
  EXPECT_TRUE(std::isnan(PearsonCorrelation({1}, {2})));
  EXPECT_TRUE(std::isnan(PearsonCorrelation({1, 1}, {2, 3})));
}

TEST(WordPairsTest, ReadsTabsSpacesCommentsAndCrlf) {
  TempDir dir;
  const std::string path = dir.File("pairs.txt");
  WriteFile(path,
            "# WordSim-353 style\n"
            "tiger\tcat\t7.35\r\n"
            "\n"
            "   \n"
            "book paper 7.46\n"
            "  # indented comment\n"
            "Love\tsex\t+6.77");
  StatusOr<std::vector<WordPair>> p = ReadWordPairs(path);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[0].a, "tiger");
  EXPECT_EQ((*p)[0].b, "cat");
  EXPECT_DOUBLE_EQ((*p)[0].score, 7.35);
  EXPECT_EQ((*p)[0].line, 2u);
  EXPECT_EQ((*p)[1].b, "paper");
  EXPECT_EQ((*p)[2].a, "Love");
  EXPECT_DOUBLE_EQ((*p)[2].score, 6.77);
}

TEST(WordPairsTest, LinesWhoseScoreIsNotANumberAreSkippedAndCounted) {
  TempDir dir;
  const std::string path = dir.File("pairs.csv");
  WriteFile(path,
            "# source\nword1 word2 score\r\na b 1\nc d 2,5\ne f nan\n"
            "g h 3\n");
  WordPairsReadInfo info;
  StatusOr<std::vector<WordPair>> p = ReadWordPairs(path, &info);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].a, "a");
  EXPECT_EQ((*p)[1].a, "g");
  EXPECT_EQ((*p)[1].line, 6u);
  EXPECT_EQ(info.skipped_lines, 3u);
  EXPECT_EQ(info.first_skipped_line, 2u);
  EXPECT_EQ(info.first_skipped, "word1 word2 score");
  // Not only the first line: anywhere.
  WriteFile(path, "a b 1\nword1 word2 score\n");
  p = ReadWordPairs(path, &info);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->size(), 1u);
  EXPECT_EQ(info.skipped_lines, 1u);
  EXPECT_EQ(info.first_skipped_line, 2u);
  // Nothing usable is not an error of the reader; the info is reset.
  WriteFile(path, "");
  p = ReadWordPairs(path, &info);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty());
  EXPECT_EQ(info.skipped_lines, 0u);
  EXPECT_EQ(info.first_skipped_line, 0u);
}

TEST(WordPairsTest, LinesOfTheWrongShapeAreErrors) {
  TempDir dir;
  const std::string path = dir.File("bad.txt");
  for (const char* content : {"a b 1\nc d\n", "a b 1\nc d 1 2\n"}) {
    WriteFile(path, content);
    StatusOr<std::vector<WordPair>> p = ReadWordPairs(path);
    ASSERT_FALSE(p.ok()) << content;
    EXPECT_NE(p.status().message().find(path + ": line 2"), std::string::npos)
        << p.status().message();
  }
  EXPECT_EQ(ReadWordPairs(dir.File("none")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ReadWordPairs(dir.path()).status().message(),
            dir.path() + ": is a directory");
}

Embeddings Vectors() {
  return MakeEmbeddings(
      {{"w1", {2, 0}}, {"w2", {0.6f, 0.8f}}, {"w3", {0, 3}}, {"rare", {1, 1}}});
}

// cos(w1,w2) = .6, cos(w1,w3) = 0, cos(w2,w3) = .8 against gold 1, 0, 2:
// same order, so Spearman = 1; Pearson = .8 / sqrt(2 * 78/225) = 12/sqrt(156).
TEST(SimilarityEvaluatorTest, CosinesAndCorrelations) {
  const Embeddings e = Vectors();
  const SimilarityEvaluator ev(e, SimilarityOptions{});
  const std::vector<WordPair> pairs = {{"W1", "w2", 1, 1},
                                       {"w1", "w3", 0, 2},
                                       {"w2", "W3", 2, 3},
                                       {"w1", "zebra", 5, 4}};
  StatusOr<SimilarityResult> r = ev.Evaluate(pairs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->pairs_total, 4u);
  EXPECT_EQ(r->pairs_used, 3u);
  EXPECT_NEAR(r->cosines[0], 0.6, 1e-7);
  EXPECT_NEAR(r->cosines[1], 0.0, 1e-7);
  EXPECT_NEAR(r->cosines[2], 0.8, 1e-7);
  EXPECT_TRUE(std::isnan(r->cosines[3]));
  EXPECT_NEAR(r->spearman, 1.0, 1e-12);
  EXPECT_NEAR(r->pearson, 12 / std::sqrt(156.0), 1e-7);
  EXPECT_EQ(r->unknown_words, std::vector<std::string>{"zebra"});
}

TEST(SimilarityEvaluatorTest, CaseSensitiveAndRestrict) {
  const Embeddings e = Vectors();
  const std::vector<WordPair> pairs = {
      {"W1", "w2", 1, 1}, {"w1", "w3", 0, 2}, {"w2", "rare", 2, 3}};
  SimilarityOptions cs;
  cs.case_sensitive = true;
  StatusOr<SimilarityResult> r = SimilarityEvaluator(e, cs).Evaluate(pairs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->pairs_used, 2u);
  EXPECT_EQ(r->unknown_words, std::vector<std::string>{"W1"});
  SimilarityOptions restricted;
  restricted.restrict_vocab = 3;  // "rare" is row 3
  r = SimilarityEvaluator(e, restricted).Evaluate(pairs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->pairs_used, 2u);
  EXPECT_EQ(r->unknown_words, std::vector<std::string>{"rare"});
  StatusOr<SimilarityResult> none =
      SimilarityEvaluator(e, cs).Evaluate({{"x", "y", 1, 1}});
  EXPECT_FALSE(none.ok());
}

}  // namespace
}  // namespace wembed
