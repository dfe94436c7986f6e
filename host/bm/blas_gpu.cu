// The bm family's cuBLAS calls (all of them). Row-major x (rows, n) is column-major A (n, rows),
// so xᵀx is A·Aᵀ; cuBLAS's lower triangle (column-major) is the row-major upper triangle.
#include <cublas_v2.h>

#include "host/bm/blas_gpu.hpp"
#include "host/core/cuda_check.hpp"
#include "host/core/cuda_libraries.hpp"

namespace boltzkit::bm::backend::gpu {

void syrk_accumulate(Context& ctx, const double* x, std::int64_t rows, std::int64_t n, double* c) {
  if (rows == 0) return;
  const double one = 1.0;
  auto handle = static_cast<cublasHandle_t>(ctx.cublas_handle());
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasDsyrk(
      handle, CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(rows), &one,
      x, static_cast<int>(n), &one, c, static_cast<int>(n)));
}

// Row-major f (n, chains) is column-major F (chains, n); row-major ds (m, chains) is column-major
// D (chains, m); column-major Z (m, n) with ld = ldj at j has Z(u, i) = j[i·ldj + u] = J[i][k0+u].
// F += D·Z is f += Jcols·ds.
void field_gemm(Context& ctx, const double* ds, std::int64_t chains, const double* j, std::int64_t ldj,
                std::int64_t n, std::int64_t m, double* f) {
  if (chains == 0 || m == 0) return;
  const double one = 1.0;
  auto handle = static_cast<cublasHandle_t>(ctx.cublas_handle());
  BOLTZKIT_CUDA(cuda_libraries::cublas().cublasDgemm(
      handle, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(chains), static_cast<int>(n), static_cast<int>(m),
      &one, ds, static_cast<int>(chains), j, static_cast<int>(ldj), &one, f, static_cast<int>(chains)));
}

}  // namespace boltzkit::bm::backend::gpu
