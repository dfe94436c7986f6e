#pragma once
// Tuning of the group-tile kernels (linalg building blocks and the fused Gaussian kernel, which
// share the tile layout of kernels/common/group_tile.cuh). Predicted, not yet measured on a GPU.
#include <cstddef>

namespace boltzkit::tuning {

/// Largest D of the group-tile kernels; above it the cuSOLVER/cuBLAS path runs. Set by the
/// kernels' design, not measured: a group holds at most two rows per lane of a 32-lane warp.
constexpr int tile_max_dim = 64;

/// Dynamic shared memory per block of group tiles at most. Predicted: ~100 KB lets two blocks
/// share an H100 SM (228 KB) even at D = 64 in double, where one warp's tile is ~34 KB.
constexpr std::size_t tile_shared_budget_bytes = 100 * 1024;

/// Warps per block of the group-tile kernels at most (kernels/*/policy.hpp bound the block to
/// 256 threads through __launch_bounds__).
constexpr int tile_warps_per_block_max = 8;

}  // namespace boltzkit::tuning
