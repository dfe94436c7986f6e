#pragma once
// One Gaussian past the single pass, in float (K = 1, no weights, D > mixture_single_max_dim;
// MATH.md §1.10): the two products over the points, the score −Σ⁻¹d of every point and the
// scatter Σ_p d_p d_pᵀ, on the TF32 tensor cores with every operand split in two, v = hi + lo
// (hi = v rounded to TF32, lo = the rest rounded to TF32), and the products hi·hi + hi·lo + lo·hi
// accumulated in float ("3xTF32"): the dropped lo·lo term and the rounding of lo are at most
// 3·2⁻²² of |a||b|, below float accumulation's own error bound k·2⁻²⁴ for k > 12 terms, so the
// result is as accurate as an FP32 GEMM at 3 tensor-core products per multiply-add instead of
// one FP32 FMA.
// With the TF32 option (EvaluateOptions::allow_tf32) only hi·hi is taken.
//
// Both kernels read x once per use and centre it on the fly (no Y buffer), so the whole call is
// two passes over the points: the score kernel (log p's dot in its epilogue) and the scatter
// kernel (the column sums in its diagonal tiles). Fragment layouts are the PTX ISA's for
// mma.m16n8k8 .tf32 (lane = 4g + t): A a0 (g, t), a1 (g + 8, t), a2 (g, t + 4), a3 (g + 8, t + 4);
// B b0 (k = t, n = g), b1 (k = t + 4, n = g); C c0, c1 (g, 2t + {0, 1}), c2, c3 (g + 8, …).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/common/group.cuh"
#include "kernels/common/strided.cuh"
#include "kernels/common/unroll.cuh"
#include "kernels/linalg/large_dim.cuh"  // BOLTZKIT_GRID_STRIDE
#include "policy.hpp"

namespace boltzkit::kernels {

/// x rounded to TF32 (10 stored mantissa bits), to nearest with ties away from zero, as a float
/// whose low 13 bits are 0: cvt.rna.tf32.f32. Non-finite values pass through.
__device__ inline float tf32_round(float x) {
#if defined(__CUDA_ARCH__)
  std::uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(x));
  return __uint_as_float(r);
#else
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  if ((b & 0x7f800000u) != 0x7f800000u) b = (b + 0x1000u) & 0xffffe000u;
  float r;
  std::memcpy(&r, &b, sizeof r);
  return r;
#endif
}

/// d += a·b for one warp: mma.sync.m16n8k8.row.col.f32.tf32.tf32.f32 (layouts above). The
/// emulator takes the products exactly (TF32 × TF32 fits a double) and rounds each k = 8 step's
/// sum toward zero to float: tensor cores accumulate with truncation (Fasi, Higham, Mikaitis,
/// Pranesh 2021, "Numerical behavior of NVIDIA tensor cores"), so round-to-nearest here would
/// hide error the GPU makes.
__device__ inline void mma_tf32_16x8x8(float (&d)[4], const float (&a)[4], const float (&b)[2]) {
#if defined(__CUDA_ARCH__)
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
      "{%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(__float_as_uint(a[0])), "r"(__float_as_uint(a[1])), "r"(__float_as_uint(a[2])),
        "r"(__float_as_uint(a[3])), "r"(__float_as_uint(b[0])), "r"(__float_as_uint(b[1])));
#elif defined(BOLTZKIT_WARP_EMULATION)
  const int lane = static_cast<int>(threadIdx.x % 32), g = lane / 4, t = lane % 4;
  const float mine[6] = {a[0], a[1], a[2], a[3], b[0], b[1]};
  float all[32][6];
  emu::warp_gather(mine, all);
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c) {
      double s = d[2 * r + c];
      for (int k = 0; k < 8; ++k)  // A(g + 8r, k) in lane 4g + k % 4; B(k, 2t + c) in 4(2t + c) + k % 4
        s += static_cast<double>(all[4 * g + k % 4][r + 2 * (k / 4)]) *
             static_cast<double>(all[4 * (2 * t + c) + k % 4][4 + k / 4]);
      float f = static_cast<float>(s);
      if (std::isfinite(f) && f != 0.0f && std::fabs(static_cast<double>(f)) > std::fabs(s))
        f = std::nextafter(f, 0.0f);
      d[2 * r + c] = f;
    }
#endif
}

