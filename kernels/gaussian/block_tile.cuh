#pragma once
// The matrix of one thread block in shared memory as 32 x 32 tiles, and the warp-level tile
// steps of the block kernel (kernels/gaussian/fused_block.cuh): a register-tiled multiply-add,
// Cholesky, triangular solve and triangular inverse of one tile, each run by one warp.
//
// Storage: the lower triangle of the matrix padded to np = 32·nb rows (the padding is the
// identity, so it changes no pivot, no log-determinant and no solve), tile (I, J), I >= J, at
// tile index I(I+1)/2 + J, each tile 32 rows of ld = 33 so that walking a column of a tile hits 32
// distinct banks. The strict upper triangle of the diagonal tiles holds zeros after every step that
// writes it, so the tile products need no masks.
#include <cstddef>

#include "kernels/common/group.cuh"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

constexpr int block_tile = 32;       // rows and columns of a tile
constexpr int block_tile_ld = 33;    // row stride in shared memory (bank-conflict padding)
constexpr int block_tile_elements = block_tile * block_tile_ld;

__host__ __device__ inline int block_tiles_per_side(int n) { return (n + block_tile - 1) / block_tile; }
__host__ __device__ inline int block_tile_count(int nb) { return nb * (nb + 1) / 2; }

/// Dynamic shared memory of the block kernel: the tiles, then rdiag and three vectors of np
/// entries, then the info int. The one formula for the launch, the emulation tests and the carve.
template <class T>
__host__ __device__ inline std::size_t block_shared_bytes(int n) {
  const int nb = block_tiles_per_side(n);
  const std::size_t elements = static_cast<std::size_t>(block_tile_count(nb)) * block_tile_elements +
                               4 * static_cast<std::size_t>(nb) * block_tile;
  return elements * sizeof(T) + sizeof(int);
}

template <class T>
struct BlockMatrix {
  T* tiles;
  T* rdiag;   // 1 / L_ii, np entries
  T* v[3];    // d, z (or y), g: np entries each
  int* info;
  int n, nb;

  __device__ T* tile(int I, int J) const {
    return tiles + (I * (I + 1) / 2 + J) * block_tile_elements;
  }
  __device__ T& at(int i, int j) const {
    return tile(i / block_tile, j / block_tile)[(i % block_tile) * block_tile_ld + j % block_tile];
  }
};

template <class T>
__device__ BlockMatrix<T> carve_block_matrix(void* shared_memory, int n) {
  BlockMatrix<T> m;
  m.n = n;
  m.nb = block_tiles_per_side(n);
  const int np = m.nb * block_tile;
  m.tiles = reinterpret_cast<T*>(shared_memory);
  m.rdiag = m.tiles + block_tile_count(m.nb) * block_tile_elements;
  for (int q = 0; q < 3; ++q) m.v[q] = m.rdiag + (q + 1) * np;
  m.info = reinterpret_cast<int*>(m.rdiag + 4 * np);
  return m;
}

/// A warp's register tile of a 32 x 32 product: lane (ty = lane / 4, tx = lane % 4) owns rows
/// ty + 8a (a < 4) and columns tx + 4b (b < 8). Per k it loads 4 + 8 operands (8 and 4 distinct
/// addresses across the warp, conflict-free with ld = 33) for 32 FMAs.
template <class T>
struct TileAcc {
  T c[4][8];
};

template <class T>
__device__ void acc_zero(TileAcc<T>& acc) {
BOLTZKIT_UNROLL
  for (int a = 0; a < 4; ++a)
BOLTZKIT_UNROLL
    for (int b = 0; b < 8; ++b) acc.c[a][b] = T(0);
}

template <class T>
__device__ void acc_load(TileAcc<T>& acc, const T* tile, int lane) {
  const int ty = lane / 4, tx = lane % 4;
BOLTZKIT_UNROLL
  for (int a = 0; a < 4; ++a)
BOLTZKIT_UNROLL
    for (int b = 0; b < 8; ++b) acc.c[a][b] = tile[(ty + 8 * a) * block_tile_ld + tx + 4 * b];
}

template <class T>
__device__ void acc_store(T* tile, const TileAcc<T>& acc, int lane) {
  const int ty = lane / 4, tx = lane % 4;
BOLTZKIT_UNROLL
  for (int a = 0; a < 4; ++a)
BOLTZKIT_UNROLL
    for (int b = 0; b < 8; ++b) tile[(ty + 8 * a) * block_tile_ld + tx + 4 * b] = acc.c[a][b];
}

