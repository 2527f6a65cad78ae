// Microbenchmarks of the training kernels: one window's block update (the
// default trainer's inner step), the per-pair dot/axpy of the exact update,
// and the hidden-vector step of CBOW and of a hierarchical-softmax context
// (one row against the targets or a path), for each kernel set this CPU
// runs; and a replica group's merge passes at one sync (SumOfChanges,
// ApplyChanges, CopyRows). Run: build/wembed_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "base/rng.h"
#include "train/model_sync.h"
#include "train/sgns_kernels.h"
#include "wembed/base/matrix.h"

namespace wembed {
namespace {

const SgnsKernels& KernelsFor(int64_t isa) {
  switch (isa) {
    case 0:
      return SelectKernels(KernelIsa::kScalar);
    case 1:
      return SelectKernels(KernelIsa::kAvx2);
    default:
      return SelectKernels(KernelIsa::kAvx512);
  }
}

struct Block {
  Block(int num_in, int num_out, size_t dim)
      : in(num_in, dim),
        out(num_out, dim),
        scratch(num_in, dim),
        scores(num_in * num_out),
        grads(num_in * num_out, 1e-4f) {
    Rng rng(1);
    for (size_t r = 0; r < in.rows(); ++r)
      for (size_t c = 0; c < dim; ++c) in.row(r)[c] = rng.UniformFloat() - 0.5f;
    for (size_t r = 0; r < out.rows(); ++r)
      for (size_t c = 0; c < dim; ++c)
        out.row(r)[c] = rng.UniformFloat() - 0.5f;
    for (int j = 0; j < num_in; ++j) in_rows.push_back(in.row(j));
    for (int k = 0; k < num_out; ++k) out_rows.push_back(out.row(k));
  }
  Matrix in, out, scratch;
  std::vector<float> scores, grads;
  std::vector<float*> in_rows, out_rows;
};

// Args: isa (0 scalar, 1 avx2, 2 best), contexts, outputs (1 + negatives).
void BM_WindowBlockUpdate(benchmark::State& state) {
  const SgnsKernels& k = KernelsFor(state.range(0));
  const int num_in = int(state.range(1)), num_out = int(state.range(2));
  Block b(num_in, num_out, 100);
  for (auto _ : state) {
    k.dot_block(b.in_rows.data(), num_in, b.out_rows.data(), num_out,
                b.in.stride(), b.scores.data());
    k.apply_block(b.in_rows.data(), num_in, b.out_rows.data(), num_out,
                  b.in.stride(), b.grads.data(), b.scratch.data());
    benchmark::DoNotOptimize(b.scores.data());
  }
  state.SetLabel(k.name);
  state.SetItemsProcessed(state.iterations() * num_in * num_out);  // pairs
}
BENCHMARK(BM_WindowBlockUpdate)->ArgsProduct({{0, 1, 2}, {2, 6, 10}, {6}});

// The exact update of one (context, target) pair at dim 100.
void BM_ExactPairUpdate(benchmark::State& state) {
  const SgnsKernels& k = KernelsFor(state.range(0));
  Block b(2, 1, 100);
  std::vector<float> neu1e(b.in.stride());
  for (auto _ : state) {
    const float f = k.dot(b.in.row(0), b.out.row(0), b.in.stride());
    const float g = 1e-4f * (f > 0 ? -1.0f : 1.0f);
    k.axpy(g, b.out.row(0), neu1e.data(), b.in.stride());
    k.axpy(g, b.in.row(0), b.out.row(0), b.in.stride());
    benchmark::DoNotOptimize(neu1e.data());
  }
  state.SetLabel(k.name);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExactPairUpdate)->Arg(0)->Arg(1)->Arg(2);

// One row against `outputs` rows: scores, then hidden_update (CBOW's hidden
// vector, or a skip-gram context along a tree path). With `contexts` > 0,
// CBOW's average and scatter_add around it. Args: isa, contexts, outputs.
void BM_HiddenStep(benchmark::State& state) {
  const SgnsKernels& k = KernelsFor(state.range(0));
  const int num_in = int(state.range(1)), num_out = int(state.range(2));
  Block b(std::max(num_in, 1), num_out, 100);
  Matrix hidden(2, 100);
  float* h = hidden.row(0);
  for (auto _ : state) {
    if (num_in > 0) k.average(b.in_rows.data(), num_in, b.in.stride(), 0.1f, h);
    k.dot_block(&h, 1, b.out_rows.data(), num_out, b.in.stride(),
                b.scores.data());
    k.hidden_update(h, b.out_rows.data(), num_out, b.in.stride(),
                    b.grads.data(), hidden.row(1));
    if (num_in > 0) {
      k.scatter_add(hidden.row(1), b.in_rows.data(), num_in, b.in.stride());
    }
    benchmark::DoNotOptimize(b.scores.data());
  }
  state.SetLabel(k.name);
  state.SetItemsProcessed(state.iterations() * num_out);  // targets
}
BENCHMARK(BM_HiddenStep)->ArgsProduct({{0, 1, 2}, {0, 6}, {6, 18}});

// One member's passes over a sync's rows (range(0) rows of dim 100, one
// replica: an MPI rank of any --threads), without the collective between
// SumOfChanges and ApplyChanges: pack the changes, apply the (here: own)
// mean, copy the merged rows back into the replica.
void BM_GroupMergePasses(benchmark::State& state) {
  const size_t rows = size_t(state.range(0)), dim = 100;
  Matrix base(rows, dim);
  std::vector<Matrix> replica(1, Matrix(rows, dim));
  Rng rng(5);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < dim; ++c) {
      base.row(r)[c] = rng.UniformFloat() - 0.5f;
      replica[0].row(r)[c] = base.row(r)[c] + 1e-3f * rng.UniformFloat();
    }
  }
  std::vector<float> packed(rows * PackedWidth(dim));
  const RowRange all{0, rows};
  for (auto _ : state) {
    SumOfChanges(base, replica, all, packed.data());
    ApplyChanges(base, packed.data(), 2.0f, 2, MergeRule::kWeightedDeltas, all,
                 &base);
    CopyRows(base, RowSet{all}, &replica);
    benchmark::DoNotOptimize(base.row(0)[0]);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(rows) *
                          int64_t(dim * sizeof(float)));
}
BENCHMARK(BM_GroupMergePasses)->Arg(1024)->Arg(4288)->Arg(90124);

}  // namespace
}  // namespace wembed