/// v as the pair the split kernels store: hi = v to TF32, lo = (v − hi) to TF32 (v − hi is exact).
struct SplitTf32 {
  float hi, lo;
};
__device__ inline SplitTf32 split_tf32(float v) {
  const float hi = tf32_round(v);
  return {hi, tf32_round(v - hi)};
}

/// The operand tiles of a split kernel in dynamic shared memory, A (hi, lo) then B (hi, lo), and
/// the store of one staged value as its split pair.
struct SplitTiles {
  float *a_hi, *a_lo, *b_hi, *b_lo;
  __device__ static SplitTiles carve(int a_floats, int b_floats) {
    float* base = reinterpret_cast<float*>(dynamic_shared_memory());
    return {base, base + a_floats, base + 2 * a_floats, base + 2 * a_floats + b_floats};
  }
  __device__ static void store(float* hi, float* lo, int at, float v) {
    const SplitTf32 s = split_tf32(v);
    hi[at] = s.hi;
    lo[at] = s.lo;
  }
};

/// Adds a warp's accumulator fragments into float64 running sums in shared memory (value i of
/// thread tid at run[i·threads + tid]: consecutive threads, consecutive words) and clears them.
/// The tensor cores truncate as they add (MATH.md §1.10), so the scatters, whose sums run over
/// thousands of points, take them in stretches of split_flush_points points, each added with
/// round-to-nearest: the truncation bias stays that of a sum of length split_flush_points.
template <int MT, int NT>
__device__ inline void flush_accumulators(float (&acc)[MT][NT][4], double* run, int threads,
                                          int tid) {
BOLTZKIT_UNROLL
  for (int mt = 0; mt < MT; ++mt)
BOLTZKIT_UNROLL
    for (int nt = 0; nt < NT; ++nt)
BOLTZKIT_UNROLL
      for (int q = 0; q < 4; ++q) {
        run[((mt * NT + nt) * 4 + q) * threads + tid] += acc[mt][nt][q];
        acc[mt][nt][q] = 0.0f;
      }
}

/// One stage of BK = split_tf32_k values of k for one warp's 32 × 8·NT tile at (m0, n0):
/// operands from shared memory, A(m, k) at a[m·sa + k·ka] and B(k, n) at b[n·sb + k·kb] (hi and
/// lo arrays the same shape), acc[mt][nt] the C fragments. Terms = 3 (hi·lo and lo·hi first, the
/// small ones, then hi·hi) or 1 (hi·hi: the TF32 option). lower_only: skip the 16 × 8 fragments
/// wholly above the diagonal (column start past the last row), warp-uniformly: a diagonal tile of
/// the symmetric scatter needs only its lower triangle.
template <int NT, int Terms>
__device__ inline void split_tf32_stage(float (&acc)[2][NT][4], const float* a_hi,
                                        const float* a_lo, int sa, int ka, const float* b_hi,
                                        const float* b_lo, int sb, int kb, int m0, int n0,
                                        bool lower_only = false) {
  const int lane = static_cast<int>(threadIdx.x % 32), g = lane / 4, t = lane % 4;
BOLTZKIT_UNROLL
  for (int k8 = 0; k8 < split_tf32_k; k8 += 8) {
    float ah[2][4], al[2][4];
BOLTZKIT_UNROLL
    for (int mt = 0; mt < 2; ++mt) {
      const int r = m0 + 16 * mt + g;
      const int o[4] = {r * sa + (k8 + t) * ka, (r + 8) * sa + (k8 + t) * ka,
                        r * sa + (k8 + t + 4) * ka, (r + 8) * sa + (k8 + t + 4) * ka};
BOLTZKIT_UNROLL
      for (int i = 0; i < 4; ++i) {
        ah[mt][i] = a_hi[o[i]];
        al[mt][i] = Terms == 3 ? a_lo[o[i]] : 0.0f;
      }
    }
BOLTZKIT_UNROLL
    for (int nt = 0; nt < NT; ++nt) {
      const int c = n0 + 8 * nt + g;
      const int o0 = c * sb + (k8 + t) * kb, o1 = c * sb + (k8 + t + 4) * kb;
      const float bh[2] = {b_hi[o0], b_hi[o1]};
BOLTZKIT_UNROLL
      for (int mt = 0; mt < 2; ++mt) {
        if (lower_only && n0 + 8 * nt > m0 + 16 * mt + 15) continue;
        if (Terms == 3) {
          const float bl[2] = {b_lo[o0], b_lo[o1]};
          mma_tf32_16x8x8(acc[mt][nt], ah[mt], bl);
          mma_tf32_16x8x8(acc[mt][nt], al[mt], bh);
        }
        mma_tf32_16x8x8(acc[mt][nt], ah[mt], bh);
      }
    }
  }
}

