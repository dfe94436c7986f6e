#pragma once
// Type-dispatching wrappers over the batched cuSOLVER/cuBLAS calls used for D > 64, through the
// run-time loaded tables of host/core/cuda_libraries.hpp.
#include "host/core/cuda_check.hpp"
#include "host/core/cuda_libraries.hpp"

namespace boltzkit::gpu {

inline void potrf_batched(cusolverDnHandle_t h, int n, float** a, int* info, int batch) {
  BOLTZKIT_CUDA(cuda_libraries::cusolver().cusolverDnSpotrfBatched(h, CUBLAS_FILL_MODE_LOWER, n, a,
                                                                   n, info, batch));
}
inline void potrf_batched(cusolverDnHandle_t h, int n, double** a, int* info, int batch) {
  BOLTZKIT_CUDA(cuda_libraries::cusolver().cusolverDnDpotrfBatched(h, CUBLAS_FILL_MODE_LOWER, n, a,
                                                                   n, info, batch));
}

/// B <- op(L)^-1 B for column-major lower L (n x n) and B (n x cols), all batch elements.
inline void lower_solve_batched(cublasHandle_t h, bool transpose, int n, int cols,
                                float* const* l, float* const* b, int batch) {
  const float one = 1.0f;
  const cuda_libraries::Cublas& blas = cuda_libraries::cublas();
  BOLTZKIT_CUDA(blas.cublasStrsmBatched(h, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER,
                                        transpose ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT,
                                        n, cols, &one, l, n, b, n, batch));
}
inline void lower_solve_batched(cublasHandle_t h, bool transpose, int n, int cols,
                                double* const* l, double* const* b, int batch) {
  const double one = 1.0;
  const cuda_libraries::Cublas& blas = cuda_libraries::cublas();
  BOLTZKIT_CUDA(blas.cublasDtrsmBatched(h, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER,
                                        transpose ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT,
                                        n, cols, &one, l, n, b, n, batch));
}

}  // namespace boltzkit::gpu
