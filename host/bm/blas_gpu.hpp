#pragma once
// Every cuBLAS call of the bm family lives in host/bm/blas_gpu.cu (one place to route through a
// run-time loaded table).
#include <cstdint>

#include "boltzkit/context.hpp"

namespace boltzkit::bm::backend::gpu {

/// c (n, n) row-major, upper triangle (k <= l) += xᵀx for x (rows, n) row-major. Enqueued on
/// ctx.stream(). rows, n < 2^31.
void syrk_accumulate(Context& ctx, const double* x, std::int64_t rows, std::int64_t n, double* c);

/// f (n, chains) row-major += Jcols (n, m) · ds (m, chains) row-major, where Jcols(i, u) =
/// j[i·ldj + u] (J[:, k0 …] for j = J + k0, ldj = n). The blocked field update and, with m = n,
/// the field build. Exact on the grid (MATH.md §2.8) whatever cuBLAS's order. Enqueued on
/// ctx.stream(). chains, n, m < 2^31.
void field_gemm(Context& ctx, const double* ds, std::int64_t chains, const double* j, std::int64_t ldj,
                std::int64_t n, std::int64_t m, double* f);

}  // namespace boltzkit::bm::backend::gpu
