#pragma once
// Kernels of the mixture E-step, statistics and KL on the GPU (MATH.md §1.6–1.8). Layouts: the
// per-component factors come from cuSOLVER/cuBLAS in column-major (K, D, D) blocks — `linv`
// holds L⁻¹ (entry (i, j) at [j·D + i]) and `prec` Σ⁻¹; per-tile point buffers are row-major
// (points, D), which cuBLAS sees as column-major (D, points).
#include <cstdint>

#include "kernels/common/group.cuh"
#include "kernels/common/group_tile.cuh"
#include "kernels/common/strided.cuh"
#include "kernels/linalg/large_dim.cuh"
#include "kernels/mixture/logsumexp.cuh"
#include "policy.hpp"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

constexpr double mixture_half_log_two_pi = 0.91893853320467274178;

/// logc_k = −Σ log L_ii − (D/2) log 2π, NaN for a failed factorization.
template <class T>
__global__ void component_constants_kernel(const T* factor, const std::int32_t* info,
                                           std::int64_t kk, int n, T* logc) {
  BOLTZKIT_GRID_STRIDE(k, kk) {
    const T* f = factor + k * static_cast<std::int64_t>(n) * n;
    T s = T(0);
    for (int i = 0; i < n; ++i) s += log(f[static_cast<std::int64_t>(i) * n + i]);
    logc[k] = info[k] != 0 ? quiet_nan<T>() : -s - T(n) * T(mixture_half_log_two_pi);
  }
}

/// y(p, :) = x(first + p, :) − μ_k (row-major, count × n); just the packed rows of x when
/// `mean` is absent.
template <class T>
__global__ void center_kernel(VectorRef<const T> x, std::int64_t first, std::int64_t count,
                              int n, VectorRef<const T> mean, std::int64_t k, T* y) {
  BOLTZKIT_GRID_STRIDE(e, count * n) {
    const std::int64_t p = e / n;
    const int i = static_cast<int>(e - p * n);
    y[e] = mean.wanted() ? x(first + p, i) - mean(k, i) : x(first + p, i);
  }
}

/// One warp per point: a(p, k) = logc_k − ½ |z_p|² from the whitened rows z (count × n).
template <class T>
__global__ void quadratic_kernel(const T* z, std::int64_t count, int n, const T* logc,
                                 std::int64_t k, std::int64_t kk, T* a) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * blockDim.x / warp_size;
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  for (std::int64_t p = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) /
                        warp_size;
       p < count; p += warps) {
    T s = T(0);
    for (int i = lane; i < n; i += warp_size) s += z[p * n + i] * z[p * n + i];
    s = group_sum(s, warp_size);
    if (lane == 0) a[p * kk + k] = logc[k] - T(0.5) * s;
  }
}

/// One Gaussian from its score rows s = −Σ⁻¹ d (one warp per point; rows ld_s apart):
/// log_prob[first + p] = logc − ½ dᵀΣ⁻¹d = logc + ½ d·s when log_prob is not null, with d the
/// centred rows y (count × n). A failed factorization (info[0] ≠ 0) makes the score rows NaN,
/// as the CPU backend (logc is NaN then, so log p is too).
template <class T>
__global__ void logp_from_score_kernel(const T* y, T* s, std::int64_t ld_s, std::int64_t count,
                                       int n, const T* logc, const std::int32_t* info,
                                       std::int64_t first, T* log_prob) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * blockDim.x / warp_size;
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  const bool failed = info[0] != 0;
  for (std::int64_t p = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) /
                        warp_size;
       p < count; p += warps) {
    if (failed) {
      for (int i = lane; i < n; i += warp_size) s[p * ld_s + i] = quiet_nan<T>();
      if (lane == 0 && log_prob) log_prob[first + p] = quiet_nan<T>();
      continue;
    }
    if (!log_prob) continue;
    T v = T(0);
    for (int i = lane; i < n; i += warp_size) v += y[p * n + i] * s[p * ld_s + i];
    v = group_sum(v, warp_size);
    if (lane == 0) log_prob[first + p] = logc[0] + T(0.5) * v;
  }
}

