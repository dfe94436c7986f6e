// CPU backend of gaussian::evaluate from the blocked crossover on (tuning.hpp): OpenBLAS potrf
// for the factor, potri for the inverse the matrix gradient needs (never a column-by-column
// walk), triangular BLAS-2 for the solves, all in T's precision as numpy/scipy/JAX do; the
// O(D) sums (log-determinant, Mahalanobis term) in float64.
#include <omp.h>

#include <algorithm>
#include <limits>
#include <cmath>
#include <vector>

#include "backends.hpp"
#include "host/gaussian/tuning.hpp"
#include "host/linalg/lapack.hpp"

namespace boltzkit::gaussian::backend::cpu {

namespace {

namespace lapack = boltzkit::cpu::lapack;
using Kind = gaussian::Parameterization;

constexpr double half_log_two_pi = 0.91893853320467274178;  // ½ log 2π
constexpr std::int64_t tile = 64;  // square tiles for the mirrored writes of a symmetric result

/// One element's factor L (LLᵀ = Σ, or = Λ for precision): either a copy factorized in `work`
/// or, for the cholesky parameterization, the caller's matrix read in place.
template <class T>
struct Factor {
  std::vector<T> work;
  const T* l = nullptr;
  std::int64_t ld = 0;
  std::int32_t info = 0;
};

template <class T>
void factorize(const Inputs<T>& in, std::int64_t b, Factor<T>& f) {
  const std::int64_t n = in.x.dim;
  const T* src = in.matrix.data + b * in.matrix.batch_stride;
  const std::int64_t rs = in.matrix.row_stride;
  if (in.parameterization == Kind::cholesky) {
    f.l = src;
    f.ld = rs;
    f.info = 0;
    for (std::int64_t k = 0; k < n; ++k) {
      const T v = src[k * rs + k];
      if (!(v > T(0)) || !std::isfinite(v)) {
        f.info = static_cast<std::int32_t>(k + 1);
        break;
      }
    }
    return;
  }
  f.work.resize(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i)
    std::copy(src + i * rs, src + i * rs + i + 1, f.work.data() + i * n);
  f.l = f.work.data();
  f.ld = n;
  f.info = lapack::potrf_lower(n, f.work.data(), n);
}

/// (LLᵀ)⁻¹ into `inv` (lower triangle), from the factor.
template <class T>
void invert(std::int64_t n, const Factor<T>& f, std::vector<T>& inv) {
  inv.resize(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i)
    std::copy(f.l + i * f.ld, f.l + i * f.ld + i + 1, inv.data() + i * n);
  lapack::potri_lower(n, inv.data(), n);
}

template <class T>
void write_failure(const Outputs<T>& out, std::int64_t b, std::int64_t n) {
  const T nan = std::numeric_limits<T>::quiet_NaN();
  out.log_prob[b] = nan;
  if (out.grad_mean.data) std::fill_n(out.grad_mean.data + b * out.grad_mean.batch_stride, n, nan);
  if (out.grad_x.data) std::fill_n(out.grad_x.data + b * out.grad_x.batch_stride, n, nan);
  if (out.grad_matrix.data) {
    T* g = out.grad_matrix.data + b * out.grad_matrix.batch_stride;
    for (std::int64_t i = 0; i < n; ++i) std::fill_n(g + i * out.grad_matrix.row_stride, n, nan);
  }
}

/// The vectors of one element: d = x − μ, z (|z|² is the Mahalanobis term) and g = Σ⁻¹d.
template <class T>
struct RowVectors {
  std::vector<T> d, z, g;
};

/// log p, grad_mean and grad_x of element b; leaves d, z, g in `v` for the matrix gradient.
template <class T>
void evaluate_vectors(const Inputs<T>& in, const Outputs<T>& out, std::int64_t b,
                      const Factor<T>& f, RowVectors<T>& v) {
  const std::int64_t n = in.x.dim;
  const T* x = in.x.data + b * in.x.batch_stride;
  const T* mu = in.mean.data + b * in.mean.batch_stride;
  v.d.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v.d[i] = x[i] - mu[i];
  v.z = v.d;
  double log_det = 0.0;
  for (std::int64_t k = 0; k < n; ++k) log_det += std::log(static_cast<double>(f.l[k * f.ld + k]));
  log_det *= 2.0;
  if (in.parameterization == Kind::precision) {
    // Λ = LLᵀ: dᵀΛd = |Lᵀd|², Σ⁻¹d = L(Lᵀd), log|Σ| = −log|Λ|.
    lapack::trmv_lower(n, f.l, f.ld, v.z.data(), true);
    v.g = v.z;
    lapack::trmv_lower(n, f.l, f.ld, v.g.data(), false);
    log_det = -log_det;
  } else {
    lapack::trsv_lower(n, f.l, f.ld, v.z.data(), false);
    v.g = v.z;
    lapack::trsv_lower(n, f.l, f.ld, v.g.data(), true);
  }
  double mahalanobis = 0.0;
  for (std::int64_t k = 0; k < n; ++k) mahalanobis += static_cast<double>(v.z[k]) * v.z[k];
  out.log_prob[b] = static_cast<T>(-0.5 * mahalanobis - 0.5 * log_det -
                                   static_cast<double>(n) * half_log_two_pi);
  if (out.grad_mean.data) std::copy(v.g.begin(), v.g.end(), out.grad_mean.data + b * out.grad_mean.batch_stride);
  if (out.grad_x.data) {
    T* gx = out.grad_x.data + b * out.grad_x.batch_stride;
    for (std::int64_t i = 0; i < n; ++i) gx[i] = -v.g[i];
  }
}

/// sign·(inv − o oᵀ) as a full symmetric matrix from the lower triangle of inv, written in
/// square tiles so that the mirrored (column) writes stay in cache.
template <class T>
void write_symmetric_gradient(const T* inv, std::int64_t n, const std::vector<T>& o, T sign,
                              T* g, std::int64_t rs) {
  const std::int64_t tiles = (n + tile - 1) / tile;
#pragma omp parallel for schedule(dynamic) if (n >= 512)
  for (std::int64_t ti = 0; ti < tiles; ++ti) {
    const std::int64_t i0 = ti * tile, i1 = std::min(n, i0 + tile);
    for (std::int64_t j0 = 0; j0 <= i0; j0 += tile) {
      const std::int64_t j1 = std::min(n, j0 + tile);
      for (std::int64_t i = i0; i < i1; ++i)
        for (std::int64_t j = j0; j < std::min(j1, i + 1); ++j) {
          const T value = sign * (inv[i * n + j] - o[i] * o[j]);
          g[i * rs + j] = value;
          g[j * rs + i] = value;
        }
    }
  }
}

/// cholesky: tril(g zᵀ) − diag(1/Lᵢᵢ), upper part 0.
template <class T>
void write_cholesky_gradient(const Factor<T>& f, std::int64_t n, const RowVectors<T>& v, T* g,
                             std::int64_t rs) {
  for (std::int64_t i = 0; i < n; ++i) {
    T* row = g + i * rs;
    for (std::int64_t j = 0; j < i; ++j) row[j] = v.g[i] * v.z[j];
    row[i] = v.g[i] * v.z[i] - T(1) / f.l[i * f.ld + i];
    std::fill(row + i + 1, row + n, T(0));
  }
}

/// The matrix gradient of element b; `inv` is the lower triangle of (LLᵀ)⁻¹ (unused for cholesky).
template <class T>
void write_matrix_gradient(const Inputs<T>& in, const Outputs<T>& out, std::int64_t b,
                           const Factor<T>& f, const T* inv, const RowVectors<T>& v) {
  const std::int64_t n = in.x.dim;
  T* g = out.grad_matrix.data + b * out.grad_matrix.batch_stride;
  const std::int64_t rs = out.grad_matrix.row_stride;
  if (in.parameterization == Kind::cholesky) {
    write_cholesky_gradient(f, n, v, g, rs);
  } else if (in.parameterization == Kind::covariance) {
    write_symmetric_gradient(inv, n, v.g, T(-0.5), g, rs);  // −½(Σ⁻¹ − ggᵀ)
  } else {
    write_symmetric_gradient(inv, n, v.d, T(0.5), g, rs);  // ½(Σ − ddᵀ)
  }
}

/// Rows that share one factor (and inverse): O(D²) each, one row per OpenMP thread.
template <class T>
void evaluate_shared(const Inputs<T>& in, const Outputs<T>& out) {
  const std::int64_t n = in.x.dim, batch = in.x.batch;
  const bool want_grad = out.grad_matrix.data != nullptr;
  Factor<T> f;
  factorize(in, 0, f);
  std::vector<T> inv;
  if (f.info == 0 && want_grad && in.parameterization != Kind::cholesky) invert(n, f, inv);
  lapack::SingleThreadedBlas single;
#pragma omp parallel
  {
    RowVectors<T> v;
#pragma omp for schedule(static)
    for (std::int64_t b = 0; b < batch; ++b) {
      if (out.info) out.info[b] = f.info;
      if (f.info != 0) {
        write_failure(out, b, n);
        continue;
      }
      evaluate_vectors(in, out, b, f, v);
      if (want_grad) write_matrix_gradient(in, out, b, f, inv.data(), v);
    }
  }
}

/// One element with its own matrix; the inverse, when wanted, overwrites the factor in place.
template <class T>
void evaluate_own(const Inputs<T>& in, const Outputs<T>& out, std::int64_t b, Factor<T>& f,
                  RowVectors<T>& v) {
  const std::int64_t n = in.x.dim;
  factorize(in, b, f);
  if (out.info) out.info[b] = f.info;
  if (f.info != 0) {
    write_failure(out, b, n);
    return;
  }
  evaluate_vectors(in, out, b, f, v);
  if (!out.grad_matrix.data) return;
  if (in.parameterization != Kind::cholesky) lapack::potri_lower(n, f.work.data(), n);
  write_matrix_gradient(in, out, b, f, f.work.data(), v);
}

/// One element per OpenMP thread (OpenBLAS single-threaded inside) when there are enough
/// elements to busy every thread, or when D is small enough that a threaded factorization
/// would spend its time in synchronization; and only while one D×D workspace per thread fits
/// the budget. Otherwise one element at a time with OpenBLAS threading the factorization.
bool rows_in_parallel(std::int64_t batch, std::int64_t n, std::size_t element_bytes) {
  const std::int64_t threads = omp_get_max_threads();
  if (batch < 2 || threads < 2) return false;
  const double workspace = static_cast<double>(std::min(batch, threads)) *
                           static_cast<double>(n) * static_cast<double>(n) *
                           static_cast<double>(element_bytes);
  if (workspace > static_cast<double>(tuning::gaussian_cpu_row_workspace_bytes)) return false;
  return n <= tuning::gaussian_cpu_row_parallel_max_dim || batch >= threads;
}

}  // namespace

template <class T>
void evaluate_blocked(const Inputs<T>& in, const Outputs<T>& out) {
  const std::int64_t n = in.x.dim, batch = in.x.batch;
  if (in.matrix.batch_stride == 0) {
    evaluate_shared(in, out);
    return;
  }
  if (rows_in_parallel(batch, n, sizeof(T))) {
    lapack::SingleThreadedBlas single;
#pragma omp parallel
    {
      Factor<T> f;
      RowVectors<T> v;
#pragma omp for schedule(dynamic)
      for (std::int64_t b = 0; b < batch; ++b) evaluate_own(in, out, b, f, v);
    }
    return;
  }
  // Few elements of large D: one at a time, OpenBLAS threading each factorization and inverse.
  Factor<T> f;
  RowVectors<T> v;
  for (std::int64_t b = 0; b < batch; ++b) evaluate_own(in, out, b, f, v);
}

template void evaluate_blocked<float>(const Inputs<float>&, const Outputs<float>&);
template void evaluate_blocked<double>(const Inputs<double>&, const Outputs<double>&);

}  // namespace boltzkit::gaussian::backend::cpu
