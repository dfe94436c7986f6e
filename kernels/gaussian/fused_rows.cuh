#pragma once
// The row-register Gaussian kernel, size class 8 < D <= 64 (docs/DESIGN.md, "Gaussian size
// classes"). A group of G lanes (16 or 32) owns one matrix; lane l keeps rows l and l + 32 (R =
// 1 or 2 of them) of the matrix, then of L, in registers, for a compile-time capacity N (12,
// 16, 24, 32, 48, 64) into which the runtime n is padded with identity rows. Columns travel by
// shuffle: the factorization costs one shuffle and R FMAs per (k, j) pair, where the group-tile
// kernel (fused_small.cuh) spends two shared loads, a shared store and index arithmetic per FMA.
// For the Σ/Λ gradient L goes back to the shared tile, each lane forms its columns of L^-1 with
// rows of L read as shared-memory broadcasts, and the symmetric inverse is summed row by row as
// it is written, over the terms that are not structurally zero only. I/O stays coalesced: rows
// come in through the padded tile (lanes along a row) and go out by symmetry (lane c writes
// column c of row r from its own column of L^-1).
#include "kernels/common/group.cuh"
#include "kernels/common/strided.cuh"
#include "fused_small.cuh"  // MatrixKind, GaussianArgs, half_log_two_pi, bad_pivot
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

/// Threads per block of the row-register kernel (__launch_bounds__ and the host plan).
constexpr int rows_threads = 128;

/// Lanes per matrix for capacity N: the power of two at or above N, at most a warp.
template <int N>
__host__ __device__ constexpr int rows_group_size() {
  static_assert(N > 8 && N <= 64, "the row-register class covers 8 < N <= 64");
  return N <= 16 ? 16 : 32;
}

/// Rows (and columns) per lane.
template <int N>
__host__ __device__ constexpr int rows_per_lane() {
  return N > 32 ? 2 : 1;
}

/// Elements of T per group in shared memory: the N x (N + 1) tile (the pad keeps a lane's row,
/// address i(N+1) + j, on distinct banks across the group) and the N reciprocal pivots.
template <int N>
__host__ __device__ constexpr int rows_tile_elements() {
  return N * (N + 1) + N;
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
BOLTZKIT_UNROLL
  for (int offset = G / 2; offset > 0; offset >>= 1)
    v += __shfl_xor_sync(full_warp_mask, v, offset, G);
  return v;
}

/// Slot q of a lane holds rows (and columns) lane + G q, so G q <= i < G (q + 1) at compile
/// time: row slot q never reaches column j (j above the diagonal for every lane) ...
template <int G>
__host__ __device__ constexpr bool rows_above(int q, int j) {
  return j > G * q + G - 1;
}
/// ... and column slot q of W = L^-1 is zero in rows k < G q (W is lower triangular). With
/// R = 2 (N > 32) both skip about a third of the factorization's and of the inverse's FMAs.
template <int G>
__host__ __device__ constexpr bool rows_w_zero(int q, int k) {
  return k < G * q;
}

/// L_kk and 1/L_kk of a pivot. double: IEEE sqrt and division. float: the hardware 1/sqrt
/// (MUFU.RSQ, within 2 ulp) and one Newton step, L_kk = p / sqrt(p): ~6 instructions instead of
/// two IEEE operations with their range checks (~20), within a few ulp. A bad pivot stays bad
/// (p <= 0, Inf, NaN give a NaN, Inf or zero L_kk). The warp emulator has no MUFU: there the
/// correctly rounded 1/sqrt(p) stands in for it.
template <class T, MatrixKind K>
struct PivotRoot {
  T root, inverse;
  __device__ explicit PivotRoot(T p)
      : root(K == MatrixKind::cholesky ? p : sqrt(p)), inverse(T(1) / root) {}
};
template <MatrixKind K>
struct PivotRoot<float, K> {
  float root, inverse;
  __device__ explicit PivotRoot(float p) {
    if constexpr (K == MatrixKind::cholesky) {
      root = p;
      inverse = 1.0f / p;
    } else {
      const float r0 = rsqrtf(p);  // the emulator's rsqrtf is a worst-case 2-ulp estimate
      inverse = r0 * fmaf(-0.5f * p * r0, r0, 1.5f);
      root = p * inverse;
    }
  }
};

