#pragma once
// Tuning of gaussian::evaluate. Predicted, not yet measured on a GPU.
#include "boltzkit/gaussian.hpp"
#include "host/linalg/tuning.hpp"

namespace boltzkit::tuning {

/// Crossover from the fused group-tile kernel to the cuSOLVER/cuBLAS path: the public constant
/// gaussian::fused_max_dim (64). Its origin is the kernel's design, not a measurement: a group
/// holds at most two rows per lane (R = 2, 32 lanes), so 64 is the largest D the fused kernel
/// covers. Whether the library path already wins below 64, or a blocked kernel would win above,
/// is for the first GPU run to measure (bench/NOTES.md).
constexpr std::int64_t gaussian_fused_max_dim = gaussian::fused_max_dim;
static_assert(gaussian_fused_max_dim == tile_max_dim,
              "the fused Gaussian kernel covers exactly the group-tile sizes");

}  // namespace boltzkit::tuning