/// Shared floats of split_score_kernel<NT>: centred points (hi, lo) 128 × (BK + 4) and the Σ⁻¹
/// tile (hi, lo) BN × (BK + 4), BN = 4 warps × 8·NT columns. The +4 pad puts the 32 lanes of a
/// fragment read (row 4g-apart words + t) on 32 banks.
template <int NT>
constexpr int split_score_shared_floats =
    2 * (split_score_points + 4 * 8 * NT) * (split_tf32_k + 4);

/// The score s_p = −Σ⁻¹(x_p − μ) of points [first, first + count) and, per point and column tile
/// of BN = 32·NT columns, the partial dot d_p·s_p over the tile's columns (dots, count ×
/// col_tiles; log p = logc + ½ Σ dots, split_logp_kernel). Units of work: 128-point row tiles ×
/// col_tiles, grid-stride. 16 warps as 4 (rows, 32 each) × 4 (columns, 8·NT each). `prec` is Σ⁻¹
/// column-major (n × n, symmetric, so column j holds row j as well); a failed factorization
/// (info[0] ≠ 0) gives NaN scores and dots. score may be null (log p only).
template <int NT, int Terms>
__global__ void __launch_bounds__(split_score_threads)
    split_score_kernel(VectorRef<const float> x, std::int64_t first, std::int64_t count, int n,
                       const float* mean, const float* prec, const std::int32_t* info,
                       float* score, std::int64_t ld_score, float* dots, int col_tiles) {
  constexpr int bm = split_score_points, bn = 4 * 8 * NT, bk = split_tf32_k, ld = bk + 4;
  constexpr int a_per = bm * bk / split_score_threads, b_per = bn * bk / split_score_threads;
  const SplitTiles s = SplitTiles::carve(bm * ld, bn * ld);
  const int tid = static_cast<int>(threadIdx.x), warp = tid / 32, lane = tid % 32;
  const int wm = warp % 4, wn = warp / 4, g = lane / 4, t = lane % 4;
  const bool failed = info[0] != 0;
  const std::int64_t row_tiles = (count + bm - 1) / bm;
  for (std::int64_t unit = blockIdx.x; unit < row_tiles * col_tiles; unit += gridDim.x) {
    const std::int64_t r0 = unit / col_tiles * bm;
    const int n0 = static_cast<int>(unit % col_tiles) * bn;
    const int rows = static_cast<int>(count - r0 < bm ? count - r0 : bm);
    float pa[a_per], pb[b_per];
    // Element e = tid + i·threads of a stage: A row e / bk = tid / bk + i·rows_per, k e % bk =
    // tid % bk (32 lanes read 32 consecutive values of a point); B column n0 + e / bk of the
    // tile, the same k (a column of Σ⁻¹, contiguous). One base pointer and one stride each, so
    // the addresses are not all kept live across the stage.
    constexpr int rows_per = split_score_threads / bk;
    const int kl = tid % bk, pl = tid / bk;
    const float* xa = x.data + (first + r0 + pl) * x.batch_stride + kl;
    const float* pa0 = prec + static_cast<std::int64_t>(n0 + pl) * n + kl;
    const std::int64_t xa_step = rows_per * x.batch_stride, pa_step = std::int64_t{rows_per} * n;
    const auto load = [&](int k0) {
      const bool k_in = k0 + kl < n;
      const float mk = k_in ? mean[k0 + kl] : 0.0f;
BOLTZKIT_UNROLL
      for (int i = 0; i < a_per; ++i)
        pa[i] = k_in && pl + i * rows_per < rows ? xa[i * xa_step + k0] - mk : 0.0f;
BOLTZKIT_UNROLL
      for (int i = 0; i < b_per; ++i)
        pb[i] = k_in && n0 + pl + i * rows_per < n ? pa0[i * pa_step + k0] : 0.0f;
    };
    float acc[2][NT][4] = {};
    load(0);
    for (int k0 = 0; k0 < n; k0 += bk) {
      __syncthreads();  // the previous stage (or unit) no longer reads the tiles
BOLTZKIT_UNROLL
      for (int i = 0; i < a_per; ++i) {
        const int e = tid + i * split_score_threads;
        SplitTiles::store(s.a_hi, s.a_lo, e / bk * ld + e % bk, pa[i]);
      }
BOLTZKIT_UNROLL
      for (int i = 0; i < b_per; ++i) {
        const int e = tid + i * split_score_threads;
        SplitTiles::store(s.b_hi, s.b_lo, e / bk * ld + e % bk, pb[i]);
      }
      __syncthreads();
      if (k0 + bk < n) load(k0 + bk);  // in flight while the tensor cores work
      split_tf32_stage<NT, Terms>(acc, s.a_hi, s.a_lo, ld, 1, s.b_hi, s.b_lo, ld, 1, 32 * wm,
                                  8 * NT * wn);
    }
    // Epilogue: s = −acc; this thread's four rows' partial dots d·s over its columns.
    float dot[2][2] = {};
BOLTZKIT_UNROLL
    for (int mt = 0; mt < 2; ++mt)
BOLTZKIT_UNROLL
      for (int h = 0; h < 2; ++h) {
        const int p = 32 * wm + 16 * mt + g + 8 * h;
        if (p >= rows) continue;
BOLTZKIT_UNROLL
        for (int nt = 0; nt < NT; ++nt)
BOLTZKIT_UNROLL
          for (int q = 0; q < 2; ++q) {
            const int c = n0 + 8 * NT * wn + 8 * nt + 2 * t + q;
            if (c >= n) continue;
            const float v = failed ? quiet_nan<float>() : -acc[mt][nt][2 * h + q];
            if (score) score[(r0 + p) * ld_score + c] = v;
            dot[mt][h] += (x(first + r0 + p, c) - mean[c]) * v;
          }
      }
    __syncthreads();  // the A tile becomes the dots' exchange (bm × 4 floats)
    float* s_dot = s.a_hi;
BOLTZKIT_UNROLL
    for (int mt = 0; mt < 2; ++mt)
BOLTZKIT_UNROLL
      for (int h = 0; h < 2; ++h) {
        float v = dot[mt][h];
        v += __shfl_xor_sync(0xffffffffu, v, 1);
        v += __shfl_xor_sync(0xffffffffu, v, 2);
        if (t == 0) s_dot[(32 * wm + 16 * mt + g + 8 * h) * 4 + wn] = v;
      }
    __syncthreads();
    if (tid < rows) {
      const float* v = s_dot + tid * 4;
      dots[(r0 + tid) * col_tiles + unit % col_tiles] = failed ? quiet_nan<float>()
                                                               : ((v[0] + v[1]) + v[2]) + v[3];
    }
  }
}

