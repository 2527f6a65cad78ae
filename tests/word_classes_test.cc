// k-means word classes: the result is reproducible for a seed whatever the
// thread count, on a tiny set it is the best partition found by brute
// force, every word is in its nearest center's class, and the files are
// word2vec.c's "word class" lines or JSON. The CLI: exit codes and output.
#include "wembed/eval/word_classes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/rng.h"
#include "test_util.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;

// `per` points around each of `groups` random directions, `noise` apart.
Matrix Clustered(int groups, int per, size_t dim, float noise, uint64_t seed) {
  Rng rng(seed);
  Matrix m(size_t(groups * per), dim);
  for (int g = 0; g < groups; ++g) {
    std::vector<float> center(dim);
    for (float& x : center) x = rng.UniformFloat() - 0.5f;
    for (int p = 0; p < per; ++p) {
      float* row = m.row(size_t(g * per + p));
      for (size_t c = 0; c < dim; ++c) {
        row[c] = center[c] + noise * (rng.UniformFloat() - 0.5f);
      }
    }
  }
  return m;
}

WordClasses MustCluster(const Matrix& m, int k, uint64_t seed, int threads) {
  WordClassOptions o;
  o.classes = k;
  o.seed = seed;
  o.threads = threads;
  o.iterations = 50;
  StatusOr<WordClasses> r = ClusterWords(m, o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : WordClasses();
}

bool SameBits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(),
                     a.rows() * a.stride() * sizeof(float)) == 0;
}

TEST(WordClassesTest, ReproducibleForASeedWhateverTheThreads) {
  const Matrix m = Clustered(40, 60, 50, 1.0f, 3);  // 2400 words, overlapping
  const WordClasses one = MustCluster(m, 37, 9, 1);
  for (int threads : {2, 3, 8}) {
    const WordClasses many = MustCluster(m, 37, 9, threads);
    EXPECT_EQ(many.class_of, one.class_of) << threads;
    EXPECT_TRUE(SameBits(many.centers, one.centers)) << threads;
    EXPECT_EQ(many.iterations, one.iterations);
    EXPECT_EQ(std::memcmp(&many.inertia, &one.inertia, sizeof(double)), 0);
  }
  const WordClasses other = MustCluster(m, 37, 10, 2);
  EXPECT_NE(other.class_of, one.class_of);  // the seed matters
  size_t total = 0;
  for (size_t s : one.sizes) {
    EXPECT_GT(s, 0u);
    total += s;
  }
  EXPECT_EQ(total, m.rows());
}

// Squared distance of unit(x) to c, in double.
double UnitDistance(const float* x, const float* c, size_t dim) {
  double norm = 0;
  for (size_t i = 0; i < dim; ++i) norm += double(x[i]) * x[i];
  double d = 0;
  for (size_t i = 0; i < dim; ++i) {
    const double diff = x[i] / std::sqrt(norm) - c[i];
    d += diff * diff;
  }
  return d;
}

// Sum of squared distances of the unit rows to their class means.
double PartitionCost(const Matrix& m, const std::vector<int>& part, int k) {
  const size_t dim = m.cols();
  std::vector<std::vector<double>> mean(k, std::vector<double>(dim, 0));
  std::vector<int> count(k, 0);
  std::vector<std::vector<double>> unit(m.rows(), std::vector<double>(dim));
  for (size_t r = 0; r < m.rows(); ++r) {
    double norm = 0;
    for (size_t i = 0; i < dim; ++i) norm += double(m.row(r)[i]) * m.row(r)[i];
    for (size_t i = 0; i < dim; ++i) {
      unit[r][i] = m.row(r)[i] / std::sqrt(norm);
      mean[part[r]][i] += unit[r][i];
    }
    ++count[part[r]];
  }
  double cost = 0;
  for (size_t r = 0; r < m.rows(); ++r) {
    for (size_t i = 0; i < dim; ++i) {
      const double d = unit[r][i] - mean[part[r]][i] / count[part[r]];
      cost += d * d;
    }
  }
  return cost;
}

TEST(WordClassesTest, TinySetEqualsTheBruteForceOptimum) {
  // 9 words in 3 groups: every assignment of 9 words to 3 classes is tried.
  const Matrix m = Clustered(3, 3, 4, 0.3f, 17);
  const int k = 3;
  double best = std::numeric_limits<double>::infinity();
  std::vector<int> best_part;
  std::vector<int> part(m.rows(), 0);
  for (int code = 0; code < 19683; ++code) {  // 3^9
    int c = code;
    std::vector<int> count(k, 0);
    for (size_t r = 0; r < m.rows(); ++r, c /= k) ++count[part[r] = c % k];
    if (std::count(count.begin(), count.end(), 0) > 0) continue;
    const double cost = PartitionCost(m, part, k);
    if (cost < best) {
      best = cost;
      best_part = part;
    }
  }
  for (uint64_t seed : {1, 2, 3}) {
    const WordClasses w = MustCluster(m, k, seed, 2);
    EXPECT_TRUE(w.converged);
    // The same partition up to the names of the classes.
    std::map<int, int> name;
    for (size_t r = 0; r < m.rows(); ++r) {
      const auto [it, fresh] = name.insert({best_part[r], w.class_of[r]});
      EXPECT_EQ(it->second, w.class_of[r]) << "seed " << seed << " row " << r;
    }
    EXPECT_NEAR(w.inertia, best, 1e-4);
    // Every word is in the class of its nearest center (brute force).
    for (size_t r = 0; r < m.rows(); ++r) {
      int nearest = 0;
      for (int c = 1; c < k; ++c) {
        if (UnitDistance(m.row(r), w.centers.row(c), m.cols()) <
            UnitDistance(m.row(r), w.centers.row(nearest), m.cols())) {
          nearest = c;
        }
      }
      EXPECT_EQ(w.class_of[r], nearest) << "row " << r;
    }
  }
}

