#pragma once
// The limb tile kernel (MATH.md §2.9) and the kernels that prepare its couplings: the tiled
// blocked path for n <= tuning::limb_max_spins, with J̃'s hi parts resident in shared memory as
// int8 digit planes and the fields of 32 chains in IMMA accumulators, so that neither J̃ nor the
// fields travel through L2 during the sweeps. Same decisions as bm_tile_kernel, bit for bit.
// Internal linkage (static) like chain_kernels.cuh: host/bm/gpu.cu and the emulation test each
// compile their own copy.
#include <cstdint>
#include <cstring>

#include "kernels/bm/block_update.cuh"
#include "kernels/bm/limb_split.cuh"
#include "kernels/bm/limb_update.cuh"
#include "kernels/bm/policy.hpp"
#include "kernels/common/group.cuh"

namespace boltzkit::kernels {

/// *exponent = bm_limb_exponent(max |jq|) for the n × n grid couplings jq. One block;
/// dynamic shared memory: blockDim.x doubles (a maximum is exact in any order).
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_limb_exponent_kernel(const double* jq, std::int64_t n, int* exponent) {
  double* part = reinterpret_cast<double*>(dynamic_shared_memory());
  double mx = 0.0;
  for (std::int64_t e = threadIdx.x; e < n * n; e += blockDim.x) mx = fabs(jq[e]) > mx ? fabs(jq[e]) : mx;
  part[threadIdx.x] = mx;
  __syncthreads();
  if (threadIdx.x == 0) {
    for (unsigned t = 1; t < blockDim.x; ++t) mx = part[t] > mx ? part[t] : mx;
    *exponent = bm_limb_exponent(mx, bm_limb_hi_max(bm_limb_padded(n)));
  }
}

/// The split of every coupling (bm_limb_split with *exponent): its three digits into the planes
/// (bm_limb_offset order, np = bm_limb_padded(n), zero past n), hi/σ into hi_value and the
/// remainder into lo (both n × n).
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_limb_split_kernel(const double* jq, std::int64_t n, const int* exponent, std::uint8_t* planes,
                         double* hi_value, double* lo) {
  const std::int64_t np = bm_limb_padded(n);
  const int e = *exponent;
  for (std::int64_t x = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; x < np * np;
       x += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = x / np, k = x % np;
    std::int32_t hi = 0;
    if (i < n && k < n) {
      const BmLimbSplit s = bm_limb_split(jq[i * n + k], e);
      hi = s.hi;
      hi_value[i * n + k] = s.hi_value;
      lo[i * n + k] = s.lo;
    }
    for (int l = 0; l < bm_limb_count; ++l)
      planes[bm_limb_offset(l, i, k, np)] = static_cast<std::uint8_t>(bm_limb_digit(hi, l));
  }
}

/// bound[i] = Σ_l |lo_il| (one thread per row; exact in any order, MATH.md §2.9).
static __global__ void __launch_bounds__(bm_policy::threads)
    bm_limb_bound_kernel(const double* lo, std::int64_t n, double* bound) {
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    double acc = 0.0;
    for (std::int64_t l = 0; l < n; ++l) acc = rn_add(acc, fabs(lo[i * n + l]));
    bound[i] = acc;
  }
}

struct BmLimbLaunch {
  BmChainParams p;                 // p.h: h on its grid (p.j is not read)
  std::int8_t* spins;              // (chains, n), flipped in place
  std::int64_t chains;
  std::uint32_t first_sweep;
  std::int64_t n_sweeps;
  PhiloxKeys keys;                 // philox_keys(p.seed)
  const std::uint8_t* planes;      // bm_limb_split_kernel's outputs
  const double* hi_value;          // (n, n)
  const double* lo;                // (n, n)
  const double* bound;             // (n)
  const int* exponent;             // e of σ = 2^e
  unsigned long long* fallbacks;   // exact-field decisions are counted here, or nullptr
};

