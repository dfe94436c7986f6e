#pragma once
// The limb tile kernel's field updates and decision bounds (MATH.md §2.9): the couplings' hi parts
// (limb_split.cuh) sit in shared memory as three int8 digit planes for the whole call, the fields
// φ = Σ_l hi_il s_l of a tile of 32 chains stay in the int32 accumulators of the integer tensor
// cores (IMMA m16n8k32), and every block of sites adds Σ_u hi_iu Δs_u (Δs in {0, ±2}, the spins
// ±1 for the field build) digit by digit. Every product and partial sum is an integer below 2^31, so any order the tensor
// core adds in gives the same φ. The decisions see h̃ + φ/σ, within e_i = Σ_l |lo_il| of the
// exact field, and take the exact field when that is not enough to decide.
#include <cstdint>

#include "kernels/bm/limb_split.cuh"
#include "kernels/bm/tile_update.cuh"

// The exact-field fallback is rare (MATH.md §2.9): one out-of-line copy, not one per unrolled site.
#if defined(__CUDACC__)
#define BOLTZKIT_BM_COLD __noinline__
#else
#define BOLTZKIT_BM_COLD
#endif

namespace boltzkit::kernels {

/// D = A·B + C on the integer tensor cores for one warp (PTX mma.m16n8k32 .s8.s8.s32): lane
/// (g, q) = (lane/4, lane%4) holds A(g + 8(r mod 2), 4q + 16⌊r/2⌋ + b) in byte b of a[r],
/// B(4q + 16r + b, g) in byte b of b[r], and D(g + 8⌊i/2⌋, 2q + i mod 2) in d[i]. The caller keeps
/// every sum below 2^31 in magnitude, so the result is the exact integer whatever the order.
__device__ inline void bm_imma_16832(std::int32_t (&d)[4], const std::uint32_t (&a)[4],
                                     const std::uint32_t (&b)[2], const std::int32_t (&c)[4]) {
#if defined(__CUDA_ARCH__)
  asm("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%10,%11,%12,%13};\n"
      : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(c[0]), "r"(c[1]),
        "r"(c[2]), "r"(c[3]));
#elif defined(BOLTZKIT_WARP_EMULATION)
  const int lane = static_cast<int>(threadIdx.x % 32), g = lane / 4, q = lane % 4;
  const std::uint32_t mine[6] = {a[0], a[1], a[2], a[3], b[0], b[1]};
  std::uint32_t all[32][6];
  emu::warp_gather(mine, all);
  const auto byte = [](std::uint32_t w, int k) { return static_cast<std::int8_t>((w >> (8 * (k % 4))) & 255u); };
  for (int i = 0; i < 4; ++i) {
    const int row = g + 8 * (i / 2), col = 2 * q + i % 2;
    std::int64_t s = c[i];
    for (int k = 0; k < 32; ++k)
      s += static_cast<std::int64_t>(byte(all[4 * (row % 8) + (k % 16) / 4][row / 8 + 2 * (k / 16)], k)) *
           byte(all[4 * col + (k % 16) / 4][4 + k / 16], k);
    d[i] = static_cast<std::int32_t>(s);  // in range by the caller's bound (MATH.md §2.9)
  }
#endif
}

/// Chains of a limb tile (one warp tile of the B operand per 8) and row tiles of fields per warp.
constexpr int bm_limb_chains = 32;
constexpr int bm_limb_chain_tiles = bm_limb_chains / 8;
constexpr int bm_limb_warp_row_tiles = 4;

/// The Δs operand of one block of sites in shared memory: per chain c, 32 bytes, lane (g, q)'s
/// two B registers (sites 4q … 4q+3 and 16+4q … 16+4q+3 of chain 8ct + g) side by side, so that
/// each lane loads both with one 8-byte load and a warp reads 256 consecutive bytes.
BOLTZKIT_HD inline int bm_limb_delta_byte(int chain, int u) {
  return chain * 32 + ((u % 16) / 4) * 8 + (u / 16) * 4 + u % 4;
}

/// The int32 fields φ of a tile of 32 chains, in the IMMA accumulators of the warp that owns
/// their rows: warp w of W owns the 16-row tiles w, w + W, … (at most bm_limb_warp_row_tiles).
struct BmLimbFields {
  std::int32_t d[bm_limb_warp_row_tiles][bm_limb_chain_tiles][4];

