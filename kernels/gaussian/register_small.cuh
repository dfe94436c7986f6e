#pragma once
// The register Gaussian kernel for D <= register_dim_max (8): one thread per batch element, D a
// compile-time constant, so the lower triangle, the factor, the vectors and Σ⁻¹ (or Σ) all live
// in registers and every loop below unrolls completely. The kernel is memory-bound; its loads and
// stores go through register_stage.cuh (coalesced through shared memory) when the batch is
// packed, and straight from the strided views otherwise (broadcast means, strided rows, ...).
// Mathematics: docs/MATH.md §1.1–1.5 (same formulas, outputs and failure rules as the fused
// kernel and the CPU backend).
#include <cstdint>

#include "kernels/common/group.cuh"
#include "kernels/common/group_tile.cuh"
#include "kernels/common/strided.cuh"
#include "args.cuh"
#include "policy.hpp"
#include "register_stage.cuh"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

/// Index of (i, j), j <= i, in a row-wise packed lower triangle.
__host__ __device__ constexpr int lower_index(int i, int j) { return i * (i + 1) / 2 + j; }

/// Dynamic shared memory of one block of the register kernel (the stage for a D×D matrix).
template <class T, int D>
constexpr std::size_t register_shared_bytes() {
  return stage_bytes<T, D * D>();
}

/// One element, in registers.
template <class T, int D>
struct RegisterElement {
  static constexpr int lower = D * (D + 1) / 2;
  T a[lower];   // the given matrix's lower triangle, then L, then Σ⁻¹ (or Σ), then ∂/∂matrix
  T rdiag[D];   // 1 / L_ii
  T d[D];       // x − μ
  T z[D];       // L⁻¹d (covariance, cholesky) or Lᵀd (precision)
  T g[D];       // Σ⁻¹d
  int info;
};

/// Lower-triangular Cholesky in place (left-looking). info = first pivot (1-based) that is not
/// finite-positive; the loop keeps going (NaN from then on), the caller writes NaN outputs.
template <class T, int D>
__device__ void register_cholesky(RegisterElement<T, D>& e) {
  e.info = 0;
BOLTZKIT_UNROLL
  for (int j = 0; j < D; ++j) {
    T s = e.a[lower_index(j, j)];
BOLTZKIT_UNROLL
    for (int p = 0; p < j; ++p) s -= e.a[lower_index(j, p)] * e.a[lower_index(j, p)];
    if (bad_pivot(s) && e.info == 0) e.info = j + 1;
    const T ljj = sqrt(s);
    e.a[lower_index(j, j)] = ljj;
    e.rdiag[j] = T(1) / ljj;
BOLTZKIT_UNROLL
    for (int i = j + 1; i < D; ++i) {
      T v = e.a[lower_index(i, j)];
BOLTZKIT_UNROLL
      for (int p = 0; p < j; ++p) v -= e.a[lower_index(i, p)] * e.a[lower_index(j, p)];
      e.a[lower_index(i, j)] = v * e.rdiag[j];
    }
  }
}

/// A given factor: only its diagonal is checked.
template <class T, int D>
__device__ void register_check_factor(RegisterElement<T, D>& e) {
  e.info = 0;
BOLTZKIT_UNROLL
  for (int i = D - 1; i >= 0; --i) {
    const T lii = e.a[lower_index(i, i)];
    e.rdiag[i] = T(1) / lii;
    if (bad_pivot(lii)) e.info = i + 1;  // descending: the smallest bad index wins
  }
}

/// Precision: z = Lᵀd, and g = Lz = Λd when wanted.
template <class T, int D>
__device__ void register_products(RegisterElement<T, D>& e, bool want_g) {
BOLTZKIT_UNROLL
  for (int k = 0; k < D; ++k) {
    T s = T(0);
BOLTZKIT_UNROLL
    for (int i = k; i < D; ++i) s += e.a[lower_index(i, k)] * e.d[i];
    e.z[k] = s;
  }
  if (!want_g) return;
BOLTZKIT_UNROLL
  for (int i = 0; i < D; ++i) {
    T s = T(0);
BOLTZKIT_UNROLL
    for (int k = 0; k <= i; ++k) s += e.a[lower_index(i, k)] * e.z[k];
    e.g[i] = s;
  }
}

