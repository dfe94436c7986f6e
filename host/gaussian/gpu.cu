// GPU gaussian::evaluate by size class (host/gaussian/tuning.hpp): the register kernel for
// D <= 8, the row-register kernel for 9 <= D <= 64, the fused block-per-matrix kernel up to
// tuning::gaussian_block_max_dim<T>(), the library path beyond.
#include "kernels/gaussian/fused_rows.cuh"
#include "kernels/gaussian/fused_small.cuh"
#include "kernels/gaussian/fused_block.cuh"
#include "kernels/gaussian/register_small.cuh"
#include "backends.hpp"
#include "large.hpp"
#include "host/core/launch.cuh"
#include "fused_args.hpp"
#include "tuning.hpp"

namespace boltzkit::gaussian::backend::gpu {

using namespace boltzkit::gpu;  // launch planning, workspace, views as kernel refs

namespace {

using kernels::MatrixKind;

template <class T, int R, MatrixKind K>
void launch_fused(Context& ctx, const kernels::GaussianArgs<T>& base, std::int64_t batch, int n) {
  const TileLaunch plan = plan_tile_launch<T>(n, batch, ctx.device());
  kernels::GaussianArgs<T> args = base;
  args.group_size = plan.group_size;
  args.warps_per_block = plan.warps_per_block;
  auto kernel = kernels::gaussian_fused_kernel<T, R, K>;
  allow_shared(kernel, plan.shared_bytes);
  kernel<<<plan.blocks, plan.warps_per_block * kernels::warp_size, plan.shared_bytes,
           ctx.stream()>>>(args);
  BOLTZKIT_CHECK_LAUNCH();
}

template <class T, MatrixKind K>
void launch_fused_kind(Context& ctx, const kernels::GaussianArgs<T>& args, std::int64_t batch,
                       int n) {
  if (n <= kernels::warp_size)
    launch_fused<T, 1, K>(ctx, args, batch, n);
  else
    launch_fused<T, 2, K>(ctx, args, batch, n);
}

template <class T, int N, MatrixKind K>
void launch_rows(Context& ctx, const kernels::GaussianArgs<T>& args) {
  constexpr int groups_per_block = kernels::rows_threads / kernels::rows_group_size<N>();
  constexpr std::size_t shared = kernels::rows_shared_bytes<T, N>();
  auto kernel = kernels::gaussian_rows_kernel<T, N, K>;
  allow_shared(kernel, shared);
  kernel<<<grid_for(args.batch, groups_per_block, ctx.device()), kernels::rows_threads, shared,
           ctx.stream()>>>(args);
  BOLTZKIT_CHECK_LAUNCH();
}

/// The capacities instantiated: the sizes users hit, others padded up to the next one.
template <class T, MatrixKind K>
void launch_rows_kind(Context& ctx, const kernels::GaussianArgs<T>& args) {
  if (args.n <= 12)
    launch_rows<T, 12, K>(ctx, args);
  else if (args.n <= 16)
    launch_rows<T, 16, K>(ctx, args);
  else if (args.n <= 24)
    launch_rows<T, 24, K>(ctx, args);
  else if (args.n <= 32)
    launch_rows<T, 32, K>(ctx, args);
  else if (args.n <= 48)
    launch_rows<T, 48, K>(ctx, args);
  else
    launch_rows<T, 64, K>(ctx, args);
}

/// One block of kernels::block_threads_max threads per batch element, grid-stride beyond the
/// resident blocks.
template <class T, MatrixKind K>
void launch_block(Context& ctx, const kernels::GaussianArgs<T>& args, std::int64_t batch, int n) {
  const std::size_t shared = kernels::block_shared_bytes<T>(n);
  auto kernel = kernels::gaussian_block_kernel<T, K>;
  allow_shared(kernel, shared);
  const unsigned blocks = grid_for(batch, 1, ctx.device());
  kernel<<<blocks, kernels::block_threads_max, shared, ctx.stream()>>>(args);
  BOLTZKIT_CHECK_LAUNCH();
}

template <class T, int D, MatrixKind K>
void launch_register(Context& ctx, const kernels::GaussianArgs<T>& args) {
  const unsigned blocks = grid_for(args.batch, kernels::register_threads, ctx.device());
  kernels::gaussian_register_kernel<T, D, K>
      <<<blocks, kernels::register_threads, kernels::register_shared_bytes<T, D>(),
         ctx.stream()>>>(args);
  BOLTZKIT_CHECK_LAUNCH();
}

/// D as a template argument: one register kernel per D = 1 .. register_dim_max.
template <class T, MatrixKind K, int D = 1>
void launch_register_dim(Context& ctx, const kernels::GaussianArgs<T>& args) {
  if constexpr (D <= kernels::register_dim_max) {
    if (args.n == D)
      launch_register<T, D, K>(ctx, args);
    else
      launch_register_dim<T, K, D + 1>(ctx, args);
  }
}

template <class T, MatrixKind K>
void launch_kind(Context& ctx, const kernels::GaussianArgs<T>& args) {
  const int n = args.n;
  if (n <= tuning::gaussian_register_max_dim)
    launch_register_dim<T, K>(ctx, args);
  else if (n >= tuning::gaussian_rows_min_dim && n <= tuning::gaussian_rows_max_dim)
    launch_rows_kind<T, K>(ctx, args);
  else if (n <= tuning::gaussian_fused_max_dim)
    launch_fused_kind<T, K>(ctx, args, args.batch, n);
  else
    launch_block<T, K>(ctx, args, args.batch, n);
}

}  // namespace

template <class T>
void evaluate(Context& ctx, const Inputs<T>& in, const Outputs<T>& out) {
  const std::int64_t n = in.x.dim;
  if (n > tuning::gaussian_block_max_dim<T>()) {
    gaussian_evaluate_large(ctx, in, out);
    return;
  }
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const kernels::GaussianArgs<T> args = fused_arguments(in, out);
  switch (in.parameterization) {
    case gaussian::Parameterization::covariance:
      launch_kind<T, MatrixKind::covariance>(ctx, args);
      break;
    case gaussian::Parameterization::precision:
      launch_kind<T, MatrixKind::precision>(ctx, args);
      break;
    case gaussian::Parameterization::cholesky:
      launch_kind<T, MatrixKind::cholesky>(ctx, args);
      break;
  }
}

template void evaluate<float>(Context&, const Inputs<float>&, const Outputs<float>&);
template void evaluate<double>(Context&, const Inputs<double>&, const Outputs<double>&);

}  // namespace boltzkit::gaussian::backend::gpu