template <class T, int N, MatrixKind K>
__global__ void __launch_bounds__(rows_threads) gaussian_rows_kernel(GaussianArgs<T> args) {
  constexpr int G = rows_group_size<N>();
  constexpr int R = rows_per_lane<N>();
  constexpr int groups_per_block = rows_threads / G;
  constexpr int ld = N + 1;
  const int lane = static_cast<int>(threadIdx.x) & (G - 1);  // rows lane + G q, q < R
  const int group = static_cast<int>(threadIdx.x) / G;
  T* tile = reinterpret_cast<T*>(dynamic_shared_memory()) + group * rows_tile_elements<N>();
  T* rdiag = tile + N * ld;
  const int n = args.n;
  const bool want_matrix = args.grad_matrix.wanted();
  const bool want_g = args.grad_mean.wanted() || args.grad_x.wanted() ||
                      (want_matrix && K != MatrixKind::precision);
  // Row strides hoisted: a row's address is the previous one plus a stride (one 64-bit add)
  // instead of b * batch_stride + r * row_stride per element.
  const std::int64_t in_row = args.matrix.row_stride;
  const std::int64_t out_row = args.grad_matrix.row_stride;

  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * groups_per_block;
  for (std::int64_t b = static_cast<std::int64_t>(blockIdx.x) * groups_per_block + group;
       b - group < args.batch; b += stride) {
    // Every lane of the warp runs every shuffle below; a group past the batch works on I.
    const bool live = b < args.batch;
    const int rows_in = live ? n : 0;  // rows read from memory (and written back)

    // Stage the lower triangle (rows along lanes, coalesced), identity beyond n, zero above.
    __syncwarp();  // the previous matrix's last tile reads are done
    {
      const T* src = args.matrix.data + (live ? b : 0) * args.matrix.batch_stride + lane;
BOLTZKIT_UNROLL
      for (int r = 0; r < N; ++r) {
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q) {
          const int c = lane + G * q;
          if (c >= N || G * q > r) continue;  // G q > r: above the diagonal for every lane
          T v = r == c ? T(1) : T(0);
          if (r < rows_in && c <= r) v = src[G * q];
          tile[r * ld + c] = v;
        }
        src += in_row;
      }
    }
    __syncwarp();
    T a[R][N];
    T d[R];
BOLTZKIT_UNROLL
    for (int q = 0; q < R; ++q) {
      const int i = lane + G * q;
BOLTZKIT_UNROLL
      for (int j = 0; j < N; ++j) {
        if (rows_above<G>(q, j)) continue;  // never read
        a[q][j] = i < N ? tile[i * ld + j] : T(0);
      }
      d[q] = T(0);
      if (i < rows_in)
        d[q] = args.mean.wanted() ? args.x(b, i) - args.mean(b, i) : args.x(b, i);
    }
    __syncwarp();  // the tile is rewritten below

    // Factor (or check the given factor); a lane keeps the pivots of its own rows.
    T my_diag[R], my_rdiag[R];
BOLTZKIT_UNROLL
    for (int q = 0; q < R; ++q) my_diag[q] = my_rdiag[q] = T(1);
BOLTZKIT_UNROLL
    for (int k = 0; k < N; ++k) {
      const int kq = k / G, kl = k % G;  // owner: row slot kq of lane kl
      const T pivot = from_lane<T, G>(a[kq][k], kl);
      const PivotRoot<T, K> root(pivot);
      const T lkk = root.root;
      const T r = root.inverse;
      if (lane == kl) {
        my_diag[kq] = lkk;
        my_rdiag[kq] = r;
        if (K != MatrixKind::cholesky) a[kq][k] = lkk;
      }
      if (lane == 0) rdiag[k] = r;
      if constexpr (K != MatrixKind::cholesky) {
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q)
          if (!rows_above<G>(q, k) && lane + G * q > k) a[q][k] *= r;  // L_ik
        // Right-looking update of the rows below; entries above a lane's diagonal take garbage
        // that nothing reads (no predicate: it would cost an instruction per pair).
BOLTZKIT_UNROLL
        for (int j = k + 1; j < N; ++j) {
          const T ljk = from_lane<T, G>(a[j / G][k], j % G);
BOLTZKIT_UNROLL
          for (int q = 0; q < R; ++q)
            if (!rows_above<G>(q, j)) a[q][j] -= a[q][k] * ljk;
        }
      }
    }
    // info: the first failing pivot (1-based), the group's minimum over the rows that fail
    // (sqrt keeps a pivot bad or good, so the check runs on L_kk once per row, not per step).
    int my_info = N + 1;
