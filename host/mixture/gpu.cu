// GPU backend of the mixture family: workspace planning and the executor that runs
// host/mixture/gpu_steps.hpp and fit_steps.hpp on the device (kernel launches here, library
// calls in blas_gpu.cu).
#include <algorithm>
#include <type_traits>
#include <vector>

#include "backends.hpp"
#include "blas_gpu.hpp"
#include "fit_runner.hpp"
#include "gpu_steps.hpp"
#include "fit_steps.hpp"
#include "host/core/cuda_check.hpp"
#include "host/core/launch.cuh"
#include "host/core/workspace_layout.hpp"
#include "host/linalg/cuda_executor.cuh"
#include "tuning.hpp"
#include "host/mixture/instantiate.hpp"

namespace boltzkit::mixture::backend::gpu {

using boltzkit::gpu::WorkspaceLayout;

namespace {

/// The linalg family's CudaExecutor (grid-stride launches on the context's stream) plus what the
/// mixture steps need: launches with a given shape, and the library calls of blas_gpu.cu.
class MixtureCudaExecutor : public boltzkit::gpu::CudaExecutor {
 public:
  explicit MixtureCudaExecutor(Context& ctx) : CudaExecutor(ctx), ctx_(ctx) {}

  template <class... P, class... A>
  void launch_shared(void (*kernel)(P...), int blocks, int threads, std::size_t shared,
                     A... args) {
    boltzkit::gpu::allow_shared(kernel, shared);
    kernel<<<blocks, threads, shared, ctx_.stream()>>>(static_cast<P>(args)...);
    BOLTZKIT_CHECK_LAUNCH();
  }
  template <class T>
  void syrk(int n, int k, T alpha, const T* a, int lda, T beta, T* c, int ldc) {
    blas::syrk(ctx_, n, k, alpha, a, lda, beta, c, ldc);
  }
  template <class T>
  void potrf(int n, T** ptrs, std::int32_t* info, std::int64_t count) {
    blas::potrf(ctx_, n, ptrs, info, static_cast<int>(count));
  }
  template <class T>
  void solve(bool transpose, int n, int cols, T** l, T** b, std::int64_t count) {
    blas::solve(ctx_, transpose, n, cols, l, b, static_cast<int>(count));
  }
  template <class T>
  void gemm(bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda, const T* b,
            int ldb, T beta, T* c, int ldc) {
    blas::gemm(ctx_, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
  /// One value read back (fit_steps.hpp: a flag); waits for the stream.
  template <class U>
  U fetch(const U* p) {
    U h{};
    BOLTZKIT_CUDA(cudaMemcpyAsync(&h, p, sizeof(U), cudaMemcpyDeviceToHost, ctx_.stream()));
    ctx_.synchronize();
    return h;
  }

 private:
  Context& ctx_;
};

/// Points per tile: the tuning value, fewer when the tile buffers would pass 512 MiB.
std::int64_t tile_points(std::int64_t npts, std::int64_t per_point_bytes) {
  const std::int64_t cap = std::max<std::int64_t>(1, (std::int64_t{512} << 20) / per_point_bytes);
  return std::max<std::int64_t>(1, std::min({tuning::gpu_tile_points, cap, npts}));
}

/// Blocks of the one-Gaussian pass: as many as fit on the device at once (occupancy of the
/// kernel at its shared memory), at most tuning::gpu_single_blocks_per_sm per SM, and no more
/// than the point tiles. Each block adds one partial row, so fewer blocks is a shorter reduction.
template <class T>
int single_blocks(Context& ctx, std::int64_t npts, int n) {
  const auto kernel = kernels::single_fused_for<T>(n);
  const std::size_t shared = kernels::single_fused_shared_for<T>(n);
  boltzkit::gpu::allow_shared(kernel, shared);
  int per_sm = 0;
  BOLTZKIT_CUDA(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
      &per_sm, kernel, kernels::mixture_single_threads, shared));
  per_sm = std::clamp(per_sm, 1, tuning::gpu_single_blocks_per_sm);
  const std::int64_t tiles =
      (npts + kernels::mixture_single_points - 1) / kernels::mixture_single_points;
  return static_cast<int>(std::max<std::int64_t>(
      1, std::min<std::int64_t>(tiles, static_cast<std::int64_t>(per_sm) *
                                           boltzkit::gpu::sm_count(ctx.device()))));
}

}  // namespace

template <class T>
void evaluate(Context& ctx, vector_batch<const T> x, const Components<T>& c,
              const Outputs<T>& out, const EvaluateOptions& options) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const std::int64_t npts = x.batch, kk = c.mean.batch, n = x.dim;
  const bool want_sums = out.sum_grad_mean.data || out.sum_grad_cov.data;
  // One Gaussian without weights takes log p from the score past the single pass: Σ⁻¹ always.
  const bool want_prec = want_sums || out.score.data || (kk == 1 && c.weights == nullptr);
  gpu_steps::EvaluatePlan plan;
  // The single pass steps through a tile's rows with 32-bit offsets (single_fused.cuh).
  const auto fits = [](std::int64_t stride) {
    return stride * kernels::mixture_single_points < (std::int64_t{1} << 31);
  };
  plan.single = kk == 1 && c.weights == nullptr && n <= kernels::mixture_single_max_dim_for<T> &&
                fits(x.batch_stride) && (!out.score.data || fits(out.score.batch_stride));
  if (plan.single) plan.single_blocks = single_blocks<T>(ctx, npts, static_cast<int>(n));
  // One Gaussian in float past the single pass: the split-TF32 kernels, which centre x on the
  // fly (no (tile, D) buffers) and sum the scatter over about two waves of thread blocks.
  plan.split = std::is_same_v<T, float> && !plan.single && kk == 1 && c.weights == nullptr;
  const int col_tiles = kernels::split_score_col_tiles(static_cast<int>(n));
  const int pairs = kernels::split_scatter_pairs(kernels::split_scatter_tiles(static_cast<int>(n)));
  if (plan.split && want_sums && npts > 0)
    plan.scatter_chunks =
        gpu_steps::split_scatter_chunks(npts, pairs, boltzkit::gpu::sm_count(ctx.device()));
  // The single pass needs no tile buffers; the tiled path sizes them for its tile.
  const std::int64_t tile =
      plan.single ? 1
                  : tile_points(npts, static_cast<std::int64_t>(sizeof(T)) *
                                          (plan.split ? col_tiles : kk + 2 * n + 1));
  const std::int64_t rows = plan.split ? 1 : tile;  // the (tile, K) and (tile, D) buffers
  WorkspaceLayout ws;
  const auto fslots = gpu_steps::Factored<T>::reserve(ws, kk, n);
  const int s_a = ws.reserve<T>(rows * kk), s_y = ws.reserve<T>(rows * n),
            s_v = ws.reserve<T>(rows * n), s_ones = ws.reserve<T>(rows),
            s_scatter = ws.reserve<T>(want_sums ? kk * n * n : 1),
            s_wd = ws.reserve<T>(kk * n), s_wsum = ws.reserve<T>(kk),
            s_t1 = ws.reserve<T>(n * n), s_t2 = ws.reserve<T>(n * n),
            s_partials = ws.reserve<T>(plan.single && want_sums
                                           ? plan.single_blocks * (n * n + n)
                                           : 1);
  const bool split_sums = plan.split && want_sums;
  const int s_dots = ws.reserve<T>(plan.split ? tile * col_tiles : 1),
            s_split_partial = ws.reserve<T>(
                split_sums ? plan.scatter_chunks * pairs * kernels::split_scatter_tile *
                                 kernels::split_scatter_tile
                           : 1),
            s_split_sum = ws.reserve<double>(split_sums ? plan.scatter_chunks * n : 1);
  ws.bind(ctx.workspace(ws.bytes()));
  const auto f = gpu_steps::Factored<T>::bind(ws, fslots);
  gpu_steps::Tile<T> w{ws.get<T>(s_a),  ws.get<T>(s_y),    ws.get<T>(s_v),
                       ws.get<T>(s_ones), ws.get<T>(s_scatter), ws.get<T>(s_wd),
                       ws.get<T>(s_wsum), ws.get<T>(s_t1),   ws.get<T>(s_t2),
                       ws.get<T>(s_partials)};
  w.dots = ws.get<T>(s_dots);
  w.split_partial = ws.get<T>(s_split_partial);
  w.split_partial_sum = ws.get<double>(s_split_sum);
  MixtureCudaExecutor ex(ctx);
  gpu_steps::factor_components(ex, c.cov, kk, static_cast<int>(n), want_prec, f);
  if (out.info)
    BOLTZKIT_CUDA(cudaMemcpyAsync(out.info, f.info, sizeof(std::int32_t) * kk,
                                  cudaMemcpyDeviceToDevice, ctx.stream()));
  plan.tile = tile;
  plan.fused = n <= gpu_fused_max_dim;
  plan.fused_blocks = static_cast<int>(std::min<std::int64_t>(
      (tile + kernels::mixture_fused_threads - 1) / kernels::mixture_fused_threads,
      static_cast<std::int64_t>(boltzkit::gpu::sm_count(ctx.device())) *
          tuning::gpu_fused_blocks_per_sm));
  // TF32 for the GEMMs over the points and their finishing products only: the factorizations
  // above (trsm may use GEMMs inside) stay float.
  plan.tf32 = options.allow_tf32 && std::is_same_v<T, float>;
  const blas::Tf32Math math(ctx, plan.tf32);
  gpu_steps::run_evaluate(ex, x, c, out, f, w, plan);
}

template <class T>
void weighted_statistics(Context& ctx, vector_batch<const T> x, const T* resp, std::int64_t kk,
                         T* counts, vector_batch<T> means, matrix_batch<T> covs) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const std::int64_t npts = x.batch, n = x.dim;
  const std::int64_t tile = tile_points(npts, static_cast<std::int64_t>(sizeof(T)) * (2 * n + 1));
  // The scatter pass writes Y_k and V_k of all K components per tile: at most
  // tuning::gpu_stats_batch_bytes for both, never fewer than D points (so the two buffers stay
  // within the K·D² of the scatters), and K·tile·D < 2³¹ (center_weight_all_kernel's offsets).
  const std::int64_t per_point = kk * n;
  const std::int64_t batch_tile = std::max<std::int64_t>(
      1, std::min({std::max(tuning::gpu_stats_batch_bytes /
                                (2 * static_cast<std::int64_t>(sizeof(T)) * per_point),
                            n),
                   ((std::int64_t{1} << 31) - 1) / per_point, tuning::gpu_tile_points, npts}));
  // float, D ≤ 32: the scatter from staged chunks of points (about two waves of thread blocks
  // of 8 components), without the (K, tile, D) copies.
  std::int64_t small_chunks = 0;
  if (std::is_same_v<T, float> && n <= kernels::weighted_scatter_max_dim && npts > 0)
    small_chunks = gpu_steps::split_scatter_chunks(
        npts, (kk + kernels::weighted_scatter_components - 1) / kernels::weighted_scatter_components,
        boltzkit::gpu::sm_count(ctx.device()));
  const std::int64_t rows = small_chunks ? tile * n : std::max(tile * n, batch_tile * per_point);
  WorkspaceLayout ws;
  const int s_ones = ws.reserve<T>(tile), s_y = ws.reserve<T>(rows),
            s_v = ws.reserve<T>(small_chunks ? 1 : rows), s_means = ws.reserve<T>(kk * n),
            s_counts = ws.reserve<T>(kk), s_scatter = ws.reserve<T>(kk * n * n),
            s_small = ws.reserve<T>(small_chunks ? small_chunks * kk * kernels::weighted_scatter_tile_floats : 1);
  ws.bind(ctx.workspace(ws.bytes()));
  gpu_steps::StatBuffers<T> w{ws.get<T>(s_ones),  ws.get<T>(s_y),
                              ws.get<T>(s_v),     ws.get<T>(s_means),
                              ws.get<T>(s_counts), ws.get<T>(s_scatter)};
  w.small_chunks = small_chunks;
  w.small_partial = ws.get<T>(s_small);
  MixtureCudaExecutor ex(ctx);
  gpu_steps::run_statistics(ex, x, resp, kk, counts, means, covs, w, tile, batch_tile);
}

