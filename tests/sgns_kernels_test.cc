// The vectorized kernels must equal the scalar reference within float
// tolerance, and the updates the trainer composes from them must be
// gradient steps (checked against finite differences): skip-gram's block
// update with negative sampling, its context step along a hierarchical
// softmax path, and CBOW's hidden-vector update with both losses.
#include "train/sgns_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "base/rng.h"
#include "train/huffman_tree.h"
#include "train/loss_coefficients.h"
#include "train/sigmoid_table.h"
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

// sum_j sum_k -log sigma(sign_k x_j . y_k) over the rows x_j of `in` and
// y_k of `out`, sign +1 for label 1 and -1 for label 0.
double LabeledLoss(const Matrix& in, const Matrix& out,
                   const std::vector<int>& labels) {
  double loss = 0;
  for (size_t j = 0; j < in.rows(); ++j) {
    for (size_t k = 0; k < out.rows(); ++k) {
      double s = 0;
      for (size_t c = 0; c < in.cols(); ++c)
        s += double(in.row(j)[c]) * out.row(k)[c];
      const double sign = labels[k] == 1 ? 1.0 : -1.0;
      loss -= std::log(1.0 / (1.0 + std::exp(-sign * s)));
    }
  }
  return loss;
}

// SGNS loss of one window: inputs x_j, target y_0 (label 1), negatives y_k.
double Loss(const Matrix& in, const Matrix& out, size_t dim) {
  std::vector<int> labels(out.rows(), 0);
  labels[0] = 1;
  (void)dim;
  return LabeledLoss(in, out, labels);
}

// Expects each coordinate's step (after - before) to be -alpha * scale *
// dLoss/dtheta, the derivative by central differences (double precision)
// of `loss` at `before`; `rel` is the relative tolerance.
void ExpectGradientStep(const std::string& what,
                        const std::function<double(const Matrix&)>& loss,
                        Matrix before, const Matrix& after, double alpha,
                        double scale, double abs, double rel) {
  const double h = 1e-3;
  for (size_t r = 0; r < before.rows(); ++r) {
    for (size_t c = 0; c < before.cols(); ++c) {
      const float saved = before.row(r)[c];
      before.row(r)[c] = saved + float(h);
      const double up = loss(before);
      before.row(r)[c] = saved - float(h);
      const double down = loss(before);
      before.row(r)[c] = saved;
      const double want = -alpha * scale * (up - down) / (2 * h);
      const double step = double(after.row(r)[c]) - saved;
      ASSERT_NEAR(step, want, abs + rel * std::fabs(want))
          << what << " r=" << r << " c=" << c;
    }
  }
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
    // Each coordinate's step must equal -alpha * dLoss/dtheta.
    ExpectGradientStep(
        std::string(k->name) + " input",
        [&](const Matrix& m) { return Loss(m, out_before, dim); }, in_before,
        in, alpha, 1.0, 2e-6, 1e-3);
    ExpectGradientStep(
        std::string(k->name) + " output",
        [&](const Matrix& m) { return Loss(in_before, m, dim); }, out_before,
        out, alpha, 1.0, 2e-6, 1e-3);
  }
}

std::vector<float*> RowPointers(Matrix& m) {
  std::vector<float*> rows;
  for (size_t r = 0; r < m.rows(); ++r) rows.push_back(m.row(r));
  return rows;
}

