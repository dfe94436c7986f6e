// GPU gaussian::evaluate: the fused warp kernel for D <= 64, the fused block-per-matrix kernel up
// to tuning::gaussian_block_max_dim<T>(), the library path beyond.
#include "kernels/gaussian/fused_small.cuh"
#include "kernels/gaussian/fused_block.cuh"
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

template <class T, MatrixKind K>
void launch_kind(Context& ctx, const kernels::GaussianArgs<T>& args, std::int64_t batch, int n) {
  if (n <= tuning::gaussian_fused_max_dim)
    launch_fused_kind<T, K>(ctx, args, batch, n);
  else
    launch_block<T, K>(ctx, args, batch, n);
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
      launch_kind<T, MatrixKind::covariance>(ctx, args, args.batch, args.n);
      break;
    case gaussian::Parameterization::precision:
      launch_kind<T, MatrixKind::precision>(ctx, args, args.batch, args.n);
      break;
    case gaussian::Parameterization::cholesky:
      launch_kind<T, MatrixKind::cholesky>(ctx, args, args.batch, args.n);
      break;
  }
}

template void evaluate<float>(Context&, const Inputs<float>&, const Outputs<float>&);
template void evaluate<double>(Context&, const Inputs<double>&, const Outputs<double>&);

}  // namespace boltzkit::gaussian::backend::gpu
