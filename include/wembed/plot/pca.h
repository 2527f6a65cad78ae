// Principal component analysis down to two dimensions, for word maps.
#ifndef WEMBED_PLOT_PCA_H_
#define WEMBED_PLOT_PCA_H_

#include <array>
#include <cstddef>
#include <vector>

#include "wembed/base/status.h"

namespace wembed {

using Point2 = std::array<double, 2>;

// The plane of the two largest principal components of a set of points.
// Immutable after Fit; thread-safe.
class Pca2 {
 public:
  // Fits `rows` (at least 2, all of one dimension >= 2): their mean and the
  // two leading eigenvectors of their covariance (Eigen's self-adjoint
  // solver). Each axis is signed so that its largest component is positive,
  // so the result does not depend on the solver's sign choice.
  static StatusOr<Pca2> Fit(const std::vector<std::vector<double>>& rows);

  // Coordinates of `v` (same dimension) on the two axes, after centring.
  // Linear: Project(a - b + c) == Project(a) - Project(b) + Project(c) for
  // affine combinations, so an analogy's parallelogram is preserved.
  Point2 Project(const std::vector<double>& v) const;
  // Share of the total variance along axis 0 and axis 1 (0..1).
  const std::array<double, 2>& explained() const { return explained_; }

 private:
  std::vector<double> mean_;
  std::array<std::vector<double>, 2> axes_;
  std::array<double, 2> explained_ = {0, 0};
};

}  // namespace wembed

#endif  // WEMBED_PLOT_PCA_H_
