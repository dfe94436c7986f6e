#pragma once
// Launch shapes of the linalg kernels (compile-time; see host/linalg for the planners).
namespace boltzkit::kernels {

/// Threads per block of the element-wise kernels around the cuSOLVER/cuBLAS calls for D > 64:
/// memory-bound grid-stride loops, for which 256 is the usual full-occupancy block.
constexpr int large_threads = 256;

/// Threads per block of the group-tile building-block kernels (D <= 64) at most.
constexpr int linalg_small_threads_max = 256;

}  // namespace boltzkit::kernels
