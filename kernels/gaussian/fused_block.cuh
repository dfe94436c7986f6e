#pragma once
// The fused block-per-matrix Gaussian kernel (gaussian::fused_max_dim < D <= the block limit of
// host/gaussian/tuning.hpp): one thread block per batch element (grid-stride over the batch)
// loads x, mu and the lower triangle into shared memory as 32 x 32 tiles (block_tile.cuh),
// factors it with a blocked right-looking Cholesky (per 32-column panel: one warp factors the
// diagonal tile, the warps solve the panel tiles, then every warp updates trailing tiles from
// register tiles), solves, and writes log p and every requested gradient. The gradient of the
// covariance and precision parameterizations needs Sigma^-1 (Lambda^-1): the factor is inverted
// in place (blocked, as LAPACK trtri) and overwritten by the lower half of L^-T L^-1 (no identity
// right-hand side); the matrix gradient is written symmetric from it. Results as in
// fused_small.cuh and the CPU backend (docs/MATH.md §1).
#include "kernels/common/strided.cuh"
#include "kernels/common/group.cuh"
#include "block_tile.cuh"
#include "fused_small.cuh"
#include "policy.hpp"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

/// Lower triangle (padded with the identity) and d = x - mu (padded with zeros) into shared memory.
/// Lane = column within a tile, so a row is read in consecutive addresses; j > i is never read.
template <class T>
__device__ void block_load(const GaussianArgs<T>& args, const BlockMatrix<T>& m, std::int64_t b,
                           int warp, int warps, int lane) {
  const int np = m.nb * block_tile;
  for (int i = warp; i < np; i += warps) {
    const int I = i / block_tile;
    // One 64-bit row address per row; the columns then index it with 32-bit offsets.
    const T* src = &args.matrix(b, i < m.n ? i : 0, 0);
    T* dst = m.tile(I, 0) + (i % block_tile) * block_tile_ld + lane;
    const int last = i < m.n ? i : -1;  // padding rows read nothing
    for (int j = lane; j < (I + 1) * block_tile; j += block_tile) {
      *dst = j <= last ? src[j] : T(i == j ? 1 : 0);
      dst += block_tile_elements;
    }
  }
  for (int i = warp * warp_size + lane; i < np; i += warps * warp_size) {
    T d = T(0);
    if (i < m.n) d = args.mean.wanted() ? args.x(b, i) - args.mean(b, i) : args.x(b, i);
    m.v[vec_d][i] = d;
  }
}

/// Blocked right-looking Cholesky of the whole padded matrix.
template <class T>
__device__ void block_factor(const BlockMatrix<T>& m, int warp, int warps, int lane) {
  for (int K = 0; K < m.nb; ++K) {
    if (warp == 0)
      factor_diagonal_tile(m.tile(K, K), m.rdiag + K * block_tile, m.info, K * block_tile, lane);
    __syncthreads();
    for (int I = K + 1 + warp; I < m.nb; I += warps)
      solve_panel_tile(m.tile(I, K), static_cast<const T*>(m.tile(K, K)),
                       static_cast<const T*>(m.rdiag + K * block_tile), lane);
    __syncthreads();
    // Trailing tiles (I, J), K < J <= I: pair p = r(r+1)/2 + c with I = K+1+r, J = K+1+c.
    const int rest = m.nb - 1 - K;
    const int pairs = rest * (rest + 1) / 2;
    for (int p = warp; p < pairs; p += warps) {
      int r = static_cast<int>((sqrtf(8.0f * static_cast<float>(p) + 1.0f) - 1.0f) * 0.5f);
      if ((r + 1) * (r + 2) / 2 <= p) ++r;
      if (r * (r + 1) / 2 > p) --r;
      const int I = K + 1 + r, J = K + 1 + (p - r * (r + 1) / 2);
      TileAcc<T> acc;
      acc_load(acc, m.tile(I, J), lane);
      tile_multiply_add<T, false, true, true>(acc, m.tile(I, K), m.tile(J, K), lane);
      acc_store(m.tile(I, J), acc, lane);
    }
    __syncthreads();
  }
}

