#pragma once
// Launch shapes of the mixture kernels, shared by the GPU launches and the warp emulator.
namespace boltzkit::kernels {

/// Threads (= points) per block of the fused small-D E-step kernel; __launch_bounds__ of it.
constexpr int mixture_fused_threads = 128;

/// Largest D of the fused kernel: d and z of one point live in registers (2·32 values).
constexpr int mixture_fused_max_dim = 32;

}  // namespace boltzkit::kernels
