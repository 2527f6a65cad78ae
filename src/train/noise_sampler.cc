#include "train/noise_sampler.h"

#include <cmath>

namespace wembed {

NoiseSampler::NoiseSampler(const std::vector<uint64_t>& counts, double exponent)
    : size_(counts.size()), cells_(counts.size()), probability_(counts.size()) {
  double total = 0;
  for (size_t i = 0; i < size_; ++i) {
    probability_[i] = std::pow(double(counts[i]), exponent);
    total += probability_[i];
  }
  for (double& p : probability_) p /= total;

  // Vose's alias construction on scaled probabilities p * n.
  std::vector<double> scaled(size_);
  std::vector<int32_t> small, large;
  for (size_t i = 0; i < size_; ++i) {
    scaled[i] = probability_[i] * double(size_);
    (scaled[i] < 1.0 ? small : large).push_back(int32_t(i));
  }
  constexpr double kTwo32 = 4294967296.0;
  auto set_cell = [&](int32_t i, double keep, int32_t alias) {
    const double t = std::floor(keep * kTwo32);
    cells_[i].threshold = t >= kTwo32 - 1 ? 0xffffffffu : uint32_t(t);
    cells_[i].alias = alias;
  };
  while (!small.empty() && !large.empty()) {
    const int32_t s = small.back();
    small.pop_back();
    const int32_t l = large.back();
    set_cell(s, scaled[s], l);
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding: always keep.
  for (int32_t i : large) set_cell(i, 1.0, i);
  for (int32_t i : small) set_cell(i, 1.0, i);
}

}  // namespace wembed
