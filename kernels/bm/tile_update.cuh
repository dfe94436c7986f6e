#pragma once
// The field update of the tile kernel (MATH.md §2.8, "tiles"): one thread block owns T chains
// and keeps their fields f (n, T) in shared memory for a whole call, so after the decisions of a
// block of sites it adds J[:, block]·ΔS to its own fields instead of a GEMM over all chains' fields
// in global memory. Register tiles of R rows × C chains: per site of the block R values of J and
// C values of ΔS are loaded for R·C fused multiply-adds. The values are on the fixed-point grid,
// so every partial sum is exact and the tiling (or any order) gives the scalar path's bits.
#include <cstdint>
#include <cstring>

#include "kernels/bm/chain_update.cuh"
#include "kernels/bm/block_update.cuh"  // BOLTZKIT_BM_UNROLL: device-only full unrolling

namespace boltzkit::kernels {

/// Rows and chains of one worker's register tile.
constexpr int bm_tile_rows = 8;
constexpr int bm_tile_cols = 8;

/// f (n, cols) += Jcols (n, m) · ds (m, cols), all row-major, with Jcols(i, u) = J[k0+u][i] (row
/// k0+u of the symmetric J: contiguous in i) and ds float (ΔS in {0, ±2}, or the spins ±1 for the
/// field build: exact in float, half the shared-memory bytes of doubles). cols is a multiple of
/// bm_tile_cols and ds 16-byte aligned, so two 128-bit loads fetch the C = 8 values of a tile's
/// chains. Worker `worker` of `workers` takes the tiles worker, worker + workers, …; consecutive
/// workers share the rows (one J load serves them all) and take consecutive chains. j must be
/// readable for n·n + bm_tile_rows − 1 elements: a tile that runs past row n−1 reads J's next
/// elements (or that padding) into accumulators whose rows are never stored, which keeps the hot
/// loop free of bounds checks.
BOLTZKIT_HD inline void bm_tile_fields(const double* j, std::int64_t n, std::int64_t k0, int m,
                                       const float* ds, int cols, double* f, int worker,
                                       int workers) {
  constexpr int R = bm_tile_rows, C = bm_tile_cols;
  static_assert(C == 8, "two 128-bit words hold a tile's ΔS for one site");
  const int col_groups = cols / C;
  const std::int64_t tiles = (n + R - 1) / R * col_groups;
  for (std::int64_t tile = worker; tile < tiles; tile += workers) {
    const std::int64_t i0 = tile / col_groups * R;
    const int c0 = static_cast<int>(tile % col_groups) * C;
    const std::int64_t rows = n - i0 < R ? n - i0 : R;
    double acc[R][C];
BOLTZKIT_BM_UNROLL
    for (int r = 0; r < R; ++r)
BOLTZKIT_BM_UNROLL
      for (int c = 0; c < C; ++c) acc[r][c] = 0.0;
    for (int u = 0; u < m; ++u) {
      const double* jr = j + (k0 + u) * n + i0;
      float d8[C];
#if defined(__CUDA_ARCH__)
      const float4 lo = *reinterpret_cast<const float4*>(ds + u * cols + c0);
      const float4 hi = *reinterpret_cast<const float4*>(ds + u * cols + c0 + 4);
      d8[0] = lo.x, d8[1] = lo.y, d8[2] = lo.z, d8[3] = lo.w;
      d8[4] = hi.x, d8[5] = hi.y, d8[6] = hi.z, d8[7] = hi.w;
#else
      std::memcpy(d8, ds + u * cols + c0, sizeof d8);
#endif
      double jv[R], dv[C];
BOLTZKIT_BM_UNROLL
      for (int r = 0; r < R; ++r) jv[r] = jr[r];
BOLTZKIT_BM_UNROLL
      for (int c = 0; c < C; ++c) dv[c] = static_cast<double>(d8[c]);
BOLTZKIT_BM_UNROLL
      for (int r = 0; r < R; ++r)
BOLTZKIT_BM_UNROLL
        for (int c = 0; c < C; ++c) acc[r][c] = rn_fma(jv[r], dv[c], acc[r][c]);
    }
BOLTZKIT_BM_UNROLL
    for (int r = 0; r < R; ++r)
      if (r < rows)
BOLTZKIT_BM_UNROLL
        for (int c = 0; c < C; ++c) f[(i0 + r) * cols + c0 + c] = rn_add(f[(i0 + r) * cols + c0 + c], acc[r][c]);
  }
}

}  // namespace boltzkit::kernels
