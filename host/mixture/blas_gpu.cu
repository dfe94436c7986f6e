// The mixture family's only cuBLAS / cuSOLVER calls (see blas_gpu.hpp): GEMM for the whitening,
// scores and scatters, SYRK for the one-Gaussian scatter, and the linalg family's batched potrf / trsm wrappers for the factors.
#include <cublas_v2.h>

#include "blas_gpu.hpp"
#include "host/core/cuda_check.hpp"
#include "host/core/cuda_libraries.hpp"
#include "host/linalg/dense_library.hpp"

namespace boltzkit::mixture::blas {

namespace {

// The context binds its handles to its stream when it creates them.
cublasHandle_t cublas(Context& ctx) { return static_cast<cublasHandle_t>(ctx.cublas_handle()); }
cublasOperation_t op(bool t) { return t ? CUBLAS_OP_T : CUBLAS_OP_N; }

}  // namespace

Tf32Math::Tf32Math(Context& ctx, bool on) : ctx_(ctx), on_(on) {
  if (!on_) return;
  cublasMath_t mode = CUBLAS_DEFAULT_MATH;
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasGetMathMode(cublas(ctx_), &mode));
  previous_ = static_cast<int>(mode);
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasSetMathMode(cublas(ctx_), CUBLAS_TF32_TENSOR_OP_MATH));
}

Tf32Math::~Tf32Math() {
  // Not BOLTZKIT_CUDA: a destructor must not throw (the GEMMs are already enqueued; setting a
  // math mode on a valid handle does not fail).
  if (on_)
    (void)cuda_libraries::cublas().cublasSetMathMode(cublas(ctx_),
                                                     static_cast<cublasMath_t>(previous_));
}

void gemm(Context& ctx, bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasSgemm(cublas(ctx), op(ta), op(tb), m, n, k, &alpha, a, lda, b, ldb, &beta,
                            c, ldc));
}
void gemm(Context& ctx, bool ta, bool tb, int m, int n, int k, double alpha, const double* a,
          int lda, const double* b, int ldb, double beta, double* c, int ldc) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasDgemm(cublas(ctx), op(ta), op(tb), m, n, k, &alpha, a, lda, b, ldb, &beta,
                            c, ldc));
}

void syrk(Context& ctx, int n, int k, float alpha, const float* a, int lda, float beta, float* c,
          int ldc) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasSsyrk(cublas(ctx), CUBLAS_FILL_MODE_LOWER,
                                                     CUBLAS_OP_N, n, k, &alpha, a, lda, &beta, c,
                                                     ldc));
}
void syrk(Context& ctx, int n, int k, double alpha, const double* a, int lda, double beta,
          double* c, int ldc) {
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasDsyrk(cublas(ctx), CUBLAS_FILL_MODE_LOWER,
                                                     CUBLAS_OP_N, n, k, &alpha, a, lda, &beta, c,
                                                     ldc));
}

void potrf(Context& ctx, int n, float** a, int* info, int count) {
  gpu::potrf_batched(static_cast<cusolverDnHandle_t>(ctx.cusolver_handle()), n, a, info, count);
}
void potrf(Context& ctx, int n, double** a, int* info, int count) {
  gpu::potrf_batched(static_cast<cusolverDnHandle_t>(ctx.cusolver_handle()), n, a, info, count);
}

void solve(Context& ctx, bool transpose, int n, int cols, float** l, float** b, int count) {
  gpu::lower_solve_batched(cublas(ctx), transpose, n, cols, l, b, count);
}
void solve(Context& ctx, bool transpose, int n, int cols, double** l, double** b, int count) {
  gpu::lower_solve_batched(cublas(ctx), transpose, n, cols, l, b, count);
}

}  // namespace boltzkit::mixture::blas
