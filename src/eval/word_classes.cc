// k-means word classes (see include/wembed/eval/word_classes.h). Scores of
// words against centers come from the evaluators' GEMM kernel; every
// parallel loop computes per-word or per-class results whose arithmetic does
// not depend on the thread that runs it, and every reduction (k-means++
// weights, centers, inertia) runs serially or per class in word order, so
// the result is the same for any thread count.
#include "wembed/eval/word_classes.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <utility>

#include "base/atomic_file_writer.h"
#include "base/rng.h"
#include "eval/score_kernels.h"

namespace wembed {
namespace {

// Words scored per GEMM call (a multiple of kGemmRows).
constexpr size_t kChunkRows = 8 * kGemmRows;

size_t RoundUp(size_t n, size_t m) { return (n + m - 1) / m * m; }

double UniformDouble(Rng& rng) {
  return double(rng.Next() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

class KMeans {
 public:
  KMeans(const Matrix& vectors, const WordClassOptions& options)
      : options_(options),
        n_(vectors.rows()),
        k_(size_t(options.classes)),
        kpad_(RoundUp(k_, kGemmCols)),
        threads_(options.threads > 0 ? options.threads : omp_get_max_threads()),
        kernels_(BestScoreKernels()),
        x_(RoundUp(n_, kChunkRows), vectors.cols()),
        norm2_(n_),
        centers_(k_, vectors.cols()),
        ct_(vectors.cols(), kpad_),
        center_norm2_(k_),
        class_of_(n_, -1),
        distance_(n_, 0) {
    for (size_t r = 0; r < n_; ++r) {
      std::copy(vectors.row(r), vectors.row(r) + x_.stride(), x_.row(r));
    }
    x_.NormalizeRows();
    for (size_t r = 0; r < n_; ++r) norm2_[r] = SquaredNorm(x_.row(r));
  }

  WordClasses Run() {
    WordClasses out;
    SeedCenters();
    for (int it = 1; it <= options_.iterations; ++it) {
      const size_t changed = Assign() + FillEmptyClasses();
      if (options_.on_iteration) options_.on_iteration(it, changed);
      UpdateCenters();
      out.iterations = it;
      if (it > 1 && changed == 0) {
        out.converged = true;
        break;
      }
    }
    out.sizes = Sizes();
    for (size_t r = 0; r < n_; ++r) out.inertia += distance_[r];
    out.class_of = std::move(class_of_);
    out.centers = std::move(centers_);
    return out;
  }

 private:
  float SquaredNorm(const float* v) const {
    float s = 0;
    for (size_t c = 0; c < x_.cols(); ++c) s += v[c] * v[c];
    return s;
  }

  // Center c := row r; refreshes its squared norm.
  void SetCenter(size_t c, const float* row) {
    std::copy(row, row + x_.stride(), centers_.row(c));
    center_norm2_[c] = SquaredNorm(centers_.row(c));
  }

  // k-means++: the first center uniformly, each next one with probability
  // proportional to the squared distance to the nearest chosen center.
  void SeedCenters() {
    Rng rng(options_.seed);
    std::vector<float> d2(n_, std::numeric_limits<float>::infinity());
    std::vector<char> chosen(n_, 0);
    size_t pick = rng.Below(uint32_t(n_));
    for (size_t c = 0; c < k_; ++c) {
      if (c > 0) pick = DrawProportional(d2, chosen, rng);
      chosen[pick] = 1;
      SetCenter(c, x_.row(pick));
      LowerDistances(c, &d2);
    }
  }

  // A row drawn with probability d2[r] / sum(d2) (summed in row order); the
  // first row not chosen yet when every distance is 0.
  size_t DrawProportional(const std::vector<float>& d2,
                          const std::vector<char>& chosen, Rng& rng) const {
    double total = 0;
    for (float d : d2) total += d;
    if (total > 0) {
      const double target = UniformDouble(rng) * total;
      double sum = 0;
      size_t last_positive = 0;
      for (size_t r = 0; r < n_; ++r) {
        if (d2[r] <= 0) continue;
        sum += d2[r];
        last_positive = r;
        if (sum > target) return r;
      }
      return last_positive;  // rounding at the very end
    }
    for (size_t r = 0; r < n_; ++r) {
      if (!chosen[r]) return r;
    }
    return 0;
  }

  // d2[r] = min(d2[r], |x_r - center c|^2) for every row.
  void LowerDistances(size_t c, std::vector<float>* d2) const {
    const long chunks = long(x_.rows() / kChunkRows);
#pragma omp parallel for schedule(static) num_threads(threads_)
    for (long ci = 0; ci < chunks; ++ci) {
      float dots[kChunkRows];
      const size_t r0 = size_t(ci) * kChunkRows;
      kernels_.mat_vec(x_.row(r0), kChunkRows, x_.stride(), centers_.row(c),
                       x_.stride(), dots);
      for (size_t i = 0; i < kChunkRows && r0 + i < n_; ++i) {
        const float d =
            std::max(0.0f, norm2_[r0 + i] - 2 * dots[i] + center_norm2_[c]);
        (*d2)[r0 + i] = std::min((*d2)[r0 + i], d);
      }
    }
  }

  // ct_ := the centers transposed (dim x kpad_, unused columns zero).
  void TransposeCenters() {
    for (size_t c = 0; c < k_; ++c) {
      const float* v = centers_.row(c);
      for (size_t d = 0; d < x_.cols(); ++d) ct_.row(d)[c] = v[d];
    }
  }

  // Every row to its nearest center (ties: the lower class). Returns the
  // rows whose class changed.
  size_t Assign() {
    TransposeCenters();
    const long chunks = long(x_.rows() / kChunkRows);
    std::vector<size_t> changed(size_t(chunks), 0);
    // Per-thread scratch allocated here: a std::bad_alloc inside the
    // parallel region would end in std::terminate.
    std::vector<std::vector<float>> scratch(
        static_cast<size_t>(threads_), std::vector<float>(kChunkRows * kpad_));
#pragma omp parallel num_threads(threads_)
    {
      float* scores = scratch[size_t(omp_get_thread_num())].data();
#pragma omp for schedule(static)
      for (long ci = 0; ci < chunks; ++ci) {
        changed[ci] = AssignChunk(size_t(ci) * kChunkRows, scores);
      }
    }
    return std::accumulate(changed.begin(), changed.end(), size_t{0});
  }

  size_t AssignChunk(size_t r0, float* scores) {
    kernels_.gemm_abt(x_.row(r0), kChunkRows, x_.stride(), ct_.data(), kpad_,
                      x_.cols(), scores);
    size_t changed = 0;
    for (size_t i = 0; i < kChunkRows && r0 + i < n_; ++i) {
      const float* s = scores + i * kpad_;
      size_t best = 0;
      float best_score = 2 * s[0] - center_norm2_[0];
      for (size_t c = 1; c < k_; ++c) {
        const float v = 2 * s[c] - center_norm2_[c];
        if (v > best_score) {
          best = c;
          best_score = v;
        }
      }
      const size_t r = r0 + i;
      changed += class_of_[r] != int32_t(best);
      class_of_[r] = int32_t(best);
      distance_[r] = std::max(0.0f, norm2_[r] - best_score);
    }
    return changed;
  }

  std::vector<size_t> Sizes() const {
    std::vector<size_t> sizes(k_, 0);
    for (int32_t c : class_of_) ++sizes[c];
    return sizes;
  }

  // Each empty class (in class order) takes the row farthest from its
  // center (ties: the lower row) among classes of two or more rows.
  // Returns the rows moved.
  size_t FillEmptyClasses() {
    std::vector<size_t> sizes = Sizes();
    if (std::find(sizes.begin(), sizes.end(), 0) == sizes.end()) return 0;
    std::vector<size_t> far(n_);
    std::iota(far.begin(), far.end(), 0);
    std::stable_sort(far.begin(), far.end(), [&](size_t a, size_t b) {
      return distance_[a] > distance_[b];
    });
    size_t next = 0, moved = 0;
    for (size_t c = 0; c < k_; ++c) {
      if (sizes[c] != 0) continue;
      while (sizes[class_of_[far[next]]] < 2) ++next;  // K <= rows: found
      const size_t r = far[next++];
      --sizes[class_of_[r]];
      class_of_[r] = int32_t(c);
      sizes[c] = 1;
      distance_[r] = 0;
      ++moved;
    }
    return moved;
  }

  // Each center := the mean of its rows, summed in row order in double.
  void UpdateCenters() {
    std::vector<size_t> begin(k_ + 1, 0);
    for (int32_t c : class_of_) ++begin[c + 1];
    std::partial_sum(begin.begin(), begin.end(), begin.begin());
    std::vector<size_t> members(n_), fill(begin.begin(), begin.end() - 1);
    for (size_t r = 0; r < n_; ++r) members[fill[class_of_[r]]++] = r;
    const size_t dim = x_.cols();
    std::vector<std::vector<double>> sums(static_cast<size_t>(threads_),
                                          std::vector<double>(dim));
#pragma omp parallel num_threads(threads_)
    {
      std::vector<double>& sum = sums[size_t(omp_get_thread_num())];
#pragma omp for schedule(static)
      for (long c = 0; c < long(k_); ++c) {
        std::fill(sum.begin(), sum.end(), 0.0);
        for (size_t m = begin[c]; m < begin[c + 1]; ++m) {
          const float* v = x_.row(members[m]);
          for (size_t d = 0; d < dim; ++d) sum[d] += v[d];
        }
        const double count = double(begin[c + 1] - begin[c]);
        float* center = centers_.row(size_t(c));
        for (size_t d = 0; d < dim; ++d) center[d] = float(sum[d] / count);
        center_norm2_[c] = SquaredNorm(center);
      }
    }
  }

  const WordClassOptions& options_;
  const size_t n_;
  const size_t k_;
  const size_t kpad_;
  const int threads_;
  const ScoreKernels& kernels_;
  Matrix x_;  // unit rows; rows padded to a multiple of kChunkRows (zero)
  std::vector<float> norm2_;  // |x_r|^2: 1, or 0 for a zero vector
  Matrix centers_;
  Matrix ct_;
  std::vector<float> center_norm2_;
  std::vector<int32_t> class_of_;
  std::vector<float> distance_;  // |x_r - its center|^2 at assignment
};

Status WriteText(AtomicFileWriter& out, const std::vector<std::string>& words,
                 const WordClasses& classes) {
  std::string buf;
  constexpr size_t kFlushBytes = size_t{1} << 20;
  for (size_t r = 0; r < words.size(); ++r) {
    buf += words[r];
    buf += ' ';
    buf += std::to_string(classes.class_of[r]);
    buf += '\n';
    if (buf.size() >= kFlushBytes) {
      WEMBED_RETURN_IF_ERROR(out.Append(buf.data(), buf.size()));
      buf.clear();
    }
  }
  return out.Append(buf.data(), buf.size());
}

std::string ToJson(const std::vector<std::string>& words,
                   const WordClasses& classes, uint64_t seed) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["classes"] = classes.sizes.size();
  j["iterations"] = classes.iterations;
  j["converged"] = classes.converged;
  j["seed"] = seed;
  j["inertia"] = classes.inertia;
  j["sizes"] = classes.sizes;
  Json& of = j["class_of"] = Json::object();
  for (size_t r = 0; r < words.size(); ++r) of[words[r]] = classes.class_of[r];
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

StatusOr<WordClasses> ClusterWords(const Matrix& vectors,
                                   const WordClassOptions& options) {
  if (options.classes < 1 || size_t(options.classes) > vectors.rows()) {
    return Status::InvalidArgument(
        "--classes must be in 1.." + std::to_string(vectors.rows()) +
        " (the number of words), got " + std::to_string(options.classes));
  }
  if (options.iterations < 1) {
    return Status::InvalidArgument("--iterations must be >= 1, got " +
                                   std::to_string(options.iterations));
  }
  if (vectors.rows() > size_t(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("too many words to cluster");
  }
  KMeans kmeans(vectors, options);
  return kmeans.Run();
}

Status WriteWordClasses(const std::string& path,
                        const std::vector<std::string>& words,
                        const WordClasses& classes, ClassesFormat format,
                        uint64_t seed, const Env& env) {
  if (words.size() != classes.class_of.size()) {
    return Status::InvalidArgument(
        path + ": " + std::to_string(words.size()) + " words but " +
        std::to_string(classes.class_of.size()) + " classes");
  }
  AtomicFileWriter out(path, env);
  WEMBED_RETURN_IF_ERROR(out.Open());
  if (format == ClassesFormat::kText) {
    WEMBED_RETURN_IF_ERROR(WriteText(out, words, classes));
  } else {
    const std::string json = ToJson(words, classes, seed);
    WEMBED_RETURN_IF_ERROR(out.Append(json.data(), json.size()));
  }
  return out.Commit();
}

}  // namespace wembed