/// For a given factor (the cholesky parameterization): rdiag and the first diagonal entry that
/// is not finite-positive; one warp.
template <class T>
__device__ void block_check_factor(const BlockMatrix<T>& m, int lane) {
  int first_bad = m.n + 1;
  for (int i = lane; i < m.nb * block_tile; i += warp_size) {
    const T lii = m.at(i, i);
    m.rdiag[i] = T(1) / lii;
    if (i < m.n && block_bad_pivot(lii)) first_bad = min(first_bad, i + 1);
  }
  first_bad = group_min(first_bad, warp_size);
  if (lane == 0) *m.info = first_bad > m.n ? 0 : first_bad;
}

/// v[q] <- L^-1 v[q], one warp: tile row I subtracts the finished blocks (lane = row, the vector
/// broadcast), then the diagonal tile is solved column by column through shuffles.
template <class T>
__device__ void block_forward_solve(const BlockMatrix<T>& m, int q, int lane) {
  T* v = m.v[q];
  for (int I = 0; I < m.nb; ++I) {
    T acc = v[I * block_tile + lane];
    for (int K = 0; K < I; ++K) {
      const T* A = m.tile(I, K) + lane * block_tile_ld;
      const T* vk = v + K * block_tile;
BOLTZKIT_UNROLL
      for (int k = 0; k < block_tile; ++k) acc -= A[k] * vk[k];
    }
    const T* D = m.tile(I, I) + lane * block_tile_ld;
    const T rd = m.rdiag[I * block_tile + lane];
BOLTZKIT_UNROLL
    for (int k = 0; k < block_tile; ++k) {
      const T vk = __shfl_sync(full_warp_mask, acc * rd, k);
      if (lane > k) acc -= D[k] * vk;
    }
    v[I * block_tile + lane] = acc * rd;
    __syncwarp();
  }
}

/// v[q] <- L^-T v[q], one warp (lane = column of the tiles below the diagonal).
template <class T>
__device__ void block_backward_solve(const BlockMatrix<T>& m, int q, int lane) {
  T* v = m.v[q];
  for (int I = m.nb - 1; I >= 0; --I) {
    T acc = v[I * block_tile + lane];
    for (int K = I + 1; K < m.nb; ++K) {
      const T* A = m.tile(K, I) + lane;
      const T* vk = v + K * block_tile;
BOLTZKIT_UNROLL
      for (int k = 0; k < block_tile; ++k) acc -= A[k * block_tile_ld] * vk[k];
    }
    const T* D = m.tile(I, I) + lane;
    const T rd = m.rdiag[I * block_tile + lane];
BOLTZKIT_UNROLL
    for (int k = block_tile - 1; k >= 0; --k) {
      const T vk = __shfl_sync(full_warp_mask, acc * rd, k);
      if (lane < k) acc -= D[k * block_tile_ld] * vk;
    }
    v[I * block_tile + lane] = acc * rd;
    __syncwarp();
  }
}

/// v[to] <- L^T v[from], one warp (the zeros above the diagonal tiles' diagonal do the masking).
template <class T>
__device__ void block_multiply_lower_transposed(const BlockMatrix<T>& m, int from, int to,
                                                int lane) {
  for (int I = 0; I < m.nb; ++I) {
    T acc = T(0);
    for (int K = I; K < m.nb; ++K) {
      const T* A = m.tile(K, I) + lane;
      const T* vk = m.v[from] + K * block_tile;
BOLTZKIT_UNROLL
      for (int k = 0; k < block_tile; ++k) acc += A[k * block_tile_ld] * vk[k];
    }
    m.v[to][I * block_tile + lane] = acc;
  }
  __syncwarp();
}

/// v[to] <- L v[from], one warp.
template <class T>
__device__ void block_multiply_lower(const BlockMatrix<T>& m, int from, int to, int lane) {
  for (int I = 0; I < m.nb; ++I) {
    T acc = T(0);
    for (int K = 0; K <= I; ++K) {
      const T* A = m.tile(I, K) + lane * block_tile_ld;
      const T* vk = m.v[from] + K * block_tile;
BOLTZKIT_UNROLL
      for (int k = 0; k < block_tile; ++k) acc += A[k] * vk[k];
    }
    m.v[to][I * block_tile + lane] = acc;
  }
  __syncwarp();
}

