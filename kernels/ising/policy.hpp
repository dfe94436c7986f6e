#pragma once
// Launch shapes of the lattice Ising kernels (compile-time: __launch_bounds__), shared by the GPU
// launches, the benchmark variants and the warp emulator.
namespace boltzkit::kernels {

/// Threads per block of the byte-per-spin half-sweep, initialization and measurement kernels.
constexpr int lattice_threads = 256;

/// Threads per block of the bit-packed kernels (one 64-spin word per thread per step).
constexpr int packed_threads = 256;

}  // namespace boltzkit::kernels
