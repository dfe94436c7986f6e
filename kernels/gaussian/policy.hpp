#pragma once
// Launch shapes of the Gaussian kernels: compile-time facts the kernels are built around
// (__launch_bounds__), shared by the GPU launches and the warp emulator. Measured choices that
// could change without recompiling the kernels live in host/gaussian/tuning.hpp.
namespace boltzkit::kernels {

/// Threads per block of the fused kernel at most (8 warps): __launch_bounds__ of the kernel and
/// the cap of the host planner's warps per block.
constexpr int fused_threads_max = 256;

/// Threads per block of the block-per-matrix kernel (fused_block.cuh): __launch_bounds__ and the
/// launch. Eight warps: a panel of the largest size (D = 256, 8 tiles) has at most 7 tiles under
/// the diagonal, so each blocked step is one round of warps. The kernel itself runs with any whole
/// number of warps (the emulation tests use fewer to exercise the rounds).
constexpr int block_threads_max = 256;

}  // namespace boltzkit::kernels

namespace boltzkit::kernels {

/// Threads per block of the register kernel (one matrix per thread): __launch_bounds__, the
/// span one block stages through shared memory, and the host launch.
constexpr int register_threads = 128;

/// Words of one matrix (or vector) that each thread stages per pass through shared memory: a
/// D = 8 matrix (64 words) goes in two passes, so the stage is 128 × 33 words (16.5 KB in
/// float, 33 KB in double) and never needs the opt-in above 48 KB.
constexpr int register_stage_words = 32;

/// Largest D the register kernel is instantiated for (1 .. register_dim_max).
constexpr int register_dim_max = 8;

}  // namespace boltzkit::kernels
