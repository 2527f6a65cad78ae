#include "eval/score_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace wembed {
namespace {

std::vector<const ScoreKernels*> AllKernels() {
  std::vector<const ScoreKernels*> k = {&PortableScoreKernels()};
  if (Avx2ScoreKernels() != nullptr) k.push_back(Avx2ScoreKernels());
  return k;
}

TEST(ScoreKernelsTest, GemmAndMatVecMatchAReference) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0, 1);
  const size_t m = 12, nb = 32, dim = 37, lda = 48;
  std::vector<float> a(m * lda, 0.0f), bt(dim * nb);
  for (size_t i = 0; i < m; ++i) {
    for (size_t k = 0; k < dim; ++k) a[i * lda + k] = normal(rng);
  }
  for (float& x : bt) x = normal(rng);
  for (const ScoreKernels* kern : AllKernels()) {
    SCOPED_TRACE(kern->name);
    std::vector<float> s(m * nb, -1.0f);
    kern->gemm_abt(a.data(), m, lda, bt.data(), nb, dim, s.data());
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < nb; ++j) {
        double ref = 0;
        for (size_t k = 0; k < dim; ++k) {
          ref += double(a[i * lda + k]) * bt[k * nb + j];
        }
        EXPECT_NEAR(s[i * nb + j], ref, 1e-4) << i << "," << j;
      }
    }
    // mat_vec over the rows of `a` (padded length 48, zero padding).
    std::vector<float> q(lda, 0.0f), out(m, -1.0f);
    for (size_t k = 0; k < dim; ++k) q[k] = normal(rng);
    kern->mat_vec(a.data(), m, lda, q.data(), lda, out.data());
    for (size_t i = 0; i < m; ++i) {
      double ref = 0;
      for (size_t k = 0; k < dim; ++k) ref += double(a[i * lda + k]) * q[k];
      EXPECT_NEAR(out[i], ref, 1e-4) << i;
    }
  }
}

TEST(ScoreKernelsTest, BlockMaxima) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> uni(-1, 1);
  for (size_t n : {1u, 7u, 8u, 16u, 29u, 128u}) {
    std::vector<float> sa(n), sb(n), sc(n);
    for (size_t j = 0; j < n; ++j) {
      sa[j] = uni(rng);
      sb[j] = uni(rng);
      sc[j] = uni(rng);
    }
    float add = -1e30f, mul = -1e30f;
    for (size_t j = 0; j < n; ++j) {
      add = std::max(add, (sb[j] - sa[j]) + sc[j]);
      mul = std::max(mul, ((sb[j] + 1) / 2) * ((sc[j] + 1) / 2) /
                              ((sa[j] + 1) / 2 + 0.001f));
    }
    for (const ScoreKernels* kern : AllKernels()) {
      SCOPED_TRACE(std::string(kern->name) + " n=" + std::to_string(n));
      EXPECT_NEAR(kern->max_add(sa.data(), sb.data(), sc.data(), n), add, 1e-6);
      EXPECT_NEAR(kern->max_mul(sa.data(), sb.data(), sc.data(), n, 0.001f),
                  mul, 1e-5 * std::fabs(mul));
    }
  }
}

}  // namespace
}  // namespace wembed
