// Microbenchmarks of the SGNS kernels: one window's block update (the
// trainer's inner step) and the per-pair dot/axpy of the exact update, for
// each kernel set this CPU runs. Run: build/wembed_bench
#include <benchmark/benchmark.h>

#include <vector>

#include "base/rng.h"
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

}  // namespace
}  // namespace wembed
