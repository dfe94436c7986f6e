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

/// The triangular-block calls of host/linalg/triangular_blocks.hpp: lower, non-transposed,
/// non-unit A; right: B (m x k) <- alpha B A^-1, left: B <- alpha A^-1 B; all leading
/// dimensions `ld`.
inline void lower_trsm_batched(cublasHandle_t h, bool right, float alpha, int m, int k, int ld,
                               float* const* a, float* const* b, int batch) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasStrsmBatched(
      h, right ? CUBLAS_SIDE_RIGHT : CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_N,
      CUBLAS_DIAG_NON_UNIT, m, k, &alpha, a, ld, b, ld, batch));
}
inline void lower_trsm_batched(cublasHandle_t h, bool right, double alpha, int m, int k, int ld,
                               double* const* a, double* const* b, int batch) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasDtrsmBatched(
      h, right ? CUBLAS_SIDE_RIGHT : CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_N,
      CUBLAS_DIAG_NON_UNIT, m, k, &alpha, a, ld, b, ld, batch));
}

/// C <- alpha op(A) B + beta C for `batch` strided matrices (column-major, B not transposed).
inline void gemm_strided_batched(cublasHandle_t h, bool transpose_a, int m, int n, int k,
                                 float alpha, const float* a, int lda, long long stride_a,
                                 const float* b, int ldb, long long stride_b, float beta, float* c,
                                 int ldc, long long stride_c, int batch) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasSgemmStridedBatched(
      h, transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, a, lda, stride_a,
      b, ldb, stride_b, &beta, c, ldc, stride_c, batch));
}
inline void gemm_strided_batched(cublasHandle_t h, bool transpose_a, int m, int n, int k,
                                 double alpha, const double* a, int lda, long long stride_a,
                                 const double* b, int ldb, long long stride_b, double beta,
                                 double* c, int ldc, long long stride_c, int batch) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasDgemmStridedBatched(
      h, transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, a, lda, stride_a,
      b, ldb, stride_b, &beta, c, ldc, stride_c, batch));
}

}  // namespace boltzkit::gpu