/// log_prob[first + p] = logc + ½ Σ_tiles dots(p, ·), the tiles in order (logc is NaN for a
/// failed factorization).
template <class T>
__global__ void split_logp_kernel(const T* dots, int col_tiles, std::int64_t count,
                                  const T* logc, std::int64_t first, T* log_prob) {
  BOLTZKIT_GRID_STRIDE(p, count) {
    T v = T(0);
    for (int c = 0; c < col_tiles; ++c) v += dots[p * col_tiles + c];
    log_prob[first + p] = logc[0] + T(0.5) * v;
  }
}

/// Shared memory of split_scatter_kernel: two BK × (128 + 8) operand tiles (hi, lo), k-major
/// (the +8 pad puts a fragment read, words 8t + g apart, on 32 banks; a diagonal tile pair uses
/// the first for both operands), then the float64 running sums of the 64 accumulators of every
/// thread (flush_accumulators).
constexpr int split_scatter_tile_floats = 4 * split_tf32_k * (split_scatter_tile + 8);
constexpr std::size_t split_scatter_shared_bytes =
    sizeof(float) * split_scatter_tile_floats + sizeof(double) * 64 * split_scatter_threads;

/// Lower tile pairs (mi ≥ ni) of a D × D matrix in 128-wide tiles, numbered mi(mi + 1)/2 + ni.
__host__ __device__ inline int split_scatter_pairs(int tiles) { return tiles * (tiles + 1) / 2; }

