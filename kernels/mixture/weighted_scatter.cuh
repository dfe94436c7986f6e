#pragma once
// The scatter of the EM statistics for D ≤ 32 in float (MATH.md §1.6, §1.10): S_k = Σ_p r_pk d_pk
// d_pkᵀ, d_pk = x_p − μ_k, for every component k at once, on the TF32 tensor cores with split
// operands (split_tf32.cuh), without the (K, tile, D) centred and weighted copies of the general
// path. A warp owns one component's 32 × 32 tile (rows and columns past D are zero); the eight
// warps of a block share one staged chunk of points and their responsibilities.
#include <cstdint>

#include "kernels/linalg/large_dim.cuh"  // BOLTZKIT_GRID_STRIDE
#include "kernels/mixture/split_tf32.cuh"
#include "policy.hpp"

namespace boltzkit::kernels {

/// Largest D of the small weighted scatter: one warp's 32 × 32 tile of mma fragments.
constexpr int weighted_scatter_max_dim = 32;
/// Components per block (one per warp) and threads per block of weighted_scatter_small_kernel.
constexpr int weighted_scatter_components = 8;
constexpr int weighted_scatter_threads = 32 * weighted_scatter_components;
/// Floats of one component's partial tile (32 × 32, row-major).
constexpr int weighted_scatter_tile_floats = weighted_scatter_max_dim * weighted_scatter_max_dim;

/// Partial scatters over chunks of `chunk` points (a multiple of split_tf32_k): unit u = g + groups·c
/// (g the group of 8 components, c the chunk) writes partial[(c·kk + k)·32² + i·32 + j] for its
/// components k (i, j < 32; zero past n). resp (npts × kk) null: unit weights. Points past npts
/// have weight 0, so their centred values (−μ_k) add nothing. Per 8-point mma step, lane (g, t)
/// centres the points t and t + 4 at the dimensions g, g + 8, g + 16, g + 24 (μ_k of those in
/// registers), which are both its A rows (weighted) and its B columns.
template <int Terms>
__global__ void __launch_bounds__(weighted_scatter_threads)
    weighted_scatter_small_kernel(VectorRef<const float> x, std::int64_t npts, int n,
                                  const float* means, const float* resp, int kk,
                                  std::int64_t chunk, std::int64_t chunks, float* partial) {
  constexpr int bk = split_tf32_k, ld = weighted_scatter_max_dim + 8;
  constexpr int per = bk * weighted_scatter_max_dim / weighted_scatter_threads;
  constexpr int wc = weighted_scatter_components;
  // bk × ld points × dims: ld ≡ 8 (mod 32) puts a fragment read (row t, column g) on 32 banks
  float* s_x = reinterpret_cast<float*>(dynamic_shared_memory());
  float* s_w = s_x + bk * ld;                                       // bk × wc weights
  const int tid = static_cast<int>(threadIdx.x), warp = tid / 32, lane = tid % 32;
  const int g = lane / 4, t = lane % 4;
  const std::int64_t groups = (kk + wc - 1) / wc;
  for (std::int64_t unit = blockIdx.x; unit < groups * chunks; unit += gridDim.x) {
    const int k = static_cast<int>(unit % groups) * wc + warp;
    const std::int64_t c = unit / groups;
    const std::int64_t p0 = c * chunk;
    const std::int64_t p1 = p0 + chunk < npts ? p0 + chunk : npts;
    float mu[4];
BOLTZKIT_UNROLL
    for (int j = 0; j < 4; ++j)
      mu[j] = k < kk && g + 8 * j < n ? means[static_cast<std::int64_t>(k) * n + g + 8 * j] : 0.0f;
    float acc[2][4][4] = {};
    double* run = reinterpret_cast<double*>(s_w + bk * wc);  // flush_accumulators' sums
BOLTZKIT_UNROLL
    for (int i = 0; i < 32; ++i) run[i * weighted_scatter_threads + tid] = 0.0;
    for (std::int64_t f0 = p0; f0 < p1; f0 += split_flush_points) {  // stretches of points
      const std::int64_t f1 = f0 + split_flush_points < p1 ? f0 + split_flush_points : p1;
      for (std::int64_t k0 = f0; k0 < f1; k0 += bk) {
        __syncthreads();  // the previous stage is no longer read
BOLTZKIT_UNROLL
        for (int i = 0; i < per; ++i) {  // point e / 32, dimension e % 32: 32 lanes, one row
          const int e = tid + i * weighted_scatter_threads, j = e % 32;
          const std::int64_t p = k0 + e / 32;
          s_x[e / 32 * ld + j] = p < p1 && j < n ? x(p, j) : 0.0f;
        }
        {  // point tid / wc, component of the block tid % wc
          const std::int64_t p = k0 + tid / wc;
          const int kw = static_cast<int>(unit % groups) * wc + tid % wc;
          s_w[tid] = p >= p1 || kw >= kk ? 0.0f : resp ? resp[p * kk + kw] : 1.0f;
        }
        __syncthreads();
        if (k >= kk) continue;  // a warp past the last component: barriers only
BOLTZKIT_UNROLL
        for (int k8 = 0; k8 < bk; k8 += 8) {
          const int pa = k8 + t, pb = k8 + t + 4;
          const float wa = s_w[pa * wc + warp], wb = s_w[pb * wc + warp];
          float da[4], db[4];
BOLTZKIT_UNROLL
          for (int j = 0; j < 4; ++j) {
            da[j] = s_x[pa * ld + g + 8 * j] - mu[j];
            db[j] = s_x[pb * ld + g + 8 * j] - mu[j];
          }
          float bh[4][2], bl[4][2];
BOLTZKIT_UNROLL
          for (int nt = 0; nt < 4; ++nt) {
            const SplitTf32 b0 = split_tf32(da[nt]), b1 = split_tf32(db[nt]);
            bh[nt][0] = b0.hi;
            bh[nt][1] = b1.hi;
            bl[nt][0] = b0.lo;
            bl[nt][1] = b1.lo;
          }
BOLTZKIT_UNROLL
          for (int mt = 0; mt < 2; ++mt) {
            const SplitTf32 a[4] = {split_tf32(wa * da[2 * mt]), split_tf32(wa * da[2 * mt + 1]),
                                    split_tf32(wb * db[2 * mt]), split_tf32(wb * db[2 * mt + 1])};
            const float ah[4] = {a[0].hi, a[1].hi, a[2].hi, a[3].hi};
            const float al[4] = {a[0].lo, a[1].lo, a[2].lo, a[3].lo};
BOLTZKIT_UNROLL
            for (int nt = 0; nt < 4; ++nt) {
              if (Terms == 3) {
                mma_tf32_16x8x8(acc[mt][nt], ah, bl[nt]);
                mma_tf32_16x8x8(acc[mt][nt], al, bh[nt]);
              }
              mma_tf32_16x8x8(acc[mt][nt], ah, bh[nt]);
            }
          }
        }
      }
      flush_accumulators(acc, run, weighted_scatter_threads, tid);
    }
    if (k >= kk) continue;
    float* out = partial + (c * kk + k) * weighted_scatter_tile_floats;
BOLTZKIT_UNROLL
    for (int mt = 0; mt < 2; ++mt)
BOLTZKIT_UNROLL
      for (int nt = 0; nt < 4; ++nt)
BOLTZKIT_UNROLL
        for (int q = 0; q < 4; ++q)
          out[(16 * mt + g + 8 * (q / 2)) * 32 + 8 * nt + 2 * t + q % 2] =
              static_cast<float>(run[((mt * 4 + nt) * 4 + q) * weighted_scatter_threads + tid]);
  }
}

/// Shared bytes of weighted_scatter_small_kernel: the staged points and weights, then the float64
/// running sums of every thread's 32 accumulators (flush_accumulators).
constexpr std::size_t weighted_scatter_shared_bytes =
    sizeof(float) * (split_tf32_k * (weighted_scatter_max_dim + 8) +
                     split_tf32_k * weighted_scatter_components) +
    sizeof(double) * 32 * weighted_scatter_threads;

/// scatter (kk × n × n, column-major per component) = Σ over the chunks of the partial tiles, in
/// chunk order in float64.
template <class T>
__global__ void weighted_scatter_reduce_kernel(const T* partial, std::int64_t chunks, int kk,
                                               int n, T* scatter) {
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  BOLTZKIT_GRID_STRIDE(e, kk * nn) {
    const std::int64_t k = e / nn;
    const int j = static_cast<int>(e % nn / n), i = static_cast<int>(e % n);
    const T* tile = partial + k * weighted_scatter_tile_floats + i * weighted_scatter_max_dim + j;
    const std::int64_t stride = static_cast<std::int64_t>(kk) * weighted_scatter_tile_floats;
    double s = 0.0;
    for (std::int64_t c = 0; c < chunks; ++c) s += tile[c * stride];
    scatter[e] = static_cast<T>(s);
  }
}

}  // namespace boltzkit::kernels
