#pragma once
// GPU kernels of the bm family: thin loops around chain_update.cuh and exact_chunk.cuh.
// Internal linkage (static): host/bm/gpu.cu and the emulation test each compile their own copy.
#include "kernels/bm/block_update.cuh"
#include "kernels/bm/chain_update.cuh"
#include "kernels/bm/exact_chunk.cuh"
#include "kernels/bm/quantize.cuh"
#include "kernels/bm/tile_update.cuh"
#include "kernels/bm/policy.hpp"
#include "kernels/common/group.cuh"

namespace boltzkit::kernels {

struct BmWarpSync {
  __device__ void operator()() const { __syncwarp(); }
};

struct BmSweepLaunch {
  BmChainParams p;
  std::int8_t* spins;  // (chains, n), global
  std::int64_t chains;
  std::uint32_t first_sweep;
  std::int64_t n_sweeps;
  int j_shared;  // 1: copy J into shared memory first (bm_policy::chain_launch)
};

/// One warp per chain: fields and spins in shared memory, J in shared memory or read through
/// L2; the warp's lanes split every field update (bm_chain_sweeps with stride 32).
static __global__ void __launch_bounds__(bm_policy::warp * 4) bm_sweep_kernel(BmSweepLaunch a) {
  const std::int64_t n = a.p.n;
  const int warps = static_cast<int>(blockDim.x) / bm_policy::warp;
  const int warp = static_cast<int>(threadIdx.x) / bm_policy::warp;
  const int lane = static_cast<int>(threadIdx.x) % bm_policy::warp;
  double* base = reinterpret_cast<double*>(dynamic_shared_memory());
  BmChainParams p = a.p;
  const std::int64_t j_elems = a.j_shared ? n * n : 0;
  if (a.j_shared) {
    for (std::int64_t e = threadIdx.x; e < j_elems; e += blockDim.x) base[e] = a.p.j[e];
    p.j = base;
  }
  double* f = base + j_elems + warp * n;
  std::int8_t* s = reinterpret_cast<std::int8_t*>(base + j_elems + warps * n) + warp * n;
  __syncthreads();
  const std::int64_t c = static_cast<std::int64_t>(blockIdx.x) * warps + warp;
  if (c >= a.chains) return;
  std::int8_t* global = a.spins + c * n;
  for (std::int64_t i = lane; i < n; i += bm_policy::warp) s[i] = global[i];
  __syncwarp();
  bm_chain_sweeps(p, s, f, static_cast<std::uint32_t>(c), a.first_sweep, a.n_sweeps, lane,
                  bm_policy::warp, BmWarpSync{});
  for (std::int64_t i = lane; i < n; i += bm_policy::warp) global[i] = s[i];
}

static __global__ void __launch_bounds__(bm_policy::threads)
    bm_initial_kernel(std::int8_t* spins, std::int64_t chains, std::int64_t n, std::uint64_t seed) {
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < chains * n; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    spins[e] = bm_initial_spin(seed, e / n, e % n);
}

static __global__ void __launch_bounds__(bm_policy::threads)
    bm_energy_kernel(const double* j, const double* h, const std::int8_t* spins,
                     std::int64_t chains, std::int64_t n, double* out) {
  for (std::int64_t c = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       c < chains; c += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    out[c] = bm_energy(j, h, spins + c * n, n);
}

/// sums += s and x = s (the SYRK operand), `count` elements.
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_accumulate_kernel(const std::int8_t* spins, std::int64_t count, double* sums, double* x) {
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < count; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const double v = static_cast<double>(spins[e]);
    sums[e] += v;
    x[e] = v;
  }
}

struct BmBlockLaunch {
  BmChainParams p;     // p.j: the quantized J (n, n)
  std::int8_t* spins;  // (chains, n)
  const double* f;     // (n, chains) fields at the block's start
  double* ds;          // (B, chains) Δs out
  std::int64_t chains;
  std::int64_t k0;     // first site of the block
  int m;               // sites in the block (<= B)
  std::uint32_t sweep;
};

/// One thread per chain makes the block's decisions (bm_block_decide); the block of J,
/// B x B doubles, sits in shared memory (zero past m) and is read as a broadcast.
template <int B>
static __global__ void __launch_bounds__(bm_policy::block_threads) bm_block_kernel(BmBlockLaunch a) {
  double* jb = reinterpret_cast<double*>(dynamic_shared_memory());
  const std::int64_t n = a.p.n;
  for (int e = static_cast<int>(threadIdx.x); e < B * B; e += static_cast<int>(blockDim.x)) {
    const int u = e / B, v = e % B;
    jb[e] = u < a.m && v < a.m ? a.p.j[(a.k0 + u) * n + a.k0 + v] : 0.0;
  }
  __syncthreads();
  const std::int64_t c = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= a.chains) return;
  bm_block_decide<B>(a.p, jb, B, a.k0, a.m, a.f, a.chains, a.spins + c * n, a.ds, c,
                     static_cast<std::uint32_t>(c), a.sweep);
}

