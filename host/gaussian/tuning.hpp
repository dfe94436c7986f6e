#pragma once
// Tuning of gaussian::evaluate. The GPU constants are predicted, not yet measured on a GPU; the
// CPU constants were measured on the 2-core AMD EPYC build machine (shared, noisy) with
//   build/release/bench/boltzkit_bench_gaussian --benchmark_filter='Cpu(Cholesky|Paths)'
// (bench/gaussian/gaussian_cpu_bench.cpp); bench/results/gaussian_cpu_peers.md has the figures.
#include <cstdint>

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

/// Smallest D at which the CPU backend uses the blocked library path (OpenBLAS potrf/potri in
/// the input's precision) instead of the simple float64 loops (host/linalg/dense_spd.hpp).
/// Measured: CpuPaths/loops vs CpuPaths/blocked (full evaluate with every gradient, double,
/// one thread per row); see the provenance line at the top of this file.
constexpr std::int64_t gaussian_cpu_blocked_min_dim = 48;

/// Largest D at which the blocked CPU path runs one batch element per OpenMP thread (OpenBLAS
/// single-threaded inside); above it, or for a single element, the elements run one after the
/// other and OpenBLAS threads each factorization. Bounds the per-thread D×D workspace too
/// (1024² doubles = 8 MiB a thread). Measured: at D = 1000 one row per thread and a threaded
/// potrf are within noise of each other on 2 cores; one row per thread wins below.
constexpr std::int64_t gaussian_cpu_row_parallel_max_dim = 1024;

}  // namespace boltzkit::tuning
