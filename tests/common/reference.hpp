#pragma once
// An independent reference for one Gaussian element, written with Eigen and explicit inverses
// (not the library's algorithm): log p and the three gradient forms of docs/MATH.md §1.
#include <Eigen/Dense>
#include <cmath>

#include "problems.hpp"

namespace boltzkit::testing {

struct ReferenceResult {
  double log_prob = 0;
  Eigen::VectorXd grad_mean;
  MatrixXd grad_matrix;
};

/// `matrix` as given (lower triangle meaningful); d = x - mean.
inline ReferenceResult reference_gaussian(gaussian::Parameterization kind, const MatrixXd& given,
                                          const Eigen::VectorXd& d) {
  const int n = static_cast<int>(d.size());
  MatrixXd lower = given.triangularView<Eigen::Lower>();
  MatrixXd sym = lower + lower.transpose();
  sym.diagonal() = given.diagonal();
  MatrixXd sigma;
  if (kind == gaussian::Parameterization::covariance) sigma = sym;
  if (kind == gaussian::Parameterization::precision) sigma = sym.inverse();
  if (kind == gaussian::Parameterization::cholesky) sigma = lower * lower.transpose();
  const MatrixXd sigma_inv = sigma.inverse();
  const Eigen::VectorXd g = sigma_inv * d;
  ReferenceResult r;
  r.log_prob = -0.5 * d.dot(g) - 0.5 * std::log(sigma.determinant()) -
               0.5 * n * std::log(2 * M_PI);
  r.grad_mean = g;
  if (kind == gaussian::Parameterization::covariance) {
    r.grad_matrix = -0.5 * (sigma_inv - g * g.transpose());
  } else if (kind == gaussian::Parameterization::precision) {
    r.grad_matrix = 0.5 * (sigma - d * d.transpose());
  } else {
    // d/dL of log p with Σ = LLᵀ: (Σ⁻¹ddᵀΣ⁻¹ − Σ⁻¹) L, restricted to the lower triangle.
    MatrixXd full = (g * g.transpose() - sigma_inv) * lower;
    r.grad_matrix = full.triangularView<Eigen::Lower>();
  }
  return r;
}

template <class T>
ReferenceResult reference_element(const Problem<T>& p, std::int64_t b) {
  Eigen::VectorXd d(p.dim);
  for (int i = 0; i < p.dim; ++i)
    d(i) = static_cast<double>(p.x[b * p.dim + i]) - static_cast<double>(p.mean[b * p.dim + i]);
  return reference_gaussian(p.kind, p.matrix_of(b), d);
}

/// The info the library must report for element b: 0, or the 1-based index of the first pivot
/// that is not positive (or not finite) in an unblocked float64 Cholesky of the matrix the
/// parameterization implies (the precision matrix itself for Λ; for L, the first diagonal entry that is not a finite
/// positive number).
template <class T>
std::int32_t reference_info(const Problem<T>& p, std::int64_t b) {
  const MatrixXd given = p.matrix_of(b);
  const int n = p.dim;
  if (p.kind == gaussian::Parameterization::cholesky) {
    for (int i = 0; i < n; ++i)
      if (!(given(i, i) > 0) || !std::isfinite(given(i, i))) return i + 1;
    return 0;
  }
  MatrixXd a = given.triangularView<Eigen::Lower>();
  for (int j = 0; j < n; ++j) {
    double pivot = a(j, j);
    for (int k = 0; k < j; ++k) pivot -= a(j, k) * a(j, k);
    if (!(pivot > 0) || !std::isfinite(pivot)) return j + 1;
    const double l = std::sqrt(pivot);
    a(j, j) = l;
    for (int i = j + 1; i < n; ++i) {
      double v = a(i, j);
      for (int k = 0; k < j; ++k) v -= a(i, k) * a(j, k);
      a(i, j) = v / l;
    }
  }
  return 0;
}

}  // namespace boltzkit::testing
