#pragma once
// The field update of the tile kernel (MATH.md §2.8, "tiles"): one thread block owns T chains
// and keeps their fields f (n, T) in shared memory for a whole call, so after the decisions of a
// block of sites it adds J[:, block]·ΔS to its own fields instead of a GEMM over all chains' fields
// in global memory, on the FP64 tensor cores (DMMA). The values are on the fixed-point grid, so
// every product and partial sum is exact and any order gives the scalar path's bits.
#include <cstdint>
#include <cstring>
#include <utility>

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

/// The high 32-bit word of the doubles 0, ±1 and ±2, whose low words are 0: ΔS (and the spins of
/// the field build) travel through shuffles and shared memory as these words and become doubles
/// again without a conversion instruction.
BOLTZKIT_HD inline std::uint32_t bm_hi_word(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return static_cast<std::uint32_t>(bits >> 32);
}
BOLTZKIT_HD inline double bm_from_hi_word(std::uint32_t hi) {
  const std::uint64_t bits = static_cast<std::uint64_t>(hi) << 32;
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

/// Lanes that share one chain's decisions in the tile kernel (a quad of a warp).
constexpr int bm_tile_quad = 4;

/// g[i] += d·row[i] for i = I … S−1 (row 16-byte aligned): pairs as one 16-byte load each.
template <int I, int S>
__device__ inline void bm_tile_correct(double (&g)[S], double d, const double* row) {
  int i = I;
  if (I % 2 != 0) {
    g[i] = rn_fma(d, row[i], g[i]);
    ++i;
  }
BOLTZKIT_BM_UNROLL
  for (; i < S; i += 2) {
#if defined(__CUDA_ARCH__)
    const double2 pair = *reinterpret_cast<const double2*>(row + i);
    const double x = pair.x, y = pair.y;
#else
    const double x = row[i], y = row[i + 1];
#endif
    g[i] = rn_fma(d, x, g[i]);
    g[i + 1] = rn_fma(d, y, g[i + 1]);
  }
}

/// Decisions on exact fields (bm_tile_kernel): the rule of bm_flips_at, y > t with y = g for the
/// heat bath and y = −s·g for Metropolis.
struct BmExactFields {
  __device__ void load(int /*j*/) {}
  template <int U, int S>
  __device__ bool exceeds(double y, double t, int /*i*/, int /*j*/, double /*g*/, bool /*negate*/,
                          std::uint32_t /*up_bits*/, const std::uint32_t* /*dsc*/) const {
    return y > t;
  }
};

template <int U, int S, int Alg, class Fields>
__device__ inline void bm_tile_step(double (&g)[S], const std::uint32_t (&to_up)[S],
                                    const std::uint32_t (&to_down)[S], const double* jr,
                                    std::uint32_t* dsc, const double* thc, const Fields& fields,
                                    int j, std::uint32_t up_bits) {
  constexpr int i = U / bm_tile_quad;
  const double t = thc[U];
  std::uint32_t mine;
  if (Alg == bm_heat_bath) {  // bm_flips_at: the new spin is +1 iff g > t
    mine = fields.template exceeds<U, S>(g[i], t, i, j, g[i], false, up_bits, dsc) ? to_up[i] : to_down[i];
  } else {
    const bool up = to_down[i] != 0u;  // bm_flips_at: a flip iff −s·g > t
    const bool flip = fields.template exceeds<U, S>(up ? -g[i] : g[i], t, i, j, g[i], up, up_bits, dsc);
    mine = flip ? to_down[i] | to_up[i] : 0u;
  }
  const std::uint32_t dhi = __shfl_sync(0xffffffffu, mine, U % bm_tile_quad, bm_tile_quad);
  dsc[U] = dhi;  // the quad's 4 lanes store the same word
  bm_tile_correct<i, S>(g, bm_from_hi_word(dhi), jr + bm_tile_quad * U * S);
}

template <int S, int Alg, class Fields, int... U>
__device__ inline void bm_tile_steps(double (&g)[S], const std::uint32_t (&to_up)[S],
                                     const std::uint32_t (&to_down)[S], const double* jr,
                                     std::uint32_t* dsc, const double* thc, const Fields& fields, int j,
                                     std::uint32_t up_bits, std::integer_sequence<int, U...>) {
  (bm_tile_step<U, S, Alg>(g, to_up, to_down, jr, dsc, thc, fields, j, up_bits), ...);
}

/// The decisions of the B = 32 sites k0 … k0+m−1 (m <= 32; k0 implicit in the pointers) of one chain by the 4 lanes of a quad
/// (MATH.md §2.8 "tiles"), the same decisions as bm_block_decide bit for bit: lane j = 0 … 3
/// keeps g for the sites v = 4i + j (i < 8) in registers; for site u the owner lane (u mod 4)
/// compares g with the precomputed threshold thc[u], the quad learns Δs_u (as its high word,
/// bm_hi_word) by one shuffle, and every lane adds Δs_u·J̃[k0+v][k0+u] to its g of the sites
/// v >= 4⌊u/4⌋ (earlier sites are decided, their g is dead; J̃ has a zero diagonal). A site's
/// spin when it is decided is its spin at the block's start (each site is decided once per
/// block), so each site's two possible Δs words are set up before the loop from the chain's spin
/// mask word *mask (bit v: site k0+v is +1), which is updated once at the end. Sites past m and
/// dead columns (past the chains) have threshold +∞ and spin bit 0 (−1): they never flip, and
/// the loop has no tests. fc: the chain's fields of the block, fc[v·cols] for site k0+v; jq: the
/// J block in quad order,
/// jq[(4u + j)·8 + i] = J̃[k0+4i+j][k0+u] (zero past m, 16-byte aligned); thc, dsc: the chain's
/// thresholds and Δs words, index u. Fields: BmExactFields (g is the exact field) or
/// BmLimbFieldBounds (g approximates it within a bound; limb_update.cuh), whose `exceeds` makes
/// the comparisons.
template <int B, int Alg, class Fields = BmExactFields>
__device__ inline void bm_tile_decide(const double* jq, int m, const double* fc, int cols,
                                      std::uint32_t* mask, std::uint32_t* dsc, const double* thc,
                                      int j, Fields fields = Fields{}) {
  static_assert(B == 32, "one spin mask word per block");
  constexpr int S = B / bm_tile_quad;
  const std::uint32_t minus2 = bm_hi_word(-2.0), plus2 = bm_hi_word(2.0);
  const std::uint32_t up_bits = *mask;
  double g[S];
  std::uint32_t to_up[S], to_down[S];  // Δs word when the new spin is +1 / −1
BOLTZKIT_BM_UNROLL
  for (int i = 0; i < S; ++i) {
    const int v = bm_tile_quad * i + j;
    g[i] = v < m ? fc[v * cols] : 0.0;
    const bool up = ((up_bits >> v) & 1u) != 0u;
    to_up[i] = up ? 0u : plus2;
    to_down[i] = up ? minus2 : 0u;
  }
  fields.load(j);
  bm_tile_steps<S, Alg>(g, to_up, to_down, jq + j * S, dsc, thc, fields, j, up_bits,
                        std::make_integer_sequence<int, B>{});
  __syncwarp();
  std::uint32_t flips = 0u;
BOLTZKIT_BM_UNROLL
  for (int i = 0; i < S; ++i) {
    const int v = bm_tile_quad * i + j;
    flips |= dsc[v] != 0u ? 1u << v : 0u;
  }
  flips |= __shfl_xor_sync(0xffffffffu, flips, 1, bm_tile_quad);
  flips |= __shfl_xor_sync(0xffffffffu, flips, 2, bm_tile_quad);
  *mask = up_bits ^ flips;  // the quad's 4 lanes store the same word
}

/// Elements past J's n·n that bm_tile_fields reads (a warp tile running past row n−1).
constexpr std::int64_t bm_tile_j_padding = bm_tile_rows * bm_warp_row_tiles - 1;

/// The DMMA k-steps of one block of sites for warp tile `tile` (32 rows × T = 8·CT chains):
/// d += Jcols(tile rows, sites k0 … k0+m−1) · ΔS, 4 sites per k-step: CT ΔS fragments and 4 J
/// fragments, 4·CT DMMAs. Operands and padding contract as bm_tile_fields.
template <int CT>
__device__ inline void bm_tile_ksteps(double (&d)[bm_warp_row_tiles][CT][2], const double* j, std::int64_t n,
                                      std::int64_t k0, int m, const std::uint32_t* ds, int ldd, int tile) {
  constexpr int RT = bm_warp_row_tiles, R = bm_tile_rows;
  const int lane = static_cast<int>(threadIdx.x % 32), q = lane % 4, g = lane / 4;
  for (int u0 = 0; u0 < m; u0 += 4) {
    const int u = u0 + q;
    const bool in = u < m;
    double b[CT];
BOLTZKIT_BM_UNROLL
    for (int ct = 0; ct < CT; ++ct)  // B(u, chain 8ct + g)
      b[ct] = in ? bm_from_hi_word(ds[(bm_tile_cols * ct + g) * ldd + u]) : 0.0;
    // A(row i, u) = J[k0+u][i]: row k0+u of the symmetric J from the tile's row g on
    const double* jr = j + (k0 + (in ? u : 0)) * n + tile * (R * RT) + g;
BOLTZKIT_BM_UNROLL
    for (int r = 0; r < RT; ++r) {
      const double a = jr[R * r];
BOLTZKIT_BM_UNROLL
      for (int ct = 0; ct < CT; ++ct) bm_dmma_884(d[r][ct][0], d[r][ct][1], a, b[ct]);
    }
  }
}

/// f (n, T) += Jcols (n, m) · ΔS (m, T), f row-major, with Jcols(i, u) = J[k0+u][i] (row k0+u of
/// the symmetric J) and ΔS(u, c) = ds[c·ldd + u] given as the high words (bm_hi_word) of 0, ±2
/// (or of the spins ±1 for the field build), T = 8·CT chains. One call per warp, all lanes
/// converged: warp `warp` of `warps` takes the warp tiles (32 rows × all T chains) warp,
/// warp + warps, …; per 4 sites of the block it loads CT ΔS fragments and 4 J fragments and
/// issues 4·CT DMMAs, so every J fragment serves all the tile's chains (one load of J̃[:, block]
/// per tile of chains: the loads cost no more LSU time than the DMMAs' own). Sites past m get
/// ΔS = 0 (and J's row k0 in place of a row past the block). j must be readable for
/// n·n + bm_tile_j_padding elements: rows past n−1 read J's next elements (or that padding) into
/// accumulators that are never stored, which keeps the hot loop free of bounds checks.
template <int CT>
__device__ inline void bm_tile_fields(const double* j, std::int64_t n, std::int64_t k0, int m,
                                      const std::uint32_t* ds, int ldd, double* f, int warp, int warps) {
  constexpr int RT = bm_warp_row_tiles, R = bm_tile_rows, T = CT * bm_tile_cols;
  const int lane = static_cast<int>(threadIdx.x % 32), q = lane % 4, g = lane / 4;
  const int tiles = static_cast<int>((n + R * RT - 1) / (R * RT));
  for (int tile = warp; tile < tiles; tile += warps) {
    const int i0 = tile * (R * RT);
    double d[RT][CT][2];
BOLTZKIT_BM_UNROLL
    for (int r = 0; r < RT; ++r)
BOLTZKIT_BM_UNROLL
      for (int ct = 0; ct < CT; ++ct) d[r][ct][0] = d[r][ct][1] = 0.0;
    bm_tile_ksteps<CT>(d, j, n, k0, m, ds, ldd, tile);
BOLTZKIT_BM_UNROLL
    for (int r = 0; r < RT; ++r) {
      const std::int64_t i = i0 + R * r + g;
      if (i < n) {
BOLTZKIT_BM_UNROLL
        for (int ct = 0; ct < CT; ++ct) {
          double* fi = f + i * T + bm_tile_cols * ct + 2 * q;  // 16-byte aligned
#if defined(__CUDA_ARCH__)
          double2 v = *reinterpret_cast<double2*>(fi);
          v.x = rn_add(v.x, d[r][ct][0]);
          v.y = rn_add(v.y, d[r][ct][1]);
          *reinterpret_cast<double2*>(fi) = v;
#else
          fi[0] = rn_add(fi[0], d[r][ct][0]);
          fi[1] = rn_add(fi[1], d[r][ct][1]);
#endif
        }
      }
    }
  }
}

}  // namespace boltzkit::kernels
