// Drives `wembed eval`, `wembed similar` and `wembed analogy` as a user
// would: --json output shape, text output, exit codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_util.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/corpus/vocabulary.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::MakeMatrix;
using testing::ReadFile;
using testing::RunShell;
using testing::TempDir;
using testing::WriteFile;

// ------------------------------------------------------ a tiny JSON reader

using Json = nlohmann::json;

class EvalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 2-D vectors (see analogy_evaluator_test.cc): for "a b c ?" the
    // answer is d (c itself excluded); f lies beyond --restrict 5.
    const Matrix m = MakeMatrix({{1, 0},
                                 {0.8f, 0.6f},
                                 {0, 1},
                                 {-0.6f, 0.8f},
                                 {0.6f, 0.8f},
                                 {-0.2f, 1.6f}});
    vectors_ = dir_.File("vec.bin");
    ASSERT_TRUE(WriteWord2Vec(vectors_, {"a", "b", "c", "d", "e", "f"}, m,
                              VectorFormat::kBinary)
                    .ok());
    questions_ = dir_.File("q.txt");
    WriteFile(questions_,
              ": capital\nA B C D\na b c e\na b zzz d\n"
              ": gram1-x\na b c d\na b c f\n");
    pairs_ = dir_.File("pairs.txt");
    WriteFile(pairs_, "# test\na\tb\t1\na\tc\t0\nb\tc\t2\na\tzebra\t3\n");
  }

  // Runs `wembed <args>` (a shell fragment) with `stdin_data` on stdin.
  CommandResult Run(const std::string& args,
                    const std::string& stdin_data = "") {
    const std::string in = dir_.File(".in");
    WriteFile(in, stdin_data);
    return RunShell(
        std::string("'") + WEMBED_BINARY + "' " + args + " < '" + in + "'",
        dir_.path());
  }

  // The one JSON document `s` holds (a failed parse fails the test).
  Json ParseJson(const std::string& s) {
    Json j = Json::parse(s, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not one JSON value: " << s;
    return j;
  }

  TempDir dir_;
  std::string vectors_, questions_, pairs_;
};

void ExpectCounts(const Json& c, double correct, double seen, double questions,
                  double accuracy) {
  ASSERT_TRUE(c.is_object());
  EXPECT_EQ(c["correct"].get<double>(), correct);
  EXPECT_EQ(c["seen"].get<double>(), seen);
  EXPECT_EQ(c["questions"].get<double>(), questions);
  EXPECT_NEAR(c["accuracy"].get<double>(), accuracy, 1e-9);
}

