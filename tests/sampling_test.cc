// The noise distribution and the subsampling keep-rate must match their
// formulas within statistical tolerance; the sigmoid table must be close to
// the logistic function.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "train/noise_sampler.h"
#include "base/rng.h"
#include "train/sigmoid_table.h"
#include "train/subsampling.h"

namespace wembed {
namespace {

TEST(NoiseSamplerTest, ProbabilitiesFollowUnigramPower) {
  const std::vector<uint64_t> counts = {1000, 300, 50, 7, 1, 1};
  NoiseSampler sampler(counts, 0.75);
  double z = 0;
  for (uint64_t c : counts) z += std::pow(double(c), 0.75);
  for (size_t i = 0; i < counts.size(); ++i) {
    EXPECT_NEAR(sampler.Probability(int32_t(i)),
                std::pow(double(counts[i]), 0.75) / z, 1e-12);
  }
}

TEST(NoiseSamplerTest, EmpiricalFrequenciesMatchWithinFiveSigma) {
  const std::vector<uint64_t> counts = {5000, 1200, 800, 90, 40, 3, 1};
  for (double exponent : {0.75, 1.0, 0.0}) {
    NoiseSampler sampler(counts, exponent);
    Rng rng(42);
    const int n = 2000000;
    std::vector<int> hits(counts.size());
    for (int i = 0; i < n; ++i) ++hits[sampler.Sample(rng)];
    for (size_t i = 0; i < counts.size(); ++i) {
      const double p = sampler.Probability(int32_t(i));
      const double sigma = std::sqrt(n * p * (1 - p));
      EXPECT_NEAR(hits[i], n * p, 5 * sigma + 1)
          << "word " << i << " exponent " << exponent;
    }
  }
}

TEST(NoiseSamplerTest, ChiSquareOverLargeVocabularyIsPlausible) {
  std::vector<uint64_t> counts(1000);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = 100000 / (i + 1) + 1;
  NoiseSampler sampler(counts, 0.75);
  Rng rng(7);
  const int n = 3000000;
  std::vector<int> hits(counts.size());
  for (int i = 0; i < n; ++i) ++hits[sampler.Sample(rng)];
  double chi2 = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double e = n * sampler.Probability(int32_t(i));
    chi2 += (hits[i] - e) * (hits[i] - e) / e;
  }
  // 999 degrees of freedom: mean 999, sd ~45; 1250 is > 5 sd out.
  EXPECT_LT(chi2, 1250.0);
  EXPECT_GT(chi2, 750.0);
}

TEST(SubsamplingTest, KeepProbabilityFormula) {
  // f = 0.01, s = 1e-4: (sqrt(100) + 1) * 0.01 = 0.11.
  EXPECT_NEAR(KeepProbability(10000, 1000000, 1e-4), 0.11, 1e-12);
  EXPECT_EQ(KeepProbability(50, 1000000, 1e-4), 1.0);  // rare: always kept
  EXPECT_EQ(KeepProbability(10000, 1000000, 0), 1.0);  // disabled
}

TEST(SubsamplingTest, EmpiricalKeepRateMatchesFormula) {
  // Same draw as the trainer: keep if (top 32 random bits) < p * 2^32.
  Rng rng(5);
  for (uint64_t count : {1000u, 5000u, 20000u, 100000u}) {
    const double p = KeepProbability(count, 1000000, 1e-4);
    const uint64_t threshold = uint64_t(p * 4294967296.0);
    const int n = 400000;
    int kept = 0;
    for (int i = 0; i < n; ++i) kept += (rng.Next() >> 32) < threshold;
    const double sigma = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(kept, n * p, 5 * sigma) << "count " << count;
  }
}

TEST(SigmoidTableTest, CloseToLogisticAndClamped) {
  SigmoidTable table;
  for (double x = -5.99; x < 6; x += 0.01) {
    EXPECT_NEAR(table.Sigmoid(float(x)), 1 / (1 + std::exp(-x)), 3e-3) << x;
    EXPECT_NEAR(table.LogSigmoid(float(x)), -std::log1p(std::exp(-x)), 1.2e-2)
        << x;
  }
  EXPECT_EQ(table.Sigmoid(7.0f), 1.0f);
  EXPECT_EQ(table.Sigmoid(-7.0f), 0.0f);
}

// The largest floats below kMaxInput round to one past the last bin in float
// arithmetic; they must read the last bin, not past the table (ASan checks
// the read).
TEST(SigmoidTableTest, FloatsNextToTheRangeEndsStayInTheTable) {
  for (int size : {1024, 1000, 7}) {
    SigmoidTable table(size);
    const float top = SigmoidTable::kMaxInput;
    const float last_sigmoid = table.Sigmoid(top - 12.0f / float(size) / 2);
    const float last_log = table.LogSigmoid(top - 12.0f / float(size) / 2);
    float x = top;
    for (int i = 0; i < 64; ++i) {
      x = std::nextafter(x, 0.0f);
      EXPECT_EQ(table.Sigmoid(x), last_sigmoid) << size << " " << x;
      EXPECT_EQ(table.LogSigmoid(x), last_log) << size << " " << x;
    }
    x = -top;
    for (int i = 0; i < 64; ++i) {
      x = std::nextafter(x, 0.0f);
      EXPECT_EQ(table.Sigmoid(x), table.Sigmoid(-top + 1e-3f)) << size;
    }
  }
}

TEST(RngTest, BelowIsInRangeAndStateRoundTrips) {
  Rng a(9);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(a.Below(7), 7u);
  uint64_t state[4];
  a.GetState(state);
  Rng b(1);
  b.SetState(state);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Next(), b.Next());
}

}  // namespace
}  // namespace wembed
