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

}  // namespace boltzkit::bm::backend::gpu