struct BmTileLaunch {
  BmChainParams p;     // p.j, p.h: the model on its grid; p.j readable to n·n + bm_tile_j_padding
  std::int8_t* spins;  // (chains, n), flipped in place
  std::int64_t chains;
  std::uint32_t first_sweep;
  std::int64_t n_sweeps;
  int tile_chains;     // T: chains per thread block (8, 16 or 32; the launchers pick the kernel's T)
  PhiloxKeys keys;     // philox_keys(p.seed), set by the launcher: read from the parameter space,
                       // the round keys cost no instructions in the threshold loop
};

/// The tiled blocked path (MATH.md §2.8): thread block b owns chains b·T … b·T+T−1 and all of
/// their sweeps in one launch. Shared memory (bm_policy::tile_shared_bytes): fields f (n, T), the
/// J block (B, B) in quad order, the thresholds th (T, B + 1) and the chains' threshold scales
/// (T) as doubles, then ΔS (T, B + 1) as the high words of doubles (bm_hi_word: 0, ±1, ±2) and
/// the spins as masks (T, ⌈n/32⌉ words; bit v of word w: site 32w + v is +1). The rows of th and
/// ΔS, one per chain, are padded to B + 1 so that the 8 chains of a warp's reads fall in
/// different banks.
/// Fields: h, then + J·s through bm_tile_fields with the spins (±1) as the operand, B sites at a
/// time; per sweep and block of B sites every thread computes its share of the thresholds
/// (bm_block_thresholds: Philox and a log, independent of the fields), then 4 lanes per chain
/// decide (bm_tile_decide: all 4 warps at T = 32), then every warp adds J[:, block]·ΔS to its
/// warp tiles (bm_tile_fields, DMMA). Columns past `chains` decide nothing (ΔS = 0). The spins
/// go back to global memory at the end. blockDim.x: a multiple of 32 and of T; n < 2³¹ / T.
/// Up to tuning::limb_max_spins the tiled path runs bm_limb_tile_kernel instead (limb_kernels.cuh).
template <int B, int Alg, int T>
static __global__ void __launch_bounds__(bm_policy::tile_threads) bm_tile_kernel(BmTileLaunch a) {
  static_assert(B == 32, "one spin mask word per block of sites");
  static_assert(T % bm_tile_cols == 0 && T <= 32, "whole DMMA column groups, one warp tile");
  constexpr int S = B / bm_tile_quad, L = B + 1, t = T;
  const int n = static_cast<int>(a.p.n), words = (n + 31) / 32;
  const int tid = static_cast<int>(threadIdx.x), workers = static_cast<int>(blockDim.x);
  const int warp = tid / 32, warps = workers / 32;
  double* f = reinterpret_cast<double*>(dynamic_shared_memory());  // fields (n, T)
  double* jq = f + n * t;
  double* th = jq + B * B;
  double* scale = th + L * t;
  auto* ds = reinterpret_cast<std::uint32_t*>(scale + t);
  std::uint32_t* spin_mask = ds + L * t;
  const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * t;
  if (tid < t) {  // blockDim.x >= T
    const std::int64_t c = first + tid < a.chains ? first + tid : 0;
    scale[tid] = bm_threshold_scale(a.p.chain_beta != nullptr ? a.p.chain_beta[c] : a.p.beta);
  }
  for (int e = tid; e < t * words; e += workers) {  // spins in: mask words, 0 past n and chains
    const int col = e / words, w = e % words;
    const std::int64_t c = first + col;
    const int sites = c < a.chains ? (n - 32 * w < 32 ? n - 32 * w : 32) : 0;
    std::uint32_t bits = 0u;
    for (int v = 0; v < sites; ++v) bits |= a.spins[c * n + 32 * w + v] > 0 ? 1u << v : 0u;
    spin_mask[e] = bits;
  }
  for (int e = tid; e < n * t; e += workers) f[e] = a.p.h[e / t];
  const std::uint32_t plus = bm_hi_word(1.0), minus = bm_hi_word(-1.0);
  for (int k0 = 0; k0 < n; k0 += B) {  // field build
    const int m = n - k0 < B ? n - k0 : B;
    __syncthreads();  // the previous block's update has read ds
    for (int e = tid; e < B * t; e += workers) {
      const int u = e % B, col = e / B;
      const bool up = ((spin_mask[col * words + k0 / 32] >> u) & 1u) != 0u;
      ds[col * L + u] = u < m && first + col < a.chains ? (up ? plus : minus) : 0u;
    }
    __syncthreads();
    bm_tile_fields<T / bm_tile_cols>(a.p.j, n, k0, m, ds, L, f, warp, warps);
  }
  for (std::int64_t s = 0; s < a.n_sweeps; ++s) {
    const auto sweep = static_cast<std::uint32_t>(a.first_sweep + static_cast<std::uint32_t>(s));
    for (int k0 = 0; k0 < n; k0 += B) {  // blocks of the sweep
      const int m = n - k0 < B ? n - k0 : B;
      __syncthreads();  // fields complete, ds, th and jq free
      for (int e = tid; e < B * B; e += workers) {  // row u of the block, site v: quad order
        const int u = e / B, v = e % B;
        jq[(bm_tile_quad * u + v % bm_tile_quad) * S + v / bm_tile_quad] =
            u < m && v < m ? a.p.j[static_cast<std::int64_t>(k0 + u) * n + k0 + v] : 0.0;
      }
      bm_block_thresholds<B, Alg>(a.keys, k0, m, scale, t, first, a.chains, sweep, th, L, tid, workers);
      __syncthreads();
      for (int e = tid; e < bm_tile_quad * t; e += workers) {  // a quad per chain: T/8 warps
        const int col = e / bm_tile_quad;
        bm_tile_decide<B, Alg>(jq, m, f + k0 * t + col, t, spin_mask + col * words + k0 / 32,
                               ds + col * L, th + col * L, e % bm_tile_quad);
      }
      __syncthreads();
      bm_tile_fields<T / bm_tile_cols>(a.p.j, n, k0, m, ds, L, f, warp, warps);
    }
  }
  __syncthreads();
  for (int e = tid; e < t * n; e += workers) {  // spins out
    const int col = e / n, i = e % n;
    if (first + col < a.chains)
      a.spins[(first + col) * n + i] = (spin_mask[col * words + i / 32] >> (i % 32)) & 1u ? 1 : -1;
  }
}

