// The plot stage: PCA, label placement, word maps and training curves
// (PNG, SVG, PDF through cairo), and `wembed plot` / `train --log-json`.
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "plot/label_layout.h"
#include "test_util.h"
#include "wembed/eval/nearest_neighbors.h"
#include "wembed/plot/image_format.h"
#include "wembed/plot/pca.h"
#include "wembed/plot/training_curve.h"
#include "wembed/plot/word_map.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::FailOneOp;
using testing::RandomEmbeddings;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

// Width and height from a PNG's IHDR chunk; {0, 0} if not a PNG.
std::pair<uint32_t, uint32_t> PngSize(const std::string& bytes) {
  if (bytes.size() < 24 || bytes.substr(1, 3) != "PNG") return {0, 0};
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | uint8_t(bytes[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

TEST(PcaTest, PointsOnALineHaveOneComponent) {
  std::vector<std::vector<double>> rows;
  for (int i = 0; i < 5; ++i) rows.push_back({1.0 * i, 2.0 * i, -1.0 * i});
  StatusOr<Pca2> pca = Pca2::Fit(rows);
  ASSERT_TRUE(pca.ok());
  EXPECT_NEAR(pca->explained()[0], 1.0, 1e-9);
  EXPECT_NEAR(pca->explained()[1], 0.0, 1e-9);
  // Distances along the line are kept: step sqrt(1 + 4 + 1).
  const Point2 a = pca->Project(rows[0]), b = pca->Project(rows[1]);
  EXPECT_NEAR(std::abs(b[0] - a[0]), std::sqrt(6.0), 1e-9);
}

TEST(PcaTest, ProjectionKeepsParallelograms) {
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> rows(6, std::vector<double>(10));
  for (auto& r : rows) {
    for (double& x : r) x = normal(rng);
  }
  StatusOr<Pca2> pca = Pca2::Fit(rows);
  ASSERT_TRUE(pca.ok());
  EXPECT_GE(pca->explained()[0], pca->explained()[1]);
  std::vector<double> t(10);
  for (int j = 0; j < 10; ++j) t[j] = rows[1][j] - rows[0][j] + rows[2][j];
  const Point2 pt = pca->Project(t), a = pca->Project(rows[0]),
               b = pca->Project(rows[1]), c = pca->Project(rows[2]);
  for (int k = 0; k < 2; ++k) EXPECT_NEAR(pt[k], b[k] - a[k] + c[k], 1e-9);
  EXPECT_FALSE(Pca2::Fit({{1.0, 2.0}}).ok());  // one point
}

TEST(LabelLayoutTest, LabelsAvoidEachOtherAndStayInside) {
  // Twelve points close together in the middle of a large area.
  std::vector<LabelRequest> labels;
  for (int i = 0; i < 12; ++i) {
    labels.push_back({500.0 + 3 * (i % 4), 300.0 + 4 * (i / 4), 60, 14});
  }
  const Box bounds{0, 0, 1000, 600};
  const std::vector<LabelPlacement> placed = PlaceLabels(labels, bounds, {});
  ASSERT_EQ(placed.size(), labels.size());
  for (size_t i = 0; i < placed.size(); ++i) {
    EXPECT_TRUE(placed[i].box.Inside(bounds)) << i;
    for (size_t j = 0; j < i; ++j) {
      EXPECT_FALSE(placed[i].box.Overlaps(placed[j].box)) << i << " " << j;
    }
  }
  // A lone label sits right of its point, no leader line.
  const std::vector<LabelPlacement> one =
      PlaceLabels({{100, 100, 40, 12}}, bounds, {});
  EXPECT_GT(one[0].box.x0, 100);
  EXPECT_FALSE(one[0].leader);
}

TEST(WordMapTest, AnalogySpecForms) {
  StatusOr<AnalogySpec> s = ParseAnalogySpec("man:king::woman:queen");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->a + s->b + s->c + s->d, "mankingwomanqueen");
  s = ParseAnalogySpec("man:king::woman");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->d, "");
  for (const char* bad : {"man:king:woman:queen", "man::woman", ":k::w",
                          "a:b::c:", "a:b::c:d:e"}) {
    EXPECT_FALSE(ParseAnalogySpec(bad).ok()) << bad;
  }
  EXPECT_EQ(ImageFormatForPath("x/Map.PNG").value(), ImageFormat::kPng);
  EXPECT_EQ(ImageFormatForPath("m.svg").value(), ImageFormat::kSvg);
  EXPECT_EQ(ImageFormatForPath("m.pdf").value(), ImageFormat::kPdf);
  EXPECT_FALSE(ImageFormatForPath("m.jpg").ok());
  EXPECT_FALSE(ImageFormatForPath("png").ok());
}

class DrawTest : public ::testing::Test {
 protected:
  DrawTest() : nn_(RandomEmbeddings(50, 16, &rng_)) {}
  std::mt19937 rng_{5};
  NearestNeighbors nn_;
  TempDir dir_;
};

TEST_F(DrawTest, WordMapInEveryFormat) {
  WordMapOptions o;
  o.words = {"w1", "w2", "w3", "w4", "nope"};
  o.analogy = AnalogySpec{"w10", "w11", "w12", ""};
  o.neighbors = 2;
  o.width = 640;
  o.height = 480;
  StatusOr<WordMapReport> r = DrawWordMap(nn_, o, dir_.File("m.png"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(PngSize(ReadFile(dir_.File("m.png"))),
            (std::pair<uint32_t, uint32_t>{640, 480}));
  EXPECT_EQ(r->unknown, std::vector<std::string>{"nope"});
  EXPECT_EQ(r->words[0], "w10");
  EXPECT_EQ(r->words[3], r->analogy_answer);  // d defaults to the answer
  EXPECT_GE(r->words.size(), 8u);
  ASSERT_TRUE(DrawWordMap(nn_, o, dir_.File("m.svg")).ok());
  EXPECT_NE(ReadFile(dir_.File("m.svg")).find("<svg"), std::string::npos);
  ASSERT_TRUE(DrawWordMap(nn_, o, dir_.File("m.pdf")).ok());
  EXPECT_EQ(ReadFile(dir_.File("m.pdf")).substr(0, 5), "%PDF-");
}

TEST_F(DrawTest, WordMapErrors) {
  WordMapOptions o;
  o.words = {"w1", "zzz"};
  EXPECT_EQ(DrawWordMap(nn_, o, dir_.File("a.png")).status().code(),
            StatusCode::kInvalidArgument);  // fewer than 3 words
  o.words = {"w1", "w2", "w3"};
  o.analogy = AnalogySpec{"w1", "zzz", "w3", ""};
  const Status s = DrawWordMap(nn_, o, dir_.File("a.png")).status();
  EXPECT_NE(s.message().find("'zzz' is not in the vocabulary"),
            std::string::npos);
  o.analogy.reset();
  FailOneOp fail(FileOp::kWrite, 0, EIO);
  const Env env(&fail);
  EXPECT_EQ(DrawWordMap(nn_, o, dir_.File("a.png"), env).status().code(),
            StatusCode::kIoError);
  EXPECT_TRUE(dir_.List().empty());  // nothing left behind
}

TEST_F(DrawTest, TrainingCurveFromALog) {
  std::string log;
  for (int i = 1; i <= 20; ++i) {
    log += "{\"words\":" + std::to_string(i * 1000) +
           ",\"words_total\":20000,\"epoch\":" + std::to_string(1 + i / 5) +
           ",\"epochs\":5,\"loss\":" + std::to_string(0.6 - 0.01 * i) +
           ",\"learning_rate\":" + std::to_string(0.025 * (1 - i / 21.0)) +
           ",\"elapsed\":" + std::to_string(i) + "}\n";
  }
  WriteFile(dir_.File("log.jsonl"), log + "\n");
  StatusOr<std::vector<TrainingLogPoint>> pts =
      ReadTrainingLog(dir_.File("log.jsonl"));
  ASSERT_TRUE(pts.ok()) << pts.status().message();
  ASSERT_EQ(pts->size(), 20u);
  EXPECT_EQ(pts->back().words, 20000);
  EXPECT_NEAR(pts->back().loss, 0.4, 1e-9);
  ASSERT_TRUE(DrawTrainingCurve(*pts, {}, dir_.File("c.png")).ok());
  EXPECT_EQ(PngSize(ReadFile(dir_.File("c.png"))),
            (std::pair<uint32_t, uint32_t>{900, 520}));

  WriteFile(dir_.File("bad.jsonl"), log + "{\"loss\": 1}\n");
  const Status s = ReadTrainingLog(dir_.File("bad.jsonl")).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("line 21"), std::string::npos) << s.message();
  WriteFile(dir_.File("empty.jsonl"), "\n");
  EXPECT_EQ(ReadTrainingLog(dir_.File("empty.jsonl")).status().code(),
            StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------ the CLI

class PlotCliTest : public ::testing::Test {
 protected:
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), WEMBED_BINARY);
    return RunCommand(args, dir_.path());
  }
  TempDir dir_;
};

TEST_F(PlotCliTest, TrainLogsJsonAndPlotDrawsBothPictures) {
  const std::string corpus = dir_.File("c.txt"), q = dir_.File("q.txt");
  ASSERT_EQ(Run({"synth", "--output-corpus", corpus, "--output-questions", q,
                 "--sentences", "20000"})
                .exit_code,
            0);
  const std::string log = dir_.File("log.jsonl"), v = dir_.File("v.bin");
  CommandResult r = Run({"train", "-i", corpus, "-o", v, "--threads", "1",
                         "--epochs", "3", "--log-json", log, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = ReadFile(log);
  ASSERT_GE(CountLines(text), 1);
  const auto last =
      nlohmann::json::parse(text.substr(text.rfind('\n', text.size() - 2) + 1));
  EXPECT_EQ(last["words"], last["words_total"]);  // the final line
  EXPECT_EQ(last["epoch"], 3);
  for (const char* key : {"words_per_second", "loss", "learning_rate",
                          "elapsed", "eta", "progress", "epochs"}) {
    EXPECT_TRUE(last.contains(key)) << key;
  }
  r = Run({"plot", "--training", log, "-o", dir_.File("curve.svg")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"plot", "--vectors", v, "--words", "country00,capital00",
           "country01", "--analogy", "country00:capital00::country02", "-o",
           dir_.File("map.png"), "--width", "500", "--height", "400"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("drew 5 words to"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nearest to the analogy's b - a + c: "),
            std::string::npos)
      << r.err;
  EXPECT_EQ(PngSize(ReadFile(dir_.File("map.png"))),
            (std::pair<uint32_t, uint32_t>{500, 400}));
}

TEST_F(PlotCliTest, UsageAndInputErrors) {
  WriteFile(dir_.File("v.txt"), "3 2\na 1 0\nb 0 1\nc 1 1\n");
  const std::string v = dir_.File("v.txt");
  EXPECT_EQ(Run({"plot", "-o", dir_.File("x.png")}).exit_code, 2);
  EXPECT_EQ(Run({"plot", "--vectors", v, "-o", dir_.File("x.png")}).exit_code,
            2);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"plot", "--vectors", v, "--words", "a,b,c", "-o", dir_.File("x.jpg")},
       ".png, .svg or .pdf"},
      {{"plot", "--vectors", v, "--words", "a,b", "-o", dir_.File("x.png")},
       "at least 3 words"},
      {{"plot", "--vectors", v, "--analogy", "a-b-c", "-o", dir_.File("x.png")},
       "expected a:b::c:d"},
      {{"plot", "--training", v, "-o", dir_.File("x.png")},
       "line 1 is not a JSON object"},
      {{"plot", "--vectors", v, "--words", "a,b,c", "-o",
        dir_.File("link.png")},
       "same file as --vectors"}};
  std::filesystem::create_symlink(v, dir_.File("link.png"));
  for (const auto& [args, message] : cases) {
    const CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << args[3];
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.File("x.png")));
  EXPECT_EQ(ReadFile(v), "3 2\na 1 0\nb 0 1\nc 1 1\n");
}

}  // namespace
}  // namespace wembed
