#include "train/sgns_kernels.h"

namespace wembed {
namespace {

float DotScalar(const float* __restrict x, const float* __restrict y,
                size_t n) {
  float sum = 0;
  for (size_t i = 0; i < n; ++i) sum += x[i] * y[i];
  return sum;
}

void AxpyScalar(float a, const float* __restrict x, float* __restrict y,
                size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void DotBlockScalar(const float* const* in, int num_in, const float* const* out,
                    int num_out, size_t stride, float* s) {
  for (int j = 0; j < num_in; ++j) {
    for (int k = 0; k < num_out; ++k) {
      s[j * num_out + k] = DotScalar(in[j], out[k], stride);
    }
  }
}

void ApplyBlockScalar(float* const* in, int num_in, float* const* out,
                      int num_out, size_t stride, const float* g,
                      float* scratch) {
  for (int j = 0; j < num_in; ++j) {
    float* __restrict d = scratch + j * stride;
    for (size_t i = 0; i < stride; ++i) d[i] = 0;
    for (int k = 0; k < num_out; ++k) {
      AxpyScalar(g[j * num_out + k], out[k], d, stride);
    }
  }
  for (int k = 0; k < num_out; ++k) {
    for (int j = 0; j < num_in; ++j) {
      AxpyScalar(g[j * num_out + k], in[j], out[k], stride);
    }
  }
  for (int j = 0; j < num_in; ++j) {
    AxpyScalar(1.0f, scratch + j * stride, in[j], stride);
  }
}

void AverageScalar(const float* const* rows, int n, size_t stride, float scale,
                   float* __restrict out) {
  for (size_t i = 0; i < stride; ++i) {
    float sum = rows[0][i];
    for (int j = 1; j < n; ++j) sum += rows[j][i];
    out[i] = sum * scale;
  }
}

void ScatterAddScalar(const float* __restrict x, float* const* rows, int n,
                      size_t stride) {
  for (int j = 0; j < n; ++j) AxpyScalar(1.0f, x, rows[j], stride);
}

void HiddenUpdateScalar(const float* __restrict h, float* const* out,
                        int num_out, size_t stride, const float* g,
                        float* __restrict e) {
  for (size_t i = 0; i < stride; ++i) e[i] = 0;
  for (int k = 0; k < num_out; ++k) {
    float* y = out[k];
    for (size_t i = 0; i < stride; ++i) {
      e[i] += g[k] * y[i];
      y[i] += g[k] * h[i];
    }
  }
}

constexpr SgnsKernels kScalar = {
    "scalar",         DotScalar,     AxpyScalar,       DotBlockScalar,
    ApplyBlockScalar, AverageScalar, ScatterAddScalar, HiddenUpdateScalar};

}  // namespace

const SgnsKernels& ScalarKernels() { return kScalar; }

const SgnsKernels& SelectKernels(KernelIsa isa) {
  __builtin_cpu_init();
  const bool has_avx512 =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
  const bool has_avx2 =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if ((isa == KernelIsa::kAuto || isa == KernelIsa::kAvx512) && has_avx512 &&
      Avx512Kernels() != nullptr) {
    return *Avx512Kernels();
  }
  if ((isa == KernelIsa::kAuto || isa == KernelIsa::kAvx512 ||
       isa == KernelIsa::kAvx2) &&
      has_avx2 && Avx2Kernels() != nullptr) {
    return *Avx2Kernels();
  }
  return kScalar;
}

}  // namespace wembed
