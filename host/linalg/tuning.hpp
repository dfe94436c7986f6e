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

/// The library path's triangular inverse W = L^-1 (host/linalg/triangular_blocks.hpp): the
/// diagonal blocks of this size are inverted by one thread per column, the blocks between them
/// by level-batched cuBLAS trsm. Chosen, not measured: 32 keeps the per-thread substitution at
/// <= 528 multiply-adds (n * 32 / 2 per matrix, under 0.1 % of the n^3 / 3 of the levels at
/// n >= 257) and adds one level (two trsmBatched calls) per doubling of n / 32.
constexpr int library_inverse_leaf_dim = 32;

/// Rows of C = W^T W per gemmStridedBatched call of the library path's product (one call per
/// block row, C's lower block triangle). Chosen, not measured: n / 64 calls, and the full
/// diagonal blocks and zero upper triangles the GEMMs multiply cost about (1 + 3 * 64 / n) times
/// the n^3 / 3 of the triangle (1.4x at n = 512 with 8 block rows, counted in
/// bench/static_model); a GPU run should weigh that against the calls at 32 and 128.
constexpr int library_gram_block_dim = 64;

}  // namespace boltzkit::tuning
