// Kernels of the training updates (skip-gram and CBOW, negative sampling and
// hierarchical softmax), in a scalar reference version and vectorized
// versions chosen at run time for the CPU.
//
// Rows are Matrix rows: 64-byte aligned, `stride` floats long, stride a
// multiple of 16, padding zero. Row pointers passed in one call may repeat
// (the same word twice in a window); updates are applied as increments so
// none is lost. Hogwild: other threads may update the same rows concurrently
// without locks; such races are intended (as in word2vec.c) and only perturb
// the stochastic gradient.
#ifndef WEMBED_SRC_TRAIN_SGNS_KERNELS_H_
#define WEMBED_SRC_TRAIN_SGNS_KERNELS_H_

#include <cstddef>

namespace wembed {

// Most rows a batch call takes on either side.
inline constexpr int kMaxBatchRows = 64;

struct SgnsKernels {
  const char* name;
  // Returns sum_i x[i] * y[i] over n floats.
  float (*dot)(const float* x, const float* y, size_t n);
  // y[i] += a * x[i] over n floats.
  void (*axpy)(float a, const float* x, float* y, size_t n);
  // s[j * num_out + k] = dot(in[j], out[k]) for j < num_in, k < num_out.
  void (*dot_block)(const float* const* in, int num_in, const float* const* out,
                    int num_out, size_t stride, float* s);
  // With g[j * num_out + k] the gradient coefficient of pair (j, k):
  //   in[j]  += sum_k g[j][k] * out[k]   (old out rows)
  //   out[k] += sum_j g[j][k] * in[j]    (old in rows)
  // `scratch` holds num_in * stride floats, 64-byte aligned.
  void (*apply_block)(float* const* in, int num_in, float* const* out,
                      int num_out, size_t stride, const float* g,
                      float* scratch);
  // CBOW's hidden vector: out[i] = scale * sum_j rows[j][i], n >= 1 (scale
  // 1/n for the mean, 1 for the sum). `out` is not one of the rows.
  void (*average)(const float* const* rows, int n, size_t stride, float scale,
                  float* out);
  // CBOW's input update: rows[j][i] += x[i] for j < n (a repeated row gets
  // every increment). `x` is not one of the rows.
  void (*scatter_add)(const float* x, float* const* rows, int n, size_t stride);
  // CBOW's output update against the hidden vector h, one pass over each
  // output row: e = sum_k g[k] * out[k] and out[k] += g[k] * h, each row read
  // before its own increment (a repeated row after the earlier one's, as in
  // word2vec.c's sequential loop). `h` and `e` are not output rows.
  void (*hidden_update)(const float* h, float* const* out, int num_out,
                        size_t stride, const float* g, float* e);
};

enum class KernelIsa { kAuto, kScalar, kAvx2, kAvx512 };

const SgnsKernels& ScalarKernels();
// nullptr when the build lacks them.
const SgnsKernels* Avx2Kernels();
const SgnsKernels* Avx512Kernels();

// The fastest kernels this CPU runs (kAuto), or the ones asked for; falls
// back to scalar when the CPU lacks the instruction set.
const SgnsKernels& SelectKernels(KernelIsa isa = KernelIsa::kAuto);

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_SGNS_KERNELS_H_
