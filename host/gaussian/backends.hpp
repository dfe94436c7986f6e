#pragma once
// Backend entry points of gaussian::evaluate. Arguments are already validated by
// host/gaussian/api.cpp; the GPU function only enqueues work on ctx's stream.
#include "boltzkit/gaussian.hpp"

namespace boltzkit::gaussian::backend {

namespace cpu {
/// The loops below tuning::gaussian_cpu_blocked_min_dim, the blocked path from it on.
template <class T>
void evaluate(const Inputs<T>& in, const Outputs<T>& out);

/// Straightforward float64 loops (host/linalg/dense_spd.hpp), OpenMP over the batch; a
/// broadcast matrix is factorized (and inverted) once.
template <class T>
void evaluate_loops(const Inputs<T>& in, const Outputs<T>& out);

/// OpenBLAS potrf/potri and triangular BLAS-2 in T's precision (sums in float64); a broadcast
/// matrix is factorized (and inverted) once. Threads: one element per OpenMP thread up to
/// tuning::gaussian_cpu_row_parallel_max_dim, multithreaded OpenBLAS inside one element beyond.
template <class T>
void evaluate_blocked(const Inputs<T>& in, const Outputs<T>& out);
}  // namespace cpu

namespace gpu {
/// The fused warp kernel for D <= fused_max_dim, the fused block kernel up to
/// tuning::gaussian_block_max_dim<T>(), the library path beyond.
template <class T>
void evaluate(Context& ctx, const Inputs<T>& in, const Outputs<T>& out);
}  // namespace gpu

}  // namespace boltzkit::gaussian::backend
