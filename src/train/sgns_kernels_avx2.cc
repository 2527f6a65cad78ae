// AVX2+FMA kernels: compiled with -mavx2 -mfma (CMakeLists.txt) and called
// only after SelectKernels() checked the CPU.
#include <immintrin.h>

#include "train/sgns_kernels.h"
#include "train/sgns_kernels_simd.h"

namespace wembed {
namespace {

struct Avx2 {
  using Reg = __m256;
  static constexpr size_t kWidth = 8;
  static Reg Zero() { return _mm256_setzero_ps(); }
  static Reg Load(const float* p) { return _mm256_load_ps(p); }
  static Reg LoadU(const float* p) { return _mm256_loadu_ps(p); }
  static void Store(float* p, Reg r) { _mm256_store_ps(p, r); }
  static void StoreU(float* p, Reg r) { _mm256_storeu_ps(p, r); }
  static Reg Set1(float x) { return _mm256_set1_ps(x); }
  static Reg Fma(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static Reg Add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
  static Reg Mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static float Sum(Reg r) {
    __m128 lo =
        _mm_add_ps(_mm256_castps256_ps128(r), _mm256_extractf128_ps(r, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
  }
};

constexpr SgnsKernels kAvx2 = {"avx2",
                               simd::Dot<Avx2>,
                               simd::Axpy<Avx2>,
                               simd::DotBlock<Avx2>,
                               simd::ApplyBlock<Avx2>,
                               simd::Average<Avx2>,
                               simd::ScatterAdd<Avx2>,
                               simd::HiddenUpdate<Avx2>};

}  // namespace

const SgnsKernels* Avx2Kernels() { return &kAvx2; }

}  // namespace wembed
