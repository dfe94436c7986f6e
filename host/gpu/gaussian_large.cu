// D > 64: factor with cuSOLVER potrfBatched, solve with cuBLAS trsmBatched against [I | d]
// (giving L^-1 and z in one call, then Sigma^-1 and g), finish with element-wise kernels.
// The batch is processed in chunks that bound the workspace.
#include "../../kernels/gaussian/large_dim.cuh"
#include "dense_library.hpp"
#include "gaussian_large.hpp"
#include "launch.cuh"
#include "refs.hpp"
#include "workspace_layout.hpp"

namespace boltzkit::gpu {

namespace {

using kernels::MatrixKind;
using kernels::WorkVector;

template <class T>
struct Plan {
  int n;
  bool want_g, want_inverse;
  int cols, identity_cols;  // rhs block: n x cols, the first identity_cols columns are I
};

template <class T>
Plan<T> make_plan(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
  Plan<T> p{};
  p.n = static_cast<int>(in.x.dim);
  const auto kind = in.parameterization;
  p.want_inverse = out.grad_matrix.data != nullptr && kind != gaussian::Parameterization::cholesky;
  p.want_g = out.grad_mean.data || out.grad_x.data ||
             (out.grad_matrix.data && kind == gaussian::Parameterization::cholesky);
  if (kind == gaussian::Parameterization::precision) {
    p.identity_cols = p.want_inverse ? p.n : 0;
    p.cols = p.want_inverse ? p.n : 0;
  } else {
    p.identity_cols = p.want_inverse ? p.n : 0;
    p.cols = p.identity_cols + 1;
  }
  return p;
}

template <class T>
void run_chunk(Context& ctx, const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out,
               const Plan<T>& p, std::int64_t first, std::int64_t count, WorkspaceLayout& ws,
               int slot_factor, int slot_rhs, int slot_vectors, int slot_ptrs, int slot_info) {
  const int n = p.n;
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const std::int64_t rhs_stride = static_cast<std::int64_t>(n) * std::max(p.cols, 1);
  cudaStream_t stream = ctx.stream();
  const int device = ctx.device();
  const auto kind = in.parameterization;
  T* factor = ws.get<T>(slot_factor);
  T* rhs = ws.get<T>(slot_rhs);
  T* vectors = ws.get<T>(slot_vectors);  // three (count x n) blocks: d, y/z copy, g
  T* vec_d = vectors;
  T* vec_y = vectors + count * n;
  T* vec_g = vectors + 2 * count * n;
  T** factor_ptrs = ws.get<T*>(slot_ptrs);
  T** rhs_ptrs = factor_ptrs + count;
  std::int32_t* work_info = ws.get<std::int32_t>(slot_info);
  const int threads = kernels::large_threads;
  auto grid = [&](std::int64_t work) { return grid_for(work, threads, device); };
  auto solve = [&](bool transpose, int cols) {
    lower_solve_batched(static_cast<cublasHandle_t>(ctx.cublas_handle()), transpose, n, cols,
                        factor_ptrs, rhs_ptrs, static_cast<int>(count));
  };

  kernels::pack_lower_kernel<<<grid(count * nn), threads, 0, stream>>>(ref(in.matrix), first,
                                                                       count, n, factor);
  BOLTZKIT_CHECK_LAUNCH();
  kernels::set_pointers_kernel<<<grid(count), threads, 0, stream>>>(factor_ptrs, factor, count, nn);
  BOLTZKIT_CHECK_LAUNCH();
  kernels::set_pointers_kernel<<<grid(count), threads, 0, stream>>>(rhs_ptrs, rhs, count,
                                                                    rhs_stride);
  BOLTZKIT_CHECK_LAUNCH();
  if (kind == gaussian::Parameterization::cholesky) {
    BOLTZKIT_CUDA(cudaMemsetAsync(work_info, 0, sizeof(std::int32_t) * count, stream));
  } else {
    potrf_batched(static_cast<cusolverDnHandle_t>(ctx.cusolver_handle()), n, factor_ptrs,
                  work_info, static_cast<int>(count));
  }
  kernels::check_diagonal_kernel<<<grid(count), threads, 0, stream>>>(factor, count, n, work_info);
  BOLTZKIT_CHECK_LAUNCH();

  const unsigned warp_blocks = grid_for(count * kernels::warp_size, threads, device);
  WorkVector<T> g{nullptr, 0};
  WorkVector<T> u{nullptr, 0}, v{nullptr, 0};
  if (kind == gaussian::Parameterization::precision) {
    kernels::build_rhs_kernel<<<grid(count * n), threads, 0, stream>>>(
        ref(in.x), ref(in.mean), first, count, n, 1, 0, vec_d);
    BOLTZKIT_CHECK_LAUNCH();
    kernels::precision_vectors_kernel<<<grid(count * threads), threads, 0, stream>>>(
        factor, vec_d, vec_y, vec_g, count, n, p.want_g);
    BOLTZKIT_CHECK_LAUNCH();
    kernels::log_prob_kernel<<<warp_blocks, threads, 0, stream>>>(
        factor, vec_y, 1, 0, work_info, count, n, true, out.log_prob + first,
        out.info ? out.info + first : nullptr);
    BOLTZKIT_CHECK_LAUNCH();
    if (p.want_inverse) {
      kernels::build_rhs_kernel<<<grid(count * nn), threads, 0, stream>>>(
          ref(in.x), ref(in.mean), first, count, n, n, n, rhs);
      BOLTZKIT_CHECK_LAUNCH();
      solve(false, n);
      solve(true, n);
    }
    g = {vec_g, n};
    u = {vec_d, n};
  } else {
    kernels::build_rhs_kernel<<<grid(count * rhs_stride), threads, 0, stream>>>(
        ref(in.x), ref(in.mean), first, count, n, p.cols, p.identity_cols, rhs);
    BOLTZKIT_CHECK_LAUNCH();
    solve(false, p.cols);  // [L^-1 | z]
    kernels::log_prob_kernel<<<warp_blocks, threads, 0, stream>>>(
        factor, rhs, p.cols, p.cols - 1, work_info, count, n, false, out.log_prob + first,
        out.info ? out.info + first : nullptr);
    BOLTZKIT_CHECK_LAUNCH();
    const WorkVector<T> last_column{rhs + static_cast<std::int64_t>(p.cols - 1) * n, rhs_stride};
    if (kind == gaussian::Parameterization::cholesky && out.grad_matrix.data) {
      kernels::unpack_vector_kernel<<<grid(count * n), threads, 0, stream>>>(
          last_column, 0, count, n, kernels::VectorRef<T>{vec_y, n});  // keep z
      BOLTZKIT_CHECK_LAUNCH();
    }
    if (p.want_g || p.want_inverse) solve(true, p.cols);  // [Sigma^-1 | g]
    g = last_column;
    u = g;
    v = {vec_y, n};
  }
  if (out.grad_mean.data || out.grad_x.data) {
    kernels::store_gradient_vectors_kernel<<<grid(count * n), threads, 0, stream>>>(
        g, work_info, first, count, n, ref(out.grad_mean), ref(out.grad_x));
    BOLTZKIT_CHECK_LAUNCH();
  }
  if (out.grad_matrix.data) {
    const auto blocks = grid(count * nn);
    switch (kind) {
      case gaussian::Parameterization::covariance:
        kernels::store_matrix_gradient_kernel<T, MatrixKind::covariance>
            <<<blocks, threads, 0, stream>>>(factor, rhs, rhs_stride, u, v, work_info, first,
                                             count, n, ref(out.grad_matrix));
        break;
      case gaussian::Parameterization::precision:
        kernels::store_matrix_gradient_kernel<T, MatrixKind::precision>
            <<<blocks, threads, 0, stream>>>(factor, rhs, rhs_stride, u, v, work_info, first,
                                             count, n, ref(out.grad_matrix));
        break;
      case gaussian::Parameterization::cholesky:
        kernels::store_matrix_gradient_kernel<T, MatrixKind::cholesky>
            <<<blocks, threads, 0, stream>>>(factor, rhs, rhs_stride, u, v, work_info, first,
                                             count, n, ref(out.grad_matrix));
        break;
    }
    BOLTZKIT_CHECK_LAUNCH();
  }
}

}  // namespace

template <class T>
void gaussian_evaluate_large(Context& ctx, const gaussian::Inputs<T>& in,
                             const gaussian::Outputs<T>& out) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const Plan<T> p = make_plan(in, out);
  const std::int64_t batch = in.x.batch;
  const std::int64_t n = p.n;
  const std::size_t per_element = sizeof(T) * (n * n + n * std::max(p.cols, 1) + 3 * n) +
                                  2 * sizeof(T*) + sizeof(std::int32_t) + 4 * 256;
  const std::int64_t chunk = chunk_size(batch, per_element);
  WorkspaceLayout ws;
  const int slot_factor = ws.reserve<T>(chunk * n * n);
  const int slot_rhs = ws.reserve<T>(chunk * n * std::max(p.cols, 1));
  const int slot_vectors = ws.reserve<T>(3 * chunk * n);
  const int slot_ptrs = ws.reserve<T*>(2 * chunk);
  const int slot_info = ws.reserve<std::int32_t>(chunk);
  ws.bind(ctx.workspace(ws.bytes()));
  for (std::int64_t first = 0; first < batch; first += chunk) {
    const std::int64_t count = std::min(chunk, batch - first);
    run_chunk(ctx, in, out, p, first, count, ws, slot_factor, slot_rhs, slot_vectors, slot_ptrs,
              slot_info);
  }
}

template void gaussian_evaluate_large<float>(Context&, const gaussian::Inputs<float>&,
                                             const gaussian::Outputs<float>&);
template void gaussian_evaluate_large<double>(Context&, const gaussian::Inputs<double>&,
                                              const gaussian::Outputs<double>&);

}  // namespace boltzkit::gpu
