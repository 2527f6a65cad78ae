#!/usr/bin/env python3
"""The cost model of docs/distributed.md: words/s of `mpirun -np N wembed
train` from a node's measured speed and the cost of one sync round.

Each rank trains T x 65,536 words between two syncs (T its threads), then
sends and receives the rows the schedule names for that sync
(src/train/model_sync.h: the hottest HOT_ROWS and one slice of each colder
tier, about the same number every sync), packed as dim floats per row of
both matrices.
One interval on a rank takes

  compute  = T x 65,536 / S                 (S: one rank's words/s alone)
  merge    = B x 3 / M                      (sum of changes, apply, copy
                                             back: three passes over the
                                             buffer at M bytes/s)
  collective(B, N)                           (the allreduce of B bytes)

where B is the schedule's mean buffer over an epoch's syncs. The group
trains N x T x 65,536 words per interval:

  words/s(N) = N x T x 65,536 / (compute + merge + collective(B, N))

collective(B, N) comes from a table measured on this machine
(build/wembed_mpi_allreduce_bench, interpolated in log-log) or, for a
network, from the bandwidth-optimal allreduce (reduce-scatter then
allgather): 2 ceil(log2 N) alpha + 2 (N - 1) / N x B / beta.

Usage:
  scripts/cost_model.py --words-per-sec S [--threads T] [--vocab V]
      [--dim D] [--tokens N] [--merge-gbps M] [--measured TABLE]
      [--ranks "2 4"] [--cores C]
  --measured TABLE: the bench's Markdown output; with it the script
  predicts this machine's --ranks runs (ranks beyond --cores share them,
  so each runs at S x cores / ranks); without it, 8, 32 and 128 nodes on
  10 and 100 Gb/s networks.
"""
import argparse
import math
import sys

SYNC_EVERY_WORDS = 1 << 16
HOT_ROWS = 1024
NETWORKS = [  # name, alpha (s per message), beta (bytes/s)
    ("10 Gb/s Ethernet (TCP, alpha 30 us)", 30e-6, 10e9 / 8),
    ("100 Gb/s InfiniBand (RDMA, alpha 3 us)", 3e-6, 100e9 / 8),
]


def rows_at(k, vocab, full, syncs_per_epoch):
    """Rows of each matrix sync k merges (SyncSchedule::RanksAt): every row
    if full, else the HOT_ROWS hottest plus slice k mod 2^z of each tier
    z >= 1, the ranks [HOT_ROWS 2^(z-1), HOT_ROWS 2^z) cut into 2^z, for
    the tiers with 2^z < syncs_per_epoch (the others wait for the full
    sync at the epoch's end)."""
    if full:
        return vocab
    rows = min(HOT_ROWS, vocab)
    lo, m = HOT_ROWS, 2
    while lo < vocab and m < syncs_per_epoch:
        span = min(2 * lo, vocab) - lo
        s = k % m
        rows += span * (s + 1) // m - span * s // m
        lo, m = 2 * lo, 2 * m
    return rows


def mean_buffer_bytes(vocab, dim, syncs_per_epoch):
    """Mean bytes per sync over one epoch's syncs k = 1..K (the last full)."""
    total = 0
    for k in range(1, syncs_per_epoch + 1):
        rows = rows_at(k, vocab, k == syncs_per_epoch, syncs_per_epoch)
        total += 2 * rows * dim * 4  # input and output rows
    return total / syncs_per_epoch


def read_measured(path):
    """bytes -> seconds of AverageFloats, from the bench's table rows."""
    table = {}
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 2 and cells[0].isdigit():
                table[int(cells[0])] = float(cells[1]) * 1e-6
    if len(table) < 2:
        sys.exit("cost_model: no measured rows in %s" % path)
    return table


def interpolate(table, size):
    """Log-log interpolation (linear extrapolation beyond the ends)."""
    sizes = sorted(table)
    lo, hi = sizes[0], sizes[1]
    for a, b in zip(sizes, sizes[1:]):
        lo, hi = a, b
        if size <= b:
            break
    slope = math.log(table[hi] / table[lo]) / math.log(hi / lo)
    return table[lo] * (size / lo) ** slope


def network_allreduce(size, ranks, alpha, beta):
    steps = math.ceil(math.log2(ranks)) if ranks > 1 else 0
    return 2 * steps * alpha + 2 * (ranks - 1) / ranks * size / beta


def predict(args, ranks, speed, collective):
    interval_words = args.threads * SYNC_EVERY_WORDS
    syncs = max(1, args.tokens // (ranks * interval_words))
    size = mean_buffer_bytes(args.vocab, args.dim, syncs)
    compute = interval_words / speed
    merge = 3 * size / (args.merge_gbps * 1e9)
    sync = merge + collective(size, ranks)
    return ranks * interval_words / (compute + sync), size, sync / (
        compute + sync)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--words-per-sec", type=float, required=True,
                   help="one rank's (node's) words/s training alone")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--vocab", type=int, default=90124)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--tokens", type=int, default=33940682)
    p.add_argument("--merge-gbps", type=float, default=5.0)
    p.add_argument("--measured")
    p.add_argument("--ranks", default="2 4")
    p.add_argument("--cores", type=int, default=2)
    args = p.parse_args()
    print("| ranks | network | mean buffer MB | sync share | words/s |")
    print("|---|---|---|---|---|")
    if args.measured:
        table = read_measured(args.measured)
        for ranks in [int(r) for r in args.ranks.split()]:
            speed = args.words_per_sec * min(1.0, args.cores / ranks)
            rate, size, share = predict(
                args, ranks, speed, lambda b, n: interpolate(table, b))
            print("| %d | this machine | %.2f | %.1f%% | %.0fk |" %
                  (ranks, size / 1e6, share * 100, rate / 1e3))
        return
    for name, alpha, beta in NETWORKS:
        for ranks in (8, 32, 128):
            rate, size, share = predict(
                args, ranks, args.words_per_sec,
                lambda b, n: network_allreduce(b, n, alpha, beta))
            print("| %d | %s | %.2f | %.1f%% | %.0fk |" %
                  (ranks, name, size / 1e6, share * 100, rate / 1e3))


if __name__ == "__main__":
    main()
