#pragma once
// The mixture family's case table and random problems, read by the CPU, emulation and GPU
// test programs, plus an independent Eigen reference (float64, straight from the formulas of
// MATH.md §1.7, no tiling, no online log-sum-exp).
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "boltzkit/mixture.hpp"
#include "problems.hpp"

namespace boltzkit::testing::mixture_cases {

struct Case {
  std::int64_t n_points, k, dim;
  std::uint64_t seed;
};

/// Edge sizes first (one point, D = 1, K = 1, N just past a tile), then typical ones.
inline const std::vector<Case> cases = {
    {1, 1, 1, 1}, {7, 3, 1, 2}, {33, 1, 5, 3}, {129, 4, 3, 4}, {300, 2, 17, 5}, {70, 5, 33, 6}};

/// K components and N points in packed host arrays, stored in T.
template <class T>
struct MixtureProblem {
  std::int64_t n_points = 0, k = 0, dim = 0;
  std::vector<T> x, mean, cov, weights;

  vector_batch<const T> xs() const { return vector_batch<const T>(x.data(), n_points, dim, dim); }
  mixture::Components<T> components(bool with_weights) const {
    mixture::Components<T> c;
    c.mean = vector_batch<const T>(mean.data(), k, dim, dim);
    c.cov = matrix_batch<const T>(cov.data(), k, dim, dim * dim, dim);
    c.weights = with_weights ? weights.data() : nullptr;
    return c;
  }
};

/// Means spread over a few units, covariances of condition ≤ 10, points drawn from the mixture.
template <class T>
MixtureProblem<T> make_problem(const Case& c, double spread = 3.0) {
  Rng rng(c.seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit(0.2, 1.0);
  MixtureProblem<T> p;
  p.n_points = c.n_points;
  p.k = c.k;
  p.dim = c.dim;
  const int n = static_cast<int>(c.dim);
  std::vector<MatrixXd> chol;
  double total = 0.0;
  for (std::int64_t k = 0; k < c.k; ++k) {
    const MatrixXd s = random_spd(n, 10.0, rng);
    for (int i = 0; i < n; ++i) p.mean.push_back(static_cast<T>(spread * normal(rng)));
    for (int i = 0; i < n * n; ++i) p.cov.push_back(static_cast<T>(s.data()[i]));
    chol.push_back(Eigen::LLT<MatrixXd>(s).matrixL());
    p.weights.push_back(static_cast<T>(unit(rng)));
    total += static_cast<double>(p.weights.back());
  }
  for (T& w : p.weights) w = static_cast<T>(static_cast<double>(w) / total);
  for (std::int64_t q = 0; q < c.n_points; ++q) {
    const std::int64_t k = q % c.k;
    Eigen::VectorXd z(n);
    for (int i = 0; i < n; ++i) z(i) = normal(rng);
    const Eigen::VectorXd v = chol[k] * z;
    for (int i = 0; i < n; ++i) p.x.push_back(static_cast<T>(p.mean[k * n + i] + v(i)));
  }
  return p;
}

/// Reference values in float64 from the problem as stored (T converted exactly to double).
struct Reference {
  std::vector<double> log_prob, mix_log_prob, resp, score, sum_grad_mean, sum_grad_cov;
};

template <class T>
Reference reference(const MixtureProblem<T>& p, bool with_weights) {
  const int n = static_cast<int>(p.dim);
  const std::int64_t kk = p.k, np = p.n_points;
  Reference r;
  r.log_prob.resize(np * kk);
  std::vector<MatrixXd> sigma(kk), prec(kk);
  std::vector<double> logdet(kk);
  for (std::int64_t k = 0; k < kk; ++k) {
    MatrixXd s(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        s(i, j) = static_cast<double>(p.cov[k * n * n + std::max(i, j) * n + std::min(i, j)]);
    sigma[k] = s;
    prec[k] = s.inverse();
    logdet[k] = std::log(s.determinant());
  }
  auto d_of = [&](std::int64_t q, std::int64_t k) {
    Eigen::VectorXd d(n);
    for (int i = 0; i < n; ++i)
      d(i) = static_cast<double>(p.x[q * n + i]) - static_cast<double>(p.mean[k * n + i]);
    return d;
  };
  for (std::int64_t q = 0; q < np; ++q)
    for (std::int64_t k = 0; k < kk; ++k) {
      const Eigen::VectorXd d = d_of(q, k);
      r.log_prob[q * kk + k] = -0.5 * d.dot(prec[k] * d) - 0.5 * logdet[k] - 0.5 * n * std::log(2 * M_PI);
    }
  std::vector<double> w(np * kk, 1.0);
  if (with_weights) {
    r.mix_log_prob.resize(np);
    r.resp.resize(np * kk);
    for (std::int64_t q = 0; q < np; ++q) {
      long double s = 0;
      double m = -INFINITY;
      for (std::int64_t k = 0; k < kk; ++k)
        m = std::max(m, std::log(static_cast<double>(p.weights[k])) + r.log_prob[q * kk + k]);
      for (std::int64_t k = 0; k < kk; ++k)
        s += std::exp(static_cast<long double>(std::log(static_cast<double>(p.weights[k])) + r.log_prob[q * kk + k] - m));
      r.mix_log_prob[q] = m + static_cast<double>(std::log(s));
      for (std::int64_t k = 0; k < kk; ++k)
        w[q * kk + k] = r.resp[q * kk + k] =
            std::exp(std::log(static_cast<double>(p.weights[k])) + r.log_prob[q * kk + k] - r.mix_log_prob[q]);
    }
  }
  r.score.assign(np * n, 0.0);
  r.sum_grad_mean.assign(kk * n, 0.0);
  r.sum_grad_cov.assign(kk * n * n, 0.0);
  for (std::int64_t q = 0; q < np; ++q)
    for (std::int64_t k = 0; k < kk; ++k) {
      const Eigen::VectorXd d = d_of(q, k);
      const Eigen::VectorXd g = prec[k] * d;
      const double wk = w[q * kk + k];
      for (int i = 0; i < n; ++i) {
        r.score[q * n + i] -= wk * g(i);
        r.sum_grad_mean[k * n + i] += wk * g(i);
        for (int j = 0; j < n; ++j)
          r.sum_grad_cov[k * n * n + i * n + j] += 0.5 * wk * (g(i) * g(j) - prec[k](i, j));
      }
    }
  return r;
}

}  // namespace boltzkit::testing::mixture_cases