TEST_F(EvalCliTest, AnalogyJsonShape) {
  const CommandResult r =
      Run("eval analogy --vectors '" + vectors_ + "' --questions '" +
          questions_ + "' --restrict 5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = ParseJson(r.out);
  // Seen: A B C D, a b c e (capital); a b c d (gram1). Answers: d, d, d.
  ExpectCounts(j["total"], 2, 3, 5, 100.0 * 2 / 3);
  ExpectCounts(j["semantic"], 1, 2, 3, 50);
  ExpectCounts(j["syntactic"], 1, 1, 2, 100);
  ASSERT_TRUE(j["sections"].is_array());
  ASSERT_EQ(j["sections"].size(), 2u);
  const Json& s0 = j["sections"][0];
  EXPECT_EQ(s0["name"].get<std::string>(), "capital");
  ExpectCounts(s0, 1, 2, 3, 50);
  EXPECT_EQ(j["sections"][1]["name"].get<std::string>(), "gram1-x");
  EXPECT_FALSE(j.contains("mul"));
  EXPECT_EQ(j["candidates"].get<double>(), 5);
  EXPECT_EQ(j["protocol"].get<std::string>(), "skip-unknown");
  ASSERT_EQ(j["files"].size(), 1u);
  ExpectCounts(j["files"][0]["total"], 2, 3, 5, 100.0 * 2 / 3);
  EXPECT_TRUE(j["seconds"].contains("evaluate"));
}

TEST_F(EvalCliTest, AnalogyBothMethodsAndSeveralFiles) {
  const std::string q2 = dir_.File("q2.txt");
  WriteFile(q2, ": other\na b c d\n");
  const CommandResult r =
      Run("eval analogy --vectors '" + vectors_ + "' --questions '" +
          questions_ + "' '" + q2 + "' --restrict 5 --method both --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = ParseJson(r.out);
  ExpectCounts(j["total"], 3, 4, 6, 75);
  ASSERT_TRUE(j.contains("mul"));
  EXPECT_EQ(j["mul"]["total"]["seen"].get<double>(), 4);
  EXPECT_EQ(j["method"].get<std::string>(), "both");
  ASSERT_EQ(j["files"].size(), 2u);
  ExpectCounts(j["files"][1]["total"], 1, 1, 1, 100);
  EXPECT_EQ(j["sections"].size(), 3u);
  EXPECT_EQ(j["sections"][2]["file"].get<std::string>(), q2);
  EXPECT_TRUE(j["sections"][0].contains("mul"));
}

TEST_F(EvalCliTest, AnalogyAllInDenominatorAndTextOutput) {
  CommandResult r =
      Run("eval analogy --vectors '" + vectors_ + "' --questions '" +
          questions_ + "' --protocol all-in-denominator --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = ParseJson(r.out);
  // All 6 rows searched: f wins every seen question; only "a b c f" right.
  EXPECT_EQ(j["total"]["correct"].get<double>(), 1);
  EXPECT_EQ(j["total"]["seen"].get<double>(), 4);
  EXPECT_NEAR(j["total"]["accuracy"].get<double>(), 20.0, 1e-9);  // 1 of 5 questions

  r = Run("eval analogy --vectors '" + vectors_ + "' --questions '" +
          questions_ + "' --restrict 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("capital"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("66.67%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coverage: 3 of 5"), std::string::npos) << r.out;
}

TEST_F(EvalCliTest, AnalogyErrorsAndExitCodes) {
  const std::string v = " --vectors '" + vectors_ + "'";
  const std::string q = " --questions '" + questions_ + "'";
  CommandResult r = Run("eval analogy" + q);  // --vectors missing
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("vectors"), std::string::npos) << r.err;
  r = Run("eval analogy" + v + q + " --bogus");
  EXPECT_EQ(r.exit_code, 2);
  r = Run("eval analogy" + v + q + " --method div");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--method"), std::string::npos) << r.err;
  r = Run("eval analogy" + v + q + " --protocol lenient");
  EXPECT_EQ(r.exit_code, 1);
  r = Run("eval analogy --vectors '" + dir_.File("none.bin") + "'" + q);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("none.bin"), std::string::npos) << r.err;
  const std::string bad = dir_.File("bad.txt");
  WriteFile(bad, "3 2\na 1 2\nb 1\nc 1 2\n");
  r = Run("eval analogy --vectors '" + bad + "'" + q);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.txt: line 3"), std::string::npos) << r.err;
  const std::string badq = dir_.File("badq.txt");
  WriteFile(badq, "a b c d\n");
  r = Run("eval analogy" + v + " --questions '" + badq + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("badq.txt: line 1"), std::string::npos) << r.err;
  r = Run("eval nonsense");
  EXPECT_EQ(r.exit_code, 2);
  r = Run("eval");
  EXPECT_EQ(r.exit_code, 2);
  r = Run("eval analogy --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--restrict"), std::string::npos);
}

TEST_F(EvalCliTest, EmptyQuestionsAndUndefinedCorrelationAreErrors) {
  const std::string empty = dir_.File("empty.txt");
  WriteFile(empty, "");
  CommandResult r = Run("eval analogy --vectors '" + vectors_ +
                        "' --questions '" + empty + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no analogy questions"), std::string::npos) << r.err;
  const std::string one_pair = dir_.File("one.txt");
  WriteFile(one_pair, "a\tb\t1\n");
  r = Run("eval similarity --vectors '" + vectors_ + "' --pairs '" + one_pair +
          "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("correlation undefined"), std::string::npos) << r.err;
}

TEST_F(EvalCliTest, UndefinedCorrelationsSayWhy) {
  struct Case {
    std::string pairs, reason;
  };
  for (const Case& c : std::vector<Case>{
           {"a\tb\t1\n", "the file has only 1 pair (need at least 2)"},
           {"a b 1\na zebra 2\n",
            "only 1 of the 2 pairs has both words in the vocabulary of"},
           {"a b 1\na c 1\nb c 1\n",
            "the scores of the 3 usable pairs are all equal"},
           {"a b 1\na b 2\n",
            "the cosine similarities of the 2 usable pairs are all equal"}}) {
    const std::string path = dir_.File("p.txt");
    WriteFile(path, c.pairs);
    for (const char* json : {"", " --json"}) {
      const CommandResult r = Run("eval similarity --vectors '" + vectors_ +
                                  "' --pairs '" + path + "'" + json);
      EXPECT_EQ(r.exit_code, 1) << c.pairs;
      EXPECT_EQ(r.out, "");  // no JSON with NaN, no "spearman nan"
      EXPECT_EQ(CountLines(r.err), 1) << r.err;
      EXPECT_NE(r.err.find(path + ": correlation undefined: " + c.reason),
                std::string::npos)
          << r.err;
    }
  }
}

TEST_F(EvalCliTest, PairLinesWithAScoreThatIsNotANumberAreSkipped) {
  const std::string path = dir_.File("header.txt");
  WriteFile(path, "word1 word2 score\na b 1\na c 0\nb c 2,5\nb c 2\n");
  CommandResult r = Run("eval similarity --vectors '" + vectors_ +
                        "' --pairs '" + path + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("warning: " + path +
                       ": skipped 2 lines whose score is not a number "
                       "(first: line 1 'word1 word2 score')"),
            std::string::npos)
      << r.err;
  const Json j = ParseJson(r.out);
  EXPECT_EQ(j["skipped_lines"].get<double>(), 2);
  EXPECT_EQ(j["pairs_total"].get<double>(), 3);
  EXPECT_EQ(j["files"][0]["skipped_lines"].get<double>(), 2);
  EXPECT_NEAR(j["spearman"].get<double>(), 0.5, 1e-12);  // as SimilarityJsonShape
  r = Run("eval similarity --vectors '" + vectors_ + "' --pairs '" + path +
          "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 lines skipped (score not a number)"),
            std::string::npos)
      << r.out;
  // Only such lines, or an empty file: no pairs is an error.
  WriteFile(path, "word1 word2 score\n");
  r = Run("eval similarity --vectors '" + vectors_ + "' --pairs '" + path +
          "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ": no word pairs"), std::string::npos) << r.err;
  WriteFile(path, "");
  r = Run("eval similarity --vectors '" + vectors_ + "' --pairs '" + path +
          "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ": no word pairs"), std::string::npos) << r.err;
}

TEST_F(EvalCliTest, SimilarityJsonShape) {
  CommandResult r = Run("eval similarity --vectors '" + vectors_ +
                        "' --pairs '" + pairs_ + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = ParseJson(r.out);
  // cos(a,b)=.8, cos(a,c)=0, cos(b,c)=.6 vs gold 1, 0, 2: ranks (2,1,3) vs
  // (3,1,2): rho = 1 - 6*(1+0+1)/(3*8) = 0.5.
  EXPECT_NEAR(j["spearman"].get<double>(), 0.5, 1e-12);
  EXPECT_TRUE(j["pearson"].is_number());
  EXPECT_EQ(j["pairs_used"].get<double>(), 3);
  EXPECT_EQ(j["pairs_total"].get<double>(), 4);
  ASSERT_EQ(j["unknown_words"].size(), 1u);
  EXPECT_EQ(j["unknown_words"][0].get<std::string>(), "zebra");

  r = Run("eval similarity --vectors '" + vectors_ + "' --pairs '" + pairs_ +
          "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("spearman 0.5000"), std::string::npos) << r.out;

  const std::string bad = dir_.File("badpairs.txt");
  WriteFile(bad, "a b\n");
  r = Run("eval similarity --vectors '" + vectors_ + "' --pairs '" + bad + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("badpairs.txt: line 1"), std::string::npos) << r.err;
  r = Run("eval similarity --pairs '" + pairs_ + "'");
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(EvalCliTest, SimilarAndAnalogyQueries) {
  CommandResult r = Run("similar c --vectors '" + vectors_ + "' -k 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Nearest to c = (0, 1): f (.992), then e and d tie at .8 -> lower row (d).
  EXPECT_NE(r.out.find("# similar c\n1\tf\t0.99"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n2\td\t0.800000\n"), std::string::npos) << r.out;

  r = Run("analogy a b c --vectors '" + vectors_ + "' -k 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1\tf\t1.000000"), std::string::npos) << r.out;

  // Batch from stdin: an unknown word is reported, the rest answered, and
  // the exit status says something failed.
  r = Run("similar --vectors '" + vectors_ + "' -k 1", "a\nnope\n\nB\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'nope' is not in the vocabulary"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("# similar a\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# similar b\n"), std::string::npos) << r.out;

  r = Run("analogy --vectors '" + vectors_ + "'", "a b c\na b\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("# analogy a : b :: c : ?"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("expected three words"), std::string::npos) << r.err;

  r = Run("analogy a b --vectors '" + vectors_ + "'");
  EXPECT_EQ(r.exit_code, 2);
  r = Run("similar x --vectors '" + dir_.File("missing.bin") + "'");
  EXPECT_EQ(r.exit_code, 1);
}

// Words that are not valid UTF-8 still give valid JSON (U+FFFD).
TEST_F(EvalCliTest, JsonStaysValidWithBadUtf8) {
  const std::string pairs = dir_.File("utf8.txt");
  WriteFile(pairs, "a b 1\na c 2\nb \xff\\\"q 3\n");
  const CommandResult r = Run("eval similarity --vectors '" + vectors_ +
                              "' --pairs '" + pairs + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = ParseJson(r.out);
  ASSERT_EQ(j["unknown_words"].size(), 1u);
  EXPECT_EQ(j["unknown_words"][0].get<std::string>(), "\xEF\xBF\xBD\\\"q");  // U+FFFD
}

// Every input may be gzip: questions, pairs and vectors (text and binary),
// with the same numbers as the plain files.
TEST_F(EvalCliTest, GzipInputsGiveTheSameNumbers) {
  const std::string vgz = dir_.File("vec.txt.gz");
  const std::string bgz = dir_.File("vec.bin.gz");
  const std::string qgz = dir_.File("q.txt.gz");
  const std::string pgz = dir_.File("pairs.txt.gz");
  StatusOr<Embeddings> e = LoadEmbeddings(vectors_);
  ASSERT_TRUE(e.ok());
  const std::string txt = dir_.File("vec.txt");
  ASSERT_TRUE(
      WriteWord2Vec(txt, e->words, e->vectors, VectorFormat::kText).ok());
  WriteFile(vgz, testing::Gzip(ReadFile(txt)));
  WriteFile(bgz, testing::Gzip(ReadFile(vectors_)));
  WriteFile(qgz, testing::Gzip(ReadFile(questions_)));
  WriteFile(pgz, testing::Gzip(ReadFile(pairs_)));
  const std::string plain_analogy =
      Run("eval analogy --vectors '" + vectors_ + "' --questions '" +
          questions_ + "' --restrict 5 --json")
          .out;
  const std::string plain_pairs =
      Run("eval similarity --vectors '" + vectors_ + "' --pairs '" + pairs_ +
          "' --json")
          .out;
  for (const std::string& v : {vgz, bgz}) {
    CommandResult r = Run("eval analogy --vectors '" + v + "' --questions '" +
                          qgz + "' --restrict 5 --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json gz = ParseJson(r.out), plain = ParseJson(plain_analogy);
    EXPECT_EQ(gz["total"], plain["total"]);
    EXPECT_EQ(gz["sections"].size(), plain["sections"].size());
    r = Run("eval similarity --vectors '" + v + "' --pairs '" + pgz +
            "' --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ParseJson(r.out)["spearman"], ParseJson(plain_pairs)["spearman"]);
    r = Run("similar a --vectors '" + v + "' -k 2");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, Run("similar a --vectors '" + vectors_ + "' -k 2").out);
  }
}

// Wherever vectors are taken, a wembed checkpoint works too.
TEST_F(EvalCliTest, CheckpointAsVectors) {
  Checkpoint c;
  c.vocab = Vocabulary::FromWordsAndCounts({"a", "b", "c", "d", "e", "f"},
                                           {60, 50, 40, 30, 20, 10})
                .value();
  StatusOr<Embeddings> e = LoadEmbeddings(vectors_);
  ASSERT_TRUE(e.ok());
  c.input = e->vectors;
  c.output = Matrix(6, 2);
  const std::string ckpt = dir_.File("run.ckpt");
  ASSERT_TRUE(WriteCheckpoint(ckpt, c).ok());
  CommandResult r = Run("eval analogy --vectors '" + ckpt + "' --questions '" +
                        questions_ + "' --restrict 5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = ParseJson(r.out);
  EXPECT_EQ(j["format"].get<std::string>(), "checkpoint");
  ExpectCounts(j["total"], 2, 3, 5, 100.0 * 2 / 3);
  r = Run("eval similarity --vectors '" + ckpt + "' --pairs '" + pairs_ +
          "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(ParseJson(r.out)["spearman"].get<double>(), 0.5, 1e-12);
  r = Run("similar c --vectors '" + ckpt + "' -k 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1\tf\t0.99"), std::string::npos) << r.out;
  r = Run("analogy a b c --vectors '" + ckpt + "' -k 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1\tf\t"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace wembed
