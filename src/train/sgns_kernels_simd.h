// The SIMD kernels written once over a vector-traits type V, instantiated by
// sgns_kernels_avx2.cc and sgns_kernels_avx512.cc with their own instruction
// sets. Include ONLY from those files, with V defined in an anonymous
// namespace, so that each instantiation is a distinct internal symbol (no
// ODR merging of code built for different CPUs).
//
// V provides: type Reg; kWidth (floats per Reg); Zero(); Load(p) (aligned);
// LoadU(p); Store(p, r) (aligned); StoreU(p, r); Set1(x); Fma(a, b, c)
// (a * b + c); Add(a, b); Sum(r) (horizontal sum).
#ifndef WEMBED_SRC_TRAIN_SGNS_KERNELS_SIMD_H_
#define WEMBED_SRC_TRAIN_SGNS_KERNELS_SIMD_H_

#include <cstddef>

namespace wembed::simd {

template <class V>
float Dot(const float* __restrict x, const float* __restrict y, size_t n) {
  constexpr size_t w = V::kWidth;
  typename V::Reg acc0 = V::Zero(), acc1 = V::Zero();
  size_t i = 0;
  for (; i + 2 * w <= n; i += 2 * w) {
    acc0 = V::Fma(V::LoadU(x + i), V::LoadU(y + i), acc0);
    acc1 = V::Fma(V::LoadU(x + i + w), V::LoadU(y + i + w), acc1);
  }
  for (; i + w <= n; i += w)
    acc0 = V::Fma(V::LoadU(x + i), V::LoadU(y + i), acc0);
  float sum = V::Sum(V::Add(acc0, acc1));
  for (; i < n; ++i) sum += x[i] * y[i];
  return sum;
}

template <class V>
void Axpy(float a, const float* __restrict x, float* __restrict y, size_t n) {
  constexpr size_t w = V::kWidth;
  const typename V::Reg va = V::Set1(a);
  size_t i = 0;
  for (; i + w <= n; i += w) {
    V::StoreU(y + i, V::Fma(va, V::LoadU(x + i), V::LoadU(y + i)));
  }
  for (; i < n; ++i) y[i] += a * x[i];
}

// Dots of one input row against kBlock output rows: kBlock independent
// accumulator chains hide the FMA latency.
template <class V, int kBlock>
void DotRowBlock(const float* __restrict x, const float* const* out,
                 size_t stride, float* s) {
  typename V::Reg acc[kBlock];
  for (int b = 0; b < kBlock; ++b) acc[b] = V::Zero();
  for (size_t i = 0; i < stride; i += V::kWidth) {
    const typename V::Reg vx = V::Load(x + i);
    for (int b = 0; b < kBlock; ++b) {
      acc[b] = V::Fma(vx, V::Load(out[b] + i), acc[b]);
    }
  }
  for (int b = 0; b < kBlock; ++b) s[b] = V::Sum(acc[b]);
}

template <class V>
void DotBlock(const float* const* in, int num_in, const float* const* out,
              int num_out, size_t stride, float* s) {
  for (int j = 0; j < num_in; ++j) {
    const float* x = in[j];
    float* row = s + j * num_out;
    int k = 0;
    for (; k + 4 <= num_out; k += 4) {
      DotRowBlock<V, 4>(x, out + k, stride, row + k);
    }
    switch (num_out - k) {
      case 3:
        DotRowBlock<V, 3>(x, out + k, stride, row + k);
        break;
      case 2:
        DotRowBlock<V, 2>(x, out + k, stride, row + k);
        break;
      case 1:
        DotRowBlock<V, 1>(x, out + k, stride, row + k);
        break;
      default:
        break;
    }
  }
}

template <class V>
void ApplyBlock(float* const* in, int num_in, float* const* out, int num_out,
                size_t stride, const float* g, float* scratch) {
  constexpr size_t w = V::kWidth;
  // scratch[j] = sum_k g[j][k] * out[k], from the old output rows.
  for (int j = 0; j < num_in; ++j) {
    float* __restrict d = scratch + j * stride;
    const float* gj = g + j * num_out;
    for (size_t i = 0; i < stride; i += w) {
      typename V::Reg acc = V::Zero();
      for (int k = 0; k < num_out; ++k) {
        acc = V::Fma(V::Set1(gj[k]), V::Load(out[k] + i), acc);
      }
      V::Store(d + i, acc);
    }
  }
  // out[k] += sum_j g[j][k] * in[j], from the old input rows. Rows are
  // re-loaded per k, so a repeated output row gets both increments.
  for (int k = 0; k < num_out; ++k) {
    float* y = out[k];
    for (size_t i = 0; i < stride; i += w) {
      typename V::Reg acc = V::Load(y + i);
      for (int j = 0; j < num_in; ++j) {
        acc = V::Fma(V::Set1(g[j * num_out + k]), V::Load(in[j] + i), acc);
      }
      V::Store(y + i, acc);
    }
  }
  for (int j = 0; j < num_in; ++j) {
    float* x = in[j];
    const float* d = scratch + j * stride;
    for (size_t i = 0; i < stride; i += w) {
      V::Store(x + i, V::Add(V::Load(x + i), V::Load(d + i)));
    }
  }
}

}  // namespace wembed::simd

#endif  // WEMBED_SRC_TRAIN_SGNS_KERNELS_SIMD_H_
