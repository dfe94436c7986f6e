#pragma once
// The GPU executor of the library paths (see gaussian_large_chunk.hpp): kernel launches on the
// context's stream with a launch check after each, cuSOLVER potrfBatched, cuBLAS trsmBatched
// and gemmStridedBatched.
#include <limits>
#include <stdexcept>

#include "kernels/linalg/large_dim.cuh"
#include "boltzkit/context.hpp"
#include "dense_library.hpp"
#include "host/core/launch.cuh"

namespace boltzkit::gpu {

class CudaExecutor {
 public:
  explicit CudaExecutor(Context& ctx) : ctx_(ctx) {}

  template <class... P, class... A>
  void launch(void (*kernel)(P...), std::int64_t items, A... args) {
    run(kernel, grid_for(items, kernels::large_threads, ctx_.device()), args...);
  }
  template <class... P, class... A>
  void launch_warps(void (*kernel)(P...), std::int64_t warps, A... args) {
    run(kernel, grid_for(warps * kernels::warp_size, kernels::large_threads, ctx_.device()),
        args...);
  }
  template <class... P, class... A>
  void launch_blocks(void (*kernel)(P...), std::int64_t blocks, A... args) {
    run(kernel, grid_for(blocks * kernels::large_threads, kernels::large_threads, ctx_.device()),
        args...);
  }
  template <class T>
  void potrf(int n, T** factor_ptrs, std::int32_t* info, std::int64_t count) {
    potrf_batched(static_cast<cusolverDnHandle_t>(ctx_.cusolver_handle()), n, factor_ptrs, info,
                  static_cast<int>(count));
  }
  template <class T>
  void solve(bool transpose, int n, int cols, T** factor_ptrs, T** rhs_ptrs, std::int64_t count) {
    lower_solve_batched(static_cast<cublasHandle_t>(ctx_.cublas_handle()), transpose, n, cols,
                        factor_ptrs, rhs_ptrs, static_cast<int>(count));
  }
  template <class T>
  void trsm(bool right, T alpha, int m, int k, int ld, T** a, T** b, std::int64_t batch) {
    lower_trsm_batched(static_cast<cublasHandle_t>(ctx_.cublas_handle()), right, alpha, m, k, ld,
                       a, b, batch_count(batch));
  }
  template <class T>
  void gemm_strided(bool transpose_a, int m, int n, int k, T alpha, const T* a, int lda,
                    std::int64_t stride_a, const T* b, int ldb, std::int64_t stride_b, T beta, T* c,
                    int ldc, std::int64_t stride_c, std::int64_t batch) {
    gemm_strided_batched(static_cast<cublasHandle_t>(ctx_.cublas_handle()), transpose_a, m, n, k,
                         alpha, a, lda, stride_a, b, ldb, stride_b, beta, c, ldc, stride_c,
                         batch_count(batch));
  }
  void zero(std::int32_t* p, std::int64_t count) {
    BOLTZKIT_CUDA(cudaMemsetAsync(p, 0, sizeof(std::int32_t) * count, ctx_.stream()));
  }

 private:
  template <class... P, class... A>
  void run(void (*kernel)(P...), unsigned blocks, A... args) {
    kernel<<<blocks, kernels::large_threads, 0, ctx_.stream()>>>(static_cast<P>(args)...);
    BOLTZKIT_CHECK_LAUNCH();
  }
  static int batch_count(std::int64_t batch) {
    if (batch > std::numeric_limits<int>::max())
      throw std::invalid_argument("library path: batched call of more than 2^31 - 1 blocks");
    return static_cast<int>(batch);
  }
  Context& ctx_;
};

}  // namespace boltzkit::gpu
