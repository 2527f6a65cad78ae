// Dense scoring kernels for the evaluators and the query tools: a small GEMM
// (many query vectors against a block of candidates) and a matrix-vector
// product, in a portable version and an AVX2+FMA version chosen at run time.
//
// Thread-safety: the kernels are pure functions of their arguments.
#ifndef WEMBED_SRC_EVAL_SCORE_KERNELS_H_
#define WEMBED_SRC_EVAL_SCORE_KERNELS_H_

#include <cstddef>

namespace wembed {

// Tile sizes of GemmAbt: m must be a multiple of kGemmRows, nb of kGemmCols.
inline constexpr size_t kGemmRows = 6;
inline constexpr size_t kGemmCols = 16;

struct ScoreKernels {
  const char* name;
  // s[i * nb + j] = sum_{k < dim} a[i * lda + k] * bt[k * nb + j]
  // for i < m, j < nb. `bt` is the candidate block transposed (dim x nb).
  void (*gemm_abt)(const float* a, size_t m, size_t lda, const float* bt,
                   size_t nb, size_t dim, float* s);
  // out[r] = sum_{k < n} m[r * stride + k] * q[k] for r < rows; n is a
  // multiple of 16 (pass the padded row length; padding must be zero).
  void (*mat_vec)(const float* m, size_t rows, size_t stride, const float* q,
                  size_t n, float* out);
  // Upper bounds used to skip candidate blocks: the maximum over j < n of
  // the 3CosAdd score (sb[j] - sa[j]) + sc[j], and of the 3CosMul score
  // ((sb+1)/2)((sc+1)/2) / ((sa+1)/2 + eps). May differ from a scalar
  // evaluation in the last bits (FMA); callers allow a margin.
  float (*max_add)(const float* sa, const float* sb, const float* sc, size_t n);
  float (*max_mul)(const float* sa, const float* sb, const float* sc, size_t n,
                   float eps);
};

const ScoreKernels& PortableScoreKernels();
// nullptr when the CPU lacks AVX2 or FMA.
const ScoreKernels* Avx2ScoreKernels();
// The fastest kernels this CPU runs.
const ScoreKernels& BestScoreKernels();

}  // namespace wembed

#endif  // WEMBED_SRC_EVAL_SCORE_KERNELS_H_
