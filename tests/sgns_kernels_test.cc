// The vectorized kernels must equal the scalar reference within float
// tolerance, and the block update must be a gradient step on the SGNS loss
// (checked against finite differences).
#include "train/sgns_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base/rng.h"
#include "wembed/base/matrix.h"

namespace wembed {
namespace {

std::vector<const SgnsKernels*> FastKernels() {
  std::vector<const SgnsKernels*> out;
  const SgnsKernels& best = SelectKernels(KernelIsa::kAuto);
  const SgnsKernels& avx2 = SelectKernels(KernelIsa::kAvx2);
  if (&avx2 != &ScalarKernels()) out.push_back(&avx2);
  if (&best != &ScalarKernels() && &best != &avx2) out.push_back(&best);
  return out;
}

Matrix RandomMatrix(size_t rows, size_t cols, uint64_t seed) {
  Matrix m(rows, cols);
  Rng rng(seed);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) m.row(r)[c] = rng.UniformFloat() - 0.5f;
  }
  return m;
}

TEST(SgnsKernelsTest, ScalarIsAlwaysAvailable) {
  EXPECT_STREQ(SelectKernels(KernelIsa::kScalar).name, "scalar");
}

TEST(SgnsKernelsTest, FastDotAndAxpyMatchScalar) {
  const SgnsKernels& ref = ScalarKernels();
  for (const SgnsKernels* k : FastKernels()) {
    for (size_t n : {16u, 32u, 112u, 304u}) {
      Matrix m = RandomMatrix(3, n, n);
      EXPECT_NEAR(k->dot(m.row(0), m.row(1), n), ref.dot(m.row(0), m.row(1), n),
                  1e-4)
          << k->name << " n=" << n;
      Matrix a = m, b = m;
      ref.axpy(0.37f, a.row(0), a.row(2), n);
      k->axpy(0.37f, b.row(0), b.row(2), n);
      for (size_t i = 0; i < n; ++i) {
        EXPECT_NEAR(a.row(2)[i], b.row(2)[i], 1e-6) << k->name;
      }
    }
  }
}

TEST(SgnsKernelsTest, FastBlockKernelsMatchScalar) {
  const SgnsKernels& ref = ScalarKernels();
  for (const SgnsKernels* k : FastKernels()) {
    for (int num_in : {1, 3, 10}) {
      for (int num_out : {1, 2, 5, 6, 9}) {
        const size_t dim = 100;
        Matrix in_a = RandomMatrix(num_in, dim, 1),
               out_a = RandomMatrix(num_out, dim, 2);
        Matrix in_b = in_a, out_b = out_a;
        std::vector<float*> ia, oa, ib, ob;
        for (int j = 0; j < num_in; ++j) {
          ia.push_back(in_a.row(j));
          ib.push_back(in_b.row(j));
        }
        for (int o = 0; o < num_out; ++o) {
          oa.push_back(out_a.row(o));
          ob.push_back(out_b.row(o));
        }
        std::vector<float> sa(num_in * num_out), sb(num_in * num_out);
        ref.dot_block(ia.data(), num_in, oa.data(), num_out, in_a.stride(),
                      sa.data());
        k->dot_block(ib.data(), num_in, ob.data(), num_out, in_b.stride(),
                     sb.data());
        for (size_t i = 0; i < sa.size(); ++i) EXPECT_NEAR(sa[i], sb[i], 1e-4);

        std::vector<float> g(num_in * num_out);
        Rng rng(3);
        for (float& x : g) x = rng.UniformFloat() - 0.5f;
        Matrix scratch_a(num_in, dim), scratch_b(num_in, dim);
        ref.apply_block(ia.data(), num_in, oa.data(), num_out, in_a.stride(),
                        g.data(), scratch_a.data());
        k->apply_block(ib.data(), num_in, ob.data(), num_out, in_b.stride(),
                       g.data(), scratch_b.data());
        for (int j = 0; j < num_in; ++j) {
          for (size_t c = 0; c < in_a.stride(); ++c) {
            ASSERT_NEAR(in_a.row(j)[c], in_b.row(j)[c], 1e-5) << k->name;
          }
        }
        for (int o = 0; o < num_out; ++o) {
          for (size_t c = 0; c < out_a.stride(); ++c) {
            ASSERT_NEAR(out_a.row(o)[c], out_b.row(o)[c], 1e-5) << k->name;
          }
        }
        // Padding must stay zero.
        EXPECT_EQ(in_b.row(0)[dim], 0.0f);
        EXPECT_EQ(out_b.row(0)[in_b.stride() - 1], 0.0f);
      }
    }
  }
}

