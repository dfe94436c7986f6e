#pragma once
// The GPU orchestration of the mixture family, written against an executor so the same code runs
// on the GPU (MixtureCudaExecutor in blas_gpu.cu: kernel launches, cuSOLVER, cuBLAS) and in the
// emulation tests (kernels on the warp emulator, loop stand-ins for the library calls).
//
// Executor interface (E), on top of host/gaussian/large_chunk.hpp's:
//   launch(kernel, items, args...), launch_warps(kernel, warps, args...)
//   launch_shared(kernel, blocks, threads, shared_bytes, args...)
//   potrf(n, ptrs, info, count); solve(transpose, n, cols, l_ptrs, b_ptrs, count)
//   gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)   column-major, as cuBLAS
//   syrk(n, k, alpha, A, lda, beta, C, ldc)   lower triangle of C = alpha A Aᵀ + beta C
//   gemm_strided(ta, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc, sC, batch)
//                                             C_b = alpha op(A_b) B_b + beta C_b (linalg's)
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "boltzkit/mixture.hpp"
#include "host/core/workspace_layout.hpp"
#include "kernels/mixture/estep.cuh"
#include "kernels/mixture/single_fused.cuh"
#include "kernels/mixture/split_tf32.cuh"
#include "kernels/mixture/weighted_scatter.cuh"

namespace boltzkit::mixture::gpu_steps {

namespace k = boltzkit::kernels;

/// K factored components: L (column-major), L⁻¹, Σ⁻¹, log-normalizers, status.
template <class T>
struct Factored {
  T *factor, *linv, *prec, *logc;
  T** ptrs;  // 3K: factor, linv, prec
  std::int32_t* info;