BOLTZKIT_UNROLL
    for (int q = R - 1; q >= 0; --q)
      if (lane + G * q < n && bad_pivot(my_diag[q])) my_info = lane + G * q + 1;
    int info = my_info;
BOLTZKIT_UNROLL
    for (int offset = G / 2; offset > 0; offset >>= 1)
      info = min(info, __shfl_xor_sync(full_warp_mask, info, offset, G));
    if (info > N) info = 0;
    const bool failed = info != 0;
    __syncwarp();  // rdiag (written by lane 0) is read by every lane below

    // z = L^-1 d (covariance, cholesky) or y = L^T d (precision): this lane's entries.
    T z[R];
BOLTZKIT_UNROLL
    for (int q = 0; q < R; ++q) z[q] = d[q];
    if (K == MatrixKind::precision) {
BOLTZKIT_UNROLL
      for (int k = 0; k < N; ++k) {
        T part = T(0);
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q)
          if (!rows_above<G>(q, k) && lane + G * q >= k) part += a[q][k] * d[q];
        part = rows_group_sum<T, G>(part);
        if (lane == k % G) z[k / G] = part;
      }
    } else {
BOLTZKIT_UNROLL
      for (int k = 0; k < N; ++k) {
        if (lane == k % G) z[k / G] *= my_rdiag[k / G];
        const T zk = from_lane<T, G>(z[k / G], k % G);
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q)
          if (!rows_above<G>(q, k) && lane + G * q > k) z[q] -= a[q][k] * zk;
      }
    }
    T zz = T(0), log_diag = T(0);
BOLTZKIT_UNROLL
    for (int q = 0; q < R; ++q) {
      if (lane + G * q < n) {
        zz += z[q] * z[q];
        log_diag += log(my_diag[q]);
      }
    }
    const T mahalanobis = rows_group_sum<T, G>(zz);
    log_diag = rows_group_sum<T, G>(log_diag);
    const T log_det_sigma = K == MatrixKind::precision ? T(-2) * log_diag : T(2) * log_diag;
    if (lane == 0 && live) {
      args.log_prob[b] = failed ? quiet_nan<T>()
                                : T(-0.5) * mahalanobis - T(0.5) * log_det_sigma -
                                      T(n) * T(half_log_two_pi);
      if (args.info) args.info[b] = info;
    }
    if (!want_g && !want_matrix) continue;

    if constexpr (K != MatrixKind::cholesky) {
      // L back to the tile (a lane writes its rows: distinct banks) for the backward solve and
      // W = L^-1; above the diagonal the tile keeps the zeros staged there. (The Cholesky
      // parameterization staged L itself.)
BOLTZKIT_UNROLL
      for (int q = 0; q < R; ++q) {
        const int i = lane + G * q;
        if (i >= N) continue;
BOLTZKIT_UNROLL
        for (int j = 0; j < N; ++j)
          if (!rows_above<G>(q, j) && j <= i) tile[i * ld + j] = a[q][j];
      }
      __syncwarp();
    }

    // g = Σ^-1 d by the backward solve L^T g = z, column by column: g_k is final at its owner,
    // broadcast, and every lane i < k subtracts L_ki g_k with L_ki read from row k of the tile
    // (consecutive lanes, consecutive words); or g = L y (precision, = Λ d).
    T g[R];
    if (K == MatrixKind::precision) {
BOLTZKIT_UNROLL
      for (int q = 0; q < R; ++q) g[q] = T(0);
BOLTZKIT_UNROLL
      for (int k = 0; k < N; ++k) {
        const T yk = from_lane<T, G>(z[k / G], k % G);
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q)
          if (!rows_above<G>(q, k) && lane + G * q >= k) g[q] += a[q][k] * yk;
      }
    } else {
BOLTZKIT_UNROLL
      for (int q = 0; q < R; ++q) g[q] = z[q];
BOLTZKIT_UNROLL
      for (int k = N - 1; k >= 0; --k) {
        if (lane == k % G) g[k / G] *= my_rdiag[k / G];
        const T gk = from_lane<T, G>(g[k / G], k % G);
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q)
          if (G * q < k && lane + G * q < k) g[q] -= tile[k * ld + lane + G * q] * gk;
      }
    }