  __device__ void clear() {
BOLTZKIT_BM_UNROLL
    for (int w = 0; w < bm_limb_warp_row_tiles; ++w)
BOLTZKIT_BM_UNROLL
      for (int ct = 0; ct < bm_limb_chain_tiles; ++ct)
BOLTZKIT_BM_UNROLL
        for (int i = 0; i < 4; ++i) d[w][ct][i] = 0;
  }

  /// φ += hi(rows, block kb)·Δs for this warp's row tiles (tiles = np/16 of them in all): three
  /// IMMAs per tile and chain tile, the top digit first, φ + 2^8·(2^8·p2 + p1) before p0 (Horner),
  /// so one accumulator set serves all digits. planes: shared, bm_limb_offset order; delta:
  /// shared, bm_limb_delta_byte order (4-byte aligned words; Δs, or the spins for the build).
  __device__ void add(const std::uint8_t* planes, std::int64_t np, int kb, const std::uint32_t* delta,
                      int warp, int warps) {
    const int lane = static_cast<int>(threadIdx.x % 32), g = lane / 4, q = lane % 4;
    const int tiles = static_cast<int>(np / bm_limb_tile_rows), blocks = static_cast<int>(np / bm_limb_tile_sites);
    std::uint32_t b[bm_limb_chain_tiles][2];
BOLTZKIT_BM_UNROLL
    for (int ct = 0; ct < bm_limb_chain_tiles; ++ct) {
      const std::uint32_t* w = delta + ((8 * ct + g) * 32 + q * 8) / 4;
      b[ct][0] = w[0];
      b[ct][1] = w[1];
    }
    const std::int32_t zero[4] = {0, 0, 0, 0};
BOLTZKIT_BM_UNROLL
    for (int w = 0; w < bm_limb_warp_row_tiles; ++w) {
      const int rt = warp + w * warps;
      if (rt < tiles) {  // warp-uniform
        std::uint32_t a[bm_limb_count][4];
BOLTZKIT_BM_UNROLL
        for (int l = 0; l < bm_limb_count; ++l) {
          const std::uint8_t* at = planes + (((static_cast<std::int64_t>(l) * tiles + rt) * blocks + kb) * 32 + lane) * 16;
#if defined(__CUDA_ARCH__)
          const uint4 v = *reinterpret_cast<const uint4*>(at);
          a[l][0] = v.x, a[l][1] = v.y, a[l][2] = v.z, a[l][3] = v.w;
#else
          for (int r = 0; r < 4; ++r) std::memcpy(&a[l][r], at + 4 * r, 4);
#endif
        }
BOLTZKIT_BM_UNROLL
        for (int ct = 0; ct < bm_limb_chain_tiles; ++ct) {
          std::int32_t t[4], c[4];
          bm_imma_16832(t, a[2], b[ct], zero);
BOLTZKIT_BM_UNROLL
          for (int i = 0; i < 4; ++i) c[i] = t[i] * 256;
          bm_imma_16832(t, a[1], b[ct], c);
BOLTZKIT_BM_UNROLL
          for (int i = 0; i < 4; ++i) c[i] = d[w][ct][i] + t[i] * 256;
          bm_imma_16832(d[w][ct], a[0], b[ct], c);
        }
      }
    }
  }

