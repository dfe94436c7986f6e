#pragma once
// Type-dispatching wrappers over the batched cuSOLVER/cuBLAS calls used for D > 64.
#include <cublas_v2.h>
#include <cusolverDn.h>

#include "host/core/cuda_check.hpp"

namespace boltzkit::gpu {

inline void potrf_batched(cusolverDnHandle_t h, int n, float** a, int* info, int batch) {
  BOLTZKIT_CUDA(cusolverDnSpotrfBatched(h, CUBLAS_FILL_MODE_LOWER, n, a, n, info, batch));
}
inline void potrf_batched(cusolverDnHandle_t h, int n, double** a, int* info, int batch) {
  BOLTZKIT_CUDA(cusolverDnDpotrfBatched(h, CUBLAS_FILL_MODE_LOWER, n, a, n, info, batch));
}

/// B <- op(L)^-1 B for column-major lower L (n x n) and B (n x cols), all batch elements.
inline void lower_solve_batched(cublasHandle_t h, bool transpose, int n, int cols,
                                float* const* l, float* const* b, int batch) {
  const float one = 1.0f;
  BOLTZKIT_CUDA(cublasStrsmBatched(h, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER,
                                   transpose ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, n,
                                   cols, &one, l, n, b, n, batch));
}
inline void lower_solve_batched(cublasHandle_t h, bool transpose, int n, int cols,
                                double* const* l, double* const* b, int batch) {
  const double one = 1.0;
  BOLTZKIT_CUDA(cublasDtrsmBatched(h, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER,
                                   transpose ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, n,
                                   cols, &one, l, n, b, n, batch));
}

}  // namespace boltzkit::gpu
