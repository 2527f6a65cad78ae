// The SIMD kernels written once over a vector-traits type V, instantiated by
// sgns_kernels_avx2.cc and sgns_kernels_avx512.cc with their own instruction
// sets. Include ONLY from those files, with V defined in an anonymous
// namespace, so that each instantiation is a distinct internal symbol (no
// ODR merging of code built for different CPUs).
//
// V provides: type Reg; kWidth (floats per Reg); Zero(); Load(p) (aligned);
// LoadU(p); Store(p, r) (aligned); StoreU(p, r); Set1(x); Fma(a, b, c)
// (a * b + c); Add(a, b); Mul(a, b); Sum(r) (horizontal sum).
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

// Dots of kIn input rows against kOut output rows: kIn * kOut independent
// accumulator chains hide the FMA latency, and each loaded vector feeds
// several of them. Every pair's sum runs over the vectors in order, so the
// tiling does not change the result.
template <class V, int kIn, int kOut>
void DotTile(const float* const* in, const float* const* out, size_t stride,
             float* s, int num_out) {
  typename V::Reg acc[kIn][kOut];
  for (int a = 0; a < kIn; ++a) {
    for (int b = 0; b < kOut; ++b) acc[a][b] = V::Zero();
  }
  for (size_t i = 0; i < stride; i += V::kWidth) {
    typename V::Reg x[kIn];
    for (int a = 0; a < kIn; ++a) x[a] = V::Load(in[a] + i);
    for (int b = 0; b < kOut; ++b) {
      const typename V::Reg y = V::Load(out[b] + i);
      for (int a = 0; a < kIn; ++a) acc[a][b] = V::Fma(x[a], y, acc[a][b]);
    }
  }
  for (int a = 0; a < kIn; ++a) {
    for (int b = 0; b < kOut; ++b) s[a * num_out + b] = V::Sum(acc[a][b]);
  }
}

// kIn input rows against every output row, four at a time.
template <class V, int kIn>
void DotRows(const float* const* in, const float* const* out, int num_out,
             size_t stride, float* s) {
  int k = 0;
  for (; k + 4 <= num_out; k += 4) {
    DotTile<V, kIn, 4>(in, out + k, stride, s + k, num_out);
  }
  switch (num_out - k) {
    case 3:
      DotTile<V, kIn, 3>(in, out + k, stride, s + k, num_out);
      break;
    case 2:
      DotTile<V, kIn, 2>(in, out + k, stride, s + k, num_out);
      break;
    case 1:
      DotTile<V, kIn, 1>(in, out + k, stride, s + k, num_out);
      break;
    default:
      break;
  }
}

template <class V>
void DotBlock(const float* const* in, int num_in, const float* const* out,
              int num_out, size_t stride, float* s) {
  int j = 0;
  for (; j + 2 <= num_in; j += 2) {
    DotRows<V, 2>(in + j, out, num_out, stride, s + j * num_out);
  }
  if (j < num_in) DotRows<V, 1>(in + j, out, num_out, stride, s + j * num_out);
}

// acc[b] += coef[m * step] * rows[m][i + b * width] for b < kVecs, m < n,
// in m order: kVecs vectors of a row per broadcast coefficient.
template <class V, int kVecs>
void AccumulateRows(const float* coef, size_t step, const float* const* rows,
                    int n, size_t i, typename V::Reg* acc) {
  for (int m = 0; m < n; ++m) {
    const typename V::Reg c = V::Set1(coef[m * step]);
    const float* r = rows[m] + i;
    for (int b = 0; b < kVecs; ++b) {
      acc[b] = V::Fma(c, V::Load(r + b * V::kWidth), acc[b]);
    }
  }
}

