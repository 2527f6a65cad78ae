// Run by MpiCliTest under `mpirun -np N`: MpiRankGroup::AverageFloats on
// buffers of several sizes (empty, fewer floats than ranks, uneven
// blocks) gives every rank the same bits, equal to the documented order:
// element i of block b is (((x_b + x_{b+1}) + ...) + x_{b-1}) / N over the
// ranks' inputs in ring order from b. Each rank can compute every rank's
// input (a fixed function of rank and index), so each checks the whole
// result itself. Prints "ok" on rank 0 and exits 0, else one line and 1.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "wembed/dist/mpi_rank_group.h"

namespace {

// Rank r's input at index i: values whose sums round differently in
// different orders.
float Input(int rank, size_t i) {
  return std::ldexp(1.0f + float((i * 7919 + size_t(rank) * 104729) % 1000) /
                               1000.0f,
                    int((i + size_t(rank) * 3) % 40) - 20);
}

// The expected average of index i of `count` over `size` ranks.
float Expected(size_t count, int size, size_t i) {
  int block = 0;
  while (count * size_t(block + 1) / size_t(size) <= i) ++block;
  float sum = Input(block, i);
  for (int k = 1; k < size; ++k) sum = Input((block + k) % size, i) + sum;
  return sum * (1.0f / float(size));
}

}  // namespace

int main() {
  auto group = wembed::MpiRankGroup::Create();
  if (!group.ok()) {
    std::fprintf(stderr, "%s\n", group.status().message().c_str());
    return 1;
  }
  wembed::MpiRankGroup& g = **group;
  for (size_t count : {size_t{0}, size_t{1}, size_t{2}, size_t{7},
                       size_t{1000}, size_t{100003}}) {
    std::vector<float> data(count);
    for (size_t i = 0; i < count; ++i) data[i] = Input(g.rank(), i);
    const wembed::Status st = g.AverageFloats(data.data(), count);
    if (!st.ok()) {
      std::fprintf(stderr, "rank %d: %s\n", g.rank(), st.message().c_str());
      return 1;
    }
    for (size_t i = 0; i < count; ++i) {
      const float want = Expected(count, g.size(), i);
      if (std::memcmp(&data[i], &want, sizeof want) != 0) {
        std::fprintf(stderr, "rank %d: count %zu index %zu: %a, want %a\n",
                     g.rank(), count, i, double(data[i]), double(want));
        return 1;
      }
    }
  }
  if (g.rank() == 0) std::printf("ok\n");
  return 0;
}