/// Fused small-D E-step: one thread per point, every component's L⁻¹ and μ staged through
/// shared memory in turn; a(p, k) = logc_k − ½ |L_k⁻¹(x_p − μ_k)|². MaxDim ≥ n is a compile-time
/// bound (8, 16 or 32, fused_logp_for): the row and column loops are unrolled to it, so d stays
/// in registers (a runtime-indexed array would live in local memory) and every shared-memory
/// read has a constant offset; rows i ≥ n end the loop by a uniform branch. L⁻¹ is packed by
/// rows in shared memory, entry (i, j ≤ i) at i(i+1)/2 + j. Shared: (n(n+1)/2 + n) T.
template <class T, int MaxDim>
__global__ void __launch_bounds__(mixture_fused_threads)
    fused_logp_kernel(VectorRef<const T> x, std::int64_t first, std::int64_t count, int n,
                      VectorRef<const T> mean, const T* linv, const T* logc, std::int64_t kk,
                      T* a) {
  T* s_tri = reinterpret_cast<T*>(dynamic_shared_memory());
  T* s_mean = s_tri + n * (n + 1) / 2;
  const std::int64_t per_grid = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * blockDim.x; base < count;
       base += per_grid) {  // uniform over the block: every thread reaches each barrier
    const std::int64_t p = base + threadIdx.x;
    const bool live = p < count;
    T xv[MaxDim];
BOLTZKIT_UNROLL
    for (int i = 0; i < MaxDim; ++i) xv[i] = live && i < n ? x(first + p, i) : T(0);
    for (std::int64_t k = 0; k < kk; ++k) {
      __syncthreads();  // the previous component's tiles are no longer read
      const T* src = linv + k * static_cast<std::int64_t>(n) * n;
      for (int e = threadIdx.x; e < n * n; e += blockDim.x) {
        const int j = e / n, i = e - j * n;  // src is column-major
        if (j <= i) s_tri[i * (i + 1) / 2 + j] = src[e];
      }
      for (int e = threadIdx.x; e < n; e += blockDim.x) s_mean[e] = mean(k, e);
      __syncthreads();
      if (!live) continue;
      T d[MaxDim];
BOLTZKIT_UNROLL
      for (int i = 0; i < MaxDim; ++i) d[i] = i < n ? xv[i] - s_mean[i] : T(0);
      T norm2 = T(0);
BOLTZKIT_UNROLL
      for (int i = 0; i < MaxDim; ++i) {
        if (i >= n) break;
        const T* row = s_tri + i * (i + 1) / 2;
        T zi = T(0);
BOLTZKIT_UNROLL
        for (int j = 0; j <= i; ++j) zi += row[j] * d[j];
        norm2 += zi * zi;
      }
      a[p * kk + k] = logc[k] - T(0.5) * norm2;
    }
  }
}

/// The fused kernel's instantiation for n ≤ mixture_fused_max_dim: the smallest of 8, 16, 32.
template <class T>
auto fused_logp_for(int n) {
  static_assert(mixture_fused_max_dim == 32, "fused_logp_for lists the bounds up to 32");
  return n <= 8 ? fused_logp_kernel<T, 8>
                : (n <= 16 ? fused_logp_kernel<T, 16> : fused_logp_kernel<T, 32>);
}

/// Per point, from a(p, :) = log N(x_p | μ_k, Σ_k): writes log_prob rows; with weights the online
/// log-sum-exp gives mix_log_prob and the responsibilities, which replace a(p, :) (and go to
/// resp); without weights a(p, k) becomes the unit weight (NaN for a failed component).
template <class T>
__global__ void lse_kernel(T* a, std::int64_t count, std::int64_t kk, const T* weights,
                           std::int64_t first, T* log_prob, T* mix_log_prob, T* resp) {
  BOLTZKIT_GRID_STRIDE(p, count) {
    T* row = a + p * kk;
    const std::int64_t q = first + p;
    if (log_prob)
      for (std::int64_t k = 0; k < kk; ++k) log_prob[q * kk + k] = row[k];
    if (weights) {
      OnlineLogSumExp<T> lse;
      for (std::int64_t k = 0; k < kk; ++k) lse.add(log(weights[k]) + row[k]);
      const T total = lse.value();
      if (mix_log_prob) mix_log_prob[q] = total;
      for (std::int64_t k = 0; k < kk; ++k) {
        const T r = exp(log(weights[k]) + row[k] - total);
        row[k] = r;
        if (resp) resp[q * kk + k] = r;
      }
    } else {
      for (std::int64_t k = 0; k < kk; ++k) row[k] = row[k] != row[k] ? row[k] : T(1);
    }
  }
}