  /// fb (32 rows, 32 chains, row-major) = h̃ + φ·2^-e of rows k0 … k0+31 (k0 a multiple of 32),
  /// by the warps that own them; inv_sigma = 2^-e. Exact: both terms are multiples of the grid
  /// step and their sum is below 2^52 steps (MATH.md §2.9). h: n values (rows past n get 0).
  __device__ void store_rows(int k0, const double* h, std::int64_t n, double inv_sigma, double* fb,
                             int warp, int warps) const {
    const int lane = static_cast<int>(threadIdx.x % 32), g = lane / 4, q = lane % 4;
BOLTZKIT_BM_UNROLL
    for (int w = 0; w < bm_limb_warp_row_tiles; ++w) {
      const int rt = warp + w * warps, r0 = rt * bm_limb_tile_rows - k0;
      if (r0 >= 0 && r0 < 32) {  // warp-uniform
BOLTZKIT_BM_UNROLL
        for (int half = 0; half < 2; ++half) {
          const int row = r0 + g + 8 * half;
          const double hv = k0 + row < n ? h[k0 + row] : 0.0;
BOLTZKIT_BM_UNROLL
          for (int ct = 0; ct < bm_limb_chain_tiles; ++ct) {
            double* at = fb + row * bm_limb_chains + 8 * ct + 2 * q;  // 16-byte aligned
            const double x = rn_fma(static_cast<double>(d[w][ct][2 * half]), inv_sigma, hv);
            const double y = rn_fma(static_cast<double>(d[w][ct][2 * half + 1]), inv_sigma, hv);
#if defined(__CUDA_ARCH__)
            *reinterpret_cast<double2*>(at) = double2{x, y};
#else
            at[0] = x;
            at[1] = y;
#endif
          }
        }
      }
    }
  }
};

/// The exact field of site k0 + u of one chain: g (its approximate field, corrections of the block's
/// earlier flips included) + Σ_l lo_l s_l over the chain's current spins: the words of `mask`,
/// except block k0's, which is up_bits (its start) with the flips of sites < u (dsc) applied. A
/// free function taking scalars, out of line: the rare path costs the hot loop no registers and
/// no stack. Every term and partial sum is on the grid, so the sum is exact (MATH.md §2.9).
__device__ BOLTZKIT_BM_COLD inline double bm_limb_exact_field(double g, int u, std::uint32_t up_bits,
                                                              const std::uint32_t* dsc, const double* lo,
                                                              std::int64_t n, std::int64_t k0,
                                                              const std::uint32_t* mask,
                                                              unsigned long long* fallbacks) {
  if (fallbacks != nullptr) atomicAdd(fallbacks, 1ull);
  std::uint32_t flipped = 0u;
  for (int v = 0; v < u; ++v) flipped |= dsc[v] != 0u ? 1u << v : 0u;
  const double* row = lo + (k0 + u) * n;
  const int words = static_cast<int>((n + 31) / 32), current = static_cast<int>(k0 / 32);
  double acc = g;
  for (int w = 0; w < words; ++w) {
    const std::uint32_t bits = w == current ? up_bits ^ flipped : mask[w];
    const int m = n - 32 * w < 32 ? static_cast<int>(n - 32 * w) : 32;
    for (int v = 0; v < m; ++v) acc = rn_add(acc, (bits >> v) & 1u ? row[32 * w + v] : -row[32 * w + v]);
  }
  return acc;
}

/// The decision rule on approximate fields (bm_tile_decide's Fields): g = h̃ + φ/σ plus the
/// in-block corrections of hi/σ is within e = Σ_l |lo_il| of the exact field f, so y ± e (exact
/// sums on the grid) decide y > t whenever t is outside [y − e, y + e); otherwise the owner lane
/// of the site adds Σ_l lo_il s_l (the chain's current spins) to g, which gives f exactly, and
/// compares that: the decisions are those on exact fields, bit for bit.
struct BmLimbFieldBounds {
  const double* eb;                 // shared: e of the block's sites, index u (0 past the block)
  const double* lo;                 // global: lo (n, n) row-major
  std::int64_t n, k0;               // spins, first site of the block
  const std::uint32_t* mask;        // shared: the chain's spin words (current except block k0)
  unsigned long long* fallbacks;    // global counter of exact-field decisions, or nullptr
  double e[8];                      // e of this lane's sites 4i + j, i < 8

  __device__ void load(int j) {
BOLTZKIT_BM_UNROLL
    for (int i = 0; i < 8; ++i) e[i] = eb[bm_tile_quad * i + j];
  }

  template <int U, int S>
  __device__ bool exceeds(double y, double t, int i, int j, double g, bool negate, std::uint32_t up_bits,
                          const std::uint32_t* dsc) const {
    if (rn_add(y, -e[i]) > t) return true;
    if (rn_add(y, e[i]) <= t) return false;
    if (j != U % bm_tile_quad) return false;  // not this lane's site: its word is not taken
    const double f = bm_limb_exact_field(g, U, up_bits, dsc, lo, n, k0, mask, fallbacks);
    return (negate ? -f : f) > t;
  }
};

}  // namespace boltzkit::kernels
