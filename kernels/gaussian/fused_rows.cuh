#pragma once
// The row-register Gaussian kernel, size class 8 < D <= 32 (docs/DESIGN.md, "Gaussian size
// classes"). A group of G lanes (16 or 32) owns one matrix; lane i keeps row i of the matrix,
// then of L, in registers, for a compile-time capacity N (12, 16, 24 or 32) into which the
// runtime n is padded with identity rows. Columns travel by shuffle: the factorization costs one
// shuffle and one FMA per (k, j) pair, where the group-tile kernel (fused_small.cuh) spends two
// shared loads, a shared store and the index arithmetic. For the gradient each lane forms one
// column of L^-1 and then its row of the symmetric inverse from those columns, summing only the
// terms that are not structurally zero. I/O stays coalesced: rows come in through a padded
// shared tile (lanes along a row), and go out by symmetry (lane c writes column c of row r from
// its own row c).
#include "kernels/common/group.cuh"
#include "kernels/common/strided.cuh"
#include "fused_small.cuh"  // MatrixKind, GaussianArgs, half_log_two_pi, bad_pivot

namespace boltzkit::kernels {

/// Threads per block of the row-register kernel (__launch_bounds__ and the host plan).
constexpr int rows_threads = 128;

/// Lanes per matrix for capacity N: the power of two at or above N.
template <int N>
__host__ __device__ constexpr int rows_group_size() {
  static_assert(N > 8 && N <= 32, "the row-register class covers 8 < N <= 32");
  return N <= 16 ? 16 : 32;
}

/// Elements of T one group stages its matrix through: N rows of N + 1 (the pad keeps a lane's
/// row read, address i(N+1) + j, on distinct banks across the group).
template <int N>
__host__ __device__ constexpr int rows_tile_elements() {
  return N * (N + 1);
}

/// Dynamic shared memory of a block of rows_threads threads.
template <class T, int N>
__host__ __device__ constexpr std::size_t rows_shared_bytes() {
  return static_cast<std::size_t>(rows_threads / rows_group_size<N>()) * rows_tile_elements<N>() *
         sizeof(T);
}

template <class T, int G>
__device__ inline T from_lane(T v, int lane) {
  return __shfl_sync(full_warp_mask, v, lane, G);
}

template <class T, int G>
__device__ inline T rows_group_sum(T v) {
#pragma unroll
  for (int offset = G / 2; offset > 0; offset >>= 1)
    v += __shfl_xor_sync(full_warp_mask, v, offset, G);
  return v;
}

template <class T, int N, MatrixKind K>
__global__ void __launch_bounds__(rows_threads) gaussian_rows_kernel(GaussianArgs<T> args) {
  constexpr int G = rows_group_size<N>();
  constexpr int groups_per_block = rows_threads / G;
  constexpr int ld = N + 1;
  const int lane = static_cast<int>(threadIdx.x) & (G - 1);  // this lane's row i
  const int group = static_cast<int>(threadIdx.x) / G;
  T* tile = reinterpret_cast<T*>(dynamic_shared_memory()) + group * rows_tile_elements<N>();
  const int n = args.n;
  const bool want_matrix = args.grad_matrix.wanted();
  const bool want_g = args.grad_mean.wanted() || args.grad_x.wanted() ||
                      (want_matrix && K != MatrixKind::precision);

  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * groups_per_block;
  for (std::int64_t b = static_cast<std::int64_t>(blockIdx.x) * groups_per_block + group;
       b - group < args.batch; b += stride) {
    // Every lane of the warp runs every shuffle below; a group past the batch works on I.
    const bool live = b < args.batch;

    // Stage the lower triangle (rows along lanes, coalesced), identity beyond n, zero above.
    if (lane < N) {
#pragma unroll
      for (int r = 0; r < N; ++r) {
        T v = r == lane ? T(1) : T(0);
        if (live && r < n && lane <= r) v = args.matrix(b, r, lane);
        tile[r * ld + lane] = v;
      }
    }
    __syncwarp();
    T a[N];
#pragma unroll
    for (int j = 0; j < N; ++j) a[j] = lane < N ? tile[lane * ld + j] : T(0);
    __syncwarp();  // the tile is rewritten by the next iteration

    T d = T(0);
    if (live && lane < n) d = args.mean.wanted() ? args.x(b, lane) - args.mean(b, lane) : args.x(b, lane);

    // Factor (or check the given factor). info: first failing pivot, the same on every lane.
    int info = 0;
    T my_diag = T(1), my_rdiag = T(1);
#pragma unroll
    for (int k = 0; k < N; ++k) {
      const T pivot = from_lane<T, G>(a[k], k);
      if (k < n && info == 0 && bad_pivot(pivot)) info = k + 1;
      if (K == MatrixKind::cholesky) {
        if (lane == k) {
          my_diag = pivot;
          my_rdiag = T(1) / pivot;
        }
        continue;
      }
      const T lkk = sqrt(pivot);
      const T r = T(1) / lkk;
      if (lane == k) {
        a[k] = lkk;
        my_diag = lkk;
        my_rdiag = r;
      }
      if (lane > k) a[k] *= r;  // L_ik
      // Right-looking update of the rows below; entries above a lane's diagonal take garbage
      // that nothing reads (no predicate: it would cost an instruction per pair).
#pragma unroll
      for (int j = k + 1; j < N; ++j) a[j] -= a[k] * from_lane<T, G>(a[k], j);
    }
    const bool failed = info != 0;

    // z = L^-1 d (covariance, cholesky) or y = L^T d (precision): this lane's entry.
    T z = d;
    if (K == MatrixKind::precision) {
#pragma unroll
      for (int k = 0; k < N; ++k) {
        const T part = rows_group_sum<T, G>(lane >= k ? a[k] * d : T(0));
        if (lane == k) z = part;
      }
    } else {
#pragma unroll
      for (int k = 0; k < N; ++k) {
        if (lane == k) z *= my_rdiag;
        const T zk = from_lane<T, G>(z, k);
        if (lane > k) z -= a[k] * zk;
      }
    }
    const T mahalanobis = rows_group_sum<T, G>(lane < n ? z * z : T(0));
    const T log_diag = rows_group_sum<T, G>(lane < n ? log(my_diag) : T(0));
    const T log_det_sigma = K == MatrixKind::precision ? T(-2) * log_diag : T(2) * log_diag;
    if (lane == 0 && live) {
      args.log_prob[b] = failed ? quiet_nan<T>()
                                : T(-0.5) * mahalanobis - T(0.5) * log_det_sigma -
                                      T(n) * T(half_log_two_pi);
      if (args.info) args.info[b] = info;
    }
    if (!want_g && !want_matrix) continue;

    // The symmetric inverse A^-1 = W^T W, W = L^-1 (covariance: Sigma^-1; precision: Lambda^-1).
    // Lane c forms column c of W (w[k] = W_kc, zero for k < c), then row c of A^-1 (s[i]).
    T s[N];
    if (K != MatrixKind::cholesky && want_matrix) {
      T w[N];
#pragma unroll
      for (int k = 0; k < N; ++k) {
        T acc = lane == k ? T(1) : T(0);
#pragma unroll
        for (int p = 0; p < k; ++p) acc -= from_lane<T, G>(a[p], k) * w[p];
        w[k] = acc * from_lane<T, G>(my_rdiag, k);
      }
#pragma unroll
      for (int i = 0; i < N; ++i) {
        T acc = T(0);
#pragma unroll
        for (int k = i; k < N; ++k) acc += w[k] * from_lane<T, G>(w[k], i);
        s[i] = acc;
      }
    }

    // g = Sigma^-1 d: from the inverse's row when it exists, else by the backward solve
    // L^T g = z; precision: g = L y.
    T g = T(0);
    if (K == MatrixKind::precision) {
#pragma unroll
      for (int k = 0; k < N; ++k) {
        const T yk = from_lane<T, G>(z, k);
        if (lane >= k) g += a[k] * yk;
      }
    } else if (K == MatrixKind::covariance && want_matrix) {
#pragma unroll
      for (int c = 0; c < N; ++c) g += s[c] * from_lane<T, G>(d, c);
    } else {
      g = z;
#pragma unroll
      for (int k = N - 1; k >= 0; --k) {
        const T part = rows_group_sum<T, G>(lane > k ? a[k] * g : T(0));
        if (lane == k) g = (g - part) * my_rdiag;
      }
    }

    if (live && lane < n) {
      if (args.grad_mean.wanted()) args.grad_mean(b, lane) = failed ? quiet_nan<T>() : g;
      if (args.grad_x.wanted()) args.grad_x(b, lane) = failed ? quiet_nan<T>() : -g;
    }
    if (!want_matrix) continue;
    // Row r of the gradient: lane c writes column c, from its own row c (symmetry).
#pragma unroll
    for (int r = 0; r < N; ++r) {
      if (r >= n) break;
      const T gr = from_lane<T, G>(K == MatrixKind::precision ? d : g, r);
      const T zr = from_lane<T, G>(z, r);
      if (!live || lane >= n) continue;
      T value;
      if (K == MatrixKind::covariance)
        value = T(-0.5) * (s[r] - g * gr);
      else if (K == MatrixKind::precision)
        value = T(0.5) * (s[r] - d * gr);
      else
        value = lane < r ? gr * z : (lane == r ? gr * zr - my_rdiag : T(0));
      args.grad_matrix(b, r, lane) = failed ? quiet_nan<T>() : value;
    }
  }
}

}  // namespace boltzkit::kernels