/// v(p, :) = w(p, k) · y(p, :).
template <class T>
__global__ void scale_rows_kernel(const T* y, const T* w, std::int64_t k, std::int64_t kk,
                                  std::int64_t count, int n, T* v) {
  BOLTZKIT_GRID_STRIDE(e, count * n) {
    const std::int64_t p = e / n;
    v[e] = w[p * kk + k] * y[e];
  }
}

/// Pass 2 of the weighted statistics for every component of a tile at once (MATH.md §1.6):
/// y_k(p, i) = x(first + p, i) − m(k, i) and v_k(p, i) = w(p, k) · y_k(p, i) (w = 1 when null),
/// each component's rows stored column-major (count × n, ld count, component k at k·count·n), so
/// one strided-batched GEMM Y_kᵀ V_k gives all K scatters. One thread per (component, point)
/// pair — K·count threads, so a small tile still fills the GPU — and 32-bit offsets (the host
/// keeps K·count·n < 2³¹): one 32-bit division per pair, none per element, and a warp's stores
/// are consecutive points of one column. The same operands as center + scale_rows per component.
template <class T>
__global__ void center_weight_all_kernel(VectorRef<const T> x, std::int64_t first, int count,
                                         int n, const T* means, const T* w, int kk, T* y, T* v) {
  const int pairs = count * kk, stride = static_cast<int>(gridDim.x * blockDim.x);
  for (int e = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x); e < pairs; e += stride) {
    const int k = e / count, p = e - k * count;
    const T* xp = x.data + (first + p) * x.batch_stride;
    const T* mk = means + k * n;
    const T wk = w ? w[p * kk + k] : T(1);
    int out = k * n * count + p;  // (k·n + i)·count + p, stepped by count
    for (int i = 0; i < n; ++i, out += count) {
      const T d = xp[i] - mk[i];
      y[out] = d;
      v[out] = wk * d;
    }
  }
}

template <class T>
__global__ void fill_kernel(T* p, std::int64_t count, T value) {
  BOLTZKIT_GRID_STRIDE(e, count) { p[e] = value; }
}

/// m = S − W_k Σ_k (column-major n × n), both from their lower triangles: S may come from SYRK
/// (upper triangle not written), Σ from the input.
template <class T>
__global__ void scatter_minus_cov_kernel(const T* s, const T* wsum, std::int64_t k,
                                         MatrixRef<const T> cov, int n, T* m) {
  BOLTZKIT_GRID_STRIDE(e, static_cast<std::int64_t>(n) * n) {
    const int c = static_cast<int>(e / n), r = static_cast<int>(e - static_cast<std::int64_t>(c) * n);
    const int hi = r > c ? r : c, lo = r > c ? c : r;
    m[e] = s[static_cast<std::int64_t>(lo) * n + hi] - wsum[k] * cov(k, hi, lo);
  }
}

/// out(k, r, c) = scale · g[c·n + r] / divisor_k (0 when divisor_k = 0), NaN when info_k ≠ 0.
template <class T>
__global__ void store_component_matrix_kernel(const T* g, T scale, const T* divisor,
                                              const std::int32_t* info, std::int64_t k, int n,
                                              MatrixRef<T> out) {
  BOLTZKIT_GRID_STRIDE(e, static_cast<std::int64_t>(n) * n) {
    const int c = static_cast<int>(e / n), r = static_cast<int>(e - static_cast<std::int64_t>(c) * n);
    T v = scale * g[e];
    if (divisor) v = divisor[k] > T(0) ? v / divisor[k] : T(0);
    out(k, r, c) = info && info[k] != 0 ? quiet_nan<T>() : v;
  }
}

