// AVX-512 kernels: compiled with -mavx512f etc. (CMakeLists.txt) and called
// only after SelectKernels() checked the CPU.

// GCC 12's _mm512_reduce_add_ps trips -Wuninitialized inside its own header.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "train/sgns_kernels.h"
#include "train/sgns_kernels_simd.h"

namespace wembed {
namespace {

struct Avx512 {
  using Reg = __m512;
  static constexpr size_t kWidth = 16;
  static Reg Zero() { return _mm512_setzero_ps(); }
  static Reg Load(const float* p) { return _mm512_load_ps(p); }
  static Reg LoadU(const float* p) { return _mm512_loadu_ps(p); }
  static void Store(float* p, Reg r) { _mm512_store_ps(p, r); }
  static void StoreU(float* p, Reg r) { _mm512_storeu_ps(p, r); }
  static Reg Set1(float x) { return _mm512_set1_ps(x); }
  static Reg Fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static Reg Add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  static Reg Mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static float Sum(Reg r) { return _mm512_reduce_add_ps(r); }
};

constexpr SgnsKernels kAvx512 = {"avx512",
                                 simd::Dot<Avx512>,
                                 simd::Axpy<Avx512>,
                                 simd::DotBlock<Avx512>,
                                 simd::ApplyBlock<Avx512>,
                                 simd::Average<Avx512>,
                                 simd::ScatterAdd<Avx512>,
                                 simd::HiddenUpdate<Avx512>};

}  // namespace

const SgnsKernels* Avx512Kernels() { return &kAvx512; }

}  // namespace wembed
