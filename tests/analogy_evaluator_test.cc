#include "wembed/eval/analogy_evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::MakeEmbeddings;
using testing::RandomEmbeddings;
using testing::TempDir;
using testing::WriteFile;

AnalogyQuestionSet Questions(
    const std::vector<std::pair<std::string, std::vector<std::string>>>&
        sections) {
  AnalogyQuestionSet set;
  for (const auto& [name, lines] : sections) {
    AnalogySection s;
    s.name = name;
    for (const std::string& l : lines) {
      std::vector<std::string> w;
      size_t i = 0;
      while (i < l.size()) {
        size_t j = l.find(' ', i);
        if (j == std::string::npos) j = l.size();
        w.push_back(l.substr(i, j - i));
        i = j + 1;
      }
      s.questions.push_back({w.at(0), w.at(1), w.at(2), w.at(3), 0});
    }
    set.sections.push_back(std::move(s));
  }
  return set;
}

// 2-D vectors. For "a b c ?" the target direction is b - a + c =
// (-0.2, 1.6) ~ (-0.124, 0.992): c itself is nearest (cos 0.992), then
// d (0.868), then e (0.719); f points exactly at the target.
Embeddings Planar() {
  return MakeEmbeddings({{"a", {1, 0}},
                         {"b", {0.8f, 0.6f}},
                         {"c", {0, 1}},
                         {"d", {-0.6f, 0.8f}},
                         {"e", {0.6f, 0.8f}},
                         {"f", {-0.2f, 1.6f}}});
}

AnalogyOptions Opts(size_t restrict_vocab) {
  AnalogyOptions o;
  o.restrict_vocab = restrict_vocab;
  return o;
}

TEST(AnalogyEvaluatorTest, ExcludesTheQuestionWords) {
  const AnalogyEvaluator ev(Planar(), Opts(5));
  const AnalogyResult r =
      ev.Evaluate(Questions({{"s", {"a b c d", "a b c e"}}}));
  // c would win without the exclusion; d is the answer.
  EXPECT_EQ(r.predicted_add[0], 3);
  EXPECT_EQ(r.predicted_add[1], 3);
  EXPECT_EQ(r.total.questions, 2u);
  EXPECT_EQ(r.total.seen, 2u);
  EXPECT_EQ(r.total.correct_add, 1u);
  EXPECT_DOUBLE_EQ(
      AnalogyAccuracy(r.total, false, AnalogyProtocol::kSkipUnknown), 50.0);
}

TEST(AnalogyEvaluatorTest, QueryOnlyWordsAreQuestionWordsNotCandidates) {
  // x is a's vector, y d's, t points exactly at b - a + c: none of them is
  // a candidate. Candidates are a..e (f lies beyond restrict 5).
  const Embeddings query_only = MakeEmbeddings(
      {{"x", {1, 0}}, {"Y", {-0.6f, 0.8f}}, {"t", {-0.2f, 1.6f}}});
  const AnalogyEvaluator ev(Planar(), Opts(5), query_only);
  EXPECT_EQ(ev.num_candidates(), 5u);
  EXPECT_EQ(ev.num_query_only(), 3u);
  const AnalogyResult r = ev.Evaluate(Questions(
      {{"s", {"x b c d", "a b c y", "a b c zzz", "a b c d", "a b c f"}}}));
  EXPECT_EQ(r.predicted_add[0], 3);   // x acts as a
  EXPECT_EQ(r.predicted_add[1], 3);   // y cannot be predicted: wrong
  EXPECT_EQ(r.predicted_add[2], -1);  // zzz unknown: skipped
  EXPECT_EQ(r.predicted_add[3], 3);   // t is not a candidate
  EXPECT_EQ(r.predicted_add[4], -1);  // f: neither candidate nor query-only
  EXPECT_EQ(r.total.questions, 5u);
  EXPECT_EQ(r.total.seen, 3u);
  EXPECT_EQ(r.total.seen_in_vocab, 1u);
  EXPECT_EQ(r.total.correct_add, 2u);
  // Without query-only words only the vocabulary question is seen.
  const AnalogyResult plain = AnalogyEvaluator(Planar(), Opts(5))
                                  .Evaluate(Questions({{"s", {"x b c d"}}}));
  EXPECT_EQ(plain.total.seen, 0u);
}

