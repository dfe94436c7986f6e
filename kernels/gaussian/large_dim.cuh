#pragma once
// Element-wise helper kernels around cuSOLVER potrfBatched / cuBLAS trsmBatched for D > 64.
// The library calls work on a dense column-major workspace: `factor` holds one n x n matrix per
// batch element (lower triangle = L, column-major), `rhs` one n x cols block per element.
#include "../common/strided.cuh"
#include "group_tile.cuh"
#include "fused_small.cuh"

namespace boltzkit::kernels {

constexpr int large_threads = 256;

/// Grid-stride index over [0, total).
#define BOLTZKIT_GRID_STRIDE(e, total)                                                        \
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;     \
       e < (total); e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)

/// factor(m)[c*n + r] = src(first+m, r, c) for r >= c, 0 above: the row-major lower triangle as
/// a column-major lower triangle.
template <class T>
__global__ void pack_lower_kernel(MatrixRef<const T> src, std::int64_t first, std::int64_t count,
                                  int n, T* factor) {
  const std::int64_t per = static_cast<std::int64_t>(n) * n;
  BOLTZKIT_GRID_STRIDE(e, count * per) {
    const std::int64_t m = e / per;
    const int rest = static_cast<int>(e - m * per);
    const int c = rest / n;
    const int r = rest - c * n;
    factor[e] = r >= c ? src(first + m, r, c) : T(0);
  }
}

template <class T>
__global__ void set_pointers_kernel(T** pointers, T* base, std::int64_t count,
                                    std::int64_t stride) {
  BOLTZKIT_GRID_STRIDE(m, count) { pointers[m] = base + m * stride; }
}

/// rhs(m) = [I_{identity_cols} | a(b) - c(b)] (n x cols, column-major); the vector column is the
/// last one when cols > identity_cols.
template <class T>
__global__ void build_rhs_kernel(VectorRef<const T> a, VectorRef<const T> c, std::int64_t first,
                                 std::int64_t count, int n, int cols, int identity_cols, T* rhs) {
  const std::int64_t per = static_cast<std::int64_t>(n) * cols;
  BOLTZKIT_GRID_STRIDE(e, count * per) {
    const std::int64_t m = e / per;
    const int rest = static_cast<int>(e - m * per);
    const int col = rest / n;
    const int r = rest - col * n;
    T value;
    if (col < identity_cols)
      value = r == col ? T(1) : T(0);
    else
      value = c.wanted() ? a(first + m, r) - c(first + m, r) : a(first + m, r);
    rhs[e] = value;
  }
}

/// LAPACK's info leaves NaN pivots ambiguous across implementations: re-check the diagonal of
/// every factor that was reported fine and record the first non-finite or non-positive entry.
template <class T>
__global__ void check_diagonal_kernel(const T* factor, std::int64_t count, int n,
                                      std::int32_t* info) {
  BOLTZKIT_GRID_STRIDE(m, count) {
    if (info[m] != 0) continue;
    const T* f = factor + m * static_cast<std::int64_t>(n) * n;
    for (int k = 0; k < n; ++k) {
      if (bad_pivot(f[static_cast<std::int64_t>(k) * n + k])) {
        info[m] = k + 1;
        break;
      }
    }
  }
}

