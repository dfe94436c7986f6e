#pragma once
// Single-matrix SPD kernels in float64 for the CPU backend: the reference every GPU kernel is
// checked against. Matrices are dense row-major D×D std::vector<double>; only lower triangles are
// read. Straightforward O(D³) loops on purpose: clarity over speed.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace boltzkit::cpu {

using Matrix = std::vector<double>;  // (D, D) row-major
using Vector = std::vector<double>;  // (D,)

/// In-place lower Cholesky (strict upper zeroed). Returns 0 or the 1-based failing pivot
/// (pivot not > 0 or not finite), in which case `a` is left partially factored.
inline std::int32_t cholesky_in_place(Matrix& a, std::int64_t n) {
  for (std::int64_t k = 0; k < n; ++k) {
    double pivot = a[k * n + k];
    for (std::int64_t p = 0; p < k; ++p) pivot -= a[k * n + p] * a[k * n + p];
    if (!(pivot > 0.0) || !std::isfinite(pivot)) return static_cast<std::int32_t>(k + 1);
    const double lkk = std::sqrt(pivot);
    a[k * n + k] = lkk;
    for (std::int64_t i = k + 1; i < n; ++i) {
      double s = a[i * n + k];
      for (std::int64_t p = 0; p < k; ++p) s -= a[i * n + p] * a[k * n + p];
      a[i * n + k] = s / lkk;
    }
    for (std::int64_t j = k + 1; j < n; ++j) a[k * n + j] = 0.0;
  }
  return 0;
}

/// 0, or the 1-based index of the first diagonal entry of a Cholesky factor that is not a finite
/// positive number.
inline std::int32_t check_factor_diagonal(const Matrix& l, std::int64_t n) {
  for (std::int64_t k = 0; k < n; ++k) {
    const double v = l[k * n + k];
    if (!(v > 0.0) || !std::isfinite(v)) return static_cast<std::int32_t>(k + 1);
  }
  return 0;
}

/// x = L⁻¹ b (forward substitution); `b` may alias `x`.
inline void forward_solve(const Matrix& l, std::int64_t n, const Vector& b, Vector& x) {
  x = b;
  for (std::int64_t i = 0; i < n; ++i) {
    double s = x[i];
    for (std::int64_t p = 0; p < i; ++p) s -= l[i * n + p] * x[p];
    x[i] = s / l[i * n + i];
  }
}

/// x = L⁻ᵀ b (back substitution with the transpose).
inline void backward_solve(const Matrix& l, std::int64_t n, const Vector& b, Vector& x) {
  x = b;
  for (std::int64_t i = n - 1; i >= 0; --i) {
    double s = x[i];
    for (std::int64_t p = i + 1; p < n; ++p) s -= l[p * n + i] * x[p];
    x[i] = s / l[i * n + i];
  }
}

/// L⁻¹ (lower triangular, strict upper zero) into `inv` (reusing its storage).
inline void lower_inverse_into(const Matrix& l, std::int64_t n, Matrix& inv) {
  inv.assign(static_cast<std::size_t>(n * n), 0.0);
  for (std::int64_t j = 0; j < n; ++j) {
    inv[j * n + j] = 1.0 / l[j * n + j];
    for (std::int64_t i = j + 1; i < n; ++i) {
      double s = 0.0;
      for (std::int64_t p = j; p < i; ++p) s -= l[i * n + p] * inv[p * n + j];
      inv[i * n + j] = s / l[i * n + i];
    }
  }
}

inline Matrix lower_inverse(const Matrix& l, std::int64_t n) {
  Matrix inv;
  lower_inverse_into(l, n, inv);
  return inv;
}

/// A⁻¹ = L⁻ᵀL⁻¹ from the lower Cholesky factor (full symmetric) into `out`; `work` holds L⁻¹.
inline void inverse_from_factor_into(const Matrix& l, std::int64_t n, Matrix& work, Matrix& out) {
  lower_inverse_into(l, n, work);
  const Matrix& inv = work;
  out.resize(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j <= i; ++j) {
      double s = 0.0;
      for (std::int64_t p = i; p < n; ++p) s += inv[p * n + i] * inv[p * n + j];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
}

inline Matrix inverse_from_factor(const Matrix& l, std::int64_t n) {
  Matrix work, out;
  inverse_from_factor_into(l, n, work, out);
  return out;
}

inline double log_det_from_factor(const Matrix& l, std::int64_t n) {
  double s = 0.0;
  for (std::int64_t k = 0; k < n; ++k) s += std::log(l[k * n + k]);
  return 2.0 * s;
}

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

}  // namespace boltzkit::cpu