TEST(WordClassesTest, DuplicatesLeaveNoClassEmpty) {
  Matrix m(6, 4);
  for (size_t r = 0; r < 5; ++r) m.row(r)[0] = 1.0f;  // five equal words
  m.row(5)[1] = 1.0f;
  const WordClasses w = MustCluster(m, 4, 1, 1);
  for (size_t s : w.sizes) EXPECT_GT(s, 0u);
  EXPECT_EQ(w.sizes.size(), 4u);
}

TEST(WordClassesTest, BadClassCountsAreErrors) {
  const Matrix m = Clustered(2, 3, 4, 0.1f, 1);
  WordClassOptions o;
  for (int k : {0, -1, 7}) {
    o.classes = k;
    StatusOr<WordClasses> r = ClusterWords(m, o);
    ASSERT_FALSE(r.ok()) << k;
    EXPECT_NE(r.status().message().find("--classes must be in 1..6"),
              std::string::npos)
        << r.status().message();
  }
}

TEST(WordClassesTest, FilesAreWord2vecLinesOrJson) {
  TempDir dir;
  const Matrix m = Clustered(2, 2, 4, 0.1f, 5);
  const WordClasses w = MustCluster(m, 2, 1, 1);
  const std::vector<std::string> words = {"a", "b", "ü", "d"};
  ASSERT_TRUE(
      WriteWordClasses(dir.File("c.txt"), words, w, ClassesFormat::kText, 1)
          .ok());
  std::string want;
  for (size_t r = 0; r < 4; ++r) {
    want += words[r] + " " + std::to_string(w.class_of[r]) + "\n";
  }
  EXPECT_EQ(ReadFile(dir.File("c.txt")), want);
  ASSERT_TRUE(
      WriteWordClasses(dir.File("c.json"), words, w, ClassesFormat::kJson, 77)
          .ok());
  const auto j = nlohmann::json::parse(ReadFile(dir.File("c.json")));
  EXPECT_EQ(j["classes"], 2);
  EXPECT_EQ(j["seed"], 77);
  EXPECT_EQ(j["class_of"]["ü"], w.class_of[2]);
  EXPECT_EQ(j["sizes"].size(), 2u);
  EXPECT_FALSE(
      WriteWordClasses(dir.File("x"), {"a"}, w, ClassesFormat::kText, 1).ok());
}

TEST(WordClassesTest, CommandWritesClassesAndReportsProblems) {
  TempDir dir;
  const Matrix m = Clustered(5, 8, 10, 0.2f, 8);
  std::vector<std::string> words;
  for (size_t r = 0; r < m.rows(); ++r)
    words.push_back("w" + std::to_string(r));
  const std::string vectors = dir.File("v.bin");
  ASSERT_TRUE(WriteWord2Vec(vectors, words, m, VectorFormat::kBinary).ok());
  auto classes = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {WEMBED_BINARY, "classes"});
    return RunCommand(args, dir.path());
  };
  CommandResult r = classes({"--vectors", vectors, "--classes", "5", "--output",
                             dir.File("c1.txt"), "--threads", "1", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(CountLines(ReadFile(dir.File("c1.txt"))), 40);
  r = classes({"--vectors", vectors, "--classes", "5", "--output",
               dir.File("c2.txt"), "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("wrote 5 classes of 40 words"), std::string::npos)
      << r.err;
  EXPECT_EQ(ReadFile(dir.File("c1.txt")), ReadFile(dir.File("c2.txt")));
  r = classes({"--vectors", vectors, "--classes", "5", "--output",
               dir.File("c.json"), "--format", "json", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(ReadFile(dir.File("c.json")))["classes"], 5);
  // Problems: one line, no output file.
  for (const auto& [args, code, needle] :
       std::vector<std::tuple<std::vector<std::string>, int, std::string>>{
           {{"--vectors", vectors, "--classes", "41", "--output",
             dir.File("bad")},
            1,
            "--classes must be in 1..40"},
           {{"--vectors", vectors, "--classes", "2", "--output",
             dir.File("bad"), "--format", "xml"},
            1,
            "--format must be txt or json"},
           {{"--vectors", dir.File("nope"), "--classes", "2", "--output",
             dir.File("bad")},
            1,
            "no such file"},
           {{"--vectors", vectors, "--output", dir.File("bad")},
            2,
            "classes"}}) {
    r = classes(args);
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.File("bad")));
  }
}

}  // namespace
}  // namespace wembed
