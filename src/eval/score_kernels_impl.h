// Body of the score kernels, compiled once per instruction set: included
// inside a distinct namespace by score_kernels.cc (portable flags) and
// score_kernels_avx2.cc (-mavx2 -mfma). Uses GCC/Clang vector extensions;
// no include guard on purpose, and no includes (the includer provides
// <cstddef> and <cstring>).

typedef float V8 __attribute__((vector_size(32)));

inline V8 LoadV8(const float* p) {
  V8 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline void StoreV8(float* p, V8 v) { std::memcpy(p, &v, sizeof(v)); }

inline float SumV8(V8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// 6 x 16 register tile: 12 accumulators, one broadcast and two loads per k.
void GemmAbt(const float* a, size_t m, size_t lda, const float* bt, size_t nb,
             size_t dim, float* s) {
  for (size_t j = 0; j < nb; j += 16) {
    for (size_t i = 0; i < m; i += 6) {
      const float* a0 = a + i * lda;
      const float* a1 = a0 + lda;
      const float* a2 = a1 + lda;
      const float* a3 = a2 + lda;
      const float* a4 = a3 + lda;
      const float* a5 = a4 + lda;
      V8 c00 = {}, c01 = {}, c10 = {}, c11 = {}, c20 = {}, c21 = {};
      V8 c30 = {}, c31 = {}, c40 = {}, c41 = {}, c50 = {}, c51 = {};
      const float* b = bt + j;
      for (size_t k = 0; k < dim; ++k, b += nb) {
        const V8 b0 = LoadV8(b);
        const V8 b1 = LoadV8(b + 8);
        float x = a0[k];
        c00 += x * b0;
        c01 += x * b1;
        x = a1[k];
        c10 += x * b0;
        c11 += x * b1;
        x = a2[k];
        c20 += x * b0;
        c21 += x * b1;
        x = a3[k];
        c30 += x * b0;
        c31 += x * b1;
        x = a4[k];
        c40 += x * b0;
        c41 += x * b1;
        x = a5[k];
        c50 += x * b0;
        c51 += x * b1;
      }
      float* out = s + i * nb + j;
      StoreV8(out, c00);
      StoreV8(out + 8, c01);
      out += nb;
      StoreV8(out, c10);
      StoreV8(out + 8, c11);
      out += nb;
      StoreV8(out, c20);
      StoreV8(out + 8, c21);
      out += nb;
      StoreV8(out, c30);
      StoreV8(out + 8, c31);
      out += nb;
      StoreV8(out, c40);
      StoreV8(out + 8, c41);
      out += nb;
      StoreV8(out, c50);
      StoreV8(out + 8, c51);
    }
  }
}

void MatVec(const float* m, size_t rows, size_t stride, const float* q,
            size_t n, float* out) {
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float* m0 = m + r * stride;
    const float* m1 = m0 + stride;
    const float* m2 = m1 + stride;
    const float* m3 = m2 + stride;
    V8 s0 = {}, s1 = {}, s2 = {}, s3 = {};
    for (size_t k = 0; k < n; k += 8) {
      const V8 x = LoadV8(q + k);
      s0 += LoadV8(m0 + k) * x;
      s1 += LoadV8(m1 + k) * x;
      s2 += LoadV8(m2 + k) * x;
      s3 += LoadV8(m3 + k) * x;
    }
    out[r] = SumV8(s0);
    out[r + 1] = SumV8(s1);
    out[r + 2] = SumV8(s2);
    out[r + 3] = SumV8(s3);
  }
  for (; r < rows; ++r) {
    const float* m0 = m + r * stride;
    V8 s0 = {};
    for (size_t k = 0; k < n; k += 8) s0 += LoadV8(m0 + k) * LoadV8(q + k);
    out[r] = SumV8(s0);
  }
}

inline V8 MaxV8(V8 a, V8 b) { return a > b ? a : b; }

inline float HorizontalMax(V8 v) {
  float m = v[0];
  for (int l = 1; l < 8; ++l) m = v[l] > m ? v[l] : m;
  return m;
}

float MaxAdd(const float* sa, const float* sb, const float* sc, size_t n) {
  const float kLow = -3.0e38f;
  V8 m0 = {kLow, kLow, kLow, kLow, kLow, kLow, kLow, kLow};
  V8 m1 = m0;
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    m0 = MaxV8(m0, (LoadV8(sb + j) - LoadV8(sa + j)) + LoadV8(sc + j));
    m1 = MaxV8(m1,
               (LoadV8(sb + j + 8) - LoadV8(sa + j + 8)) + LoadV8(sc + j + 8));
  }
  float m = HorizontalMax(MaxV8(m0, m1));
  for (; j < n; ++j) {
    const float v = (sb[j] - sa[j]) + sc[j];
    m = v > m ? v : m;
  }
  return m;
}

float MaxMul(const float* sa, const float* sb, const float* sc, size_t n,
             float eps) {
  const float kLow = -3.0e38f;
  V8 m0 = {kLow, kLow, kLow, kLow, kLow, kLow, kLow, kLow};
  const V8 one = {1, 1, 1, 1, 1, 1, 1, 1};
  const V8 half = one * 0.5f;
  const V8 e = one * eps;
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const V8 a = (LoadV8(sa + j) + one) * half;
    const V8 b = (LoadV8(sb + j) + one) * half;
    const V8 c = (LoadV8(sc + j) + one) * half;
    m0 = MaxV8(m0, (b * c) / (a + e));
  }
  float m = HorizontalMax(m0);
  for (; j < n; ++j) {
    const float v = ((sb[j] + 1.0f) * 0.5f) * ((sc[j] + 1.0f) * 0.5f) /
                    ((sa[j] + 1.0f) * 0.5f + eps);
    m = v > m ? v : m;
  }
  return m;
}
