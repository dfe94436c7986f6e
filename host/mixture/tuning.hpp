#pragma once
// Constants of the mixture family with their provenance. Nothing here is measured on a GPU yet.
#include <cstdint>

namespace boltzkit::mixture::tuning {

/// CPU reductions over points use this many slabs at most, merged in slab order, so the result
/// does not depend on the thread count. Design choice: 16 covers the machines in use (≤ 16
/// cores) while keeping merges negligible.
inline constexpr std::int64_t cpu_slabs = 16;

/// Memory cap for the slabs' accumulators, in doubles (2^25 = 256 MiB). Design choice: K = 64,
/// D = 256 needs 4.2 M doubles per slab, so such calls use fewer slabs instead of GBs.
inline constexpr std::int64_t cpu_slab_budget_doubles = std::int64_t{1} << 25;

/// A component whose responsibility count falls below this many points is collapsed and reset
/// (fit). Design choice, after scikit-learn's 10·eps floor: far below one point, so a component
/// that still owns a fraction of a point keeps its own estimate.
inline constexpr double collapse_count = 1e-6;

}  // namespace boltzkit::mixture::tuning

namespace boltzkit::mixture::tuning {

/// Points per tile of the GPU E-step and statistics. predicted (no GPU yet): 2^16 points make
/// each whitening GEMM (D × 2^16 by D × D) large enough to fill an H100 for D ≥ 16, while the
/// (tile, K) and two (tile, D) buffers stay ≤ 140 MB at K = 64, D = 256 in float64.
inline constexpr std::int64_t gpu_tile_points = std::int64_t{1} << 16;

/// Bytes of the statistics' scatter pass per tile: the centred rows Y_k and weighted rows V_k
/// of all K components (2·K·tile·D values; gpu.cu weighted_statistics). predicted (no GPU yet):
/// 16 MiB is under half the 50 MB L2 of an H100/H200, so the strided-batched GEMM reads what
/// center_weight_all_kernel just wrote from L2, not DRAM (static model README A14); at K = 64,
/// D = 32 (float) it makes 1024-point tiles, 2 launches each (256 tiles for N = 262,144; the
/// static model's em_iter case).
inline constexpr std::int64_t gpu_stats_batch_bytes = std::int64_t{16} << 20;

/// Blocks of the fused E-step kernel per SM. predicted: 128 threads and ≤ 4.2 KB of shared
/// memory per block (D = 32, fp32) allow many; 8 per SM hides the global loads. (Registers let
/// 5 blocks of fused_logp_kernel<float, 32> (96 registers) reside per SM; a 2^16-point tile is
/// 512 blocks, below the cap of 8 × 132 either way: bench/results/static_model.md.)
inline constexpr int gpu_fused_blocks_per_sm = 8;

/// At most this many blocks per SM of the one-Gaussian pass (single_fused_kernel); the occupancy
/// query decides below it. predicted: its shared memory (23 KB at D = 16, 104 KB at D = 64,
/// float) and registers allow 2–8 blocks; more than 8 would only lengthen the reduction of the
/// per-block partial sums (D² + D values per block).
inline constexpr int gpu_single_blocks_per_sm = 8;

/// Cap on the device k-means' per-range label sums (fit_steps.hpp, ranges × K × (D + 1)
/// doubles): past it the ranges grow. Design choice: 64 MiB holds N = 2²⁴, K = 64, D = 32 at the
/// default 8192-point ranges and keeps the workspace O(N) for every shape.
inline constexpr std::int64_t gpu_kmeans_partial_bytes = std::int64_t{64} << 20;

}  // namespace boltzkit::mixture::tuning
