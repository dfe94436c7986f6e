#pragma once
// Launch shapes of the lattice Ising kernels (compile-time: __launch_bounds__), shared by the GPU
// launches, the benchmark variants and the warp emulator.
namespace boltzkit::kernels {

/// Threads per block of the byte-per-spin half-sweep, initialization and measurement kernels.
constexpr int lattice_threads = 256;

/// Threads per block of the bit-packed kernels (one 64-spin word per thread per step).
constexpr int packed_threads = 256;

/// Blocks of the packed half-sweep kernel an SM must be able to hold (__launch_bounds__): at
/// most 65536 / (256 · 5) → 48 registers per thread, 40 warps per SM (as the two-level loop had
/// before its first Philox call was peeled) to hide the neighbour loads and the Philox multiply
/// chains. Without the bound nvcc took 69–84 registers (16–24 warps/SM); with it the sm_90 SASS
/// spills 8–16 bytes outside the plane loop (static model: 0.34 local accesses per word, same
/// predicted throughput as 4 blocks with 55 registers). Predicted, not measured (no GPU yet).
constexpr int packed_sweep_min_blocks = 5;

}  // namespace boltzkit::kernels
