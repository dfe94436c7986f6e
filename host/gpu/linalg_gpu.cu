// GPU linalg building blocks: group-tile kernels for n <= 64, cuSOLVER/cuBLAS beyond.
#include "../../kernels/gaussian/large_dim.cuh"
#include "../../kernels/gaussian/linalg_small.cuh"
#include "backends.hpp"
#include "dense_library.hpp"
#include "launch.cuh"
#include "refs.hpp"
#include "workspace_layout.hpp"

namespace boltzkit::gpu {

namespace {

using kernels::LinalgOp;

template <class T, int R, LinalgOp Op>
void launch_small(Context& ctx, kernels::LinalgArgs<T> args) {
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

/// The library path: per chunk, pack the lower triangle column-major, optionally factor, fill the
/// right-hand side, run `body`, then the caller's unpack step.
template <class T>
class LargePath {
 public:
  LargePath(Context& ctx, std::int64_t batch, int n, int cols)
      : ctx_(ctx), n_(n), cols_(cols) {
    BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
    const std::size_t per = sizeof(T) * (static_cast<std::size_t>(n) * n +
                                         static_cast<std::size_t>(n) * cols) +
                            2 * sizeof(T*) + sizeof(std::int32_t) + 3 * 256;
    chunk_ = chunk_size(batch, per);
    slot_factor_ = layout_.reserve<T>(chunk_ * n * n);
    slot_rhs_ = layout_.reserve<T>(chunk_ * n * cols);
    slot_ptrs_ = layout_.reserve<T*>(2 * chunk_);
    slot_info_ = layout_.reserve<std::int32_t>(chunk_);
    layout_.bind(ctx.workspace(layout_.bytes()));
  }
  std::int64_t chunk() const { return chunk_; }
  T* factor() const { return layout_.get<T>(slot_factor_); }
  T* rhs() const { return layout_.get<T>(slot_rhs_); }
  std::int32_t* info() const { return layout_.get<std::int32_t>(slot_info_); }
  std::int64_t rhs_stride() const { return static_cast<std::int64_t>(n_) * cols_; }
  unsigned grid(std::int64_t work) const { return grid_for(work, kernels::large_threads, ctx_.device()); }

  /// Packs matrices first..first+count-1 and sets the pointer arrays.
  void prepare(matrix_batch<const T> a, std::int64_t first, std::int64_t count) {
    const std::int64_t nn = static_cast<std::int64_t>(n_) * n_;
    T** ptrs = layout_.get<T*>(slot_ptrs_);
    kernels::pack_lower_kernel<<<grid(count * nn), kernels::large_threads, 0, ctx_.stream()>>>(
        ref(a), first, count, n_, factor());
    BOLTZKIT_CHECK_LAUNCH();
    kernels::set_pointers_kernel<<<grid(count), kernels::large_threads, 0, ctx_.stream()>>>(
        ptrs, factor(), count, nn);
    BOLTZKIT_CHECK_LAUNCH();
    kernels::set_pointers_kernel<<<grid(count), kernels::large_threads, 0, ctx_.stream()>>>(
        ptrs + count, rhs(), count, rhs_stride());
    BOLTZKIT_CHECK_LAUNCH();
  }
  void factorize(std::int64_t count) {
    potrf_batched(static_cast<cusolverDnHandle_t>(ctx_.cusolver_handle()), n_,
                  layout_.get<T*>(slot_ptrs_), info(), static_cast<int>(count));
    kernels::check_diagonal_kernel<<<grid(count), kernels::large_threads, 0, ctx_.stream()>>>(
        factor(), count, n_, info());
    BOLTZKIT_CHECK_LAUNCH();
  }
  void identity_rhs(std::int64_t count) {
    // build_rhs with identity_cols == cols never reads its vectors
    const kernels::VectorRef<const T> none{nullptr, 0};
    kernels::build_rhs_kernel<<<grid(count * rhs_stride()), kernels::large_threads, 0,
                                ctx_.stream()>>>(none, none, 0, count, n_, cols_, cols_, rhs());
    BOLTZKIT_CHECK_LAUNCH();
  }
  void solve(bool transpose, std::int64_t count) {
    T** ptrs = layout_.get<T*>(slot_ptrs_);
    lower_solve_batched(static_cast<cublasHandle_t>(ctx_.cublas_handle()), transpose, n_, cols_,
                        ptrs, ptrs + count, static_cast<int>(count));
  }

 private:
  Context& ctx_;
  int n_, cols_;
  std::int64_t chunk_ = 0;
  WorkspaceLayout layout_;
  int slot_factor_ = 0, slot_rhs_ = 0, slot_ptrs_ = 0, slot_info_ = 0;
};

template <class T>
void unpack(LargePath<T>& path, const T* src, std::int64_t stride, const std::int32_t* info,
            std::int64_t first, std::int64_t count, int n, bool lower_only, matrix_batch<T> dst,
            cudaStream_t stream) {
  kernels::unpack_matrix_kernel<<<path.grid(count * n * n), kernels::large_threads, 0, stream>>>(
      src, stride, info, first, count, n, lower_only, ref(dst));
  BOLTZKIT_CHECK_LAUNCH();
}

}  // namespace

template <class T>
void cholesky(Context& ctx, matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info) {
  const int n = static_cast<int>(a.dim);
  if (n <= gaussian::fused_max_dim) {
    auto args = small_args(a);
    args.matrix_out = ref(l);
    args.info = info;
    run_small<T, LinalgOp::cholesky>(ctx, args);
    return;
  }
  LargePath<T> path(ctx, a.batch, n, 1);
  for (std::int64_t first = 0; first < a.batch; first += path.chunk()) {
    const std::int64_t count = std::min(path.chunk(), a.batch - first);
    path.prepare(a, first, count);
    path.factorize(count);
    unpack(path, path.factor(), static_cast<std::int64_t>(n) * n, path.info(), first, count, n,
           true, l, ctx.stream());
    if (info)
      BOLTZKIT_CUDA(cudaMemcpyAsync(info + first, path.info(), sizeof(std::int32_t) * count,
                                    cudaMemcpyDeviceToDevice, ctx.stream()));
  }
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
  if (n <= gaussian::fused_max_dim) {
    auto args = small_args(l);
    args.rhs = ref(b);
    args.vector_out = ref(x);
    if (transpose)
      run_small<T, LinalgOp::solve_transposed>(ctx, args);
    else
      run_small<T, LinalgOp::solve>(ctx, args);
    return;
  }
  LargePath<T> path(ctx, l.batch, n, 1);
  for (std::int64_t first = 0; first < l.batch; first += path.chunk()) {
    const std::int64_t count = std::min(path.chunk(), l.batch - first);
    path.prepare(l, first, count);
    kernels::build_rhs_kernel<<<path.grid(count * n), kernels::large_threads, 0, ctx.stream()>>>(
        ref(b), kernels::VectorRef<const T>{nullptr, 0}, first, count, n, 1, 0, path.rhs());
    BOLTZKIT_CHECK_LAUNCH();
    path.solve(transpose, count);
    kernels::unpack_vector_kernel<<<path.grid(count * n), kernels::large_threads, 0,
                                    ctx.stream()>>>(kernels::WorkVector<T>{path.rhs(), n}, first,
                                                    count, n, ref(x));
    BOLTZKIT_CHECK_LAUNCH();
  }
}

template <class T>
void triangular_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse) {
  const int n = static_cast<int>(l.dim);
  if (n <= gaussian::fused_max_dim) {
    auto args = small_args(l);
    args.matrix_out = ref(inverse);
    run_small<T, LinalgOp::triangular_inverse>(ctx, args);
    return;
  }
  LargePath<T> path(ctx, l.batch, n, n);
  for (std::int64_t first = 0; first < l.batch; first += path.chunk()) {
    const std::int64_t count = std::min(path.chunk(), l.batch - first);
    path.prepare(l, first, count);
    path.identity_rhs(count);
    path.solve(false, count);
    unpack(path, path.rhs(), path.rhs_stride(), static_cast<const std::int32_t*>(nullptr), first,
           count, n, true, inverse, ctx.stream());
  }
}

template <class T>
void cholesky_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse) {
  const int n = static_cast<int>(l.dim);
  if (n <= gaussian::fused_max_dim) {
    auto args = small_args(l);
    args.matrix_out = ref(inverse);
    run_small<T, LinalgOp::cholesky_inverse>(ctx, args);
    return;
  }
  LargePath<T> path(ctx, l.batch, n, n);
  for (std::int64_t first = 0; first < l.batch; first += path.chunk()) {
    const std::int64_t count = std::min(path.chunk(), l.batch - first);
    path.prepare(l, first, count);
    path.identity_rhs(count);
    path.solve(false, count);
    path.solve(true, count);
    unpack(path, path.rhs(), path.rhs_stride(), static_cast<const std::int32_t*>(nullptr), first,
           count, n, false, inverse, ctx.stream());
  }
}

#define BOLTZKIT_INSTANTIATE(T)                                                               \
  template void cholesky<T>(Context&, matrix_batch<const T>, matrix_batch<T>, std::int32_t*); \
  template void log_determinant<T>(Context&, matrix_batch<const T>, T*);                      \
  template void triangular_solve<T>(Context&, matrix_batch<const T>, vector_batch<const T>,   \
                                    vector_batch<T>, bool);                                   \
  template void triangular_inverse<T>(Context&, matrix_batch<const T>, matrix_batch<T>);      \
  template void cholesky_inverse<T>(Context&, matrix_batch<const T>, matrix_batch<T>);
BOLTZKIT_INSTANTIATE(float)
BOLTZKIT_INSTANTIATE(double)

}  // namespace boltzkit::gpu
