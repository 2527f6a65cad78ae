#include "eval/score_kernels.h"

#include <cstddef>
#include <cstring>

namespace wembed {
// The vector helpers return 32-byte vectors; they are inlined within this
// file, so the ABI note GCC gives without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
namespace score_portable {
#include "eval/score_kernels_impl.h"
}  // namespace score_portable

namespace score_avx2 {
// Defined in score_kernels_avx2.cc.
void GemmAbt(const float* a, size_t m, size_t lda, const float* bt, size_t nb,
             size_t dim, float* s);
void MatVec(const float* m, size_t rows, size_t stride, const float* q,
            size_t n, float* out);
float MaxAdd(const float* sa, const float* sb, const float* sc, size_t n);
float MaxMul(const float* sa, const float* sb, const float* sc, size_t n,
             float eps);
}  // namespace score_avx2

const ScoreKernels& PortableScoreKernels() {
  static constexpr ScoreKernels kKernels = {
      "portable", score_portable::GemmAbt, score_portable::MatVec,
      score_portable::MaxAdd, score_portable::MaxMul};
  return kKernels;
}

const ScoreKernels* Avx2ScoreKernels() {
  static constexpr ScoreKernels kKernels = {
      "avx2", score_avx2::GemmAbt, score_avx2::MatVec, score_avx2::MaxAdd,
      score_avx2::MaxMul};
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return &kKernels;
  }
  return nullptr;
}

const ScoreKernels& BestScoreKernels() {
  static const ScoreKernels* const kBest = [] {
    const ScoreKernels* k = Avx2ScoreKernels();
    return k != nullptr ? k : &PortableScoreKernels();
  }();
  return *kBest;
}

}  // namespace wembed