TEST(AnalogyEvaluatorTest, RestrictLimitsCandidatesAndKnownWords) {
  const auto q = Questions({{"s", {"a b c d", "a b c f"}}});
  {
    const AnalogyEvaluator ev(Planar(), Opts(5));  // f is row 5: outside
    EXPECT_EQ(ev.num_candidates(), 5u);
    const AnalogyResult r = ev.Evaluate(q);
    EXPECT_EQ(r.total.seen, 1u);  // the question with f is skipped
    EXPECT_EQ(r.predicted_add[0], 3);
    EXPECT_EQ(r.predicted_add[1], -1);
    EXPECT_EQ(r.total.correct_add, 1u);
  }
  {
    const AnalogyEvaluator ev(Planar(), Opts(0));  // all rows
    const AnalogyResult r = ev.Evaluate(q);
    EXPECT_EQ(r.total.seen, 2u);
    EXPECT_EQ(r.predicted_add[0], 5);  // f now beats d
    EXPECT_EQ(r.total.correct_add, 1u);
  }
}

TEST(AnalogyEvaluatorTest, UnknownWordsAreSkippedAndCounted) {
  const AnalogyEvaluator ev(Planar(), Opts(30000));
  const AnalogyResult r =
      ev.Evaluate(Questions({{"capital", {"a b c d", "a b zzz d", "yyy b c d"}},
                             {"gram1-x", {"a b c e", "a b c nope"}}}));
  EXPECT_EQ(r.total.questions, 5u);
  EXPECT_EQ(r.total.seen, 2u);
  ASSERT_EQ(r.sections.size(), 2u);
  EXPECT_EQ(r.sections[0].counts.questions, 3u);
  EXPECT_EQ(r.sections[0].counts.seen, 1u);
  EXPECT_FALSE(r.sections[0].syntactic);
  EXPECT_TRUE(r.sections[1].syntactic);
  EXPECT_EQ(r.semantic.seen, 1u);
  EXPECT_EQ(r.syntactic.seen, 1u);
  EXPECT_EQ(r.syntactic.questions, 2u);
  // f (row 5) is a candidate here: restrict 30000 covers all rows.
  EXPECT_EQ(r.predicted_add[0], 5);
  EXPECT_EQ(r.predicted_add[1], -1);
}

TEST(AnalogyEvaluatorTest, LowercasesQuestionsUnlessCaseSensitive) {
  const auto q = Questions({{"s", {"A B C D", "a b c d"}}});
  {
    const AnalogyEvaluator ev(Planar(), Opts(5));
    const AnalogyResult r = ev.Evaluate(q);
    EXPECT_EQ(r.total.seen, 2u);
    EXPECT_EQ(r.total.correct_add, 2u);
  }
  {
    AnalogyOptions o = Opts(5);
    o.case_sensitive = true;
    const AnalogyEvaluator ev(Planar(), o);
    const AnalogyResult r = ev.Evaluate(q);
    EXPECT_EQ(r.total.seen, 1u);
  }
}

// A vocabulary with case variants: the first (most frequent) row of each
// lowercased word represents it, and the other rows of a question word are
// excluded from the answers too (gensim compares the answer's uppercased
// form with the question words).
TEST(AnalogyEvaluatorTest, CaseVariantsOfTheVocabulary) {
  const Embeddings e = MakeEmbeddings({{"A", {1, 0}},
                                       {"b", {0.8f, 0.6f}},
                                       {"c", {0, 1}},
                                       {"C", {0, 1}},
                                       {"a", {-1, 0}},
                                       {"d", {-0.6f, 0.8f}}});
  const auto q = Questions({{"s", {"a b c d"}}});
  {
    const AnalogyEvaluator ev(Embeddings(e), Opts(6));
    const AnalogyResult r = ev.Evaluate(q);
    ASSERT_EQ(r.total.seen, 1u);
    // "a" means row 0 ("A", the first), so the target is as in Planar();
    // "C" (row 3) is a variant of the question word c: excluded.
    EXPECT_EQ(r.predicted_add[0], 5);
    EXPECT_EQ(r.total.correct_add, 1u);
  }
  {
    AnalogyOptions o = Opts(6);
    o.case_sensitive = true;
    const AnalogyEvaluator ev(Embeddings(e), o);
    const AnalogyResult r = ev.Evaluate(q);
    // "a" is now row 4 = (-1, 0) and "A", "C" are words of their own:
    // A scores .8 + 1 + 0 = 1.8, C scores .6 - 0 + 1 = 1.6, d .083.
    EXPECT_EQ(r.predicted_add[0], 0);
    EXPECT_EQ(r.total.correct_add, 0u);
  }
}

