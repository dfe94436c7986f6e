#pragma once
// Independent float64 reference for one Gaussian element, straight from the formulas in
// gaussian.hpp / docs/MATH.md §1 with a plain Gauss–Jordan inverse: no code shared with the library.
#include <cmath>
#include <cstdint>
#include <vector>

namespace boltzkit::cli_test {

enum class Param { cov, precision, chol };

inline const char* option_of(Param p) {
  return p == Param::cov ? "--cov" : p == Param::precision ? "--precision" : "--chol";
}

using Mat = std::vector<double>;  // row-major D×D

/// Inverse and log-determinant by Gauss–Jordan with partial pivoting (small SPD matrices).
inline Mat inverse(Mat a, std::int64_t n, double* logdet = nullptr) {
  Mat inv(n * n, 0.0);
  for (std::int64_t i = 0; i < n; ++i) inv[i * n + i] = 1.0;
  double ld = 0.0;
  for (std::int64_t c = 0; c < n; ++c) {
    std::int64_t p = c;
    for (std::int64_t r = c + 1; r < n; ++r)
      if (std::abs(a[r * n + c]) > std::abs(a[p * n + c])) p = r;
    for (std::int64_t k = 0; k < n; ++k) {
      std::swap(a[c * n + k], a[p * n + k]);
      std::swap(inv[c * n + k], inv[p * n + k]);
    }
    const double pivot = a[c * n + c];
    ld += std::log(std::abs(pivot));
    for (std::int64_t k = 0; k < n; ++k) {
      a[c * n + k] /= pivot;
      inv[c * n + k] /= pivot;
    }
    for (std::int64_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = a[r * n + c];
      for (std::int64_t k = 0; k < n; ++k) {
        a[r * n + k] -= f * a[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  if (logdet) *logdet = ld;
  return inv;
}

struct Expected {
  double logp = 0;
  std::vector<double> grad_mean;  // (D,)
  Mat grad_matrix;                // (D, D)
};

/// log N(x | μ, ·) and its gradients for the matrix `m` given as `param`.
inline Expected expected(Param param, const std::vector<double>& x, const std::vector<double>& mu,
                         const Mat& m, std::int64_t n) {
  std::vector<double> d(n);
  for (std::int64_t i = 0; i < n; ++i) d[i] = x[i] - mu[i];
  Mat sigma = m;
  if (param == Param::chol) {
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        sigma[i * n + j] = 0;
        for (std::int64_t k = 0; k < n; ++k) sigma[i * n + j] += m[i * n + k] * m[j * n + k];
      }
  }
  double logdet_given = 0;
  const Mat inv_given = inverse(m, n, &logdet_given);
  double logdet_sigma = 0;
  const Mat prec = param == Param::precision ? m : inverse(sigma, n, &logdet_sigma);
  if (param == Param::precision) {
    sigma = inv_given;
    logdet_sigma = -logdet_given;
  }
  Expected e;
  e.grad_mean.assign(n, 0.0);
  double maha = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) e.grad_mean[i] += prec[i * n + j] * d[j];
    maha += d[i] * e.grad_mean[i];
  }
  const std::vector<double>& g = e.grad_mean;
  constexpr double log_two_pi = 1.83787706640934548356;
  e.logp = -0.5 * maha - 0.5 * logdet_sigma - 0.5 * static_cast<double>(n) * log_two_pi;
  e.grad_matrix.assign(n * n, 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double& out = e.grad_matrix[i * n + j];
      if (param == Param::cov) out = -0.5 * (prec[i * n + j] - g[i] * g[j]);
      if (param == Param::precision) out = 0.5 * (sigma[i * n + j] - d[i] * d[j]);
      if (param == Param::chol && j <= i) {
        double z_j = 0;  // z = L⁻¹d
        for (std::int64_t k = 0; k < n; ++k) z_j += inv_given[j * n + k] * d[k];
        out = g[i] * z_j - (i == j ? 1.0 / m[i * n + i] : 0.0);
      }
    }
  }
  return e;
}

}  // namespace boltzkit::cli_test

namespace boltzkit::cli_test {

/// A batch of test problems: x, mean (B, D) and one matrix per row in the form `param`
/// expects. Diagonal matrices make every expected value a sum of 1-D normal terms; full ones
/// catch row/column mix-ups. Values are rounded to T first so file and reference agree.
template <class T>
struct Problem {
  std::int64_t batch, dim;
  std::vector<T> x, mean, matrix;
};

template <class T>
Problem<T> make_problem(Param param, std::int64_t batch, std::int64_t dim, bool diagonal,
                        unsigned seed) {
  Problem<T> p{batch, dim, {}, {}, {}};
  unsigned state = seed;
  const auto uniform = [&state] {  // tiny LCG: reproducible, no <random> distribution quirks
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(state >> 8) / static_cast<double>(1u << 24);
  };
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t i = 0; i < dim; ++i) {
      p.mean.push_back(static_cast<T>(4 * uniform() - 2));
      p.x.push_back(static_cast<T>(4 * uniform() - 2));
    }
    Mat a(dim * dim, 0.0);
    for (std::int64_t i = 0; i < dim; ++i) {
      for (std::int64_t j = 0; j < i && !diagonal; ++j) a[i * dim + j] = uniform() - 0.5;
      a[i * dim + i] = 0.5 + uniform();
    }
    // cholesky wants the lower factor itself; the others the SPD matrix a aᵀ.
    for (std::int64_t i = 0; i < dim; ++i) {
      for (std::int64_t j = 0; j < dim; ++j) {
        double v = 0;
        if (param == Param::chol) {
          v = a[i * dim + j];
        } else {
          for (std::int64_t k = 0; k < dim; ++k) v += a[i * dim + k] * a[j * dim + k];
        }
        p.matrix.push_back(static_cast<T>(v));
      }
    }
  }
  return p;
}

template <class T>
std::vector<double> widen(const T* p, std::int64_t n) {
  return std::vector<double>(p, p + n);
}

}  // namespace boltzkit::cli_test
