// Rng: xoshiro256+ (Blackman & Vigna), a fast 64-bit generator whose whole
// state is four words, so a checkpoint can store and restore it exactly.
// Not thread-safe: one instance per thread.
#ifndef WEMBED_SRC_BASE_RNG_H_
#define WEMBED_SRC_BASE_RNG_H_

#include <cstdint>

namespace wembed {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { Seed(seed); }

  // Expands `seed` with splitmix64 so that nearby seeds give unrelated
  // streams and the state is never all zero.
  void Seed(uint64_t seed) {
    for (uint64_t& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = state_[0] + state_[3];
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = (state_[3] << 45) | (state_[3] >> 19);
    return result;
  }

  // Uniform in [0, n) (multiply-shift; bias < n / 2^32, negligible here).
  uint32_t Below(uint32_t n) {
    return uint32_t(((Next() >> 32) * uint64_t(n)) >> 32);
  }
  // Uniform in [0, 1).
  float UniformFloat() { return float(Next() >> 40) * (1.0f / 16777216.0f); }

  void GetState(uint64_t out[4]) const {
    for (int i = 0; i < 4; ++i) out[i] = state_[i];
  }
  void SetState(const uint64_t in[4]) {
    for (int i = 0; i < 4; ++i) state_[i] = in[i];
  }

 private:
  uint64_t state_[4];
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_RNG_H_