// gensim looks at the top 5 answers (question words' own rows removed) and
// takes the first that is not a case variant of a question word; when all
// five are variants, its answer is the fifth one (a question word: wrong).
TEST(AnalogyEvaluatorTest, MatchesGensimWhenFiveCaseVariantsLead) {
  auto vocab = [](int variants) {
    std::vector<std::pair<std::string, std::vector<float>>> rows = {
        {"a", {1, 0}}, {"b", {0.8f, 0.6f}}, {"cde", {0, 1}}};
    const char* forms[] = {"Cde", "cDe", "cdE", "CDe", "CDE"};
    for (int i = 0; i < variants; ++i) rows.push_back({forms[i], {0, 1}});
    rows.push_back({"d", {-0.6f, 0.8f}});
    return MakeEmbeddings(rows);
  };
  const auto q = Questions({{"s", {"a b cde d"}}});
  {
    const AnalogyEvaluator ev(vocab(4), Opts(0));
    const AnalogyResult r = ev.Evaluate(q);
    EXPECT_EQ(r.total.correct_add, 1u);
    EXPECT_EQ(r.predicted_add[0], 7);
  }
  {
    const AnalogyEvaluator ev(vocab(5), Opts(0));
    const AnalogyResult r = ev.Evaluate(q);
    EXPECT_EQ(r.total.correct_add, 0u);
    EXPECT_EQ(r.predicted_add[0], 7);  // "CDE", the 5th variant (ties: row)
  }
}

TEST(AnalogyEvaluatorTest, TiesGoToTheMoreFrequentRow) {
  const Embeddings e = MakeEmbeddings({{"a", {1, 0}},
                                       {"b", {0.8f, 0.6f}},
                                       {"c", {0, 1}},
                                       {"d", {-0.6f, 0.8f}},
                                       {"d2", {-0.6f, 0.8f}}});
  const AnalogyEvaluator ev(Embeddings(e), Opts(0));
  const AnalogyResult r =
      ev.Evaluate(Questions({{"s", {"a b c d", "a b c d2"}}}));
  EXPECT_EQ(r.predicted_add[0], 3);
  EXPECT_EQ(r.predicted_add[1], 3);
  EXPECT_EQ(r.total.correct_add, 1u);
}

// 3CosMul, Levy & Goldberg (2014), with cosines shifted to [0, 1]:
//   score(x) = ((cos(x,b)+1)/2) ((cos(x,c)+1)/2) / ((cos(x,a)+1)/2 + 0.001)
// a = e1, b = e2, c = e3 (unit):
//   d1 = (0, .7071, .7071): add = .7071 - 0 + .7071 = 1.4142
//        mul = (.85355 * .85355) / (.5 + .001) = 1.45420
//   d2 = (-.6, .8, 0):      add = .8 + .6 + 0 = 1.4
//        mul = (.9 * .5) / (.2 + .001) = 2.23881
// so 3CosAdd answers d1 and 3CosMul answers d2. Without the shift, d2 would
// score .8 * 0 / (-.6 + .001) = 0 and lose.
TEST(AnalogyEvaluatorTest, CosMulHandComputed) {
  const float h = std::sqrt(0.5f);
  const Embeddings e = MakeEmbeddings({{"a", {1, 0, 0}},
                                       {"b", {0, 1, 0}},
                                       {"c", {0, 0, 1}},
                                       {"d1", {0, h, h}},
                                       {"d2", {-0.6f, 0.8f, 0}}});
  AnalogyOptions o = Opts(0);
  o.method_mul = true;
  const AnalogyEvaluator ev(Embeddings(e), o);
  const AnalogyResult r =
      ev.Evaluate(Questions({{"s", {"a b c d1", "a b c d2"}}}));
  EXPECT_EQ(r.predicted_add[0], 3);
  EXPECT_EQ(r.predicted_mul[0], 4);
  EXPECT_EQ(r.total.correct_add, 1u);
  EXPECT_EQ(r.total.correct_mul, 1u);
  EXPECT_EQ(r.sections[0].counts.correct_mul, 1u);
  // Only mul.
  AnalogyOptions m = Opts(0);
  m.method_add = false;
  m.method_mul = true;
  const AnalogyEvaluator ev_mul(Embeddings(e), m);
  const AnalogyResult rm = ev_mul.Evaluate(Questions({{"s", {"a b c d2"}}}));
  EXPECT_EQ(rm.predicted_mul[0], 4);
  EXPECT_EQ(rm.predicted_add[0], -1);
  EXPECT_DOUBLE_EQ(
      AnalogyAccuracy(rm.total, true, AnalogyProtocol::kSkipUnknown), 100.0);
}

