// Word classes: k-means clustering of word vectors (word2vec.c's -classes,
// what `wembed classes` runs). The vectors are scaled to unit length, the
// centers seeded by k-means++ and refined by Lloyd's iterations (Euclidean
// distance between unit vectors, so a word joins the center of highest
// cosine-like score 2 x.c - |c|^2). Multithreaded and deterministic: for a
// seed the result is the same whatever the thread count, because every
// per-word step is independent and every sum runs in word order.
#ifndef WEMBED_EVAL_WORD_CLASSES_H_
#define WEMBED_EVAL_WORD_CLASSES_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/matrix.h"
#include "wembed/base/status.h"

namespace wembed {

struct WordClassOptions {
  int classes = 0;      // K, 1 <= K <= number of vectors
  int iterations = 20;  // most Lloyd iterations (stops when no word moves)
  uint64_t seed = 1;    // k-means++ seeding
  int threads = 0;      // 0 = all cores
  // Called after each iteration's assignment with the iteration (1-based)
  // and the number of words whose class changed (all of them at 1).
  std::function<void(int iteration, size_t changed)> on_iteration;
};

struct WordClasses {
  std::vector<int32_t> class_of;  // per vector row, in 0..K-1
  std::vector<size_t> sizes;      // words per class
  Matrix centers;                 // K x dim, in the unit-vector space
  int iterations = 0;             // Lloyd iterations run
  bool converged = false;         // the last iteration moved no word
  double inertia = 0;  // sum of squared distances of the unit vectors to
                       // their centers
};

// Clusters the rows of `vectors`. Every row ends in the class of its
// nearest center (ties: the lower class); no class is empty (a class left
// empty takes the word farthest from its center). InvalidArgument for K
// outside 1..rows or iterations < 1.
StatusOr<WordClasses> ClusterWords(const Matrix& vectors,
                                   const WordClassOptions& options);

enum class ClassesFormat {
  kText,  // word2vec.c's "word class" lines, in row order
  kJson,  // one object: classes, iterations, converged, seed, inertia,
          // sizes, and "class_of": {word: class} in row order
};

// Writes `classes` of `words` (one per row) crash-safely (temp file +
// rename). `seed` is recorded in the JSON form.
Status WriteWordClasses(const std::string& path,
                        const std::vector<std::string>& words,
                        const WordClasses& classes, ClassesFormat format,
                        uint64_t seed, const Env& env = Env::Default());

}  // namespace wembed

#endif  // WEMBED_EVAL_WORD_CLASSES_H_