TEST(SgnsKernelsTest, FastCbowKernelsMatchScalar) {
  const SgnsKernels& ref = ScalarKernels();
  for (const SgnsKernels* k : FastKernels()) {
    for (int n : {1, 3, 10}) {
      for (int num_out : {1, 6, 23}) {
        Matrix ctx_a = RandomMatrix(n, 100, 5),
               out_a = RandomMatrix(num_out, 100, 6);
        Matrix ctx_b = ctx_a, out_b = out_a;
        std::vector<float*> ca = RowPointers(ctx_a), cb = RowPointers(ctx_b);
        std::vector<float*> oa = RowPointers(out_a), ob = RowPointers(out_b);
        if (n >= 3) ca[2] = ca[0], cb[2] = cb[0];  // a repeated context
        if (num_out >= 3) oa[2] = oa[1], ob[2] = ob[1];
        const size_t stride = ctx_a.stride();
        Matrix ha(2, 100), hb(2, 100);
        ref.average(ca.data(), n, stride, 1.0f / float(n), ha.row(0));
        k->average(cb.data(), n, stride, 1.0f / float(n), hb.row(0));
        for (size_t c = 0; c < stride; ++c) {
          ASSERT_EQ(ha.row(0)[c], hb.row(0)[c]) << k->name;  // same order
        }
        std::vector<float> g(num_out);
        Rng rng(9);
        for (float& x : g) x = rng.UniformFloat() - 0.5f;
        ref.hidden_update(ha.row(0), oa.data(), num_out, stride, g.data(),
                          ha.row(1));
        k->hidden_update(hb.row(0), ob.data(), num_out, stride, g.data(),
                         hb.row(1));
        ref.scatter_add(ha.row(1), ca.data(), n, stride);
        k->scatter_add(hb.row(1), cb.data(), n, stride);
        for (size_t c = 0; c < stride; ++c) {
          ASSERT_NEAR(ha.row(1)[c], hb.row(1)[c], 1e-5) << k->name;
        }
        for (size_t r = 0; r < size_t(num_out); ++r) {
          for (size_t c = 0; c < stride; ++c) {
            ASSERT_NEAR(out_a.row(r)[c], out_b.row(r)[c], 1e-5) << k->name;
          }
        }
        for (size_t r = 0; r < size_t(n); ++r) {
          for (size_t c = 0; c < stride; ++c) {
            ASSERT_NEAR(ctx_a.row(r)[c], ctx_b.row(r)[c], 1e-5) << k->name;
          }
        }
        EXPECT_EQ(ctx_b.row(0)[100], 0.0f);  // padding stays zero
        EXPECT_EQ(out_b.row(0)[stride - 1], 0.0f);
      }
    }
  }
}

TEST(SgnsKernelsTest, CbowKernelsGiveRepeatedRowsEveryIncrement) {
  for (const SgnsKernels* k : {&ScalarKernels(), &SelectKernels()}) {
    Matrix ctx(1, 16), out(1, 16), h(2, 16);
    ctx.row(0)[0] = 1.0f;
    out.row(0)[0] = 2.0f;
    float* cs[2] = {ctx.row(0), ctx.row(0)};
    k->average(cs, 2, 16, 0.5f, h.row(0));
    EXPECT_EQ(h.row(0)[0], 1.0f) << k->name;
    float* os[2] = {out.row(0), out.row(0)};
    const float g[2] = {0.1f, 0.1f};
    k->hidden_update(h.row(0), os, 2, 16, g, h.row(1));
    // The second copy is read after the first's increment (word2vec.c's
    // sequential loop): e = 0.1 * 2 + 0.1 * 2.1.
    EXPECT_NEAR(h.row(1)[0], 0.41f, 1e-6) << k->name;
    EXPECT_NEAR(out.row(0)[0], 2.2f, 1e-6) << k->name;
    k->scatter_add(h.row(1), cs, 2, 16);
    EXPECT_NEAR(ctx.row(0)[0], 1.82f, 1e-6) << k->name;
  }
}

// The trainer's coefficients use the 1024-bin sigmoid table, so the steps
// match the exact gradient only to the table's precision.
constexpr double kTableAbs = 5e-6, kTableRel = 1e-2;

// A hierarchical-softmax path: the inner-node rows of `word`'s path in a
// tree of 7 words, and their labels 1 - code.
struct Path {
  Matrix nodes;
  std::vector<int> labels;
  std::vector<uint8_t> codes;
};

Path DeepPath(size_t dim, uint64_t seed) {
  const HuffmanTree tree({50, 30, 20, 10, 5, 3, 2});
  const int32_t word = 6;
  Path p;
  const Matrix all = RandomMatrix(tree.num_inner_nodes(), dim, seed);
  p.nodes = Matrix(tree.code_length(word), dim);
  for (int d = 0; d < tree.code_length(word); ++d) {
    const float* src = all.row(tree.points(word)[d]);
    std::copy(src, src + dim, p.nodes.row(d));
    p.codes.push_back(tree.codes(word)[d]);
    p.labels.push_back(1 - tree.codes(word)[d]);
  }
  EXPECT_GE(p.nodes.rows(), 4u);
  EXPECT_NE(std::count(p.labels.begin(), p.labels.end(), 0), 0);
  EXPECT_NE(std::count(p.labels.begin(), p.labels.end(), 1), 0);
  return p;
}