/// The tiled blocked sweeps with resident couplings (MATH.md §2.9): thread block b owns chains
/// 32b … 32b+31 for all n_sweeps sweeps of the call. Per block of 32 sites, as bm_tile_kernel:
/// the owner warps store the block's fields h̃ + φ/σ, all threads compute the thresholds, a
/// quad of lanes per chain decides (bm_tile_decide with BmLimbFieldBounds: hi/σ corrections in
/// the block, the exact field when the bound does not settle a decision), then every warp adds
/// hi·Δs to its row tiles on the integer tensor cores (BmLimbFields::add). The fields are built
/// the same way from the spins at the call's start. B = 32 (one spin word, one IMMA k-block).
template <int B, int Alg>
static __global__ void __launch_bounds__(bm_policy::tile_threads) bm_limb_tile_kernel(BmLimbLaunch a) {
  static_assert(B == bm_limb_tile_sites, "one spin word and one IMMA k-block per block of sites");
  constexpr int S = B / bm_tile_quad, L = B + 1, T = bm_limb_chains;
  const std::int64_t n = a.p.n, np = bm_limb_padded(n);
  const int words = static_cast<int>((n + 31) / 32);
  const int tid = static_cast<int>(threadIdx.x), workers = static_cast<int>(blockDim.x);
  const int warp = tid / 32, warps = workers / 32;
  unsigned char* base = dynamic_shared_memory();
  auto* planes = reinterpret_cast<std::uint8_t*>(base);
  double* fb = reinterpret_cast<double*>(base + bm_limb_plane_bytes(np));
  double* jq = fb + B * T;
  double* th = jq + B * B;
  double* scale = th + L * T;
  double* eb = scale + T;
  auto* ds = reinterpret_cast<std::uint32_t*>(eb + B);
  std::uint32_t* delta = ds + L * T;
  std::uint32_t* spin_mask = delta + T * B / 4;
  auto* delta_bytes = reinterpret_cast<std::int8_t*>(delta);
  const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * T;

  for (std::int64_t e = tid; e < bm_limb_plane_bytes(np) / 16; e += workers) {  // the planes, once
#if defined(__CUDA_ARCH__)
    reinterpret_cast<uint4*>(planes)[e] = reinterpret_cast<const uint4*>(a.planes)[e];
#else
    std::memcpy(planes + 16 * e, a.planes + 16 * e, 16);
#endif
  }
  if (tid < T) {
    const std::int64_t c = first + tid < a.chains ? first + tid : 0;
    scale[tid] = bm_threshold_scale(a.p.chain_beta != nullptr ? a.p.chain_beta[c] : a.p.beta);
  }
  for (int e = tid; e < T * words; e += workers) {  // spins in: mask words, 0 past n and chains
    const int col = e / words, w = e % words;
    const std::int64_t c = first + col;
    const int sites = c < a.chains ? (n - 32 * w < 32 ? static_cast<int>(n - 32 * w) : 32) : 0;
    std::uint32_t bits = 0u;
    for (int v = 0; v < sites; ++v) bits |= a.spins[c * n + 32 * w + v] > 0 ? 1u << v : 0u;
    spin_mask[e] = bits;
  }
  const double inv_sigma = ldexp(1.0, -*a.exponent);
  BmLimbFields fr;
  fr.clear();
  for (int k0 = 0; k0 < n; k0 += B) {  // field build: φ = Σ hi·s, the spins as the operand
    __syncthreads();                   // the previous block's update has read delta
    for (int e = tid; e < T * B; e += workers) {
      const int col = e / B, u = e % B;
      const bool up = ((spin_mask[col * words + k0 / 32] >> u) & 1u) != 0u;
      delta_bytes[bm_limb_delta_byte(col, u)] =
          static_cast<std::int8_t>(k0 + u < n && first + col < a.chains ? (up ? 1 : -1) : 0);
    }
    __syncthreads();
    fr.add(planes, np, k0 / B, delta, warp, warps);
  }
  const std::uint32_t plus2 = bm_hi_word(2.0), minus2 = bm_hi_word(-2.0);
  for (std::int64_t s = 0; s < a.n_sweeps; ++s) {
    const auto sweep = static_cast<std::uint32_t>(a.first_sweep + static_cast<std::uint32_t>(s));
    for (int k0 = 0; k0 < n; k0 += B) {  // blocks of the sweep
      const int m = n - k0 < B ? static_cast<int>(n - k0) : B;
      __syncthreads();  // fields complete; fb, jq, th, eb, ds free
      fr.store_rows(k0, a.p.h, n, inv_sigma, fb, warp, warps);
      for (int e = tid; e < B * B; e += workers) {  // row u of the block, site v: quad order
        const int u = e / B, v = e % B;
        jq[(bm_tile_quad * u + v % bm_tile_quad) * S + v / bm_tile_quad] =
            u < m && v < m ? a.hi_value[static_cast<std::int64_t>(k0 + u) * n + k0 + v] : 0.0;
      }
      if (tid < B) eb[tid] = tid < m ? a.bound[k0 + tid] : 0.0;
      bm_block_thresholds<B, Alg>(a.keys, k0, m, scale, T, first, a.chains, sweep, th, L, tid, workers);
      __syncthreads();
      for (int e = tid; e < bm_tile_quad * T; e += workers) {  // a quad per chain: all 4 warps
        const int col = e / bm_tile_quad;
        const BmLimbFieldBounds bounds{eb, a.lo, n, k0, spin_mask + col * words, a.fallbacks, {}};
        bm_tile_decide<B, Alg>(jq, m, fb + col, T, spin_mask + col * words + k0 / 32, ds + col * L, th + col * L,
                               e % bm_tile_quad, bounds);
      }
      __syncthreads();
      for (int e = tid; e < T * B; e += workers) {  // Δs in {0, ±2} as int8, the IMMA operand
        const int col = e / B, u = e % B;
        const std::uint32_t d = ds[col * L + u];
        delta_bytes[bm_limb_delta_byte(col, u)] = static_cast<std::int8_t>(d == plus2 ? 2 : d == minus2 ? -2 : 0);
      }
      __syncthreads();
      fr.add(planes, np, k0 / B, delta, warp, warps);
    }
  }
  __syncthreads();
  for (std::int64_t e = tid; e < T * n; e += workers) {  // spins out
    const std::int64_t col = e / n, i = e % n;
    if (first + col < a.chains)
      a.spins[(first + col) * n + i] = (spin_mask[col * words + i / 32] >> (i % 32)) & 1u ? 1 : -1;
  }
}

}  // namespace boltzkit::kernels