/// out(k, :) = g / divisor_k (0 when divisor_k = 0), NaN when info_k ≠ 0.
template <class T>
__global__ void store_component_vector_kernel(const T* g, const T* divisor,
                                              const std::int32_t* info, std::int64_t k, int n,
                                              VectorRef<T> out) {
  BOLTZKIT_GRID_STRIDE(i, n) {
    T v = g[i];
    if (divisor) v = divisor[k] > T(0) ? v / divisor[k] : T(0);
    out(k, static_cast<int>(i)) = info && info[k] != 0 ? quiet_nan<T>() : v;
  }
}

/// The statistics' outputs of all K components in one launch: cov_out(k) = scatter_k / counts_k
/// (column-major scatter; 0 when counts_k = 0) and mean_out(k) = means_k, either skipped when not
/// wanted. The arithmetic of store_component_matrix / store_component_vector per component.
template <class T>
__global__ void store_statistics_kernel(const T* means, const T* scatter, const T* counts,
                                        std::int64_t kk, int n, VectorRef<T> mean_out,
                                        MatrixRef<T> cov_out) {
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  BOLTZKIT_GRID_STRIDE(e, kk * nn) {
    const std::int64_t k = e / nn;
    const int q = static_cast<int>(e - k * nn), c = q / n, r = q - c * n;
    if (cov_out.wanted()) cov_out(k, r, c) = counts[k] > T(0) ? scatter[e] / counts[k] : T(0);
    if (mean_out.wanted() && q < n) mean_out(k, q) = means[k * n + q];
  }
}

/// means (K × n row-major, in place) /= counts; counts copied out when wanted.
template <class T>
__global__ void divide_means_kernel(T* means, const T* counts, std::int64_t kk, int n,
                                    T* counts_out) {
  BOLTZKIT_GRID_STRIDE(e, kk * n) {
    const std::int64_t k = e / n;
    means[e] = counts[k] > T(0) ? means[e] / counts[k] : T(0);
    if (counts_out && e - k * n == 0) counts_out[k] = counts[k];
  }
}

/// KL from the factors: ½(‖L1⁻¹L0‖²_F + |L1⁻¹δ|² − D + log|Σ1| − log|Σ0|), one warp per pair.
/// `sol` holds L1⁻¹L0 (n × n column-major), `dz` L1⁻¹(μ1 − μ0) (n).
template <class T>
__global__ void kl_finish_kernel(const T* f0, const T* f1, const T* sol, const T* dz,
                                 const std::int32_t* info0, const std::int32_t* info1,
                                 std::int64_t count, int n, T* kl, std::int32_t* info) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * blockDim.x / warp_size;
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  for (std::int64_t b = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) /
                        warp_size;
       b < count; b += warps) {
    T trace = T(0), maha = T(0), logdet = T(0);
    for (std::int64_t e = lane; e < nn; e += warp_size) {
      const std::int64_t c = e / n, r = e - c * n;
      if (r >= c) trace += sol[b * nn + e] * sol[b * nn + e];
    }
    for (int i = lane; i < n; i += warp_size) {
      maha += dz[b * n + i] * dz[b * n + i];
      logdet += T(2) * (log(f1[b * nn + static_cast<std::int64_t>(i) * n + i]) -
                        log(f0[b * nn + static_cast<std::int64_t>(i) * n + i]));
    }
    trace = group_sum(trace, warp_size);
    maha = group_sum(maha, warp_size);
    logdet = group_sum(logdet, warp_size);
    if (lane == 0) {
      const std::int32_t status = info0[b] != 0 ? 1 : (info1[b] != 0 ? 2 : 0);
      if (info) info[b] = status;
      kl[b] = status != 0 ? quiet_nan<T>() : T(0.5) * (trace + maha - T(n) + logdet);
    }
  }
}

}  // namespace boltzkit::kernels
