#pragma once
// Tuning of gaussian::evaluate. The GPU constants are predicted, not yet measured on a GPU; the
// CPU constants were measured on the 2-core AMD EPYC build machine (shared, noisy) with
//   build/release/bench/boltzkit_bench_gaussian --benchmark_filter='Cpu(Cholesky|Paths)'
// (bench/gaussian/gaussian_cpu_bench.cpp); bench/results/gaussian_cpu_peers.md has the figures.
#include <cstddef>
#include <cstdint>

#include "boltzkit/gaussian.hpp"
#include "host/linalg/tuning.hpp"
#include "kernels/gaussian/policy.hpp"

namespace boltzkit::tuning {

/// Crossover from the fused group-tile kernel to the block-per-matrix kernel: the public constant
/// gaussian::fused_max_dim (64). Its origin is the kernel's design, not a measurement: a group
/// holds at most two rows per lane (R = 2, 32 lanes), so 64 is the largest D the fused kernel
/// covers. Whether the block kernel already wins below 64 is for the first GPU run to measure
/// (bench/NOTES.md).
constexpr std::int64_t gaussian_fused_max_dim = gaussian::fused_max_dim;
static_assert(gaussian_fused_max_dim == tile_max_dim,
              "the fused Gaussian kernel covers exactly the group-tile sizes");

/// Largest D that the GPU backend runs with the register kernel (one thread per matrix,
/// kernels/gaussian/register_small.cuh) instead of the row-register kernel. Predicted by the
/// static model (bench/static_model, bench/results/static_model.md, 2026-12-03), not yet
/// measured: fp32 covariance, log p + ∂μ + ∂Σ, B = 2^20: D = 4 0.066 ms (group-tile kernel
/// 0.245), D = 8 0.217 ms (0.87), both DRAM-bound at 97 % / 99 % of the memory floor. The kernel
/// exists for D = 1..8 only (kernels::register_dim_max; at D = 8 it already takes 222 registers
/// in float, 255 in double). The model has no latency term, and at 8 warps/SM (D = 8) latency
/// may matter: whether the class should end lower, e.g. in double, is for the first GPU run
/// (bench/gaussian, D = 4 and 8) to measure.
constexpr std::int64_t gaussian_register_max_dim = 8;
static_assert(gaussian_register_max_dim <= kernels::register_dim_max,
              "the register kernel is instantiated only up to kernels::register_dim_max");

/// The row-register kernel (kernels/gaussian/fused_rows.cuh) takes rows_min_dim <= D <=
/// rows_max_dim; the group-tile kernel the rest of the fused range. Predicted, not measured:
/// the static model (bench/results/static_model_history.md, 2026-12-03) puts the row-register
/// kernel ahead at every benchmarked D in 9..64 (D = 16, 32, 64); below 9 one lane per row
/// leaves most of a 16-lane group idle. Its rows are in registers, two per lane at most, so 64
/// is its end. Re-measure both crossovers when a GPU is lent.
constexpr std::int64_t gaussian_rows_min_dim = 9;
constexpr std::int64_t gaussian_rows_max_dim = 64;

/// Largest D of the block-per-matrix kernel (kernels/gaussian/fused_block.cuh), which takes
/// fused_max_dim < D <= these; the library path (host/gaussian/large.cu: potrfBatched, then
/// W = L^-1 and W^T W on triangular blocks without an identity right-hand side,
/// host/linalg/triangular_blocks.hpp) takes larger D. The crossover is a model figure, not a
/// measurement: no GPU has measured either side yet; re-measure it when one is lent
/// (bench/gaussian: gaussian/gpu/fp32/full at D = 256 and 384, fp64 at 256 and 512).
/// float: 256, the largest size the kernel is built for (8 tiles a side, 156 KB of shared
/// memory), predicted faster than the library path there by the static model (bench/static_model,
/// bench/results/static_model.md "Block kernel against the library path", fp32 covariance with
/// every gradient): D = 128, B = 4096 0.56 ms vs 1.64 ms; D = 256, B = 1024 0.77 ms vs 2.2 ms
/// (the library path before the triangular blocks: 2.05 and 3.4 ms). The model charges every
/// cuBLAS/cuSOLVER call at one assumed 25 % of the FP32 peak (README A9), so the library side is
/// the less certain one. double: 192, as far as shared memory allows (21 tiles of 32 x 33
/// doubles, 184 KB; D = 224 would need 237 KB > 227 KB); the model covers fp32 only, so this limit
/// is the shared-memory one, not a measured or modelled crossover.
constexpr std::int64_t gaussian_block_max_dim_float = 256;
constexpr std::int64_t gaussian_block_max_dim_double = 192;

template <class T>
constexpr std::int64_t gaussian_block_max_dim() {
  return sizeof(T) == sizeof(float) ? gaussian_block_max_dim_float : gaussian_block_max_dim_double;
}
static_assert(gaussian_rows_min_dim == gaussian_register_max_dim + 1,
              "the register and row-register classes meet");

/// Smallest D at which the CPU backend uses the blocked library path (OpenBLAS potrf/potri in
/// the input's precision) instead of the simple float64 loops (host/linalg/dense_spd.hpp).
/// Measured: OMP_NUM_THREADS=1 boltzkit_bench_gaussian --benchmark_filter='gaussian_cpu/paths'
/// (log p and every gradient, B = 256, ms per call, loops / blocked, 2026-12-03):
///   D = 16: fp64 0.84 / 1.18, fp32 0.55 / 0.78    D = 32: fp64 14.2 / 13.4, fp32 11.1 / 10.7
///   D = 40: fp64 24.6 / 16.9, fp32 25.8 / 20.5    D = 64: fp64 105 / 67,    fp32 86 / 54
/// (D = 24 was within the machine's noise). The library's fixed cost per call loses below ~32.
/// Why OpenBLAS and not Eigen's blocked LLT: gaussian_cpu/cholesky, one thread, D = 1000:
/// potrf 54 ms, Eigen LLT 111 ms; D = 2000: 361 ms vs 813 ms; and LAPACK has potri for the
/// inverse, where Eigen would need two full triangular solves against the identity.
constexpr std::int64_t gaussian_cpu_blocked_min_dim = 32;

/// Largest D at which the blocked CPU path runs one batch element per OpenMP thread even when
/// there are fewer elements than threads; above it, such small batches run one element at a
/// time with OpenBLAS threading each factorization (with at least as many elements as threads,
/// one element per thread at every D). Measured: gaussian_cpu/rows/fp64/D:1000/B:{1,2} and
/// gaussian_cpu/cholesky/openblas_potrf at D = 1000 with OMP_NUM_THREADS=1 vs 2: on this shared,
/// oversubscribed 2-core machine a 2-thread potrf took 7 s where the 1-thread one took 54 ms
/// (OpenBLAS's threads spin-wait on each other; numpy's OpenBLAS did the same: 3.4 s vs 88 ms),
/// while one element per thread synchronizes once per call and keeps its speed.
constexpr std::int64_t gaussian_cpu_row_parallel_max_dim = 1024;

/// Most bytes of per-thread D×D workspaces that one-element-per-thread may use (one matrix of
/// T per thread); beyond it elements run one at a time. Chosen, not measured: 4 GiB is 2 threads
/// at D = 16384 in double, or 20 threads at D = 5000, on a machine that holds the inputs.
constexpr std::size_t gaussian_cpu_row_workspace_bytes = std::size_t{4} << 30;

}  // namespace boltzkit::tuning
