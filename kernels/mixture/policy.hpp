#pragma once
// Launch shapes of the mixture kernels, shared by the GPU launches and the warp emulator.
#include <cstdint>

namespace boltzkit::kernels {

/// Threads (= points) per block of the fused small-D E-step kernel; __launch_bounds__ of it.
constexpr int mixture_fused_threads = 128;

/// Largest D of the fused kernel: d and z of one point live in registers (2·32 values).
constexpr int mixture_fused_max_dim = 32;

/// Threads per block of the one-Gaussian pass (single_fused_kernel), one per point of a tile;
/// __launch_bounds__ of it. 128: four warps share the staged tile and L⁻¹ while the register
/// tiles (up to 8 × 8 per thread at D = 64) still leave two blocks per SM.
constexpr int mixture_single_threads = 128;

/// Points per block tile of single_fused_kernel (= its threads: one staged row each).
constexpr int mixture_single_points = 128;

/// Largest D of single_fused_kernel (MaxDim instantiations 8, 16, 32, 64); float64 stops at 32,
/// where its 8 × 4 register tiles (64 registers of accumulators) still fit.
constexpr int mixture_single_max_dim = 64;
template <class T>
constexpr int mixture_single_max_dim_for = sizeof(T) == 4 ? mixture_single_max_dim : 32;

/// Lanes per block of the k-means++ kernels (kmeans_distance_kernel's tree, kmeans_pick_kernel's
/// scan; kernels/mixture/kmeans.cuh); a power of two. 256: the pick's lane-0 scan over the lanes'
/// sums stays short (256 adds) while each lane sums 32 consecutive distances of a range.
constexpr int kmeans_threads = 256;

/// Points per range of the k-means++ D² draw: one partial sum per range, and the pick rescans a
/// single range. 8192 = 32 points per lane of a 256-lane block; the range sums of N = 2³¹ points
/// (2¹⁸) are still one pass of 1024 adds per lane.
constexpr std::int64_t kmeans_range_points = 8192;

/// Blocks of the first pass of sum_kernel (fit's per-point log-likelihood sum; kmeans_threads
/// lanes each): 256 partial sums, then one block adds them. 256 × 256 lanes cover an H100/H200's
/// 132 SMs about twice while keeping the second pass one block's tree.
constexpr int sum_blocks = 256;

/// The split-TF32 kernels of one Gaussian past the single pass (kernels/mixture/split_tf32.cuh).
/// k per shared-memory stage: 4 mma k-steps of 8 between barriers, and 32 lanes read 32
/// consecutive values of a point when they fill it.
constexpr int split_tf32_k = 32;
/// split_score_kernel: 128 points × up to 256 score columns per block, 16 warps (4 × 4) of
/// 32 × 64 (or 32 × 32 for D ≤ 128): each Σ⁻¹ stage read from L2 serves 128 points (Σ⁻¹ crosses
/// L2 once per 128 points: 0.54 GB at D = 256, N = 2¹⁸), and 64 accumulators per lane keep one
/// block of 512 threads within 128 registers.
constexpr int split_score_points = 128;
constexpr int split_score_threads = 512;
/// split_score_kernel's column tiles: 32 columns per warp up to this D, 64 beyond (BN 128 / 256).
constexpr int split_score_narrow_max_dim = 128;
/// Points per stretch of the scatters' tensor-core sums before they are added, rounded to
/// nearest, into float64 (flush_accumulators): 256 = 32 mma k-steps, the truncation of a sum as
/// long as the score's at D = 256.
constexpr int split_flush_points = 256;
/// split_scatter_kernel: 128 × 128 tiles of the scatter, 8 warps (4 × 2) of 32 × 64.
constexpr int split_scatter_tile = 128;
constexpr int split_scatter_threads = 256;

}  // namespace boltzkit::kernels