/// Partial scatters Σ_p d_p d_pᵀ over chunks of `chunk` points (a multiple of BK): unit u =
/// pair + pairs·c writes the 128 × 128 tile pair's sum over chunk c to partial[u] (row-major
/// m × n within the tile; entries past D are 0), and a diagonal pair also the chunk's column sums
/// Σ_p d_p over its 128 columns to partial_sum[c·n + …] (float64, one running sum per thread).
/// 8 warps as 4 (m, 32 rows each) × 2 (n, 64 columns each). split_scatter_reduce_kernel adds the
/// chunks in order.
template <int Terms>
__global__ void __launch_bounds__(split_scatter_threads)
    split_scatter_kernel(VectorRef<const float> x, std::int64_t npts, int n, const float* mean,
                         std::int64_t chunk, std::int64_t chunks, int tiles, float* partial,
                         double* partial_sum) {
  constexpr int bt = split_scatter_tile, bk = split_tf32_k, ld = bt + 8;
  constexpr int per = bt * bk / split_scatter_threads;
  const SplitTiles s = SplitTiles::carve(bk * ld, bk * ld);
  const int tid = static_cast<int>(threadIdx.x), warp = tid / 32, lane = tid % 32;
  const int wm = warp % 4, wn = warp / 4, g = lane / 4, t = lane % 4;
  const int pairs = split_scatter_pairs(tiles);
  for (std::int64_t unit = blockIdx.x; unit < pairs * chunks; unit += gridDim.x) {
    const int pair = static_cast<int>(unit % pairs);
    const std::int64_t c = unit / pairs;
    int mi = 0;
    while ((mi + 1) * (mi + 2) / 2 <= pair) ++mi;
    const int ni = pair - mi * (mi + 1) / 2;
    const bool diagonal = mi == ni;
    const int m0 = mi * bt, n0 = ni * bt;
    const std::int64_t p0 = c * chunk;
    const std::int64_t p1 = p0 + chunk < npts ? p0 + chunk : npts;
    float pa[per], pb[per];
    // Element e = tid + i·threads of a stage: point e / bt = tid / bt + i·points_per, column
    // e % bt = tid % bt (a thread keeps its column), so 32 lanes read 32 consecutive values of a
    // point. One base pointer and one stride per operand.
    constexpr int points_per = split_scatter_threads / bt;
    const int jl = tid % bt, pl = tid / bt;
    const std::int64_t step = points_per * x.batch_stride;
    const auto load = [&](std::int64_t k0, int col0, float(&v)[per]) {
      const int j = col0 + jl;
      const float mj = j < n ? mean[j] : 0.0f;
      const float* base = x.data + (k0 + pl) * x.batch_stride + j;
BOLTZKIT_UNROLL
      for (int i = 0; i < per; ++i)
        v[i] = j < n && k0 + pl + i * points_per < p1 ? base[i * step] - mj : 0.0f;
    };
    float acc[2][8][4] = {};
    double* run = reinterpret_cast<double*>(s.a_hi + split_scatter_tile_floats);
BOLTZKIT_UNROLL
    for (int i = 0; i < 64; ++i) run[i * split_scatter_threads + tid] = 0.0;
    double column_sum = 0.0;
    load(p0, m0, pa);
    if (!diagonal) load(p0, n0, pb);
    for (std::int64_t f0 = p0; f0 < p1; f0 += split_flush_points) {  // stretches of points
      const std::int64_t f1 = f0 + split_flush_points < p1 ? f0 + split_flush_points : p1;
      for (std::int64_t k0 = f0; k0 < f1; k0 += bk) {
        __syncthreads();
BOLTZKIT_UNROLL
        for (int i = 0; i < per; ++i) {
          const int e = tid + i * split_scatter_threads, o = e / bt * ld + e % bt;
          SplitTiles::store(s.a_hi, s.a_lo, o, pa[i]);
          if (diagonal)
            column_sum += pa[i];
          else
            SplitTiles::store(s.b_hi, s.b_lo, o, pb[i]);
        }
        __syncthreads();
        if (k0 + bk < p1) {
          load(k0 + bk, m0, pa);
          if (!diagonal) load(k0 + bk, n0, pb);
        }
        const float* b_hi = diagonal ? s.a_hi : s.b_hi;
        const float* b_lo = diagonal ? s.a_lo : s.b_lo;
        split_tf32_stage<8, Terms>(acc, s.a_hi, s.a_lo, 1, ld, b_hi, b_lo, 1, ld, 32 * wm, 64 * wn,
                                   diagonal);
      }
      flush_accumulators(acc, run, split_scatter_threads, tid);
    }
    float* out = partial + unit * bt * bt;
BOLTZKIT_UNROLL
    for (int mt = 0; mt < 2; ++mt)
BOLTZKIT_UNROLL
      for (int nt = 0; nt < 8; ++nt)
BOLTZKIT_UNROLL
        for (int q = 0; q < 4; ++q)
          out[(32 * wm + 16 * mt + g + 8 * (q / 2)) * bt + 64 * wn + 8 * nt + 2 * t + q % 2] =
              static_cast<float>(run[((mt * 8 + nt) * 4 + q) * split_scatter_threads + tid]);
    if (diagonal) {  // two threads per column: the second half's sums through shared memory
      __syncthreads();
      double* s_sum = reinterpret_cast<double*>(s.a_hi);
      if (tid >= bt) s_sum[tid - bt] = column_sum;
      __syncthreads();
      if (tid < bt && m0 + tid < n) partial_sum[c * n + m0 + tid] = column_sum + s_sum[tid];
    }
  }
}

