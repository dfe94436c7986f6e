// CPU backend of gaussian::evaluate below the blocked crossover: every element in float64,
// whatever T is, with the simple loops of host/linalg/dense_spd.hpp (at small D they beat any
// library call's overhead). Also the dispatch between these loops and the blocked path.
#include <cmath>
#include <optional>

#include "backends.hpp"
#include "host/core/strided_access.hpp"
#include "host/gaussian/tuning.hpp"

namespace boltzkit::gaussian::backend::cpu {

using namespace boltzkit::cpu;  // the strided float64 element helpers

namespace {

constexpr double half_log_two_pi = 0.91893853320467274178;  // ½ log 2π

template <class T>
void write_failure(const gaussian::Outputs<T>& out, std::int64_t b) {
  out.log_prob[b] = static_cast<T>(nan_value);
  if (out.grad_mean.data) fill_vector(out.grad_mean, b, nan_value);
  if (out.grad_x.data) fill_vector(out.grad_x, b, nan_value);
  if (out.grad_matrix.data) fill_matrix(out.grad_matrix, b, nan_value);
}

/// The factor of one element's matrix (L with LLᵀ = Σ, or = Λ for precision), its info and,
/// when the matrix gradient needs it, the inverse of LLᵀ.
struct Factored {
  Matrix l;
  std::int32_t info = 0;
  Matrix inverse;  // empty unless wanted
  Matrix work;     // L⁻¹ on the way to the inverse
};

/// One thread's buffers, reused from element to element (at small D, allocating them per
/// element would cost more than the arithmetic).
struct Scratch {
  Factored own;
  Vector x, mu, d, z, g;
};

template <class T>
void factor(const Inputs<T>& in, std::int64_t b, bool want_inverse, Factored& f) {
  const std::int64_t n = in.x.dim;
  load_lower(in.matrix, b, f.l);
  f.info = in.parameterization == gaussian::Parameterization::cholesky
               ? check_factor_diagonal(f.l, n)
               : cholesky_in_place(f.l, n);
  if (f.info == 0 && want_inverse) inverse_from_factor_into(f.l, n, f.work, f.inverse);
}

/// The matrix gradient for one element, written straight into the output; see gaussian.hpp
/// for the three forms.
template <class T>
void store_matrix_gradient(gaussian::Parameterization p, const Factored& f, std::int64_t n,
                           const Scratch& s, const matrix_batch<T>& out, std::int64_t b) {
  T* base = out.data + b * out.batch_stride;
  if (p == gaussian::Parameterization::cholesky) {
    for (std::int64_t i = 0; i < n; ++i) {
      T* row = base + i * out.row_stride;
      for (std::int64_t j = 0; j < i; ++j) row[j] = static_cast<T>(s.g[i] * s.z[j]);
      row[i] = static_cast<T>(s.g[i] * s.z[i] - 1.0 / f.l[i * n + i]);
      for (std::int64_t j = i + 1; j < n; ++j) row[j] = T(0);
    }
    return;
  }
  const Matrix& inv = f.inverse;  // Σ⁻¹ (covariance) or Σ (precision)
  const bool covariance = p == gaussian::Parameterization::covariance;
  const Vector& outer = covariance ? s.g : s.d;
  const double sign = covariance ? -0.5 : 0.5;
  for (std::int64_t i = 0; i < n; ++i) {
    T* row = base + i * out.row_stride;
    for (std::int64_t j = 0; j < n; ++j)
      row[j] = static_cast<T>(sign * (inv[i * n + j] - outer[i] * outer[j]));
  }
}

template <class T>
void evaluate_row(const Inputs<T>& in, const Outputs<T>& out, std::int64_t b, const Factored& f,
                  Scratch& s) {
  const std::int64_t n = in.x.dim;
  const auto p = in.parameterization;
  if (out.info) out.info[b] = f.info;
  if (f.info != 0) {
    write_failure(out, b);
    return;
  }
  const Matrix& l = f.l;
  load_vector(in.x, b, s.x);
  load_vector(in.mean, b, s.mu);
  s.d.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) s.d[i] = s.x[i] - s.mu[i];
  double mahalanobis = 0.0;
  double log_det_sigma = log_det_from_factor(l, n);
  if (p == gaussian::Parameterization::precision) {
    // Λ = LLᵀ: dᵀΛd = |Lᵀd|², Σ⁻¹d = L(Lᵀd), log|Σ| = −log|Λ|.
    s.z.assign(static_cast<std::size_t>(n), 0.0);
    for (std::int64_t k = 0; k < n; ++k)
      for (std::int64_t i = k; i < n; ++i) s.z[k] += l[i * n + k] * s.d[i];
    s.g.assign(static_cast<std::size_t>(n), 0.0);
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t k = 0; k <= i; ++k) s.g[i] += l[i * n + k] * s.z[k];
    log_det_sigma = -log_det_sigma;
  } else {
    forward_solve(l, n, s.d, s.z);
    backward_solve(l, n, s.z, s.g);
  }
  for (std::int64_t k = 0; k < n; ++k) mahalanobis += s.z[k] * s.z[k];
  out.log_prob[b] = static_cast<T>(-0.5 * mahalanobis - 0.5 * log_det_sigma -
                                   static_cast<double>(n) * half_log_two_pi);
  if (out.grad_mean.data) store_vector(s.g, out.grad_mean, b);
  if (out.grad_x.data) store_vector(s.g, out.grad_x, b, -1.0);
  if (out.grad_matrix.data) store_matrix_gradient(p, f, n, s, out.grad_matrix, b);
}

}  // namespace

template <class T>
void evaluate_loops(const Inputs<T>& in, const Outputs<T>& out) {
  const std::int64_t batch = in.x.batch;
  const bool want_inverse = out.grad_matrix.data != nullptr &&
                            in.parameterization != gaussian::Parameterization::cholesky;
  // A broadcast matrix is one matrix: factorized and inverted once, read by every row.
  std::optional<Factored> shared;
  if (in.matrix.batch_stride == 0) {
    shared.emplace();
    factor(in, 0, want_inverse, *shared);
  }
#pragma omp parallel
  {
    Scratch s;
#pragma omp for schedule(static)
    for (std::int64_t b = 0; b < batch; ++b) {
      if (shared) {
        evaluate_row(in, out, b, *shared, s);
      } else {
        factor(in, b, want_inverse, s.own);
        evaluate_row(in, out, b, s.own, s);
      }
    }
  }
}

template <class T>
void evaluate(const Inputs<T>& in, const Outputs<T>& out) {
  if (in.x.dim >= tuning::gaussian_cpu_blocked_min_dim)
    evaluate_blocked(in, out);
  else
    evaluate_loops(in, out);
}

#define BOLTZKIT_INSTANTIATE(T)                                              \
  template void evaluate<T>(const Inputs<T>&, const Outputs<T>&);           \
  template void evaluate_loops<T>(const Inputs<T>&, const Outputs<T>&);
BOLTZKIT_INSTANTIATE(float)
BOLTZKIT_INSTANTIATE(double)
#undef BOLTZKIT_INSTANTIATE

}  // namespace boltzkit::gaussian::backend::cpu
