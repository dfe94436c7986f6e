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
/// by level-batched cuBLAS trsm. Chosen, not measured: 32 keeps a thread's substitution at
/// <= 496 multiply-adds (about n * 32^2 / 6 per matrix, under 1 % of the levels' n^3 / 3 from
/// n = 257 on), and each doubling of n / 32 adds one level (two trsmBatched calls).
constexpr int library_inverse_leaf_dim = 32;

/// Rows of C = W^T W per gemmStridedBatched call of the library path's product (one call per
/// block row of C's lower block triangle): 32 * max(1, round(n / 512)), so 8 to 24 block rows
/// from n = 256 on. The GEMMs multiply full rectangles, so the diagonal blocks and W's
/// zero triangles cost about (1 + 3 * block / n) times the n^3 / 3 of the triangle (counted:
/// 1.26x at n = 384, 1.19x at 512 and 1024, 1.40x at 257). Chosen, not measured (static model,
/// bench/results/static_model.md "Library path"): a fixed 64 costs 1.41x at n = 512 and 3.0x at
/// n = 128; narrower blocks mean more, thinner GEMMs, and how thin cuBLAS stays efficient is for
/// a GPU run to measure (bench/gaussian, D = 384 and 512).
constexpr int library_gram_block_dim(int n) {
  const int blocks = (n + 256) / 512;
  return 32 * (blocks < 1 ? 1 : blocks);
}

}  // namespace boltzkit::tuning
