#include "wembed/plot/pca.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace wembed {

StatusOr<Pca2> Pca2::Fit(const std::vector<std::vector<double>>& rows) {
  if (rows.size() < 2) {
    return Status::InvalidArgument("PCA needs at least 2 points, got " +
                                   std::to_string(rows.size()));
  }
  const size_t n = rows.size(), d = rows[0].size();
  if (d < 2) return Status::InvalidArgument("PCA needs dimension >= 2");
  Eigen::MatrixXd x(n, d);
  for (size_t i = 0; i < n; ++i) {
    if (rows[i].size() != d) {
      return Status::InvalidArgument("PCA: rows of different dimensions");
    }
    for (size_t j = 0; j < d; ++j) x(i, j) = rows[i][j];
  }
  const Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  const Eigen::MatrixXd cov = (x.transpose() * x) / double(n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  if (solver.info() != Eigen::Success) {
    return Status::Internal("PCA: the eigen-solver did not converge");
  }
  // Eigenvalues come in increasing order.
  const Eigen::VectorXd& values = solver.eigenvalues();
  const double total = std::max(values.sum(), 1e-300);
  Pca2 pca;
  pca.mean_.assign(mean.data(), mean.data() + d);
  for (int k = 0; k < 2; ++k) {
    const Eigen::VectorXd axis = solver.eigenvectors().col(d - 1 - k);
    Eigen::Index at = 0;
    axis.cwiseAbs().maxCoeff(&at);
    const double sign = axis(at) < 0 ? -1.0 : 1.0;
    pca.axes_[k].resize(d);
    for (size_t j = 0; j < d; ++j) pca.axes_[k][j] = sign * axis(j);
    pca.explained_[k] = std::max(0.0, values(d - 1 - k)) / total;
  }
  return pca;
}

Point2 Pca2::Project(const std::vector<double>& v) const {
  Point2 p = {0, 0};
  for (int k = 0; k < 2; ++k) {
    for (size_t j = 0; j < mean_.size() && j < v.size(); ++j) {
      p[k] += (v[j] - mean_[j]) * axes_[k][j];
    }
  }
  return p;
}

}  // namespace wembed