/// One warp per element: log p from |v|^2 (v = column `col` of `vectors`, n x cols per element)
/// and the factor's diagonal.
template <class T>
__global__ void log_prob_kernel(const T* factor, const T* vectors, int cols, int col,
                                const std::int32_t* work_info, std::int64_t count, int n,
                                bool precision, T* log_prob, std::int32_t* info) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * blockDim.x / warp_size;
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  for (std::int64_t m = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) /
                        warp_size;
       m < count; m += warps) {
    const T* f = factor + m * static_cast<std::int64_t>(n) * n;
    const T* v = vectors + m * static_cast<std::int64_t>(n) * cols + static_cast<std::int64_t>(col) * n;
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

/// Precision parameterization: y = L^T d and g = L y, one block per element (d, y, g: n each).
template <class T>
__global__ void precision_vectors_kernel(const T* factor, const T* d, T* y, T* g,
                                         std::int64_t count, int n, bool want_g) {
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  const int warp = static_cast<int>(threadIdx.x) / warp_size;
  const int warps = static_cast<int>(blockDim.x) / warp_size;
  for (std::int64_t m = blockIdx.x; m < count; m += gridDim.x) {
    const std::int64_t off = m * n;
    const T* f = factor + m * static_cast<std::int64_t>(n) * n;
    for (int k = warp; k < n; k += warps) {  // column k of L is contiguous
      T s = T(0);
      for (int i = k + lane; i < n; i += warp_size) s += f[static_cast<std::int64_t>(k) * n + i] * d[off + i];
      s = group_sum(s, warp_size);
      if (lane == 0) y[off + k] = s;
    }
    __syncthreads();
    if (want_g) {
      for (int i = threadIdx.x; i < n; i += blockDim.x) {
        T s = T(0);
        for (int k = 0; k <= i; ++k) s += f[static_cast<std::int64_t>(k) * n + i] * y[off + k];
        g[off + i] = s;
      }
    }
    __syncthreads();
  }
}

}  // namespace boltzkit::kernels

namespace boltzkit::kernels {

/// A per-element n-vector inside a workspace: element m starts at base + m * stride.
template <class T>
struct WorkVector {
  const T* base;
  std::int64_t stride;
  __device__ T operator()(std::int64_t m, int i) const { return base[m * stride + i]; }
};

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
    const std::int64_t m = e / per;
    const int rest = static_cast<int>(e - m * per);
    const int i = rest / n;
    const int j = rest - i * n;
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

/// Column-major workspace blocks back to strided row-major outputs (the linalg entry points).
///   mode 0: lower triangle of L (zeros above), NaN where info != 0 (info may be null)
///   mode 1: full matrix
template <class T>
__global__ void unpack_matrix_kernel(const T* work, std::int64_t work_stride,
                                     const std::int32_t* work_info, std::int64_t first,
                                     std::int64_t count, int n, bool lower_only,
                                     MatrixRef<T> dst) {
  const std::int64_t per = static_cast<std::int64_t>(n) * n;
  BOLTZKIT_GRID_STRIDE(e, count * per) {
    const std::int64_t m = e / per;
    const int rest = static_cast<int>(e - m * per);
    const int i = rest / n;
    const int j = rest - i * n;
    T value = (lower_only && j > i) ? T(0) : work[m * work_stride + static_cast<std::int64_t>(j) * n + i];
    if (work_info != nullptr && work_info[m] != 0) value = quiet_nan<T>();
    dst(first + m, i, j) = value;
  }
}

template <class T>
__global__ void unpack_vector_kernel(WorkVector<T> src, std::int64_t first, std::int64_t count,
                                     int n, VectorRef<T> dst) {
  BOLTZKIT_GRID_STRIDE(e, count * n) {
    const std::int64_t m = e / n;
    const int i = static_cast<int>(e - m * n);
    dst(first + m, i) = src(m, i);
  }
}

template <class T>
__global__ void copy_kernel(const T* src, T* dst, std::int64_t total) {
  BOLTZKIT_GRID_STRIDE(e, total) { dst[e] = src[e]; }
}

/// log|A| = 2 sum log L_ii straight from a strided factor, one thread per element.
template <class T>
__global__ void log_determinant_kernel(MatrixRef<const T> l, std::int64_t batch, int n,
                                       T* logdet) {
  BOLTZKIT_GRID_STRIDE(b, batch) {
    T s = T(0);
    bool bad = false;
    for (int k = 0; k < n; ++k) {
      const T v = l(b, k, k);
      bad = bad || bad_pivot(v);
      s += log(v);
    }
    logdet[b] = bad ? quiet_nan<T>() : T(2) * s;
  }
}

}  // namespace boltzkit::kernels
