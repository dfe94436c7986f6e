#pragma once
// Launch shapes of the RBM kernels, in one place so that host/rbm/gpu.cu and the emulation test
// launch them alike. Constants with provenance: host/rbm/tuning.hpp.
namespace boltzkit::kernels::rbm_policy {

/// Threads per block of every element-wise RBM kernel. predicted (no GPU run yet): 256 threads
/// (8 warps) is the project's default for streaming kernels (DESIGN.md §8).
inline constexpr int threads = 256;

}  // namespace boltzkit::kernels::rbm_policy