template <class T>
void kl_divergence(Context& ctx, vector_batch<const T> mean0, matrix_batch<const T> cov0,
                   vector_batch<const T> mean1, matrix_batch<const T> cov1, T* kl,
                   std::int32_t* info) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const std::int64_t batch = mean0.batch, n = mean0.dim;
  const std::int64_t per = static_cast<std::int64_t>(sizeof(T)) * (3 * n * n + n) + 4 * 8 + 8;
  const std::int64_t chunk = tile_points(batch, per);
  WorkspaceLayout ws;
  const int s_f0 = ws.reserve<T>(chunk * n * n), s_f1 = ws.reserve<T>(chunk * n * n),
            s_sol = ws.reserve<T>(chunk * n * n), s_dz = ws.reserve<T>(chunk * n),
            s_ptrs = ws.reserve<T*>(4 * chunk), s_i0 = ws.reserve<std::int32_t>(chunk),
            s_i1 = ws.reserve<std::int32_t>(chunk);
  ws.bind(ctx.workspace(ws.bytes()));
  const gpu_steps::KlBuffers<T> w{ws.get<T>(s_f0),  ws.get<T>(s_f1),
                                  ws.get<T>(s_sol), ws.get<T>(s_dz),
                                  ws.get<T*>(s_ptrs), ws.get<std::int32_t>(s_i0),
                                  ws.get<std::int32_t>(s_i1)};
  MixtureCudaExecutor ex(ctx);
  for (std::int64_t first = 0; first < batch; first += chunk)
    gpu_steps::run_kl(ex, mean0, cov0, mean1, cov1, kl, info, first,
                      std::min(chunk, batch - first), w);
}

