#pragma once
// Random test problems for the Gaussian routines: SPD matrices of a chosen condition number,
// packed host batches, and poisoned output holders that catch unwritten elements.
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "boltzkit/gaussian.hpp"

namespace boltzkit::testing {

using Rng = std::mt19937_64;
using MatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Q diag(λ) Qᵀ with Haar-random Q and eigenvalues log-spaced over [1/√cond, √cond].
inline MatrixXd random_spd(int n, double cond, Rng& rng) {
  std::normal_distribution<double> normal;
  MatrixXd g(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) g(i, j) = normal(rng);
  Eigen::HouseholderQR<MatrixXd> qr(g);
  MatrixXd q = qr.householderQ();
  Eigen::VectorXd lambda(n);
  for (int i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.5 : static_cast<double>(i) / (n - 1);
    lambda(i) = std::pow(cond, t - 0.5);
  }
  MatrixXd a = q * lambda.asDiagonal() * q.transpose();
  return 0.5 * (a + a.transpose());
}

/// A host batch in packed layout, stored in T.
template <class T>
struct Problem {
  std::int64_t batch = 0;
  int dim = 0;
  gaussian::Parameterization kind = gaussian::Parameterization::covariance;
  std::vector<T> x, mean, matrix;  // (B,D), (B,D), (B,D,D)

  gaussian::Inputs<T> inputs() const {
    gaussian::Inputs<T> in;
    in.x = vector_batch<const T>::packed(x.data(), batch, dim);
    in.mean = vector_batch<const T>::packed(mean.data(), batch, dim);
    in.matrix = matrix_batch<const T>::packed(matrix.data(), batch, dim);
    in.parameterization = kind;
    return in;
  }
  MatrixXd matrix_of(std::int64_t b) const {
    MatrixXd m(dim, dim);
    for (int i = 0; i < dim; ++i)
      for (int j = 0; j < dim; ++j) m(i, j) = static_cast<double>(matrix[(b * dim + i) * dim + j]);
    return m;
  }
  void set_matrix(std::int64_t b, const MatrixXd& m) {
    for (int i = 0; i < dim; ++i)
      for (int j = 0; j < dim; ++j) matrix[(b * dim + i) * dim + j] = static_cast<T>(m(i, j));
  }
};

/// Covariance, precision or Cholesky factor of a random SPD matrix with condition `cond`.
/// Points are drawn near the mean so that log p stays moderate.
template <class T>
Problem<T> random_problem(std::int64_t batch, int dim, gaussian::Parameterization kind,
                          double cond, Rng& rng) {
  Problem<T> p;
  p.batch = batch;
  p.dim = dim;
  p.kind = kind;
  p.x.resize(static_cast<std::size_t>(batch * dim));
  p.mean.resize(p.x.size());
  p.matrix.resize(static_cast<std::size_t>(batch * dim * dim));
  std::normal_distribution<double> normal;
  for (std::int64_t b = 0; b < batch; ++b) {
    MatrixXd s = random_spd(dim, cond, rng);
    if (kind == gaussian::Parameterization::cholesky) {
      MatrixXd l = s.llt().matrixL();
      // Random junk above the diagonal: the library must read only the lower triangle.
      for (int i = 0; i < dim; ++i)
        for (int j = i + 1; j < dim; ++j) l(i, j) = normal(rng);
      s = l;
    }
    p.set_matrix(b, s);
    for (int i = 0; i < dim; ++i) {
      p.mean[b * dim + i] = static_cast<T>(normal(rng));
      p.x[b * dim + i] = static_cast<T>(p.mean[b * dim + i] + 0.5 * normal(rng));
    }
  }
  return p;
}

/// Output buffers filled with a sentinel before each run, so an element nobody wrote shows up.
template <class T>
struct HostOutputs {
  static constexpr T poison = static_cast<T>(-1.2345e30);
  std::vector<T> log_prob, grad_mean, grad_x, grad_matrix;
  std::vector<std::int32_t> info;

  HostOutputs(std::int64_t batch, int dim, bool gradients = true) {
    log_prob.assign(static_cast<std::size_t>(batch), poison);
    info.assign(static_cast<std::size_t>(batch), -77);
    if (gradients) {
      grad_mean.assign(static_cast<std::size_t>(batch * dim), poison);
      grad_x.assign(grad_mean.size(), poison);
      grad_matrix.assign(static_cast<std::size_t>(batch * dim * dim), poison);
    }
  }
  gaussian::Outputs<T> outputs(std::int64_t batch, int dim) {
    gaussian::Outputs<T> out;
    out.log_prob = log_prob.data();
    out.info = info.data();
    if (!grad_mean.empty()) {
      out.grad_mean = vector_batch<T>::packed(grad_mean.data(), batch, dim);
      out.grad_x = vector_batch<T>::packed(grad_x.data(), batch, dim);
      out.grad_matrix = matrix_batch<T>::packed(grad_matrix.data(), batch, dim);
    }
    return out;
  }
};

template <class T>
bool is_poison(T v) {
  return v == HostOutputs<T>::poison;
}

}  // namespace boltzkit::testing
