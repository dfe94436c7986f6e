#pragma once
// The field update of the tile kernel (MATH.md §2.8, "tiles"): one thread block owns T chains
// and keeps their fields f (n, T) in shared memory for a whole call, so after the decisions of a
// block of sites it adds J[:, block]·ΔS to its own fields instead of a GEMM over all chains' fields
// in global memory, on the FP64 tensor cores (DMMA). The values are on the fixed-point grid, so
// every product and partial sum is exact and any order gives the scalar path's bits.
#include <cstdint>

#include "kernels/bm/chain_update.cuh"
#include "kernels/bm/block_update.cuh"  // BOLTZKIT_BM_UNROLL: device-only full unrolling

namespace boltzkit::kernels {

/// Rows and chains of one DMMA tile (mma.m8n8k4 .f64: D 8 × 8 += A 8 × 4 · B 4 × 8), and the row
/// tiles of one warp tile (one ΔS fragment serves them).
constexpr int bm_tile_rows = 8;
constexpr int bm_tile_cols = 8;
constexpr int bm_warp_row_tiles = 4;

/// D += A·B on the FP64 tensor cores for one warp, in the PTX ISA's mma.m8n8k4 .f64 layout:
/// lane l holds a = A(l/4, l%4), b = B(l%4, l/4), d0 = D(l/4, 2(l%4)) and d1 = D(l/4, 2(l%4)+1).
/// The warp emulator computes the same products through shuffles, from the same fragments (so
/// the fragment assignment of the caller is what the emulator tests check). On the grid every
/// product and partial sum is exact, so the tensor core's internal order does not matter.
__device__ inline void bm_dmma_884(double& d0, double& d1, double a, double b) {
#if defined(__CUDA_ARCH__)
  asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0,%1}, {%2}, {%3}, {%0,%1};\n"
               : "+d"(d0), "+d"(d1)
               : "d"(a), "d"(b));
#else
  const int lane = static_cast<int>(threadIdx.x % 32);
  for (int k = 0; k < 4; ++k) {
    const double ak = __shfl_sync(0xffffffffu, a, lane / 4 * 4 + k);
    const double b0 = __shfl_sync(0xffffffffu, b, 2 * (lane % 4) * 4 + k);
    const double b1 = __shfl_sync(0xffffffffu, b, (2 * (lane % 4) + 1) * 4 + k);
    d0 = rn_fma(ak, b0, d0);
    d1 = rn_fma(ak, b1, d1);
  }
#endif
}

/// Elements past J's n·n that bm_tile_fields reads (a warp tile running past row n−1).
constexpr std::int64_t bm_tile_j_padding = bm_tile_rows * bm_warp_row_tiles - 1;

/// f (n, cols) += Jcols (n, m) · ds (m, cols), all row-major, with Jcols(i, u) = J[k0+u][i] (row
/// k0+u of the symmetric J) and ds float (ΔS in {0, ±2}, or the spins ±1 for the field build:
/// exact in float). One call per warp, all lanes converged: warp `warp` of `warps` takes the warp
/// tiles (32 rows × 8 chains) warp, warp + warps, …; per 4 sites of the block it loads one ΔS
/// fragment and 4 J fragments and issues 4 DMMAs. cols is a multiple of 8. Sites past m get
/// ΔS = 0 (and J's row k0 in place of a row past the block). j must be readable for
/// n·n + bm_tile_j_padding elements: rows past n−1 read J's next elements (or that padding) into
/// accumulators that are never stored, which keeps the hot loop free of bounds checks.
__device__ inline void bm_tile_fields(const double* j, std::int64_t n, std::int64_t k0, int m,
                                      const float* ds, int cols, double* f, int warp, int warps) {
  constexpr int RT = bm_warp_row_tiles, R = bm_tile_rows;
  const int lane = static_cast<int>(threadIdx.x % 32), q = lane % 4, g = lane / 4;
  const int col_groups = cols / bm_tile_cols;
  const std::int64_t tiles = (n + R * RT - 1) / (R * RT) * col_groups;
  for (std::int64_t tile = warp; tile < tiles; tile += warps) {
    const std::int64_t i0 = tile / col_groups * (R * RT);
    const int c0 = static_cast<int>(tile % col_groups) * bm_tile_cols;
    double d[RT][2];
BOLTZKIT_BM_UNROLL
    for (int r = 0; r < RT; ++r) d[r][0] = d[r][1] = 0.0;
    for (int u0 = 0; u0 < m; u0 += 4) {
      const int u = u0 + q;
      const bool in = u < m;
      const double b = in ? static_cast<double>(ds[u * cols + c0 + g]) : 0.0;  // B(u, chain c0+g)
      const double* jr = j + (k0 + (in ? u : 0)) * n + i0 + g;                 // A(row i0+g, u)
BOLTZKIT_BM_UNROLL
      for (int r = 0; r < RT; ++r) bm_dmma_884(d[r][0], d[r][1], jr[R * r], b);
    }
BOLTZKIT_BM_UNROLL
    for (int r = 0; r < RT; ++r) {
      const std::int64_t i = i0 + R * r + g;
      if (i < n) {
        double* fi = f + i * cols + c0 + 2 * q;
        fi[0] = rn_add(fi[0], d[r][0]);
        fi[1] = rn_add(fi[1], d[r][1]);
      }
    }
  }
}

}  // namespace boltzkit::kernels