// Skip-gram with hierarchical softmax, as the trainer composes one
// context's step: its scores against the path, the coefficients, one
// hidden_update pass over the path rows, then the context's increment.
TEST(SgnsKernelsTest, HierarchicalSoftmaxContextStepIsGradientStep) {
  const size_t dim = 20;
  const float alpha = 1e-3f;
  const SigmoidTable sigmoid;
  for (const SgnsKernels* k : {&ScalarKernels(), &SelectKernels()}) {
    Path path = DeepPath(dim, 21);
    Matrix in = RandomMatrix(1, dim, 22), e(1, dim);
    const Matrix in_before = in, out_before = path.nodes;
    std::vector<float*> outs = RowPointers(path.nodes);
    const int num_out = int(outs.size());
    std::vector<float> s(num_out), g(num_out);
    float* x = in.row(0);
    k->dot_block(&x, 1, outs.data(), num_out, in.stride(), s.data());
    const double loss = HsCoefficients(sigmoid, s.data(), path.codes.data(),
                                       num_out, alpha, g.data());
    k->hidden_update(x, outs.data(), num_out, in.stride(), g.data(), e.row(0));
    k->axpy(1.0f, e.row(0), x, in.stride());
    EXPECT_NEAR(loss, LabeledLoss(in_before, out_before, path.labels), 0.05);
    ExpectGradientStep(
        std::string(k->name) + " input",
        [&](const Matrix& m) {
          return LabeledLoss(m, out_before, path.labels);
        },
        in_before, in, alpha, 1.0, kTableAbs, kTableRel);
    ExpectGradientStep(
        std::string(k->name) + " node",
        [&](const Matrix& m) { return LabeledLoss(in_before, m, path.labels); },
        out_before, path.nodes, alpha, 1.0, kTableAbs, kTableRel);
  }
}

// The mean (or sum) of the rows of `ctx` as a one-row matrix.
Matrix Hidden(const Matrix& ctx, bool mean) {
  Matrix h(1, ctx.cols());
  for (size_t r = 0; r < ctx.rows(); ++r) {
    for (size_t c = 0; c < ctx.cols(); ++c) h.row(0)[c] += ctx.row(r)[c];
  }
  if (mean) {
    for (size_t c = 0; c < ctx.cols(); ++c) h.row(0)[c] /= float(ctx.rows());
  }
  return h;
}

// One CBOW step as the trainer composes it (average, scores, coefficients,
// hidden_update, scatter_add) against `out` with `labels` (hierarchical
// softmax when `codes` is non-empty, else negative sampling with the
// center first); checks it against finite differences of the loss of the
// hidden vector. word2vec.c adds the hidden vector's gradient to every
// context row undivided, so with the mean each row moves `count` times its
// own gradient.
void CheckCbowStep(const SgnsKernels& k, Matrix out,
                   const std::vector<int>& labels,
                   const std::vector<uint8_t>& codes, bool mean) {
  const size_t dim = out.cols();
  const float alpha = 1e-3f;
  const SigmoidTable sigmoid;
  Matrix ctx = RandomMatrix(4, dim, 31), h(2, dim);
  const Matrix ctx_before = ctx, out_before = out;
  std::vector<float*> cs = RowPointers(ctx), os = RowPointers(out);
  const int n = int(cs.size()), num_out = int(os.size());
  k.average(cs.data(), n, ctx.stride(), mean ? 1.0f / n : 1.0f, h.row(0));
  std::vector<float> s(num_out), g(num_out);
  float* hidden = h.row(0);
  k.dot_block(&hidden, 1, os.data(), num_out, ctx.stride(), s.data());
  if (codes.empty()) {
    NsCoefficients(sigmoid, s.data(), num_out, alpha, g.data());
  } else {
    HsCoefficients(sigmoid, s.data(), codes.data(), num_out, alpha, g.data());
  }
  k.hidden_update(h.row(0), os.data(), num_out, ctx.stride(), g.data(),
                  h.row(1));
  k.scatter_add(h.row(1), cs.data(), n, ctx.stride());
  const std::string what = std::string(k.name) + (mean ? " mean" : " sum") +
                           (codes.empty() ? " ns" : " hs");
  ExpectGradientStep(
      what + " context",
      [&](const Matrix& m) {
        return LabeledLoss(Hidden(m, mean), out_before, labels);
      },
      ctx_before, ctx, alpha, mean ? double(n) : 1.0, kTableAbs, kTableRel);
  ExpectGradientStep(
      what + " output",
      [&](const Matrix& m) {
        return LabeledLoss(Hidden(ctx_before, mean), m, labels);
      },
      out_before, out, alpha, 1.0, kTableAbs, kTableRel);
}

TEST(SgnsKernelsTest, CbowUpdateIsGradientStepForBothLosses) {
  for (const SgnsKernels* k : {&ScalarKernels(), &SelectKernels()}) {
    for (bool mean : {true, false}) {
      CheckCbowStep(*k, RandomMatrix(4, 20, 32), {1, 0, 0, 0}, {}, mean);
      const Path path = DeepPath(20, 33);
      CheckCbowStep(*k, path.nodes, path.labels, path.codes, mean);
    }
  }
}

}  // namespace
}  // namespace wembed
