// AVX2+FMA kernels. This file is compiled with -mavx2 -mfma and is only
// called after SelectKernels() checked the CPU. It includes no header with
// inline library code, so no AVX2 instructions leak into shared inline
// functions (ODR).
#include <immintrin.h>

#include "sgns_kernels.h"

namespace wembed {
namespace {

constexpr size_t kWidth = 8;

float HorizontalSum(__m256 v) {
  __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
  lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
  return _mm_cvtss_f32(lo);
}

float Dot(const float* __restrict x, const float* __restrict y, size_t n) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i),
                           acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + kWidth),
                           _mm256_loadu_ps(y + i + kWidth), acc1);
  }
  for (; i + kWidth <= n; i += kWidth) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i),
                           acc0);
  }
  float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += x[i] * y[i];
  return sum;
}

void Axpy(float a, const float* __restrict x, float* __restrict y, size_t n) {
  const __m256 va = _mm256_set1_ps(a);
  size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i),
                                            _mm256_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] += a * x[i];
}

// Dots of one input row against `kBlock` output rows, kBlock independent
// accumulator chains so FMA latency is hidden.
template <int kBlock>
void DotRowBlock(const float* __restrict x, const float* const* out,
                 size_t stride, float* s) {
  __m256 acc[kBlock];
  for (int b = 0; b < kBlock; ++b) acc[b] = _mm256_setzero_ps();
  for (size_t i = 0; i < stride; i += kWidth) {
    const __m256 vx = _mm256_load_ps(x + i);
    for (int b = 0; b < kBlock; ++b) {
      acc[b] = _mm256_fmadd_ps(vx, _mm256_load_ps(out[b] + i), acc[b]);
    }
  }
  for (int b = 0; b < kBlock; ++b) s[b] = HorizontalSum(acc[b]);
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
      __m256 acc = _mm256_setzero_ps();
      for (int k = 0; k < num_out; ++k) {
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gj[k]),
                              _mm256_load_ps(out[k] + i), acc);
      }
      _mm256_store_ps(d + i, acc);
    }
  }
  // out[k] += sum_j g[j][k] * in[j], from the old input rows. Rows are
  // re-loaded per k, so a repeated output row gets both increments.
  for (int k = 0; k < num_out; ++k) {
    float* y = out[k];
    for (size_t i = 0; i < stride; i += kWidth) {
      __m256 acc = _mm256_load_ps(y + i);
      for (int j = 0; j < num_in; ++j) {
        acc = _mm256_fmadd_ps(_mm256_set1_ps(g[j * num_out + k]),
                              _mm256_load_ps(in[j] + i), acc);
      }
      _mm256_store_ps(y + i, acc);
    }
  }
  for (int j = 0; j < num_in; ++j) {
    float* x = in[j];
    const float* d = scratch + j * stride;
    for (size_t i = 0; i < stride; i += kWidth) {
      _mm256_store_ps(x + i,
                      _mm256_add_ps(_mm256_load_ps(x + i), _mm256_load_ps(d + i)));
    }
  }
}

constexpr SgnsKernels kAvx2 = {"avx2", Dot, Axpy, DotBlock, ApplyBlock};

}  // namespace

const SgnsKernels* Avx2Kernels() { return &kAvx2; }

}  // namespace wembed