/// Covariance, cholesky: z = L⁻¹d, and g = L⁻ᵀz = Σ⁻¹d when wanted.
template <class T, int D>
__device__ void register_solves(RegisterElement<T, D>& e, bool want_g) {
BOLTZKIT_UNROLL
  for (int i = 0; i < D; ++i) {
    T s = e.d[i];
BOLTZKIT_UNROLL
    for (int p = 0; p < i; ++p) s -= e.a[lower_index(i, p)] * e.z[p];
    e.z[i] = s * e.rdiag[i];
  }
  if (!want_g) return;
BOLTZKIT_UNROLL
  for (int i = D - 1; i >= 0; --i) {
    T s = e.z[i];
BOLTZKIT_UNROLL
    for (int p = i + 1; p < D; ++p) s -= e.a[lower_index(p, i)] * e.g[p];
    e.g[i] = s * e.rdiag[i];
  }
}

/// log p = −½|z|² − ½ log|Σ| − (D/2) log 2π, with log|Σ| = ±2 Σ log L_ii.
template <class T, int D, MatrixKind K>
__device__ T register_log_prob(const RegisterElement<T, D>& e) {
  T mahalanobis = T(0), log_diag = T(0);
BOLTZKIT_UNROLL
  for (int i = 0; i < D; ++i) {
    mahalanobis += e.z[i] * e.z[i];
    log_diag += log(e.a[lower_index(i, i)]);
  }
  const T log_det_sigma = K == MatrixKind::precision ? T(-2) * log_diag : T(2) * log_diag;
  return T(-0.5) * mahalanobis - T(0.5) * log_det_sigma - T(D) * T(half_log_two_pi);
}

/// Replaces L by the lower half of (LLᵀ)⁻¹ = L⁻ᵀL⁻¹ (Σ⁻¹ for covariance, Σ for precision) and
/// then by the matrix gradient's lower half: −½(Σ⁻¹ − ggᵀ) or ½(Σ − ddᵀ). Only the symmetric
/// half is computed; the store mirrors it.
template <class T, int D, MatrixKind K>
__device__ void register_symmetric_gradient(RegisterElement<T, D>& e) {
  T w[RegisterElement<T, D>::lower];  // L⁻¹, column by column
BOLTZKIT_UNROLL
  for (int c = 0; c < D; ++c) {
    w[lower_index(c, c)] = e.rdiag[c];
BOLTZKIT_UNROLL
    for (int i = c + 1; i < D; ++i) {
      T s = T(0);
BOLTZKIT_UNROLL
      for (int p = c; p < i; ++p) s += e.a[lower_index(i, p)] * w[lower_index(p, c)];
      w[lower_index(i, c)] = -e.rdiag[i] * s;
    }
  }
BOLTZKIT_UNROLL
  for (int i = 0; i < D; ++i) {
BOLTZKIT_UNROLL
    for (int c = 0; c <= i; ++c) {
      T s = T(0);
BOLTZKIT_UNROLL
      for (int k = i; k < D; ++k) s += w[lower_index(k, i)] * w[lower_index(k, c)];
      e.a[lower_index(i, c)] = K == MatrixKind::covariance
                                   ? T(-0.5) * (s - e.g[i] * e.g[c])
                                   : T(0.5) * (s - e.d[i] * e.d[c]);
    }
  }
}

/// Entry (i, j) of ∂ log p/∂matrix once register_symmetric_gradient has run (covariance,
/// precision), or from g, z and L for a given factor: tril(g zᵀ) − diag(1/L_ii), upper part 0.
template <class T, int D, MatrixKind K>
__device__ T register_gradient_entry(const RegisterElement<T, D>& e, int i, int j) {
  if (e.info != 0) return quiet_nan<T>();
  if constexpr (K == MatrixKind::cholesky) {
    if (j > i) return T(0);
    return i == j ? e.g[i] * e.z[i] - e.rdiag[i] : e.g[i] * e.z[j];
  } else {
    return i >= j ? e.a[lower_index(i, j)] : e.a[lower_index(j, i)];
  }
}

