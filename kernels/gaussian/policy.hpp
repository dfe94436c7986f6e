#pragma once
// Launch shapes of the Gaussian kernels: compile-time facts the kernels are built around
// (__launch_bounds__), shared by the GPU launches and the warp emulator. Measured choices that
// could change without recompiling the kernels live in host/gaussian/tuning.hpp.
namespace boltzkit::kernels {

/// Threads per block of the fused kernel at most (8 warps): __launch_bounds__ of the kernel and
/// the cap of the host planner's warps per block.
constexpr int fused_threads_max = 256;

}  // namespace boltzkit::kernels
