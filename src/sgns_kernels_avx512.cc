// AVX-512 kernels. This file is compiled with -mavx512f etc. and is only
// called after SelectKernels() checked the CPU. It includes no header with
// inline library code, so no AVX-512 instructions leak into shared inline
// functions (ODR).
// GCC 12's _mm512_reduce_add_ps trips -Wuninitialized inside its own header.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "sgns_kernels.h"

namespace wembed {
namespace {

constexpr size_t kWidth = 16;

float Dot(const float* __restrict x, const float* __restrict y, size_t n) {
  __m512 acc0 = _mm512_setzero_ps();
  __m512 acc1 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i),
                           acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + kWidth),
                           _mm512_loadu_ps(y + i + kWidth), acc1);
  }
  for (; i + kWidth <= n; i += kWidth) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i),
                           acc0);
  }
  float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += x[i] * y[i];
  return sum;
}

void Axpy(float a, const float* __restrict x, float* __restrict y, size_t n) {
  const __m512 va = _mm512_set1_ps(a);
  size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) {
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i),
                                            _mm512_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] += a * x[i];
}

// Dots of one input row against `kBlock` output rows, kBlock independent
// accumulator chains so FMA latency is hidden.
template <int kBlock>
void DotRowBlock(const float* __restrict x, const float* const* out,
                 size_t stride, float* s) {
  __m512 acc[kBlock];
  for (int b = 0; b < kBlock; ++b) acc[b] = _mm512_setzero_ps();
  for (size_t i = 0; i < stride; i += kWidth) {
    const __m512 vx = _mm512_load_ps(x + i);
    for (int b = 0; b < kBlock; ++b) {
      acc[b] = _mm512_fmadd_ps(vx, _mm512_load_ps(out[b] + i), acc[b]);
    }
  }
  for (int b = 0; b < kBlock; ++b) s[b] = _mm512_reduce_add_ps(acc[b]);
}

void DotBlock(const float* const* in, int num_in, const float* const* out,
              int num_out, size_t stride, float* s) {
  for (int j = 0; j < num_in; ++j) {
    const float* x = in[j];
    float* row = s + j * num_out;
    int k = 0;
    for (; k + 4 <= num_out; k += 4) DotRowBlock<4>(x, out + k, stride, row + k);
    switch (num_out - k) {
      case 3: DotRowBlock<3>(x, out + k, stride, row + k); break;
      case 2: DotRowBlock<2>(x, out + k, stride, row + k); break;
      case 1: DotRowBlock<1>(x, out + k, stride, row + k); break;
      default: break;
    }
  }
}

void ApplyBlock(float* const* in, int num_in, float* const* out, int num_out,
                size_t stride, const float* g, float* scratch) {
  // scratch[j] = sum_k g[j][k] * out[k], from the old output rows.
  for (int j = 0; j < num_in; ++j) {
    float* __restrict d = scratch + j * stride;
    const float* gj = g + j * num_out;
    for (size_t i = 0; i < stride; i += kWidth) {
      __m512 acc = _mm512_setzero_ps();
      for (int k = 0; k < num_out; ++k) {
        acc = _mm512_fmadd_ps(_mm512_set1_ps(gj[k]),
                              _mm512_load_ps(out[k] + i), acc);
      }
      _mm512_store_ps(d + i, acc);
    }
  }
  // out[k] += sum_j g[j][k] * in[j], from the old input rows. Rows are
  // re-loaded per k, so a repeated output row gets both increments.
  for (int k = 0; k < num_out; ++k) {
    float* y = out[k];
    for (size_t i = 0; i < stride; i += kWidth) {
      __m512 acc = _mm512_load_ps(y + i);
      for (int j = 0; j < num_in; ++j) {
        acc = _mm512_fmadd_ps(_mm512_set1_ps(g[j * num_out + k]),
                              _mm512_load_ps(in[j] + i), acc);
      }
      _mm512_store_ps(y + i, acc);
    }
  }
  for (int j = 0; j < num_in; ++j) {
    float* x = in[j];
    const float* d = scratch + j * stride;
    for (size_t i = 0; i < stride; i += kWidth) {
      _mm512_store_ps(x + i,
                      _mm512_add_ps(_mm512_load_ps(x + i), _mm512_load_ps(d + i)));
    }
  }
}

constexpr SgnsKernels kAvx512 = {"avx512", Dot, Axpy, DotBlock, ApplyBlock};

}  // namespace

const SgnsKernels* Avx512Kernels() { return &kAvx512; }

}  // namespace wembed