TEST(AnalogyEvaluatorTest, AllInDenominatorCountsUnknownAsWrong) {
  AnalogyOptions o = Opts(5);  // ignored by this protocol
  o.protocol = AnalogyProtocol::kAllInDenominator;
  const AnalogyEvaluator ev(Planar(), o);
  EXPECT_EQ(ev.num_candidates(), 6u);
  const AnalogyResult r =
      ev.Evaluate(Questions({{"s", {"a b c f", "a b zzz d", "q b c d"}}}));
  EXPECT_EQ(r.total.questions, 3u);
  EXPECT_EQ(r.total.seen, 1u);
  EXPECT_EQ(r.total.correct_add, 1u);  // f (row 5) is searched
  EXPECT_NEAR(
      AnalogyAccuracy(r.total, false, AnalogyProtocol::kAllInDenominator),
      100.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(
      AnalogyAccuracy(r.total, false, AnalogyProtocol::kSkipUnknown), 100.0);
}

// The blocked, multi-threaded search against a direct reference on random
// data: several candidate blocks (with a partial one), several chunks of
// question words, both methods.
TEST(AnalogyEvaluatorTest, AgreesWithBruteForce) {
  const size_t n = 3000, dim = 24;
  std::mt19937 rng(42);
  Embeddings e = RandomEmbeddings(n, dim, &rng);
  Matrix unit = e.vectors;
  unit.NormalizeRows();
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  AnalogySection sec{"s", {}};
  for (int i = 0; i < 1200; ++i) {
    size_t w[4];
    for (size_t& x : w) x = pick(rng);
    sec.questions.push_back(
        {e.words[w[0]], e.words[w[1]], e.words[w[2]], e.words[w[3]], 0});
  }
  AnalogyQuestionSet set;
  set.sections.push_back(sec);

  AnalogyOptions o = Opts(0);
  o.method_mul = true;
  o.threads = 2;
  const AnalogyEvaluator ev(std::move(e), o);
  const AnalogyResult r = ev.Evaluate(set);
  ASSERT_EQ(r.total.seen, 1200u);
  auto dot = [&](size_t x, size_t y) {
    float s = 0;
    for (size_t c = 0; c < dim; ++c) s += unit.row(x)[c] * unit.row(y)[c];
    return s;
  };
  for (size_t i = 0; i < sec.questions.size(); ++i) {
    const size_t a = std::stoul(sec.questions[i].a.substr(1));
    const size_t b = std::stoul(sec.questions[i].b.substr(1));
    const size_t c = std::stoul(sec.questions[i].c.substr(1));
    int best_add = -1, best_mul = -1;
    float s_add = -1e30f, s_mul = -1e30f;
    for (size_t x = 0; x < n; ++x) {
      if (x == a || x == b || x == c) continue;
      const float sa = dot(x, a), sb = dot(x, b), sc = dot(x, c);
      const float add = (sb - sa) + sc;
      const float mul =
          ((sb + 1) / 2) * ((sc + 1) / 2) / ((sa + 1) / 2 + 0.001f);
      if (add > s_add) {
        s_add = add;
        best_add = static_cast<int>(x);
      }
      if (mul > s_mul) {
        s_mul = mul;
        best_mul = static_cast<int>(x);
      }
    }
    EXPECT_EQ(r.predicted_add[i], best_add) << "question " << i;
    EXPECT_EQ(r.predicted_mul[i], best_mul) << "question " << i;
  }
}

TEST(AnalogyQuestionsTest, ReadsTheGoogleFormat) {
  TempDir dir;
  const std::string path = dir.File("q.txt");
  WriteFile(path,
            ": capital-common-countries\r\nAthens Greece Baghdad Iraq\r\n"
            "\n"
            "only three words\n"
            ": gram1-adjective-to-adverb\n"
            "amazing amazingly apparent apparently\n");
  StatusOr<AnalogyQuestionSet> s = ReadAnalogyQuestions(path);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->sections.size(), 2u);
  EXPECT_EQ(s->sections[0].name, "capital-common-countries");
  ASSERT_EQ(s->sections[0].questions.size(), 1u);
  EXPECT_EQ(s->sections[0].questions[0].expected, "Iraq");
  EXPECT_EQ(s->sections[0].questions[0].line, 2u);
  EXPECT_EQ(s->sections[1].name, "gram1-adjective-to-adverb");
  EXPECT_EQ(s->skipped_lines, 1u);
  EXPECT_EQ(s->num_questions(), 2u);
}

TEST(AnalogyQuestionsTest, Errors) {
  TempDir dir;
  const std::string path = dir.File("q.txt");
  WriteFile(path, "a b c d\n: s\n");
  StatusOr<AnalogyQuestionSet> s = ReadAnalogyQuestions(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(path + ": line 1"), std::string::npos)
      << s.status().message();
  StatusOr<AnalogyQuestionSet> m = ReadAnalogyQuestions(dir.File("missing"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace wembed
