#pragma once
// The GPU executor of the library paths (see gaussian_large_chunk.hpp): kernel launches on the
// context's stream with a launch check after each, cuSOLVER potrfBatched, cuBLAS trsmBatched.
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
  void zero(std::int32_t* p, std::int64_t count) {
    BOLTZKIT_CUDA(cudaMemsetAsync(p, 0, sizeof(std::int32_t) * count, ctx_.stream()));
  }

 private:
  template <class... P, class... A>
  void run(void (*kernel)(P...), unsigned blocks, A... args) {
    kernel<<<blocks, kernels::large_threads, 0, ctx_.stream()>>>(static_cast<P>(args)...);
    BOLTZKIT_CHECK_LAUNCH();
  }
  Context& ctx_;
};

}  // namespace boltzkit::gpu