/// L <- L^-1 in place, blocked as LAPACK's trtri (lower): for each tile column J from the last,
/// W(J, J) = L(J, J)^-1 by one warp while the others form X = W(J+1:, J+1:) L(J+1:, J) (tile
/// rows from the bottom in rounds of `warps` tiles, each written only after the round's barrier,
/// when every warp has read the L(., J) it needs), then X <- -X W(J, J).
template <class T>
__device__ void block_invert(const BlockMatrix<T>& m, int warp, int warps, int lane) {
  for (int J = m.nb - 1; J >= 0; --J) {
    const int below = m.nb - 1 - J;  // tiles under the diagonal one
    if (warp == below % warps)  // idle in the first round when below < warps
      invert_diagonal_tile(m.tile(J, J), static_cast<const T*>(m.rdiag + J * block_tile), lane);
    for (int first = 0; first < below; first += warps) {
      const int item = first + warp;
      const int I = m.nb - 1 - item;
      TileAcc<T> acc;
      acc_zero(acc);
      if (item < below) {
        for (int K = J + 1; K <= I; ++K)
          tile_multiply_add<T, false, false, false>(acc, m.tile(I, K), m.tile(K, J), lane);
      }
      __syncthreads();  // this round's reads of L(., J) are done
      if (item < below) acc_store(m.tile(I, J), acc, lane);
    }
    __syncthreads();
    for (int I = J + 1 + warp; I < m.nb; I += warps) {
      TileAcc<T> acc;
      acc_zero(acc);
      tile_multiply_add<T, false, false, true>(acc, m.tile(I, J), m.tile(J, J), lane);
      __syncwarp();
      acc_store(m.tile(I, J), acc, lane);
    }
    __syncthreads();
  }
}

/// W <- lower half of W^T W in place (W = L^-1 lower): S(I, J) = sum_{K >= I} W(K, I)^T W(K, J),
/// tile rows from the top. S(I, J) for J < I replaces W(I, J), which only that item reads in
/// this stage and no later stage reads; S(I, I) replaces W(I, I), which every item of the stage
/// reads, so it is written after a barrier, and the next stage overwrites W(I+1, I), which it
/// reads, only after another.
template <class T>
__device__ void block_symmetric_product(const BlockMatrix<T>& m, int warp, int warps, int lane) {
  for (int I = 0; I < m.nb; ++I) {
    for (int J = warp; J < I; J += warps) {
      TileAcc<T> acc;
      acc_zero(acc);
      for (int K = I; K < m.nb; ++K)
        tile_multiply_add<T, true, false, false>(acc, m.tile(K, I), m.tile(K, J), lane);
      __syncwarp();
      acc_store(m.tile(I, J), acc, lane);
    }
    __syncthreads();
    if (warp == I % warps) {
      TileAcc<T> acc;
      acc_zero(acc);
      for (int K = I; K < m.nb; ++K)
        tile_multiply_add<T, true, false, false>(acc, m.tile(K, I), m.tile(K, I), lane);
      __syncwarp();
      acc_store(m.tile(I, I), acc, lane);
    }
    __syncthreads();
  }
}

/// log p of the element (written by lane 0 of warp 0) from z (or y) and the factor's diagonal.
template <class T, MatrixKind K>
__device__ void block_log_prob(const GaussianArgs<T>& args, const BlockMatrix<T>& m,
                               std::int64_t b, int lane) {
  T squares = T(0), log_diag = T(0);
  for (int i = lane; i < m.n; i += warp_size) {
    squares += m.v[vec_z][i] * m.v[vec_z][i];
    log_diag += log(m.at(i, i));
  }
  squares = group_sum(squares, warp_size);
  log_diag = group_sum(log_diag, warp_size);
  if (lane == 0) {
    const T log_det_sigma = K == MatrixKind::precision ? T(-2) * log_diag : T(2) * log_diag;
    const bool failed = *m.info != 0;
    args.log_prob[b] = failed ? quiet_nan<T>()
                              : T(-0.5) * squares - T(0.5) * log_det_sigma -
                                    T(m.n) * T(half_log_two_pi);
    if (args.info) args.info[b] = *m.info;
  }
}

