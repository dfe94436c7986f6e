#pragma once
// One Gaussian, one pass over the points (MATH.md §1.7, "one Gaussian in one pass"): each block
// stages a tile of 128 centred points d = x − μ in shared memory, once, and from it computes
//   y = L⁻¹ d  and  log p = logc − ½|y|²        (whitening, D×D triangular product)
//   score = −Σ⁻¹ d = −L⁻ᵀ y                     (second triangular product)
//   S1 += Σ d,  S2 += Σ d dᵀ                      (per-block partial sums, registers)
// as three small shared-memory products with per-thread register tiles. The partial sums go to
// one row per block; single_reduce_kernel adds them in block order (deterministic) into the
// buffers the GEMM path's finish (Σ⁻¹ S1, ½ Σ⁻¹ (S2 − N Σ) Σ⁻¹) reads. L⁻¹ comes from the
// factorization of gpu_steps::factor_components (column-major, entry (i, j) at [j·D + i]).
#include <cstdint>

#include "kernels/common/group.cuh"
#include "kernels/common/strided.cuh"
#include "kernels/common/unroll.cuh"
#include "kernels/linalg/large_dim.cuh"
#include "policy.hpp"

namespace boltzkit::kernels {

/// Compile-time shape of single_fused_kernel<T, MaxDim> (MaxDim = 8, 16, 32 or 64 ≥ D).
template <class T, int MaxDim>
struct SingleShape {
  static constexpr int points = mixture_single_points;  // points per block tile = threads
  static constexpr int max_dim = MaxDim;
  /// Row stride of the point tiles: MaxDim + 1 words, so the 32 rows a warp reads at one k fall
  /// in 32 different banks.
  static constexpr int ld = MaxDim + 1;
  /// Whitening / score register tile: r points × c columns per thread, r·c = MaxDim; c ≥ 4 so
  /// the column loop steps of 4 (k loops below) never leave the tile.
  static constexpr int c = MaxDim >= 32 ? 8 : 4;
  static constexpr int r = MaxDim / c;
  static constexpr int col_blocks = MaxDim / c;
  static constexpr int row_blocks = points / r;  // col_blocks · row_blocks = points = threads
  /// Scatter register tile st × st over the lower block triangle of S2 (tiles with bi ≥ bj);
  /// `groups` thread groups split the points of a tile. Float 8 × 8 from MaxDim 32 (64
  /// accumulators), 4 × 4 otherwise (double: registers).
  static constexpr int st = (MaxDim >= 32 && sizeof(T) == 4) ? 8 : 4;
  static constexpr int m = MaxDim / st;
  static constexpr int tiles = m * (m + 1) / 2;
  /// As many groups as threads allow, and no more than the final reduction's buffer (the two
  /// point tiles, groups × MaxDim² values) holds.
  static constexpr int groups_by_threads = points / tiles;
  static constexpr int groups_by_shared = 2 * points * ld / (MaxDim * MaxDim);
  static constexpr int groups =
      groups_by_threads < groups_by_shared ? groups_by_threads : groups_by_shared;
  /// Shared memory in T: L⁻ᵀ and L⁻¹ (MaxDim² each), d and y tiles, |y|² partials, S1 partials.
  static constexpr int shared_values =
      2 * MaxDim * MaxDim + 2 * points * ld + col_blocks * points + points;
  static_assert(points == mixture_single_threads, "one thread per point of the tile");
  static_assert(points % MaxDim == 0, "staging: each thread keeps one column");
  static_assert(groups >= 1, "the scatter needs at least one thread group");
};

/// Dynamic shared memory of single_fused_kernel<T, MaxDim>, bytes.
template <class T, int MaxDim>
constexpr std::size_t single_fused_shared_bytes() {
  return sizeof(T) * static_cast<std::size_t>(SingleShape<T, MaxDim>::shared_values);
}

/// This thread's register tile of a product of the fused pass (the whitening y = L⁻¹d and the
/// score L⁻ᵀy): acc[i][j] = Σ_k rows[(rb + i·row_blocks)·ld + k] · cols[k·MaxDim + c0 + j] over
/// k from k_begin in steps of 4 while below k_end; the operands are zero past n, so the last
/// step may run over it.
template <class S, class T, int R, int C>
__device__ inline void tile_product(const T* rows, const T* cols, int rb, int c0, int k_begin,
                                    int k_end, T (&acc)[R][C]) {
BOLTZKIT_UNROLL
  for (int i = 0; i < R; ++i)
BOLTZKIT_UNROLL
    for (int j = 0; j < C; ++j) acc[i][j] = T(0);
  for (int k0 = k_begin; k0 < k_end; k0 += 4) {  // register-tiled product k
BOLTZKIT_UNROLL
    for (int kk = 0; kk < 4; ++kk) {
      const int k = k0 + kk;
      T a[R], b[C];
BOLTZKIT_UNROLL
      for (int i = 0; i < R; ++i) a[i] = rows[(rb + i * S::row_blocks) * S::ld + k];
BOLTZKIT_UNROLL
      for (int j = 0; j < C; ++j) b[j] = cols[k * S::max_dim + c0 + j];
BOLTZKIT_UNROLL
      for (int i = 0; i < R; ++i)
BOLTZKIT_UNROLL
        for (int j = 0; j < C; ++j) acc[i][j] += a[i] * b[j];
    }
  }
}

/// The fused one-Gaussian pass over points [0, count): log_prob (count) when not null, score rows
/// when wanted (NaN rows when info[0] ≠ 0, as the CPU backend), and when `partials` is not null
/// one row of D² + D values per block: S2 (D × D, symmetric) then S1 (D). logc is NaN for a
/// failed factorization (component_constants_kernel), so log p needs no test of its own. Grid
/// stride over tiles of `points`; every block reaches every barrier (the tile loop and the
/// score/sum branches are uniform over the block).
template <class T, int MaxDim>
__global__ void __launch_bounds__(mixture_single_threads)
    single_fused_kernel(VectorRef<const T> x, std::int64_t count, int n, const T* mean,
                        const T* linv, const T* logc, const std::int32_t* info, T* log_prob,
                        VectorRef<T> score, T* partials) {
  using S = SingleShape<T, MaxDim>;
  constexpr int P = S::points, LD = S::ld, R = S::r, C = S::c, ST = S::st;
  T* s_lt = reinterpret_cast<T*>(dynamic_shared_memory());  // s_lt[k][i] = L⁻¹(i, k)
  T* s_l = s_lt + MaxDim * MaxDim;                           // s_l[k][j] = L⁻¹(k, j)
  T* s_d = s_l + MaxDim * MaxDim;                            // d, later −score (P × LD)
  T* s_y = s_d + P * LD;                                     // y (P × LD)
  T* s_q = s_y + P * LD;                                     // |y|² partials (col_blocks × P)
  T* s_s1 = s_q + S::col_blocks * P;                         // S1 partials (P)
  const int t = static_cast<int>(threadIdx.x);
  const bool want_score = score.wanted(), want_sums = partials != nullptr;
  const bool failed = info[0] != 0;

  // L⁻¹ both ways, zero outside the lower n × n triangle: the products below run their k loops
  // in steps of 4 up to MaxDim and rely on the zeros.
  for (int e = t; e < MaxDim * MaxDim; e += P) {
    const int k = e / MaxDim, i = e - k * MaxDim;
    s_lt[e] = i < n && k <= i ? linv[static_cast<std::int64_t>(k) * n + i] : T(0);
    s_l[e] = k < n && i <= k ? linv[static_cast<std::int64_t>(i) * n + k] : T(0);
  }
  // Staging: element e = t + P·j of a tile is point e / MaxDim = row0 + j·step, column
  // e % MaxDim = t % MaxDim, the same column for every j, so μ_i and the S1 partial stay in
  // registers; consecutive threads read consecutive columns (coalesced when D = MaxDim).
  constexpr int step = P / MaxDim;
  const int col = t % MaxDim, row0 = t / MaxDim;
  const bool in_dim = col < n;
  const T mu = in_dim ? mean[col] : T(0);
  // Row steps within a tile in 32 bits (the host takes this path only when P · stride < 2^31):
  // element offsets are unsigned 32-bit products widened once, so an address costs a 64-bit add
  // and no 64-bit multiply.
  const unsigned x_step = static_cast<unsigned>(step * x.batch_stride);
  const unsigned score_step = static_cast<unsigned>(step * score.batch_stride);
  const auto row_off = [](unsigned row_step, int j) {
    return static_cast<std::uint64_t>(row_step) * static_cast<unsigned>(j);
  };
  T s1 = T(0);
  // Whitening / score tile of this thread: rows rb + a·row_blocks, columns c0 … c0 + C − 1.
  const int cb = t / S::row_blocks, rb = t - cb * S::row_blocks, c0 = cb * C;
  // Scatter tile (bi, bj), bi ≥ bj, of group g; threads past tiles·groups only stage and whiten.
  const int tile = t % S::tiles, g = t / S::tiles;
  int bi = 0;
BOLTZKIT_UNROLL
  for (int b = 1; b < S::m; ++b) bi = tile >= b * (b + 1) / 2 ? b : bi;
  const int bj = tile - bi * (bi + 1) / 2;
  const bool scatters = want_sums && g < S::groups;
  T acc2[ST][ST];
BOLTZKIT_UNROLL
  for (int i = 0; i < ST; ++i)
BOLTZKIT_UNROLL
    for (int j = 0; j < ST; ++j) acc2[i][j] = T(0);

  const std::int64_t per_grid = static_cast<std::int64_t>(gridDim.x) * P;
  for (std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * P; base < count;
       base += per_grid) {
    __syncthreads();  // the previous tile's score store has read s_d (and L⁻¹ is in place)
    // This thread's rows of the tile are row0 + j·step, present while j·step < left; 32-bit
    // offsets from its first row. A full tile (all but the last) loads without a test per
    // element: a column past n reads column 0 of the same row and is replaced by 0.
    const int rows = count - base < P ? static_cast<int>(count - base) : P;  // uniform
    const int left = rows - row0;
    const T* xt = x.data + (base + row0) * x.batch_stride + (in_dim ? col : 0);
    if (rows == P) {
BOLTZKIT_UNROLL
      for (int j = 0; j < MaxDim; ++j) {
        const T xv = xt[row_off(x_step, j)];
        const T v = in_dim ? xv - mu : T(0);
        s_d[(row0 + j * step) * LD + col] = v;
        s1 += v;
      }
    } else {
#pragma unroll 1
      for (int j = 0; j < MaxDim; ++j) {  // the last, partial tile: a loop for every MaxDim
        const T v = j * step < left && in_dim ? xt[row_off(x_step, j)] - mu : T(0);
        s_d[(row0 + j * step) * LD + col] = v;
        s1 += v;
      }
    }
    __syncthreads();
    if (scatters) {  // S2 tile += Σ_p d_p[bi-block] d_p[bj-block]ᵀ (zero rows past count)
      for (int p = g; p < P; p += S::groups) {
        T a[ST], b[ST];
BOLTZKIT_UNROLL
        for (int i = 0; i < ST; ++i) {
          a[i] = s_d[p * LD + bi * ST + i];
          b[i] = s_d[p * LD + bj * ST + i];
        }
BOLTZKIT_UNROLL
        for (int i = 0; i < ST; ++i)
BOLTZKIT_UNROLL
          for (int j = 0; j < ST; ++j) acc2[i][j] += a[i] * b[j];
      }
    }
    {  // y = L⁻¹ d for columns c0 … c0 + C − 1: only k ≤ c0 + C − 1 contribute
      T acc[R][C];
      tile_product<S>(s_d, s_lt, rb, c0, 0, n < c0 + C ? n : c0 + C, acc);
BOLTZKIT_UNROLL
      for (int i = 0; i < R; ++i) {
        const int p = rb + i * S::row_blocks;
        T q = T(0);
BOLTZKIT_UNROLL
        for (int j = 0; j < C; ++j) {
          s_y[p * LD + c0 + j] = acc[i][j];
          q += acc[i][j] * acc[i][j];
        }
        s_q[cb * P + p] = q;
      }
    }
    __syncthreads();
    if (log_prob && base + t < count) {
      T q = T(0);
BOLTZKIT_UNROLL
      for (int b = 0; b < S::col_blocks; ++b) q += s_q[b * P + t];
      log_prob[base + t] = logc[0] - T(0.5) * q;
    }
    if (want_score) {  // −score = L⁻ᵀ y for columns c0 …: only k ≥ c0 contribute
      T acc[R][C];
      tile_product<S>(s_y, s_l, rb, c0, c0, n, acc);
BOLTZKIT_UNROLL
      for (int i = 0; i < R; ++i)
BOLTZKIT_UNROLL
        for (int j = 0; j < C; ++j)
          s_d[(rb + i * S::row_blocks) * LD + c0 + j] = failed ? quiet_nan<T>() : -acc[i][j];
      __syncthreads();
      T* srow = score.data + (base + row0) * score.batch_stride + col;
      if (rows == P) {  // coalesced: the staging's order
BOLTZKIT_UNROLL
        for (int j = 0; j < MaxDim; ++j)
          if (in_dim) srow[row_off(score_step, j)] = s_d[(row0 + j * step) * LD + col];
      } else {
#pragma unroll 1
        for (int j = 0; j < MaxDim; ++j)  // the last, partial tile
          if (j * step < left && in_dim)
            srow[row_off(score_step, j)] = s_d[(row0 + j * step) * LD + col];
      }
    }
  }
  if (!want_sums) return;  // uniform: no barrier follows for anyone
  // Block partials: the groups' tiles (lower block triangle) through shared memory, summed in
  // group order, written as the full symmetric n × n matrix, then S1.
  __syncthreads();
  T* s_red = s_d;  // groups × MaxDim² values ≤ the two point tiles (SingleShape::groups)
  if (scatters) {
BOLTZKIT_UNROLL
    for (int i = 0; i < ST; ++i)
BOLTZKIT_UNROLL
      for (int j = 0; j < ST; ++j)
        s_red[g * MaxDim * MaxDim + (bi * ST + i) * MaxDim + bj * ST + j] = acc2[i][j];
  }
  s_s1[t] = s1;
  __syncthreads();
  const int nn = n * n;
  T* row = partials + static_cast<std::int64_t>(blockIdx.x) * (nn + n);
  for (int e = t; e < nn + n; e += P) {
    T v = T(0);
    if (e < nn) {
      const int i = e / n, j = e - i * n;
      const bool lower = i / ST >= j / ST;
      const int off = lower ? i * MaxDim + j : j * MaxDim + i;
      for (int h = 0; h < S::groups; ++h) v += s_red[h * MaxDim * MaxDim + off];
    } else {
      for (int h = e - nn; h < P; h += MaxDim) v += s_s1[h];
    }
    row[e] = v;
  }
}

/// single_fused_kernel for n ≤ mixture_single_max_dim_for<T>: the smallest MaxDim of 8, 16, 32,
/// 64 (float) that holds n.
template <class T>
auto single_fused_for(int n) {
  static_assert(mixture_single_max_dim == 64, "single_fused_for lists the bounds up to 64");
  if constexpr (mixture_single_max_dim_for<T> == 64)
    return n <= 8    ? single_fused_kernel<T, 8>
           : n <= 16 ? single_fused_kernel<T, 16>
           : n <= 32 ? single_fused_kernel<T, 32>
                     : single_fused_kernel<T, 64>;
  else
    return n <= 8 ? single_fused_kernel<T, 8>
                  : (n <= 16 ? single_fused_kernel<T, 16> : single_fused_kernel<T, 32>);
}

/// Its shared memory for n, bytes.
template <class T>
std::size_t single_fused_shared_for(int n) {
  if (n <= 8) return single_fused_shared_bytes<T, 8>();
  if (n <= 16) return single_fused_shared_bytes<T, 16>();
  if constexpr (mixture_single_max_dim_for<T> == 64)
    if (n > 32) return single_fused_shared_bytes<T, 64>();
  return single_fused_shared_bytes<T, 32>();
}

/// Sums the blocks' partial rows in block order (float64 accumulation): scatter (n × n) = S2,
/// wd (n) = S1, and wsum[0] = the point count, the buffers run_evaluate's finish reads.
template <class T>
__global__ void single_reduce_kernel(const T* partials, int blocks, int n, std::int64_t points,
                                     T* scatter, T* wd, T* wsum) {
  const std::int64_t nn = static_cast<std::int64_t>(n) * n, width = nn + n;
  BOLTZKIT_GRID_STRIDE(e, width) {
    double s = 0.0;
    for (int b = 0; b < blocks; ++b) s += static_cast<double>(partials[b * width + e]);
    *(e < nn ? scatter + e : wd + (e - nn)) = static_cast<T>(s);
    if (e == 0) wsum[0] = static_cast<T>(points);
  }
}

}  // namespace boltzkit::kernels
