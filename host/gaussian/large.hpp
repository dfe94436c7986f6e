#pragma once
#include "boltzkit/gaussian.hpp"

namespace boltzkit::gpu {
/// D > tuning::gaussian_block_max_dim<T>(): cuSOLVER potrfBatched, then cuBLAS
/// trsmBatched/gemmStridedBatched on triangular blocks (no identity right-hand side), over
/// balanced chunks of the batch.
template <class T>
void gaussian_evaluate_large(Context& ctx, const gaussian::Inputs<T>& in,
                             const gaussian::Outputs<T>& out);
}  // namespace boltzkit::gpu