/// acc(i, j) += sign · sum_k opA(i, k) opB(k, j) over one tile pair; opA(i, k) = A(k, i) when
/// TransA, opB(k, j) = B(j, k) when TransB.
template <class T, bool TransA, bool TransB, bool Subtract>
__device__ void tile_multiply_add(TileAcc<T>& acc, const T* A, const T* B, int lane) {
  const int ty = lane / 4, tx = lane % 4;
BOLTZKIT_UNROLL
  for (int k = 0; k < block_tile; ++k) {
    T av[4], bv[8];
BOLTZKIT_UNROLL
    for (int a = 0; a < 4; ++a)
      av[a] = TransA ? A[k * block_tile_ld + ty + 8 * a] : A[(ty + 8 * a) * block_tile_ld + k];
BOLTZKIT_UNROLL
    for (int b = 0; b < 8; ++b)
      bv[b] = TransB ? B[(tx + 4 * b) * block_tile_ld + k] : B[k * block_tile_ld + tx + 4 * b];
BOLTZKIT_UNROLL
    for (int a = 0; a < 4; ++a)
BOLTZKIT_UNROLL
      for (int b = 0; b < 8; ++b) {
        if (Subtract)
          acc.c[a][b] -= av[a] * bv[b];
        else
          acc.c[a][b] += av[a] * bv[b];
      }
  }
}

__device__ inline bool block_bad_pivot(float p) { return !(p > 0.0f) || !isfinite(p); }
__device__ inline bool block_bad_pivot(double p) { return !(p > 0.0) || !isfinite(p); }

/// Cholesky of diagonal tile D in place by one warp (left-looking, lane i keeps row i in
/// registers; row j's finished entries are read back from shared memory as broadcasts). Writes
/// zeros above the diagonal, rdiag[j] = 1 / L_jj, and the first failing pivot (1-based, offset
/// by `first`) into *info unless an earlier one is there. Goes on through NaN so that the warp
/// stays in step; callers write NaN for a failed element.
template <class T>
__device__ void factor_diagonal_tile(T* D, T* rdiag, int* info, int first, int lane) {
  T r[block_tile];
BOLTZKIT_UNROLL
  for (int j = 0; j < block_tile; ++j) r[j] = j <= lane ? D[lane * block_tile_ld + j] : T(0);
  T my_rdiag = T(0);
  bool my_bad = false;
BOLTZKIT_UNROLL
  for (int j = 0; j < block_tile; ++j) {
    T s = r[j];
BOLTZKIT_UNROLL
    for (int p = 0; p < j; ++p) s -= r[p] * D[j * block_tile_ld + p];
    const T pivot = __shfl_sync(full_warp_mask, s, j);
    const T ljj = sqrt(pivot);
    const T rj = T(1) / ljj;
    r[j] = lane > j ? s * rj : (lane == j ? ljj : T(0));
    D[lane * block_tile_ld + j] = r[j];
    if (lane == j) {  // lane j keeps pivot j's facts; they are written once after the loop
      my_rdiag = rj;
      my_bad = block_bad_pivot(pivot);
    }
    __syncwarp();
  }
  rdiag[lane] = my_rdiag;
  const int bad = group_min(my_bad ? lane : block_tile, warp_size);
  if (lane == 0 && bad < block_tile && *info == 0) *info = first + bad + 1;
}

/// A <- A L^-T for a full tile A and the factored diagonal tile L (one warp, lane = row of A).
template <class T>
__device__ void solve_panel_tile(T* A, const T* L, const T* rdiag, int lane) {
  T r[block_tile];
BOLTZKIT_UNROLL
  for (int j = 0; j < block_tile; ++j) r[j] = A[lane * block_tile_ld + j];
BOLTZKIT_UNROLL
  for (int j = 0; j < block_tile; ++j) {
    T s = r[j];
BOLTZKIT_UNROLL
    for (int p = 0; p < j; ++p) s -= r[p] * L[j * block_tile_ld + p];
    r[j] = s * rdiag[j];
  }
BOLTZKIT_UNROLL
  for (int j = 0; j < block_tile; ++j) A[lane * block_tile_ld + j] = r[j];
}

/// D <- D^-1 for a factored diagonal tile (lower, zeros above), in place, by one warp: lane c
/// computes column c by forward substitution in registers; zeros stay above the diagonal.
template <class T>
__device__ void invert_diagonal_tile(T* D, const T* rdiag, int lane) {
  T w[block_tile];
BOLTZKIT_UNROLL
  for (int i = 0; i < block_tile; ++i) {
    T s = T(0);
BOLTZKIT_UNROLL
    for (int p = 0; p < i; ++p) s += D[i * block_tile_ld + p] * w[p];
    const T ri = rdiag[i];
    w[i] = i < lane ? T(0) : (i == lane ? ri : -ri * s);
  }
  __syncwarp();  // every lane has read the tile
BOLTZKIT_UNROLL
  for (int i = 0; i < block_tile; ++i) D[i * block_tile_ld + lane] = w[i];
}

}  // namespace boltzkit::kernels
