#pragma once
// Element-wise kernels that finish gaussian::evaluate for D > 64 around the library calls of
// kernels/linalg/large_dim.cuh (same workspace layout): log p, the vectors Sigma^-1 d and the
// matrix gradient from the factor and the inverse.
#include "kernels/gaussian/fused_small.cuh"  // MatrixKind
#include "kernels/linalg/large_dim.cuh"

namespace boltzkit::kernels {

/// One warp per element: log p from |v|^2 (v the element's n-vector in `vectors`, z = L⁻¹d or
/// y = Lᵀd) and the factor's diagonal.
template <class T>
__global__ void log_prob_kernel(const T* factor, const T* vectors, const std::int32_t* work_info,
                                std::int64_t count, int n, bool precision, T* log_prob,
                                std::int32_t* info) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * blockDim.x / warp_size;
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  for (std::int64_t m = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) /
                        warp_size;
       m < count; m += warps) {
    const T* f = factor + m * static_cast<std::int64_t>(n) * n;
    const T* v = vectors + m * static_cast<std::int64_t>(n);
    T maha = T(0), log_diag = T(0);
    for (int k = lane; k < n; k += warp_size) {
      maha += v[k] * v[k];
      log_diag += log(f[static_cast<std::int64_t>(k) * n + k]);
    }
    maha = group_sum(maha, warp_size);
    log_diag = group_sum(log_diag, warp_size);
    if (lane == 0) {
      const T log_det_sigma = precision ? T(-2) * log_diag : T(2) * log_diag;
      log_prob[m] = work_info[m] != 0 ? quiet_nan<T>()
                                      : T(-0.5) * maha - T(0.5) * log_det_sigma -
                                            T(n) * T(0.91893853320467274178);
      if (info) info[m] = work_info[m];
    }
  }
}

/// out = F^T in for a lower column-major F, one warp per column (contiguous in memory).
template <class T>
__device__ void lower_transposed_times(const T* f, const T* in, T* out, int n) {
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  const int warp = static_cast<int>(threadIdx.x) / warp_size;
  const int warps = static_cast<int>(blockDim.x) / warp_size;
  for (int k = warp; k < n; k += warps) {
    T s = T(0);
    for (int i = k + lane; i < n; i += warp_size) s += f[static_cast<std::int64_t>(k) * n + i] * in[i];
    s = group_sum(s, warp_size);
    if (lane == 0) out[k] = s;
  }
}

/// out = F in for a lower column-major F, one thread per row (neighbouring rows are
/// neighbouring addresses of each column).
template <class T>
__device__ void lower_times(const T* f, const T* in, T* out, int n) {
  for (int i = threadIdx.x; i < n; i += blockDim.x) {
    T s = T(0);
    for (int k = 0; k <= i; ++k) s += f[static_cast<std::int64_t>(k) * n + i] * in[k];
    out[i] = s;
  }
}

/// The vectors of log p and its gradient from one lower factor, one block per element
/// (d, y, g: n each):
///   precision (transpose_first):  y = L^T d, g = L y = Lambda d       (factor = L)
///   covariance:                   z = W d,   g = W^T z = Sigma^-1 d   (factor = W = L^-1)
template <class T>
__global__ void triangular_vectors_kernel(const T* factor, const T* d, T* y, T* g,
                                          std::int64_t count, int n, bool transpose_first,
                                          bool want_g) {
  for (std::int64_t m = blockIdx.x; m < count; m += gridDim.x) {
    const std::int64_t off = m * n;
    const T* f = factor + m * static_cast<std::int64_t>(n) * n;
    if (transpose_first)
      lower_transposed_times(f, d + off, y + off, n);
    else
      lower_times(f, d + off, y + off, n);
    __syncthreads();
    if (want_g) {
      if (transpose_first)
        lower_times(f, static_cast<const T*>(y + off), g + off, n);
      else
        lower_transposed_times(f, static_cast<const T*>(y + off), g + off, n);
    }
    __syncthreads();
  }
}

}  // namespace boltzkit::kernels

namespace boltzkit::kernels {

/// grad_mean = g, grad_x = -g (NaN for failed elements).
template <class T>
__global__ void store_gradient_vectors_kernel(WorkVector<T> g, const std::int32_t* work_info,
                                              std::int64_t first, std::int64_t count, int n,
                                              VectorRef<T> grad_mean, VectorRef<T> grad_x) {
  BOLTZKIT_GRID_STRIDE(e, count * n) {
    const std::int64_t m = e / n;
    const int i = static_cast<int>(e - m * n);
    const T value = work_info[m] != 0 ? quiet_nan<T>() : g(m, i);
    if (grad_mean.wanted()) grad_mean(first + m, i) = value;
    if (grad_x.wanted()) grad_x(first + m, i) = -value;
  }
}

/// The matrix gradient from the workspace:
///   covariance: -1/2 (inverse - u u^T), u = g        (inverse = Sigma^-1)
///   precision:   1/2 (inverse - u u^T), u = d        (inverse = Sigma)
///   cholesky:    tril(u v^T) - diag(1/L_ii), u = g, v = z
template <class T, MatrixKind K>
__global__ void store_matrix_gradient_kernel(const T* factor, const T* inverse,
                                             std::int64_t inverse_stride, WorkVector<T> u,
                                             WorkVector<T> v, const std::int32_t* work_info,
                                             std::int64_t first, std::int64_t count, int n,
                                             MatrixRef<T> grad) {
  const std::int64_t per = static_cast<std::int64_t>(n) * n;
  BOLTZKIT_GRID_STRIDE(e, count * per) {
    const auto [m, i, j] = block_element(e, per, n);
    T value;
    if (K == MatrixKind::cholesky) {
      const T lii = factor[m * per + static_cast<std::int64_t>(i) * n + i];
      value = i > j ? u(m, i) * v(m, j) : (i == j ? u(m, i) * v(m, i) - T(1) / lii : T(0));
    } else {
      // column-major inverse; symmetric, so (j, i) == (i, j) and this read is contiguous in j
      const T entry = inverse[m * inverse_stride + static_cast<std::int64_t>(i) * n + j];
      const T half = K == MatrixKind::covariance ? T(-0.5) : T(0.5);
      value = half * (entry - u(m, i) * u(m, j));
    }
    grad(first + m, i, j) = work_info[m] != 0 ? quiet_nan<T>() : value;
  }
}

}  // namespace boltzkit::kernels