TEST(SgnsKernelsTest, RepeatedRowsReceiveEveryIncrement) {
  for (const SgnsKernels* k : {&ScalarKernels(), &SelectKernels()}) {
    Matrix in(1, 16), out(1, 16);
    in.row(0)[0] = 1.0f;
    out.row(0)[0] = 2.0f;
    float* ins[2] = {in.row(0), in.row(0)};
    float* outs[2] = {out.row(0), out.row(0)};
    const float g[4] = {0.1f, 0.1f, 0.1f, 0.1f};
    Matrix scratch(2, 16);
    k->apply_block(ins, 2, outs, 2, 16, g, scratch.data());
    // Each input copy gets 0.1 * 2 twice from the (old) output row.
    EXPECT_NEAR(in.row(0)[0], 1.0f + 4 * 0.1f * 2.0f, 1e-6) << k->name;
    EXPECT_NEAR(out.row(0)[0], 2.0f + 4 * 0.1f * 1.0f, 1e-6) << k->name;
  }
}

// SGNS loss of one window: inputs x_j, target y_0 (label 1), negatives y_k.
double Loss(const Matrix& in, const Matrix& out, size_t dim) {
  double loss = 0;
  for (size_t j = 0; j < in.rows(); ++j) {
    for (size_t k = 0; k < out.rows(); ++k) {
      double s = 0;
      for (size_t c = 0; c < dim; ++c)
        s += double(in.row(j)[c]) * out.row(k)[c];
      const double sign = k == 0 ? 1.0 : -1.0;
      loss -= std::log(1.0 / (1.0 + std::exp(-sign * s)));
    }
  }
  return loss;
}

TEST(SgnsKernelsTest, BlockUpdateIsGradientStepByFiniteDifferences) {
  const size_t dim = 20;
  const int num_in = 3, num_out = 4;  // one target + three negatives
  for (const SgnsKernels* k : {&ScalarKernels(), &SelectKernels()}) {
    Matrix in = RandomMatrix(num_in, dim, 11),
           out = RandomMatrix(num_out, dim, 12);
    // Exact gradient coefficients g = alpha * (label - sigmoid(s)).
    const float alpha = 1e-3f;
    std::vector<float> s(num_in * num_out), g(num_in * num_out);
    std::vector<const float*> ci, co;
    std::vector<float*> mi, mo;
    for (int j = 0; j < num_in; ++j) {
      ci.push_back(in.row(j));
      mi.push_back(in.row(j));
    }
    for (int o = 0; o < num_out; ++o) {
      co.push_back(out.row(o));
      mo.push_back(out.row(o));
    }
    k->dot_block(ci.data(), num_in, co.data(), num_out, in.stride(), s.data());
    for (int j = 0; j < num_in; ++j) {
      for (int o = 0; o < num_out; ++o) {
        const double label = o == 0 ? 1.0 : 0.0;
        g[j * num_out + o] = float(
            alpha * (label - 1.0 / (1.0 + std::exp(-s[j * num_out + o]))));
      }
    }
    Matrix in_before = in, out_before = out;
    Matrix scratch(num_in, dim);
    k->apply_block(mi.data(), num_in, mo.data(), num_out, in.stride(), g.data(),
                   scratch.data());
    // Each coordinate's step must equal -alpha * dLoss/dtheta (central
    // differences in double precision).
    const double h = 1e-3;
    auto check = [&](Matrix& before, const Matrix& after, bool is_input) {
      for (size_t r = 0; r < before.rows(); ++r) {
        for (size_t c = 0; c < dim; ++c) {
          const float saved = before.row(r)[c];
          before.row(r)[c] = saved + float(h);
          const double up = is_input ? Loss(before, out_before, dim)
                                     : Loss(in_before, before, dim);
          before.row(r)[c] = saved - float(h);
          const double down = is_input ? Loss(before, out_before, dim)
                                       : Loss(in_before, before, dim);
          before.row(r)[c] = saved;
          const double grad = (up - down) / (2 * h);
          const double step = double(after.row(r)[c]) - saved;
          EXPECT_NEAR(step, -alpha * grad,
                      2e-6 + 1e-3 * std::fabs(alpha * grad))
              << k->name << (is_input ? " input" : " output") << " r=" << r
              << " c=" << c;
        }
      }
    };
    check(in_before, in, true);
    check(out_before, out, false);
  }
}

}  // namespace
}  // namespace wembed