  /// Reserves the buffers in `ws`; bind() after ws.bind() gives the pointers.
  struct Slots {
    int factor, linv, prec, logc, ptrs, info;
  };
  static Slots reserve(gpu::WorkspaceLayout& ws, std::int64_t kk, std::int64_t n) {
    return {ws.reserve<T>(kk * n * n), ws.reserve<T>(kk * n * n), ws.reserve<T>(kk * n * n),
            ws.reserve<T>(kk),         ws.reserve<T*>(3 * kk),     ws.reserve<std::int32_t>(kk)};
  }
  static Factored bind(const gpu::WorkspaceLayout& ws, const Slots& s) {
    return {ws.get<T>(s.factor), ws.get<T>(s.linv), ws.get<T>(s.prec), ws.get<T>(s.logc),
            ws.get<T*>(s.ptrs),  ws.get<std::int32_t>(s.info)};
  }
};

/// Cholesky of every Σ_k (cuSOLVER), L⁻¹ = L \ I and Σ⁻¹ = Lᵀ \ L⁻¹ (cuBLAS trsm): the linalg
/// family's library building blocks and helper kernels (kernels/linalg/large_dim.cuh). Not the
/// identity-free triangular blocks of the Gaussian library path (host/linalg/triangular_blocks.hpp):
/// for K ≤ 64 matrices the call is launch-bound, and those take ~5 more launches than the two
/// solves (static model: one Gaussian at D = 256 with TF32, 0.888 → 0.911 ms).
template <class T, class E>
void factor_components(E& ex, matrix_batch<const T> cov, std::int64_t kk, int n, bool want_prec,
                       const Factored<T>& f) {
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const k::MatrixRef<const T> c{cov.data, cov.batch_stride, cov.row_stride};
  const k::VectorRef<const T> none{nullptr, 0};
  ex.launch(k::pack_lower_kernel<T>, kk * nn, c, std::int64_t{0}, kk, n, f.factor);
  ex.launch(k::set_pointers_kernel<T>, kk, f.ptrs, f.factor, kk, nn);
  ex.launch(k::set_pointers_kernel<T>, kk, f.ptrs + kk, f.linv, kk, nn);
  ex.launch(k::set_pointers_kernel<T>, kk, f.ptrs + 2 * kk, f.prec, kk, nn);
  ex.potrf(n, f.ptrs, f.info, kk);
  ex.launch(k::check_diagonal_kernel<T>, kk, static_cast<const T*>(f.factor), kk, n, f.info);
  ex.launch(k::component_constants_kernel<T>, kk, static_cast<const T*>(f.factor),
            static_cast<const std::int32_t*>(f.info), kk, n, f.logc);
  ex.launch(k::build_rhs_kernel<T>, kk * nn, none, none, std::int64_t{0}, kk, n, n, n, f.linv);
  ex.solve(false, n, n, f.ptrs, f.ptrs + kk, kk);
  if (!want_prec) return;
  ex.launch(k::copy_kernel<T>, kk * nn, static_cast<const T*>(f.linv), f.prec, kk * nn);
  ex.solve(true, n, n, f.ptrs, f.ptrs + 2 * kk, kk);
}

/// Per-tile buffers of evaluate.
template <class T>
struct Tile {
  T *a, *y, *v, *ones;  // (tile, K), (tile, D) twice, (tile,)
  T *scatter, *wd, *wsum, *tmp1, *tmp2;  // (K, D, D), (K, D), (K,), (D, D) twice
  T* partials = nullptr;  // single pass: (single_blocks, D² + D) per-block sums
  // Split path (EvaluatePlan::split): log p's partial dots (tile, column tiles), the scatter's
  // chunk tiles (chunks · pairs, 128, 128) and column sums (chunks, D).
  T *dots = nullptr, *split_partial = nullptr;
  double* split_partial_sum = nullptr;
};

struct EvaluatePlan {
  std::int64_t tile = 0;
  bool fused = false;
  int fused_blocks = 1;
  /// One Gaussian without weights, D ≤ mixture_single_max_dim_for<T>: the whole call is one
  /// single_fused_kernel launch (single_blocks blocks) plus single_reduce_kernel, no tiles.
  bool single = false;
  int single_blocks = 1;
  /// The GEMMs run in TF32 (EvaluateOptions::allow_tf32, float): the K = 1 tiles then take the
  /// scatter as a GEMM rather than an FP32 SYRK.
  bool tf32 = false;
  /// One Gaussian in float past the single pass: the split-TF32 kernels (MATH.md §1.10,
  /// kernels/mixture/split_tf32.cuh) instead of cuBLAS; the scatter's partial sums over
  /// scatter_chunks chunks of the points.
  bool split = false;
  std::int64_t scatter_chunks = 1;
};

/// Points per chunk of the split scatters: the points over `chunks` chunks, a multiple of their
/// stage (BK points).
inline std::int64_t split_chunk_points(std::int64_t npts, std::int64_t chunks) {
  const std::int64_t per = (npts + chunks - 1) / std::max<std::int64_t>(chunks, 1);
  return std::max<std::int64_t>(
      k::split_tf32_k, (per + k::split_tf32_k - 1) / k::split_tf32_k * k::split_tf32_k);
}

/// Chunks of a split scatter whose thread blocks each take one of `units` pieces of a chunk (tile
/// pairs, component groups): about two waves of blocks over `sms` SMs, in whole stages.
inline std::int64_t split_scatter_chunks(std::int64_t npts, std::int64_t units, int sms) {
  const std::int64_t waves = std::int64_t{2} * sms;
  const std::int64_t chunk = split_chunk_points(npts, (waves + units - 1) / units);
  return (npts + chunk - 1) / chunk;
}

/// One Gaussian without weights past the single pass (D > mixture_single_max_dim_for<T>), per
/// tile (MATH.md §1.7): Y = X − μ, the score −Σ⁻¹Yᵀ by one GEMM (into the output rows, or v),
/// log p = logc + ½ d·score per point (NaN scores for a failed factorization), S1 += Yᵀ1 by a
/// GEMM and the lower triangle of S2 += YᵀY by SYRK (by a GEMM in TF32); W = N at the end. One tile × D × D GEMM
/// and one SYRK (half of one) instead of the general path's three GEMMs; 5 launches per tile.
template <class T, class E>
void run_single_tiles(E& ex, vector_batch<const T> x, const Components<T>& c,
                      const Outputs<T>& out, const Factored<T>& f, const Tile<T>& w,
                      std::int64_t tile, bool tf32) {
  const std::int64_t npts = x.batch;
  const int n = static_cast<int>(x.dim);
  const k::VectorRef<const T> xr{x.data, x.batch_stride}, mean{c.mean.data, c.mean.batch_stride};
  const bool want_sums = out.sum_grad_mean.data || out.sum_grad_cov.data;
  const bool want_s = out.score.data || out.log_prob;
  if (want_sums && npts > 0) ex.launch(k::fill_kernel<T>, tile, w.ones, tile, T(1));
  for (std::int64_t first = 0; first < npts; first += tile) {
    const std::int64_t count = std::min(tile, npts - first);
    const int cnt = static_cast<int>(count);
    ex.launch(k::center_kernel<T>, count * n, xr, first, count, n, mean, std::int64_t{0}, w.y);
    T* s = w.v;
    std::int64_t ld = n;
    if (out.score.data) {  // straight into the strided output rows
      s = out.score.data + first * out.score.batch_stride;
      ld = std::max<std::int64_t>(out.score.batch_stride, n);
    }
    if (want_s)
      ex.gemm(false, false, n, cnt, n, T(-1), f.prec, n, w.y, n, T(0), s, static_cast<int>(ld));
    if (want_s)
      ex.launch_warps(k::logp_from_score_kernel<T>, count, static_cast<const T*>(w.y), s, ld,
                      count, n, static_cast<const T*>(f.logc),
                      static_cast<const std::int32_t*>(f.info), first, out.log_prob);
    if (want_sums) {
      const T beta = first == 0 ? T(0) : T(1);
      ex.gemm(false, false, n, 1, cnt, T(1), w.y, n, w.ones, cnt, beta, w.wd, n);
      if (tf32)  // a tensor-core GEMM (CUBLAS_TF32_TENSOR_OP_MATH) beats an FP32 SYRK
        ex.gemm(false, true, n, n, cnt, T(1), w.y, n, w.y, n, beta, w.scatter, n);
      else  // the lower triangle, which is what the finish reads
        ex.syrk(n, cnt, T(1), w.y, n, beta, w.scatter, n);
    }
  }
  if (want_sums && npts > 0) ex.launch(k::fill_kernel<T>, 1, w.wsum, 1, static_cast<T>(npts));
}

/// One Gaussian in float past the single pass by the split-TF32 kernels (MATH.md §1.10): per tile
/// of points split_score_kernel (the score rows, straight into the output, and log p's partial
/// dots) and split_logp_kernel; once over all points split_scatter_kernel (chunks × lower tile
/// pairs, centring on the fly) and its reduction into the lower triangle of w.scatter and w.wd;
/// W = N. No Y buffer: x is read once per product. With plan.tf32 only hi·hi is taken.
template <class E>
void run_single_split(E& ex, vector_batch<const float> x, const Components<float>& c,
                      const Outputs<float>& out, const Factored<float>& f, const Tile<float>& w,
                      const EvaluatePlan& plan) {
  const std::int64_t npts = x.batch;
  const int n = static_cast<int>(x.dim);
  const k::VectorRef<const float> xr{x.data, x.batch_stride};
  const bool want_sums = out.sum_grad_mean.data || out.sum_grad_cov.data;
  const int col_tiles = k::split_score_col_tiles(n);
  for (std::int64_t first = 0; (out.score.data || out.log_prob) && first < npts;
       first += plan.tile) {
    const std::int64_t count = std::min(plan.tile, npts - first);
    float* s = out.score.data ? out.score.data + first * out.score.batch_stride : nullptr;
    const std::int64_t ld = std::max<std::int64_t>(out.score.batch_stride, n);
    const std::int64_t units = (count + k::split_score_points - 1) / k::split_score_points * col_tiles;
    ex.launch_shared(k::split_score_for(n, plan.tf32), static_cast<int>(units),
                     k::split_score_threads, k::split_score_shared_for(n), xr, first, count, n,
                     c.mean.data, static_cast<const float*>(f.prec),
                     static_cast<const std::int32_t*>(f.info), s, ld, w.dots, col_tiles);
    if (out.log_prob)
      ex.launch(k::split_logp_kernel<float>, count, static_cast<const float*>(w.dots), col_tiles, count,
                static_cast<const float*>(f.logc), first, out.log_prob);
  }
  if (!want_sums || npts == 0) return;
  const int tiles = k::split_scatter_tiles(n);
  const std::int64_t chunk = split_chunk_points(npts, plan.scatter_chunks);
  const std::int64_t chunks = (npts + chunk - 1) / chunk;
  ex.launch_shared(k::split_scatter_for(plan.tf32),
                   static_cast<int>(k::split_scatter_pairs(tiles) * chunks),
                   k::split_scatter_threads, k::split_scatter_shared_bytes, xr,
                   npts, n, c.mean.data, chunk, chunks, tiles, w.split_partial,
                   w.split_partial_sum);
  ex.launch(k::split_scatter_reduce_kernel<float>, static_cast<std::int64_t>(n) * n + n,
            static_cast<const float*>(w.split_partial),
            static_cast<const double*>(w.split_partial_sum), chunks, tiles, n, w.scatter, w.wd);
  ex.launch(k::fill_kernel<float>, 1, w.wsum, 1, static_cast<float>(npts));
}

/// mixture::evaluate for points [0, N) (MATH.md §1.7): one Gaussian in one fused pass
/// (plan.single) or run_single_tiles, else in tiles: log N per component (fused kernel or GEMM whitening), online
/// log-sum-exp, then scores and summed gradients by GEMMs. Both end in the same finish.
template <class T, class E>
void run_evaluate(E& ex, vector_batch<const T> x, const Components<T>& c, const Outputs<T>& out,
                  const Factored<T>& f, const Tile<T>& w, const EvaluatePlan& plan) {
  const std::int64_t npts = x.batch, kk = c.mean.batch;
  const int n = static_cast<int>(x.dim);
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const k::VectorRef<const T> xr{x.data, x.batch_stride}, mean{c.mean.data, c.mean.batch_stride};
  const bool want_sums = out.sum_grad_mean.data || out.sum_grad_cov.data;
  const bool want_score = out.score.data != nullptr;
  if (plan.single && npts > 0) {
    ex.launch_shared(k::single_fused_for<T>(n), plan.single_blocks, k::mixture_single_threads,
                     k::single_fused_shared_for<T>(n), xr, npts, n, c.mean.data,
                     static_cast<const T*>(f.linv), static_cast<const T*>(f.logc),
                     static_cast<const std::int32_t*>(f.info), out.log_prob,
                     k::VectorRef<T>{out.score.data, out.score.batch_stride},
                     want_sums ? w.partials : static_cast<T*>(nullptr));
    if (want_sums)
      ex.launch(k::single_reduce_kernel<T>, nn + n, static_cast<const T*>(w.partials),
                plan.single_blocks, n, npts, w.scatter, w.wd, w.wsum);
  }
  // One Gaussian without weights past the single pass: its own tiles (no (tile, K) weights).
  const bool single_tiles = !plan.single && kk == 1 && c.weights == nullptr;
  if constexpr (std::is_same_v<T, float>) {
    if (single_tiles && plan.split) run_single_split(ex, x, c, out, f, w, plan);
  }
  if (single_tiles && !plan.split) run_single_tiles(ex, x, c, out, f, w, plan.tile, plan.tf32);
  for (std::int64_t first = 0; !plan.single && !single_tiles && first < npts;
       first += plan.tile) {
    const std::int64_t count = std::min(plan.tile, npts - first);
    const int cnt = static_cast<int>(count);
    if (plan.fused) {
      const std::size_t shared = sizeof(T) * static_cast<std::size_t>(nn + n);
      ex.launch_shared(k::fused_logp_for<T>(n), plan.fused_blocks, k::mixture_fused_threads,
                       shared, xr, first, count, n, mean, static_cast<const T*>(f.linv),
                       static_cast<const T*>(f.logc), kk, w.a);
    } else {
      for (std::int64_t j = 0; j < kk; ++j) {
        ex.launch(k::center_kernel<T>, count * n, xr, first, count, n, mean, j, w.y);
        // Zᵀ = L⁻¹ Yᵀ: whitening of the whole tile as one GEMM.
        ex.gemm(false, false, n, cnt, n, T(1), f.linv + j * nn, n, w.y, n, T(0), w.v, n);
        ex.launch_warps(k::quadratic_kernel<T>, count, static_cast<const T*>(w.v), count, n,
                        static_cast<const T*>(f.logc), j, kk, w.a);
      }
    }
    ex.launch(k::lse_kernel<T>, count, w.a, count, kk, c.weights, first, out.log_prob,
              out.mix_log_prob, out.resp);
    if (!want_score && !want_sums) continue;
    if (want_sums) ex.launch(k::fill_kernel<T>, count, w.ones, count, T(1));
    for (std::int64_t j = 0; j < kk; ++j) {
      ex.launch(k::center_kernel<T>, count * n, xr, first, count, n, mean, j, w.y);
      ex.launch(k::scale_rows_kernel<T>, count * n, static_cast<const T*>(w.y),
                static_cast<const T*>(w.a), j, kk, count, n, w.v);
      if (want_score) {  // scoreᵀ −= Σ⁻¹ (w ∘ Y)ᵀ, straight into the strided output rows
        const int ld = static_cast<int>(std::max<std::int64_t>(out.score.batch_stride, n));
        ex.gemm(false, false, n, cnt, n, T(-1), f.prec + j * nn, n, w.v, n, j == 0 ? T(0) : T(1),
                out.score.data + first * out.score.batch_stride, ld);
      }
      if (want_sums) {
        const T beta = first == 0 ? T(0) : T(1);
        ex.gemm(false, false, n, 1, cnt, T(1), w.v, n, w.ones, cnt, beta, w.wd + j * n, n);
        ex.gemm(false, true, n, n, cnt, T(1), w.y, n, w.v, n, beta, w.scatter + j * nn, n);
      }
    }
    if (want_sums)  // W_k += Σ_p w(p, k): aᵀ (K × count) times ones
      ex.gemm(false, false, static_cast<int>(kk), 1, cnt, T(1), w.a, static_cast<int>(kk), w.ones,
              cnt, first == 0 ? T(0) : T(1), w.wsum, static_cast<int>(kk));
  }
  if (!want_sums) return;
  if (npts == 0) {  // no tile ran: the sums are zero
    ex.launch(k::fill_kernel<T>, kk * n, w.wd, kk * n, T(0));
    ex.launch(k::fill_kernel<T>, kk * nn, w.scatter, kk * nn, T(0));
    ex.launch(k::fill_kernel<T>, kk, w.wsum, kk, T(0));
  }
  const k::MatrixRef<const T> cov{c.cov.data, c.cov.batch_stride, c.cov.row_stride};
  const auto* info = static_cast<const std::int32_t*>(f.info);
  for (std::int64_t j = 0; j < kk; ++j) {
    if (out.sum_grad_mean.data) {  // Σ⁻¹ Σ_p w d
      ex.gemm(false, false, n, 1, n, T(1), f.prec + j * nn, n, w.wd + j * n, n, T(0), w.tmp1, n);
      ex.launch(k::store_component_vector_kernel<T>, n, static_cast<const T*>(w.tmp1),
                static_cast<const T*>(nullptr), info, j, n,
                k::VectorRef<T>{out.sum_grad_mean.data, out.sum_grad_mean.batch_stride});
    }
    if (out.sum_grad_cov.data) {  // ½ Σ⁻¹ (S − W Σ) Σ⁻¹
      ex.launch(k::scatter_minus_cov_kernel<T>, nn, static_cast<const T*>(w.scatter + j * nn),
                static_cast<const T*>(w.wsum), j, cov, n, w.tmp1);
      ex.gemm(false, false, n, n, n, T(1), f.prec + j * nn, n, w.tmp1, n, T(0), w.tmp2, n);
      ex.gemm(false, false, n, n, n, T(1), w.tmp2, n, f.prec + j * nn, n, T(0), w.tmp1, n);
      ex.launch(k::store_component_matrix_kernel<T>, nn, static_cast<const T*>(w.tmp1), T(0.5),
                static_cast<const T*>(nullptr), info, j, n,
                k::MatrixRef<T>{out.sum_grad_cov.data, out.sum_grad_cov.batch_stride,
                                out.sum_grad_cov.row_stride});
    }
  }
}

/// Buffers of weighted_statistics: y and v hold max(tile · D, K · batch_tile · D) values each.
template <class T>
struct StatBuffers {
  T *ones, *y, *v, *means, *counts, *scatter;  // (tile,), 2 × the above, (K, D), (K,), (K, D, D)
  /// float, D ≤ 32: the scatter by weighted_scatter_small_kernel over `small_chunks` chunks of
  /// points (0: the general path), its partial tiles (small_chunks, K, 32, 32).
  std::int64_t small_chunks = 0;
  T* small_partial = nullptr;
};

/// Two passes over tiles of points (MATH.md §1.6): counts and means by GEMM over tiles of
/// `tile` points, then the scatter about the means over tiles of `batch_tile` points (K ·
/// batch_tile · D < 2³¹): per tile one center_weight_all_kernel writes the centred rows Y_k and
/// the weighted V_k of all K components, and one strided-batched GEMM adds Y_kᵀ V_k to every
/// scatter. Two launches per tile, whatever K; float32 keeps the digits of a small spread about
/// a large mean. In float with D ≤ 32 and w.small_chunks > 0 the scatter is instead one
/// weighted_scatter_small_kernel over all points (kernels/mixture/weighted_scatter.cuh: every
/// component from one staged chunk, split-TF32 tensor-core products, no (K, tile, D) copies)
/// and its in-order reduction.
template <class T, class E>
void run_statistics(E& ex, vector_batch<const T> x, const T* resp, std::int64_t kk, T* counts,
                    vector_batch<T> means, matrix_batch<T> covs, const StatBuffers<T>& w,
                    std::int64_t tile, std::int64_t batch_tile) {
  const std::int64_t npts = x.batch;
  const int n = static_cast<int>(x.dim), ki = static_cast<int>(kk);
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const k::VectorRef<const T> xr{x.data, x.batch_stride};
  if (npts == 0) {
    ex.launch(k::fill_kernel<T>, kk * n, w.means, kk * n, T(0));
    ex.launch(k::fill_kernel<T>, kk, w.counts, kk, T(0));
    ex.launch(k::fill_kernel<T>, kk * nn, w.scatter, kk * nn, T(0));
  }
  for (std::int64_t first = 0; first < npts; first += tile) {
    const std::int64_t count = std::min(tile, npts - first);
    const int cnt = static_cast<int>(count);
    const T beta = first == 0 ? T(0) : T(1);
    ex.launch(k::fill_kernel<T>, count, w.ones, count, T(1));
    const T* r = resp ? resp + first * kk : w.ones;
    ex.launch(k::center_kernel<T>, count * n, xr, first, count, n,
              k::VectorRef<const T>{nullptr, 0}, std::int64_t{0}, w.y);
    ex.gemm(false, true, n, ki, cnt, T(1), w.y, n, r, ki, beta, w.means, n);  // Xᵀ R
    ex.gemm(false, false, ki, 1, cnt, T(1), r, ki, w.ones, cnt, beta, w.counts, ki);
  }
  ex.launch(k::divide_means_kernel<T>, kk * n, w.means, static_cast<const T*>(w.counts), kk, n,
            counts);
  bool small = false;
  if constexpr (std::is_same_v<T, float>) {
    // float, D ≤ 32: every component's scatter from one staged chunk, on the tensor cores with
    // split operands (MATH.md §1.10), then the chunks added in order
    small = w.small_chunks > 0 && n <= k::weighted_scatter_max_dim && npts > 0;
    if (small) {
      const std::int64_t chunk = split_chunk_points(npts, w.small_chunks);
      const std::int64_t chunks = (npts + chunk - 1) / chunk;
      const std::int64_t groups = (kk + k::weighted_scatter_components - 1) / k::weighted_scatter_components;
      ex.launch_shared(k::weighted_scatter_small_kernel<3>, static_cast<int>(groups * chunks),
                       k::weighted_scatter_threads, k::weighted_scatter_shared_bytes, xr, npts, n,
                       static_cast<const float*>(w.means), resp, ki, chunk, chunks,
                       w.small_partial);
      ex.launch(k::weighted_scatter_reduce_kernel<float>, kk * nn,
                static_cast<const float*>(w.small_partial), chunks, ki, n, w.scatter);
    }
  }
  for (std::int64_t first = 0; !small && first < npts; first += batch_tile) {
    const int cnt = static_cast<int>(std::min(batch_tile, npts - first));
    const std::int64_t per = static_cast<std::int64_t>(cnt) * n;  // one component's rows
    ex.launch(k::center_weight_all_kernel<T>, cnt * kk, xr, first, cnt, n,
              static_cast<const T*>(w.means), resp ? resp + first * kk : static_cast<const T*>(nullptr),
              ki, w.y, w.v);
    ex.gemm_strided(true, n, n, cnt, T(1), static_cast<const T*>(w.y), cnt, per,
                    static_cast<const T*>(w.v), cnt, per, first == 0 ? T(0) : T(1), w.scatter, n,
                    nn, kk);
  }
  if (means.data || covs.data)
    ex.launch(k::store_statistics_kernel<T>, kk * nn, static_cast<const T*>(w.means),
              static_cast<const T*>(w.scatter), static_cast<const T*>(w.counts), kk, n,
              k::VectorRef<T>{means.data, means.batch_stride},
              k::MatrixRef<T>{covs.data, covs.batch_stride, covs.row_stride});
}

/// KL buffers: two factor blocks, the solution block, δ, pointers, two status arrays.
template <class T>
struct KlBuffers {
  T *f0, *f1, *sol, *dz;
  T** ptrs;  // 4B: f0, f1, sol, dz
  std::int32_t *info0, *info1;
};

template <class T, class E>
void run_kl(E& ex, vector_batch<const T> mean0, matrix_batch<const T> cov0,
            vector_batch<const T> mean1, matrix_batch<const T> cov1, T* kl, std::int32_t* info,
            std::int64_t first, std::int64_t count, const KlBuffers<T>& w) {
  const int n = static_cast<int>(mean0.dim);
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  ex.launch(k::pack_lower_kernel<T>, count * nn,
            k::MatrixRef<const T>{cov0.data, cov0.batch_stride, cov0.row_stride}, first, count, n,
            w.f0);
  ex.launch(k::pack_lower_kernel<T>, count * nn,
            k::MatrixRef<const T>{cov1.data, cov1.batch_stride, cov1.row_stride}, first, count, n,
            w.f1);
  ex.launch(k::set_pointers_kernel<T>, count, w.ptrs, w.f0, count, nn);
  ex.launch(k::set_pointers_kernel<T>, count, w.ptrs + count, w.f1, count, nn);
  ex.launch(k::set_pointers_kernel<T>, count, w.ptrs + 2 * count, w.sol, count, nn);
  ex.launch(k::set_pointers_kernel<T>, count, w.ptrs + 3 * count, w.dz, count,
            static_cast<std::int64_t>(n));
  ex.potrf(n, w.ptrs, w.info0, count);
  ex.potrf(n, w.ptrs + count, w.info1, count);
  ex.launch(k::check_diagonal_kernel<T>, count, static_cast<const T*>(w.f0), count, n, w.info0);
  ex.launch(k::check_diagonal_kernel<T>, count, static_cast<const T*>(w.f1), count, n, w.info1);
  ex.launch(k::copy_kernel<T>, count * nn, static_cast<const T*>(w.f0), w.sol, count * nn);
  ex.launch(k::build_rhs_kernel<T>, count * n, k::VectorRef<const T>{mean1.data, mean1.batch_stride},
            k::VectorRef<const T>{mean0.data, mean0.batch_stride}, first, count, n, 1, 0, w.dz);
  ex.solve(false, n, n, w.ptrs + count, w.ptrs + 2 * count, count);  // L1⁻¹ L0
  ex.solve(false, n, 1, w.ptrs + count, w.ptrs + 3 * count, count);  // L1⁻¹ δ
  ex.launch_warps(k::kl_finish_kernel<T>, count, static_cast<const T*>(w.f0),
                  static_cast<const T*>(w.f1), static_cast<const T*>(w.sol),
                  static_cast<const T*>(w.dz), static_cast<const std::int32_t*>(w.info0),
                  static_cast<const std::int32_t*>(w.info1), count, n, kl + first,
                  info ? info + first : nullptr);
}

}  // namespace boltzkit::mixture::gpu_steps