BOLTZKIT_MIXTURE_INSTANTIATE(float)
BOLTZKIT_MIXTURE_INSTANTIATE(double)

}  // namespace boltzkit::mixture::backend::gpu

namespace boltzkit::mixture::detail {

using backend::gpu::MixtureCudaExecutor;
using boltzkit::gpu::WorkspaceLayout;

template <class T>
bool all_finite_on_device(Context& ctx, vector_batch<const T> x) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  WorkspaceLayout ws;
  const int s_flag = ws.reserve<std::int32_t>(1);
  ws.bind(ctx.workspace(ws.bytes()));
  MixtureCudaExecutor ex(ctx);
  return fit_steps::all_finite(ex, x, ws.get<std::int32_t>(s_flag));
}

template <class T>
void kmeans_one_hot_on_device(Context& ctx, vector_batch<const T> x, std::int64_t kk,
                              std::uint64_t seed, std::int64_t init, T* resp) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const std::int64_t npts = x.batch, n = x.dim;
  fit_steps::Plan plan;
  // The label sums' partials stay within tuning::gpu_kmeans_partial_bytes: longer ranges past it.
  const std::int64_t max_ranges = std::max<std::int64_t>(
      1, tuning::gpu_kmeans_partial_bytes / static_cast<std::int64_t>(sizeof(double)) / (kk * (n + 1)));
  plan.partial_range = std::max(plan.partial_range, (npts + max_ranges - 1) / max_ranges);
  const std::int64_t ranges = fit_steps::ranges_of(npts, plan.range);
  plan.blocks = static_cast<int>(std::min<std::int64_t>(ranges, std::int64_t{1} << 30));
  WorkspaceLayout ws;
  const int s_centres = ws.reserve<double>(kk * n), s_dist = ws.reserve<double>(npts),
            s_sums = ws.reserve<double>(ranges),
            s_partials = ws.reserve<double>(fit_steps::partial_doubles(npts, kk, n, plan)),
            s_labels = ws.reserve<std::int32_t>(npts), s_flag = ws.reserve<std::int32_t>(1),
            s_picks = ws.reserve<std::int64_t>(kk);
  ws.bind(ctx.workspace(ws.bytes()));
  const fit_steps::Buffers w{ws.get<double>(s_centres),       ws.get<double>(s_dist),
                                ws.get<double>(s_sums),          ws.get<double>(s_partials),
                                ws.get<std::int32_t>(s_labels),  ws.get<std::int32_t>(s_flag),
                                ws.get<std::int64_t>(s_picks)};
  MixtureCudaExecutor ex(ctx);
  fit_steps::run_kmeans(ex, x, kk, seed, init, plan, w);
  fit_steps::one_hot(ex, static_cast<const std::int32_t*>(w.labels), npts, kk, resp);
}

template <class T>
void sum_on_device_to(Context& ctx, const T* v, std::int64_t count, double* out) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  WorkspaceLayout ws;
  const int s_partials = ws.reserve<double>(kernels::sum_blocks);
  ws.bind(ctx.workspace(ws.bytes()));
  MixtureCudaExecutor ex(ctx);
  fit_steps::sum_to(ex, v, count, ws.get<double>(s_partials), kernels::sum_blocks,
                    kernels::kmeans_threads, out);
}

template void sum_on_device_to<float>(Context&, const float*, std::int64_t, double*);
template void sum_on_device_to<double>(Context&, const double*, std::int64_t, double*);
template bool all_finite_on_device<float>(Context&, vector_batch<const float>);
template bool all_finite_on_device<double>(Context&, vector_batch<const double>);
template void kmeans_one_hot_on_device<float>(Context&, vector_batch<const float>, std::int64_t,
                                              std::uint64_t, std::int64_t, float*);
template void kmeans_one_hot_on_device<double>(Context&, vector_batch<const double>, std::int64_t,
                                               std::uint64_t, std::int64_t, double*);

}  // namespace boltzkit::mixture::detail