BOLTZKIT_UNROLL
    for (int q = 0; q < R; ++q) {
      const int i = lane + G * q;
      if (i >= rows_in) continue;
      if (args.grad_mean.wanted()) args.grad_mean(b, i) = failed ? quiet_nan<T>() : g[q];
      if (args.grad_x.wanted()) args.grad_x(b, i) = failed ? quiet_nan<T>() : -g[q];
    }
    if (!want_matrix) continue;

    T* dst = args.grad_matrix.data + (live ? b : 0) * args.grad_matrix.batch_stride + lane;
    if constexpr (K == MatrixKind::cholesky) {
      // G_L = tril(g z^T) - diag(1/L_rr): row r, lane's columns c.
BOLTZKIT_UNROLL
      for (int r = 0; r < N; ++r) {
        if (r >= n) break;
        const T gr = from_lane<T, G>(g[r / G], r % G);
        const T rr = rdiag[r];
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q) {
          const int c = lane + G * q;
          if (c >= rows_in) continue;
          const T value = c < r ? gr * z[q] : (c == r ? gr * z[q] - rr : T(0));
          dst[G * q] = failed ? quiet_nan<T>() : value;
        }
        dst += out_row;
      }
    } else {
      // Lane c forms columns c + G q of W = L^-1 (w[q][k] = W_kc, zero for k < c) from rows of
      // L read as broadcasts; row r of A^-1 = W^T W at the lane's columns is the sum over
      // k >= max(r, c) of W_kr W_kc, with column r of W broadcast from its owner, and the
      // gradient's row r is written as soon as it is summed.
      T w[R][N];
BOLTZKIT_UNROLL
      for (int k = 0; k < N; ++k) {
        T acc[R];
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q) acc[q] = lane + G * q == k ? T(1) : T(0);
BOLTZKIT_UNROLL
        for (int p = 0; p < k; ++p) {
          const T lkp = tile[k * ld + p];
BOLTZKIT_UNROLL
          for (int q = 0; q < R; ++q)
            if (!rows_w_zero<G>(q, p)) acc[q] -= lkp * w[q][p];
        }
        const T rk = rdiag[k];
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q) w[q][k] = rows_w_zero<G>(q, k) ? T(0) : acc[q] * rk;
      }
      __syncwarp();  // the tile is rewritten by the next iteration

BOLTZKIT_UNROLL
      for (int r = 0; r < N; ++r) {
        if (r >= n) break;
        T s[R];
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q) s[q] = T(0);
BOLTZKIT_UNROLL
        for (int k = r; k < N; ++k) {
          const T wkr = from_lane<T, G>(w[r / G][k], r % G);
BOLTZKIT_UNROLL
          for (int q = 0; q < R; ++q)
            if (!rows_w_zero<G>(q, k)) s[q] += wkr * w[q][k];
        }
        const T vr = from_lane<T, G>(K == MatrixKind::precision ? d[r / G] : g[r / G], r % G);
BOLTZKIT_UNROLL
        for (int q = 0; q < R; ++q) {
          const int c = lane + G * q;
          if (c >= rows_in) continue;
          const T value = K == MatrixKind::covariance ? T(-0.5) * (s[q] - g[q] * vr)
                                                      : T(0.5) * (s[q] - d[q] * vr);
          dst[G * q] = failed ? quiet_nan<T>() : value;
        }
        dst += out_row;
      }
    }
  }
}

}  // namespace boltzkit::kernels
