#pragma once
// Every cuBLAS / cuSOLVER call of the mixture family goes through these functions (defined in
// blas_gpu.cu, the one file that calls the libraries), on the context's handles and stream.
// Column-major conventions, as the libraries.
#include "boltzkit/context.hpp"

namespace boltzkit::mixture::blas {

/// While it lives, the context's cuBLAS handle runs float GEMMs in TF32 tensor-op math
/// (CUBLAS_TF32_TENSOR_OP_MATH) when `on` (EvaluateOptions::allow_tf32); the previous math mode
/// comes back at the end of the scope. GEMMs are enqueued with the mode current at the call.
class Tf32Math {
 public:
  Tf32Math(Context& ctx, bool on);
  ~Tf32Math();
  Tf32Math(const Tf32Math&) = delete;
  Tf32Math& operator=(const Tf32Math&) = delete;

 private:
  Context& ctx_;
  bool on_;
  int previous_ = 0;
};

/// C = alpha · op(A) · op(B) + beta · C (m × n, inner k).
void gemm(Context& ctx, bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);
void gemm(Context& ctx, bool ta, bool tb, int m, int n, int k, double alpha, const double* a,
          int lda, const double* b, int ldb, double beta, double* c, int ldc);

/// Lower triangle (column-major) of C = alpha · A · Aᵀ + beta · C, A n × k (syrk); the strict
/// upper triangle of C is not touched.
void syrk(Context& ctx, int n, int k, float alpha, const float* a, int lda, float beta, float* c,
          int ldc);
void syrk(Context& ctx, int n, int k, double alpha, const double* a, int lda, double beta,
          double* c, int ldc);

/// Lower Cholesky of `count` n × n matrices in place (potrfBatched), LAPACK info per matrix.
void potrf(Context& ctx, int n, float** a, int* info, int count);
void potrf(Context& ctx, int n, double** a, int* info, int count);

/// B ← op(L)⁻¹ B for lower L (n × n) and B (n × cols), every matrix (trsmBatched).
void solve(Context& ctx, bool transpose, int n, int cols, float** l, float** b, int count);
void solve(Context& ctx, bool transpose, int n, int cols, double** l, double** b, int count);

}  // namespace boltzkit::mixture::blas
