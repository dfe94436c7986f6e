// GPU linalg building blocks: group-tile kernels for n <= 64, cuSOLVER/cuBLAS beyond.
#include "kernels/linalg/large_dim.cuh"
#include "kernels/linalg/linalg_small.cuh"
#include "backends.hpp"
#include "cuda_executor.cuh"
#include "large_chunk.hpp"
#include "host/core/launch.cuh"
#include "host/core/refs.hpp"
#include "host/core/workspace_layout.hpp"
#include "tuning.hpp"

namespace boltzkit::linalg::backend::gpu {

using namespace boltzkit::gpu;  // launch planning, workspace, library executor

namespace {

using kernels::LinalgOp;

template <class T, int R, LinalgOp Op>
void launch_small(Context& ctx, kernels::LinalgArgs<T> args) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const TileLaunch plan = plan_tile_launch<T>(args.n, args.batch, ctx.device());
  args.group_size = plan.group_size;
  args.warps_per_block = plan.warps_per_block;
  auto kernel = kernels::linalg_small_kernel<T, R, Op>;
  allow_shared(kernel, plan.shared_bytes);
  kernel<<<plan.blocks, plan.warps_per_block * kernels::warp_size, plan.shared_bytes,
           ctx.stream()>>>(args);
  BOLTZKIT_CHECK_LAUNCH();
}

template <class T, LinalgOp Op>
void run_small(Context& ctx, const kernels::LinalgArgs<T>& args) {
  if (args.n <= kernels::warp_size)
    launch_small<T, 1, Op>(ctx, args);
  else
    launch_small<T, 2, Op>(ctx, args);
}

template <class T>
kernels::LinalgArgs<T> small_args(matrix_batch<const T> a) {
  kernels::LinalgArgs<T> args{};
  args.a = ref(a);
  args.batch = a.batch;
  args.n = static_cast<int>(a.dim);
  return args;
}

/// D > 64 for every op: chunks of the batch through run_linalg_large_chunk on the GPU executor.
template <class T>
void run_large(Context& ctx, const LinalgLargeCall<T>& call, std::int64_t batch) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const std::int64_t chunk = chunk_size(batch, call.template bytes_per_element<T>());
  WorkspaceLayout ws;
  const LibraryChunkSlots<T> slots(ws, chunk, call.n, call.rhs_stride());
  const int s_blocks = ws.reserve<T*>(chunk * call.block_pointers());
  ws.bind(ctx.workspace(ws.bytes()));
  CudaExecutor ex(ctx);
  for (std::int64_t first = 0; first < batch; first += chunk) {
    const std::int64_t count = std::min(chunk, batch - first);
    T** ptrs = ws.get<T*>(slots.pointers);
    run_linalg_large_chunk(ex, call, first, count, ws.get<T>(slots.factor), ws.get<T>(slots.rhs),
                           ptrs, ptrs + count, ws.get<std::int32_t>(slots.info),
                           ws.get<T*>(s_blocks));
  }
}

template <class T>
LinalgLargeCall<T> large_call(LinalgOp op, matrix_batch<const T> a) {
  LinalgLargeCall<T> c{};
  c.op = op;
  c.a = ref(a);
  c.n = static_cast<int>(a.dim);
  return c;
}

}  // namespace

template <class T>
void cholesky(Context& ctx, matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info) {
  const int n = static_cast<int>(a.dim);
  if (n <= tuning::tile_max_dim) {
    auto args = small_args(a);
    args.matrix_out = ref(l);
    args.info = info;
    run_small<T, LinalgOp::cholesky>(ctx, args);
    return;
  }
  auto call = large_call(LinalgOp::cholesky, a);
  call.matrix_out = ref(l);
  call.info = info;
  run_large(ctx, call, a.batch);
}

template <class T>
void log_determinant(Context& ctx, matrix_batch<const T> l, T* logdet) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  kernels::log_determinant_kernel<<<grid_for(l.batch, kernels::large_threads, ctx.device()),
                                    kernels::large_threads, 0, ctx.stream()>>>(
      ref(l), l.batch, static_cast<int>(l.dim), logdet);
  BOLTZKIT_CHECK_LAUNCH();
}

template <class T>
void triangular_solve(Context& ctx, matrix_batch<const T> l, vector_batch<const T> b,
                      vector_batch<T> x, bool transpose) {
  const int n = static_cast<int>(l.dim);
  if (n <= tuning::tile_max_dim) {
    auto args = small_args(l);
    args.rhs = ref(b);
    args.vector_out = ref(x);
    if (transpose)
      run_small<T, LinalgOp::solve_transposed>(ctx, args);
    else
      run_small<T, LinalgOp::solve>(ctx, args);
    return;
  }
  auto call = large_call(transpose ? LinalgOp::solve_transposed : LinalgOp::solve, l);
  call.rhs = ref(b);
  call.vector_out = ref(x);
  run_large(ctx, call, l.batch);
}

template <class T>
void inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> out, Inverse which) {
  const bool triangular = which == Inverse::of_triangular;
  if (l.dim <= tuning::tile_max_dim) {
    auto args = small_args(l);
    args.matrix_out = ref(out);
    if (triangular)
      run_small<T, LinalgOp::triangular_inverse>(ctx, args);
    else
      run_small<T, LinalgOp::cholesky_inverse>(ctx, args);
    return;
  }
  auto call = large_call(triangular ? LinalgOp::triangular_inverse : LinalgOp::cholesky_inverse, l);
  call.matrix_out = ref(out);
  run_large(ctx, call, l.batch);
}

#define BOLTZKIT_INSTANTIATE(T)                                                               \
  template void cholesky<T>(Context&, matrix_batch<const T>, matrix_batch<T>, std::int32_t*); \
  template void log_determinant<T>(Context&, matrix_batch<const T>, T*);                      \
  template void triangular_solve<T>(Context&, matrix_batch<const T>, vector_batch<const T>,   \
                                    vector_batch<T>, bool);                                   \
  template void inverse<T>(Context&, matrix_batch<const T>, matrix_batch<T>, Inverse);
BOLTZKIT_INSTANTIATE(float)
BOLTZKIT_INSTANTIATE(double)

}  // namespace boltzkit::linalg::backend::gpu