template <class T, MatrixKind K>
__device__ void block_store_gradients(const GaussianArgs<T>& args, const BlockMatrix<T>& m,
                                      std::int64_t b, int warp, int warps, int lane) {
  const bool failed = *m.info != 0;
  const T* g = m.v[vec_g];
  for (int i = warp * warp_size + lane; i < m.n; i += warps * warp_size) {
    if (args.grad_mean.wanted()) args.grad_mean(b, i) = failed ? quiet_nan<T>() : g[i];
    if (args.grad_x.wanted()) args.grad_x(b, i) = failed ? quiet_nan<T>() : -g[i];
  }
  if (!args.grad_matrix.wanted()) return;
  const T* z = m.v[vec_z];
  // covariance: -1/2 (S - g g^T); precision: 1/2 (S - d d^T); S from the lower tiles.
  const T* u = K == MatrixKind::precision ? m.v[vec_d] : g;
  const T half = K == MatrixKind::precision ? T(0.5) : T(-0.5);
  for (int i = warp; i < m.n; i += warps) {
    const int I = i / block_tile, r = i % block_tile;
    T* out = &args.grad_matrix(b, i, 0);
    const T ui = K == MatrixKind::cholesky ? g[i] : u[i];
    const T rdi = m.rdiag[i];
    for (int C = 0; C * block_tile < m.n; ++C) {  // tile columns: the branch is warp-uniform
      const int c = C * block_tile + lane;
      T value;
      if (K == MatrixKind::cholesky) {
        value = c < i ? ui * z[c] : (c == i ? ui * z[i] - rdi : T(0));
      } else {
        // S(I, I) is stored whole (symmetric); above it, S(i, c) = S(c, i) from tile (C, I).
        const T inverse = C <= I ? m.tile(I, C)[r * block_tile_ld + lane]
                                 : m.tile(C, I)[lane * block_tile_ld + r];
        value = half * (inverse - ui * u[c]);
      }
      if (c < m.n) out[c] = failed ? quiet_nan<T>() : value;
    }
  }
}

template <class T, MatrixKind K>
__global__ void __launch_bounds__(block_threads_max) gaussian_block_kernel(GaussianArgs<T> args) {
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  const int warp = static_cast<int>(threadIdx.x) / warp_size;
  const int warps = static_cast<int>(blockDim.x) / warp_size;
  const BlockMatrix<T> m = carve_block_matrix<T>(dynamic_shared_memory(), args.n);
  const bool want_g = args.grad_mean.wanted() || args.grad_x.wanted() ||
                      (args.grad_matrix.wanted() && K != MatrixKind::precision);
  const bool want_inverse = args.grad_matrix.wanted() && K != MatrixKind::cholesky;

  for (std::int64_t b = blockIdx.x; b < args.batch; b += gridDim.x) {
    if (threadIdx.x == 0) *m.info = 0;
    block_load(args, m, b, warp, warps, lane);
    __syncthreads();
    if (K == MatrixKind::cholesky) {
      if (warp == 0) block_check_factor(m, lane);
    } else {
      block_factor(m, warp, warps, lane);
    }
    __syncthreads();
    if (warp == 0) {
      if (K == MatrixKind::precision) {
        block_multiply_lower_transposed(m, vec_d, vec_z, lane);  // y = L^T d
        if (want_g) block_multiply_lower(m, vec_z, vec_g, lane);  // g = L y = Lambda d
      } else {
        for (int i = lane; i < m.nb * block_tile; i += warp_size) m.v[vec_z][i] = m.v[vec_d][i];
        __syncwarp();
        block_forward_solve(m, vec_z, lane);
        if (want_g) {
          for (int i = lane; i < m.nb * block_tile; i += warp_size) m.v[vec_g][i] = m.v[vec_z][i];
          __syncwarp();
          block_backward_solve(m, vec_g, lane);
        }
      }
      block_log_prob<T, K>(args, m, b, lane);
    }
    __syncthreads();
    if (want_inverse) {
      block_invert(m, warp, warps, lane);
      block_symmetric_product(m, warp, warps, lane);
    }
    block_store_gradients<T, K>(args, m, b, warp, warps, lane);
    __syncthreads();  // shared memory is reused by the next element
  }
}

}  // namespace boltzkit::kernels