// dst[i..] = (start ? start[i..] : 0) + sum_m coef[m * step] * rows[m][i..]
// over kVecs vectors from float i.
template <class V, int kVecs>
void CombineVecs(const float* coef, size_t step, const float* const* rows,
                 int n, const float* start, float* dst, size_t i) {
  typename V::Reg acc[kVecs];
  for (int b = 0; b < kVecs; ++b) {
    acc[b] = start ? V::Load(start + i + b * V::kWidth) : V::Zero();
  }
  AccumulateRows<V, kVecs>(coef, step, rows, n, i, acc);
  for (int b = 0; b < kVecs; ++b) V::Store(dst + i + b * V::kWidth, acc[b]);
}

// CombineVecs over a whole row, four vectors at a time.
template <class V>
void CombineRow(const float* coef, size_t step, const float* const* rows, int n,
                const float* start, float* dst, size_t stride) {
  constexpr size_t w = V::kWidth;
  size_t i = 0;
  for (; i + 4 * w <= stride; i += 4 * w) {
    CombineVecs<V, 4>(coef, step, rows, n, start, dst, i);
  }
  switch ((stride - i) / w) {
    case 3:
      CombineVecs<V, 3>(coef, step, rows, n, start, dst, i);
      break;
    case 2:
      CombineVecs<V, 2>(coef, step, rows, n, start, dst, i);
      break;
    case 1:
      CombineVecs<V, 1>(coef, step, rows, n, start, dst, i);
      break;
    default:
      break;
  }
}

template <class V>
void ApplyBlock(float* const* in, int num_in, float* const* out, int num_out,
                size_t stride, const float* g, float* scratch) {
  constexpr size_t w = V::kWidth;
  // scratch[j] = sum_k g[j][k] * out[k], from the old output rows.
  for (int j = 0; j < num_in; ++j) {
    CombineRow<V>(g + j * num_out, 1, out, num_out, nullptr,
                  scratch + j * stride, stride);
  }
  // out[k] += sum_j g[j][k] * in[j], from the old input rows. Rows are
  // re-loaded per k, so a repeated output row gets both increments.
  for (int k = 0; k < num_out; ++k) {
    CombineRow<V>(g + k, size_t(num_out), in, num_in, out[k], out[k], stride);
  }
  for (int j = 0; j < num_in; ++j) {
    float* x = in[j];
    const float* d = scratch + j * stride;
    for (size_t i = 0; i < stride; i += w) {
      V::Store(x + i, V::Add(V::Load(x + i), V::Load(d + i)));
    }
  }
}

// Same summation order as the scalar reference (no FMA), so equal to it.
template <class V>
void Average(const float* const* rows, int n, size_t stride, float scale,
             float* out) {
  const typename V::Reg s = V::Set1(scale);
  for (size_t i = 0; i < stride; i += V::kWidth) {
    typename V::Reg acc = V::Load(rows[0] + i);
    for (int j = 1; j < n; ++j) acc = V::Add(acc, V::Load(rows[j] + i));
    V::Store(out + i, V::Mul(acc, s));
  }
}

template <class V>
void ScatterAdd(const float* x, float* const* rows, int n, size_t stride) {
  for (int j = 0; j < n; ++j) {
    float* y = rows[j];
    for (size_t i = 0; i < stride; i += V::kWidth) {
      V::Store(y + i, V::Add(V::Load(y + i), V::Load(x + i)));
    }
  }
}

// One pass per block of floats over every output row: the row is loaded
// once, feeds e and takes its increment.
template <class V>
void HiddenUpdate(const float* h, float* const* out, int num_out, size_t stride,
                  const float* g, float* e) {
  for (size_t i = 0; i < stride; i += V::kWidth) {
    const typename V::Reg vh = V::Load(h + i);
    typename V::Reg acc = V::Zero();
    for (int k = 0; k < num_out; ++k) {
      const typename V::Reg gk = V::Set1(g[k]);
      const typename V::Reg y = V::Load(out[k] + i);
      acc = V::Fma(gk, y, acc);
      V::Store(out[k] + i, V::Fma(gk, vh, y));
    }
    V::Store(e + i, acc);
  }
}

}  // namespace wembed::simd

#endif  // WEMBED_SRC_TRAIN_SGNS_KERNELS_SIMD_H_
