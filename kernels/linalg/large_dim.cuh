#pragma once
// Element-wise helper kernels around cuSOLVER potrfBatched / cuBLAS trsmBatched for D > 64.
// The library calls work on a dense column-major workspace: `factor` holds one n x n matrix per
// batch element (lower triangle = L, column-major), `rhs` one n x cols block per element.
#include "kernels/common/strided.cuh"
#include "kernels/common/group_tile.cuh"
#include "policy.hpp"

namespace boltzkit::kernels {

/// Grid-stride index over [0, total).
#define BOLTZKIT_GRID_STRIDE(e, total)                                                        \
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;     \
       e < (total); e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)

/// Element e of a run of blocks of `per` elements, each column-major with `minor` rows
/// (or row-major with `minor` columns): its block, its major and its minor index.
struct BlockElement {
  std::int64_t block;
  int major, minor;
};
__device__ inline BlockElement block_element(std::int64_t e, std::int64_t per, int minor) {
  const std::int64_t block = e / per;
  const int rest = static_cast<int>(e - block * per);
  const int major = rest / minor;
  return {block, major, rest - major * minor};
}

/// factor(m)[c*n + r] = src(first+m, r, c) for r >= c, 0 above: the row-major lower triangle as
/// a column-major lower triangle.
template <class T>
__global__ void pack_lower_kernel(MatrixRef<const T> src, std::int64_t first, std::int64_t count,
                                  int n, T* factor) {
  const std::int64_t per = static_cast<std::int64_t>(n) * n;
  BOLTZKIT_GRID_STRIDE(e, count * per) {
    const auto [m, c, r] = block_element(e, per, n);
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
    const auto [m, col, r] = block_element(e, per, n);
    T value;
    if (col < identity_cols)
      value = r == col ? T(1) : T(0);
    else
      value = c.wanted() ? a(first + m, r) - c(first + m, r) : a(first + m, r);
    rhs[e] = value;
  }
}

/// LAPACK's info leaves NaN pivots ambiguous across implementations: re-check the diagonal of
/// every factor up to the reported pivot and record the first non-finite or non-positive entry.
template <class T>
__global__ void check_diagonal_kernel(const T* factor, std::int64_t count, int n,
                                      std::int32_t* info) {
  BOLTZKIT_GRID_STRIDE(m, count) {
    // The library flags only pivots <= 0 and goes on through a NaN one, so a zero pivot after a
    // NaN one is what it reports: the first failing pivot is the first bad diagonal entry before
    // the reported one (those columns were computed), or the reported one.
    const int computed = info[m] > 0 ? info[m] - 1 : n;
    const T* f = factor + m * static_cast<std::int64_t>(n) * n;
    for (int k = 0; k < computed; ++k) {
      if (bad_pivot(f[static_cast<std::int64_t>(k) * n + k])) {
        info[m] = k + 1;
        break;
      }
    }
  }
}

/// A per-element n-vector inside a workspace: element m starts at base + m * stride.
template <class T>
struct WorkVector {
  const T* base;
  std::int64_t stride;
  __device__ T operator()(std::int64_t m, int i) const { return base[m * stride + i]; }
};

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
    const auto [m, i, j] = block_element(e, per, n);
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