/// x (n, chains) = spins (chains, n) as doubles, and f (n, chains) = h broadcast: the operands
/// of the GEMM f += J x that builds the fields (exact on the grid, like every field sum).
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_field_operands_kernel(const std::int8_t* spins, const double* h, std::int64_t chains,
                             std::int64_t n, double* x, double* f) {
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < chains * n; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = e / chains, c = e % chains;
    x[e] = static_cast<double>(spins[c * n + i]);
    f[e] = h[i];
  }
}

/// bounds[i] = bm_row_bound of row i (one thread per row, the CPU's order).
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_row_bound_kernel(const double* j, const double* h, std::int64_t n, double* bounds) {
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    bounds[i] = bm_row_bound(j, h, n, i);
}

/// One block: *shift = bm_grid_shift(max_i bounds[i]) (a maximum is exact in any order).
/// Dynamic shared memory: blockDim.x doubles.
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_grid_shift_kernel(const double* bounds, std::int64_t n, int* shift) {
  double* part = reinterpret_cast<double*>(dynamic_shared_memory());
  double mx = 0.0;
  for (std::int64_t i = threadIdx.x; i < n; i += blockDim.x) mx = bounds[i] > mx ? bounds[i] : mx;
  part[threadIdx.x] = mx;
  __syncthreads();
  if (threadIdx.x == 0) {
    for (unsigned t = 1; t < blockDim.x; ++t) mx = part[t] > mx ? part[t] : mx;
    *shift = bm_grid_shift(mx);
  }
}

/// jq = J and hq = h rounded to the grid 2^-(*shift), elementwise.
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_quantize_kernel(const double* j, const double* h, std::int64_t n, const int* shift,
                       double* jq, double* hq) {
  const int q = *shift;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < n * n + n; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    if (e < n * n)
      jq[e] = bm_quantize(j[e], q);
    else
      hq[e - n * n] = bm_quantize(h[e - n * n], q);
  }
}

struct BmExactLaunch {
  const double* j;
  const double* h;
  std::int64_t n;
  double beta;
  int chunk_log2;
  std::int64_t chunks;
  std::int8_t* s;  // (chunks, n) scratch
  double* f;       // (chunks, n) scratch
  double* wk;      // (chunks, n) scratch
  double* mean;    // (chunks, n)
  double* corr;    // (chunks, n, n)
  double* ref;     // chunks
  double* z;       // chunks
};

/// One Gray-code chunk per thread (bm_exact_chunk), from fields computed at the chunk start.
static __global__ void __launch_bounds__(bm_policy::threads) bm_exact_kernel(BmExactLaunch a) {
  for (std::int64_t c = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       c < a.chunks; c += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    bm_exact_chunk(a.j, a.h, a.n, a.beta, static_cast<std::uint64_t>(c) << a.chunk_log2,
                   std::uint64_t{1} << a.chunk_log2,
                   {a.s + c * a.n, a.f + c * a.n, a.wk + c * a.n, a.mean + c * a.n,
                    a.corr + c * a.n * a.n, a.ref + c, a.z + c});
}

}  // namespace boltzkit::kernels
