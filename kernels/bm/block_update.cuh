#pragma once
// Delayed, blocked field updates of the sequential scan (MATH.md §2.8), shared by the CPU
// backend and the GPU block kernel. A sweep visits the sites in blocks of B; inside a block one
// chain decides its B spins in order from g_u = F_u + Σ_{v<u in the block} J_uv Δs_v (the fields
// F at the block's start plus the exact in-block correction), with the same Philox words and the
// same thresholds and bm_flips_at as bm_chain_sweeps, and records Δs (0 or ∓2). Afterwards the caller adds
// J[:, block]·ΔS to every field (a GEMM over all chains). With J and h on the grid of
// quantize.cuh every one of these sums is exact, so the chains equal the scalar path's bit for
// bit whatever order the GEMM adds in.
#include <cstdint>

#include "kernels/bm/chain_update.cuh"

// Full unrolling is what keeps g in registers on the GPU; host compilers decide for themselves.
#if defined(__CUDA_ARCH__)
#define BOLTZKIT_BM_UNROLL _Pragma("unroll")
#else
#define BOLTZKIT_BM_UNROLL
#endif

namespace boltzkit::kernels {

/// Decisions of sites k0 … k0+m−1 (m <= B, k0 a multiple of 4) of chain `chain` in sweep `sweep`.
/// jb: the block J[k0+u][k0+v] at jb[u·ldj + v]; f: fields (n, cols) row-major, read at column
/// `col`; s: the chain's n spins, flipped in place; ds: (B, cols) row-major, column `col` written
/// for u < m (col = chain for the all-chains layout of the GEMM path; the tile kernel's column of
/// the chain in its tile). Alg: bm_heat_bath or bm_metropolis fixed at compile time (the GPU
/// kernels drop the other algorithm's code), or −1 for p.algorithm at run time. D: the type of
/// ΔS (double for the GEMMs, float for the tile kernel: 0 and ±2 are exact in both). Fully
/// unrolled so that g stays in registers on the GPU.
template <int B, int Alg = -1, class D = double>
BOLTZKIT_HD inline void bm_block_decide(const BmChainParams& p, const double* jb, std::int64_t ldj,
                                        std::int64_t k0, int m, const double* f,
                                        std::int64_t cols, std::int8_t* s, D* ds,
                                        std::int64_t col, std::uint32_t chain, std::uint32_t sweep) {
  static_assert(B % 4 == 0, "blocks start at a Philox group boundary");
  const int algorithm = Alg >= 0 ? Alg : p.algorithm;
  const double scale = bm_threshold_scale(p.chain_beta != nullptr ? p.chain_beta[chain] : p.beta);
  double g[B];
BOLTZKIT_BM_UNROLL
  for (int u = 0; u < B; ++u) g[u] = u < m ? f[(k0 + u) * cols + col] : 0.0;
  PhiloxWords w{};
BOLTZKIT_BM_UNROLL
  for (int u = 0; u < B; ++u) {
    if (u < m) {
      if (u % 4 == 0)
        w = philox(p.seed, static_cast<std::uint32_t>((k0 + u) / 4), chain, sweep, bm_sweep_stream);
      const std::int8_t old = s[k0 + u];
      const bool flip = bm_flips_at(g[u], old, bm_threshold(w.w[u % 4], scale, algorithm), algorithm);
      const double d = flip ? (old > 0 ? -2.0 : 2.0) : 0.0;
      ds[u * cols + col] = static_cast<D>(d);
      if (flip) s[k0 + u] = static_cast<std::int8_t>(-old);
      // d = 0 adds ±0: the value is unchanged and a zero's sign never changes a decision
BOLTZKIT_BM_UNROLL
      for (int v = u + 1; v < B; ++v)
        if (v < m) g[v] = rn_add(g[v], rn_mul(d, jb[v * ldj + u]));
    }
  }
}

/// The thresholds of a block of sites (bm_threshold) for the chains of a tile, shared out among
/// `workers` threads (worker `tid`; workers a multiple of cols): th[col·ldt + u] for u < B and
/// col < cols (chain first + col), scale[col] = bm_threshold_scale of that chain's β. Sites past
/// m and chains past `chains` get +∞ (no decision of bm_flips_at flips a spin −1 there).
template <int B, int Alg>
BOLTZKIT_HD inline void bm_block_thresholds(const PhiloxKeys& keys, std::int64_t k0, int m,
                                            const double* scale, int cols, std::int64_t first,
                                            std::int64_t chains, std::uint32_t sweep, double* th,
                                            int ldt, int tid, int workers) {
  static_assert(B % 4 == 0, "blocks start at a Philox group boundary");
  const int col = tid % cols;
  const std::int64_t c = first + col;
  const double sc = scale[col];
  double* thc = th + col * ldt;
  for (int g = tid / cols; g < B / 4; g += workers / cols) {
    const PhiloxWords w = philox(keys, static_cast<std::uint32_t>(k0 / 4 + g), static_cast<std::uint32_t>(c),
                                 sweep, bm_sweep_stream);
    double t4[4];
    bm_thresholds<4>(w.w, sc, Alg, t4);
BOLTZKIT_BM_UNROLL
    for (int i = 0; i < 4; ++i) thc[4 * g + i] = c < chains && 4 * g + i < m ? t4[i] : HUGE_VAL;
  }
}

}  // namespace boltzkit::kernels
