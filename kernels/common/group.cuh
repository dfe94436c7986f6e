#pragma once
// Sub-warp groups: G lanes (a power of two, G <= 32) of one warp cooperate on one small matrix,
// so a warp holds 32/G matrices. Every lane of the warp runs the same loops (the matrix size is
// uniform), which makes __syncwarp() and full-mask shuffles safe everywhere.
#include <cstdint>

namespace boltzkit::kernels {

constexpr unsigned full_warp_mask = 0xffffffffu;
constexpr int warp_size = 32;

struct Group {
  int size;   // G
  int lane;   // lane within the group
  int index;  // which group of the warp
  int warp_lane;
};

__device__ inline Group make_group(int size) {
  const int warp_lane = static_cast<int>(threadIdx.x) % warp_size;
  return {size, warp_lane % size, warp_lane / size, warp_lane};
}

template <class T>
__device__ T group_sum(T v, int size) {
  for (int offset = size / 2; offset > 0; offset >>= 1)
    v += __shfl_xor_sync(full_warp_mask, v, offset, size);
  return v;
}

__device__ inline int group_min(int v, int size) {
  for (int offset = size / 2; offset > 0; offset >>= 1)
    v = min(v, __shfl_xor_sync(full_warp_mask, v, offset, size));
  return v;
}

#if !defined(BOLTZKIT_WARP_EMULATION)
/// The kernel's dynamic shared memory (one declaration, so the CPU warp emulator can supply its
/// own buffer in its place).
__device__ inline unsigned char* dynamic_shared_memory() {
  extern __shared__ __align__(16) unsigned char boltzkit_dynamic_shared[];
  return boltzkit_dynamic_shared;
}
#endif

/// Smallest power of two >= n (n <= 32).
__host__ __device__ inline int group_size_for(int n) {
  int g = 1;
  while (g < n && g < warp_size) g <<= 1;
  return g;
}

}  // namespace boltzkit::kernels
