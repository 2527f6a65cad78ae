#include "wembed/eval/nearest_neighbors.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "eval/score_kernels.h"

namespace wembed {
namespace {

std::vector<std::string> TakeWords(Embeddings& e) { return std::move(e.words); }

Matrix TakeNormalized(Embeddings& e) {
  Matrix m = std::move(e.vectors);
  m.NormalizeRows();
  return m;
}

}  // namespace

NearestNeighbors::NearestNeighbors(Embeddings embeddings, bool case_sensitive)
    : words_(TakeWords(embeddings)),
      vectors_(TakeNormalized(embeddings)),
      exact_(words_, words_.size(), /*case_sensitive=*/true),
      folded_(words_, case_sensitive ? 0 : words_.size(),
              /*case_sensitive=*/false),
      case_sensitive_(case_sensitive) {}

int32_t NearestNeighbors::Find(std::string_view word) const {
  const int32_t r = exact_.Find(word);
  if (r >= 0 || case_sensitive_) return r;
  return folded_.Find(word);
}

std::vector<Neighbor> NearestNeighbors::Similar(int32_t row, size_t k) const {
  const int32_t ex[] = {row};
  return Nearest(vectors_.row(row), k, ex);
}

std::vector<Neighbor> NearestNeighbors::Analogy(int32_t a, int32_t b, int32_t c,
                                                size_t k) const {
  const size_t dim = vectors_.cols();
  std::vector<float> q(dim);
  const float* va = vectors_.row(a);
  const float* vb = vectors_.row(b);
  const float* vc = vectors_.row(c);
  for (size_t i = 0; i < dim; ++i) q[i] = (vb[i] - va[i]) + vc[i];
  const int32_t ex[] = {a, b, c};
  return Nearest(q.data(), k, ex);
}

std::vector<float> NearestNeighbors::Cosines(const float* query,
                                             size_t limit) const {
  const size_t n =
      limit == 0 ? vectors_.rows() : std::min(limit, vectors_.rows());
  const size_t dim = vectors_.cols();
  const size_t stride = vectors_.stride();
  if (n == 0) return {};
  // Unit query, zero-padded to the row stride.
  Matrix q(1, dim);
  double norm = 0;
  for (size_t i = 0; i < dim; ++i) norm += double(query[i]) * query[i];
  // A query of denormal norm is a zero query (as in Matrix::NormalizeRows).
  norm = std::sqrt(norm);
  const float inv =
      norm >= std::numeric_limits<float>::min() && !std::isinf(norm)
          ? float(1.0 / norm)
          : 0.0f;
  for (size_t i = 0; i < dim; ++i) q.row(0)[i] = query[i] * inv;

  std::vector<float> scores(n);
  const ScoreKernels& kernels = BestScoreKernels();
  constexpr size_t kChunk = 4096;
  const long chunks = static_cast<long>((n + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static) if (n > 4 * kChunk)
  for (long ci = 0; ci < chunks; ++ci) {
    const size_t r0 = static_cast<size_t>(ci) * kChunk;
    const size_t rn = std::min(kChunk, n - r0);
    kernels.mat_vec(vectors_.row(r0), rn, stride, q.row(0), stride,
                    scores.data() + r0);
  }
  return scores;
}

std::vector<Neighbor> NearestNeighbors::Nearest(
    const float* query, size_t k, std::span<const int32_t> exclude,
    size_t limit) const {
  if (vectors_.rows() == 0 || k == 0) return {};
  const std::vector<float> scores = Cosines(query, limit);
  const size_t n = scores.size();
  std::vector<char> skip;
  for (int32_t r : exclude) {
    if (r >= 0 && static_cast<size_t>(r) < n) {
      if (skip.empty()) skip.assign(n, 0);
      skip[r] = 1;
    }
  }
  // Keep the k best in a min-heap ordered by (score, -row).
  auto better = [](const Neighbor& x, const Neighbor& y) {
    return x.cosine != y.cosine ? x.cosine > y.cosine : x.row < y.row;
  };
  std::vector<Neighbor> heap;
  heap.reserve(k + 1);
  for (size_t r = 0; r < n; ++r) {
    if (!skip.empty() && skip[r]) continue;
    const Neighbor cand{static_cast<int32_t>(r), scores[r]};
    if (heap.size() < k) {
      heap.push_back(cand);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(cand, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = cand;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  }
  std::sort(heap.begin(), heap.end(), better);
  return heap;
}

}  // namespace wembed