/// scatter (n × n column-major, lower triangle: entry (i, j ≤ i) at j·n + i) and the column sums
/// wd (n) from split_scatter_kernel's chunks, added in chunk order in float64.
template <class T>
__global__ void split_scatter_reduce_kernel(const T* partial, const double* partial_sum,
                                            std::int64_t chunks, int tiles, int n, T* scatter,
                                            T* wd) {
  constexpr int bt = split_scatter_tile;
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const int pairs = split_scatter_pairs(tiles);
  BOLTZKIT_GRID_STRIDE(e, nn + n) {
    double s = 0.0;
    if (e < nn) {
      const int j = static_cast<int>(e / n), i = static_cast<int>(e % n);
      if (i < j) continue;
      const int mi = i / bt, ni = j / bt, pair = mi * (mi + 1) / 2 + ni;
      const float* tile = partial + static_cast<std::int64_t>(pair) * bt * bt + (i % bt) * bt + j % bt;
      const std::int64_t stride = static_cast<std::int64_t>(pairs) * bt * bt;
      for (std::int64_t c = 0; c < chunks; ++c) s += tile[c * stride];
      scatter[e] = static_cast<T>(s);
    } else {
      const std::int64_t i = e - nn;
      for (std::int64_t c = 0; c < chunks; ++c) s += partial_sum[c * n + i];
      wd[i] = static_cast<T>(s);
    }
  }
}

/// Columns per block of split_score_kernel for dimension n, its column tiles, instance and
/// shared bytes; `tf32` = the TF32 option (hi·hi only).
inline int split_score_columns(int n) {
  return n <= split_score_narrow_max_dim ? 4 * 8 * 4 : 4 * 8 * 8;
}
inline int split_score_col_tiles(int n) {
  return (n + split_score_columns(n) - 1) / split_score_columns(n);
}
using SplitScoreKernel = void (*)(VectorRef<const float>, std::int64_t, std::int64_t, int,
                                  const float*, const float*, const std::int32_t*, float*,
                                  std::int64_t, float*, int);
inline SplitScoreKernel split_score_for(int n, bool tf32) {
  if (n <= split_score_narrow_max_dim)
    return tf32 ? split_score_kernel<4, 1> : split_score_kernel<4, 3>;
  return tf32 ? split_score_kernel<8, 1> : split_score_kernel<8, 3>;
}
inline std::size_t split_score_shared_for(int n) {
  return sizeof(float) * static_cast<std::size_t>(n <= split_score_narrow_max_dim
                                                      ? split_score_shared_floats<4>
                                                      : split_score_shared_floats<8>);
}
using SplitScatterKernel = void (*)(VectorRef<const float>, std::int64_t, int, const float*,
                                    std::int64_t, std::int64_t, int, float*, double*);
inline SplitScatterKernel split_scatter_for(bool tf32) {
  return tf32 ? split_scatter_kernel<1> : split_scatter_kernel<3>;
}
inline int split_scatter_tiles(int n) { return (n + split_scatter_tile - 1) / split_scatter_tile; }

}  // namespace boltzkit::kernels
