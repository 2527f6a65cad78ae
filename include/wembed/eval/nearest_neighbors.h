// NearestNeighbors: cosine nearest neighbours and analogy queries over a
// whole embedding matrix (what `wembed similar` and `wembed analogy` run).
#ifndef WEMBED_EVAL_NEAREST_NEIGHBORS_H_
#define WEMBED_EVAL_NEAREST_NEIGHBORS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wembed/vectors/embeddings.h"
#include "wembed/base/matrix.h"
#include "wembed/vectors/word_lookup.h"

namespace wembed {

struct Neighbor {
  int32_t row = -1;
  float cosine = 0;
};

class NearestNeighbors {
 public:
  // Takes the embeddings and unit-normalises them. Without case_sensitive,
  // Find falls back to the lowercased word when the exact one is absent.
  explicit NearestNeighbors(Embeddings embeddings, bool case_sensitive = false);
  NearestNeighbors(const NearestNeighbors&) = delete;
  NearestNeighbors& operator=(const NearestNeighbors&) = delete;

  // Row of `word`: the exact word if present, else (unless case-sensitive)
  // the first row whose lowercased form equals the lowercased word; -1 if
  // neither.
  int32_t Find(std::string_view word) const;

  // The k rows most similar to row `row` by cosine, best first, without
  // `row` itself. Ties go to the lower row.
  std::vector<Neighbor> Similar(int32_t row, size_t k) const;
  // "a is to b as c is to ?": the k rows nearest to unit(b) - unit(a) +
  // unit(c) (cosine with that direction), without a, b and c.
  std::vector<Neighbor> Analogy(int32_t a, int32_t b, int32_t c,
                                size_t k) const;
  // The k rows nearest to `query` (dim floats, any norm), skipping
  // `exclude`, among the first `limit` rows (0 = all).
  std::vector<Neighbor> Nearest(const float* query, size_t k,
                                std::span<const int32_t> exclude,
                                size_t limit = 0) const;
  // Cosine of `query` (dim floats, any norm; zero gives zeros) with each
  // of the first `limit` rows (0 = all), in row order.
  std::vector<float> Cosines(const float* query, size_t limit = 0) const;

  const std::string& word(int32_t row) const { return words_[row]; }
  // Row `row` scaled to unit length (dim() floats).
  const float* unit_vector(int32_t row) const { return vectors_.row(row); }
  size_t size() const { return words_.size(); }
  size_t dim() const { return vectors_.cols(); }

 private:
  std::vector<std::string> words_;
  Matrix vectors_;  // unit rows
  WordLookup exact_;
  WordLookup folded_;
  bool case_sensitive_;
};

}  // namespace wembed

#endif  // WEMBED_EVAL_NEAREST_NEIGHBORS_H_
