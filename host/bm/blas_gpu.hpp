#pragma once
// Every cuBLAS call of the bm family lives in host/bm/blas_gpu.cu (one place to route through a
// run-time loaded table).
#include <cstdint>

#include "boltzkit/context.hpp"

namespace boltzkit::bm::backend::gpu {

/// c (n, n) row-major, upper triangle (k <= l) += xᵀx for x (rows, n) row-major. Enqueued on
/// ctx.stream(). rows, n < 2^31.
void syrk_accumulate(Context& ctx, const double* x, std::int64_t rows, std::int64_t n, double* c);

}  // namespace boltzkit::bm::backend::gpu