template <class T, int D, MatrixKind K>
__global__ void __launch_bounds__(register_threads) gaussian_register_kernel(GaussianArgs<T> args) {
  T* stage = reinterpret_cast<T*>(dynamic_shared_memory());
  const int t = static_cast<int>(threadIdx.x);
  // Packed layouts (chosen by the arguments alone, so uniform over the block) go through the
  // stage; anything else (broadcast, padded rows, interleaved batches) is read in place.
  const bool matrix_packed =
      args.matrix.row_stride == D && args.matrix.batch_stride == std::int64_t{D} * D;
  const bool x_packed = args.x.batch_stride == D;
  const bool mean_packed = args.mean.batch_stride == D;
  const bool grad_matrix_packed = args.grad_matrix.row_stride == D &&
                                  args.grad_matrix.batch_stride == std::int64_t{D} * D;
  const bool grad_mean_packed = args.grad_mean.batch_stride == D;
  const bool grad_x_packed = args.grad_x.batch_stride == D;
  const bool want_g = args.grad_mean.wanted() || args.grad_x.wanted() ||
                      (args.grad_matrix.wanted() && K != MatrixKind::precision);

  const std::int64_t step = static_cast<std::int64_t>(gridDim.x) * register_threads;
  for (std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * register_threads;
       first < args.batch; first += step) {
    const std::int64_t b = first + t;
    const bool live = b < args.batch;
    const int count = static_cast<int>(
        args.batch - first < register_threads ? args.batch - first : register_threads);
    RegisterElement<T, D> e;

    if (matrix_packed) {
      stage_in<T, D * D>(stage, &args.matrix(first, 0, 0), count, [&](int w, T v) {
        const int i = w / D, j = w % D;
        if (j <= i) e.a[lower_index(i, j)] = v;
      });
    } else {
BOLTZKIT_UNROLL
      for (int i = 0; i < D; ++i)
BOLTZKIT_UNROLL
        for (int j = 0; j <= i; ++j) e.a[lower_index(i, j)] = live ? args.matrix(b, i, j) : T(1);
    }
    if (x_packed) {
      stage_in<T, D>(stage, &args.x(first, 0), count, [&](int w, T v) { e.d[w] = v; });
    } else {
BOLTZKIT_UNROLL
      for (int i = 0; i < D; ++i) e.d[i] = live ? args.x(b, i) : T(0);
    }
    if (args.mean.wanted()) {
      if (mean_packed) {
        stage_in<T, D>(stage, &args.mean(first, 0), count, [&](int w, T v) { e.d[w] -= v; });
      } else {
BOLTZKIT_UNROLL
        for (int i = 0; i < D; ++i) e.d[i] -= live ? args.mean(b, i) : T(0);
      }
    }

    if constexpr (K == MatrixKind::cholesky)
      register_check_factor(e);
    else
      register_cholesky(e);
    if constexpr (K == MatrixKind::precision)
      register_products(e, want_g);
    else
      register_solves(e, want_g);
    if (live) {
      args.log_prob[b] = e.info != 0 ? quiet_nan<T>() : register_log_prob<T, D, K>(e);
      if (args.info) args.info[b] = e.info;
    }

    auto mean_gradient = [&](int i) { return e.info != 0 ? quiet_nan<T>() : e.g[i]; };
    auto score = [&](int i) { return e.info != 0 ? quiet_nan<T>() : -e.g[i]; };
    if (args.grad_mean.wanted()) {
      if (grad_mean_packed) {
        stage_out<T, D>(stage, &args.grad_mean(first, 0), count, mean_gradient);
      } else if (live) {
BOLTZKIT_UNROLL
        for (int i = 0; i < D; ++i) args.grad_mean(b, i) = mean_gradient(i);
      }
    }
    if (args.grad_x.wanted()) {
      if (grad_x_packed) {
        stage_out<T, D>(stage, &args.grad_x(first, 0), count, score);
      } else if (live) {
BOLTZKIT_UNROLL
        for (int i = 0; i < D; ++i) args.grad_x(b, i) = score(i);
      }
    }
    if (!args.grad_matrix.wanted()) continue;
    if constexpr (K != MatrixKind::cholesky) register_symmetric_gradient<T, D, K>(e);
    if (grad_matrix_packed) {
      stage_out<T, D * D>(stage, &args.grad_matrix(first, 0, 0), count, [&](int w) {
        return register_gradient_entry<T, D, K>(e, w / D, w % D);
      });
    } else if (live) {
BOLTZKIT_UNROLL
      for (int i = 0; i < D; ++i)
BOLTZKIT_UNROLL
        for (int j = 0; j < D; ++j) args.grad_matrix(b, i, j) = register_gradient_entry<T, D, K>(e, i, j);
    }
  }
}

}  // namespace boltzkit::kernels
