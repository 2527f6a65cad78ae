// The cost of one sync's collective per buffer size, for the cost model in
// docs/distributed.md: MpiRankGroup::AverageFloats (what the trainer calls:
// bitwise identical on every rank) next to a plain MPI_Allreduce(MPI_SUM)
// of the same buffer (the fastest the MPI build offers, with no guarantee
// of identical results), and SumU64 of a sync's 5 counts (its latency).
//
// Usage: mpirun -np N wembed_mpi_allreduce_bench [--repeats R]
//        [--max-mib M]
// Rank 0 prints one Markdown row per size: bytes, median microseconds of
// each call over R repeats (after a warm-up), and the buffer's bytes per
// second of the median.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "wembed/dist/mpi_rank_group.h"

namespace {

using Clock = std::chrono::steady_clock;

// Median seconds of `repeats` calls of `call`, each started together on
// every rank (a barrier first) and timed as the slowest rank saw it.
double MedianSeconds(int repeats, const std::function<bool()>& call) {
  std::vector<double> times;
  for (int r = 0; r <= repeats; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const Clock::time_point begin = Clock::now();
    if (!call()) return -1;
    double seconds =
        std::chrono::duration<double>(Clock::now() - begin).count();
    MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX,
                  MPI_COMM_WORLD);
    if (r > 0) times.push_back(seconds);  // r == 0 warms up
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2,
                   times.end());
  return times[times.size() / 2];
}

struct Args {
  int repeats = 21;
  size_t max_bytes = size_t{64} << 20;
};

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const long value = std::strtol(argv[i + 1], nullptr, 10);
    if (value <= 0) return false;
    if (flag == "--repeats") {
      args->repeats = int(value);
    } else if (flag == "--max-mib") {
      args->max_bytes = size_t(value) << 20;
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: mpirun -np N %s [--repeats R] [--max-mib M]\n",
                 argv[0]);
    return 2;
  }
  auto group = wembed::MpiRankGroup::Create();
  if (!group.ok()) {
    std::fprintf(stderr, "%s\n", group.status().message().c_str());
    return 1;
  }
  wembed::MpiRankGroup& g = **group;
  if (g.rank() == 0) {
    std::printf("ranks %d, median of %d\n\n", g.size(), args.repeats);
    std::printf("| bytes | AverageFloats us | GB/s | MPI_Allreduce us "
                "| GB/s |\n|---|---|---|---|---|\n");
  }
  for (size_t bytes = 1024; bytes <= args.max_bytes; bytes *= 4) {
    std::vector<float> data(bytes / sizeof(float), 1.0f + float(g.rank()));
    const double average = MedianSeconds(args.repeats, [&] {
      return g.AverageFloats(data.data(), data.size()).ok();
    });
    const double allreduce = MedianSeconds(args.repeats, [&] {
      return MPI_Allreduce(MPI_IN_PLACE, data.data(), int(data.size()),
                           MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD) == MPI_SUCCESS;
    });
    if (average < 0 || allreduce < 0) {
      std::fprintf(stderr, "a collective failed at %zu bytes\n", bytes);
      return 1;
    }
    if (g.rank() == 0) {
      std::printf("| %zu | %.1f | %.2f | %.1f | %.2f |\n", bytes,
                  average * 1e6, double(bytes) / average / 1e9,
                  allreduce * 1e6, double(bytes) / allreduce / 1e9);
    }
  }
  uint64_t counts[5] = {0, 0, 0, 0, 1};
  const double sum = MedianSeconds(args.repeats, [&] {
    return g.SumU64(counts, 5).ok();
  });
  if (g.rank() == 0) std::printf("\nSumU64 of 5 counts: %.1f us\n", sum * 1e6);
  return 0;
}
