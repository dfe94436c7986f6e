#pragma once
// Launch planning shared by the GPU host wrappers.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>

#include "kernels/common/group.cuh"
#include "kernels/common/group_tile.cuh"
#include "cuda_check.hpp"
#include "host/linalg/tuning.hpp"
#include "tuning.hpp"

namespace boltzkit::gpu {

inline int sm_count(int device) {
  int count = 0;
  BOLTZKIT_CUDA(cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device));
  return count;
}

/// Blocks for a grid-stride loop over `work` items of `per_block` each, capped to a few waves.
inline unsigned grid_for(std::int64_t work, std::int64_t per_block, int device) {
  const std::int64_t needed = (work + per_block - 1) / per_block;
  const std::int64_t cap = static_cast<std::int64_t>(sm_count(device)) * tuning::grid_blocks_per_sm;
  return static_cast<unsigned>(std::max<std::int64_t>(1, std::min(needed, cap)));
}

/// How the group-tile kernels are launched for one matrix size.
struct TileLaunch {
  int group_size;       // lanes per matrix
  int groups_per_warp;  // matrices per warp
  int warps_per_block;
  std::size_t shared_bytes;
  unsigned blocks;
};

/// Shared memory per block within tuning::tile_shared_budget_bytes (host/linalg/tuning.hpp).
template <class T>
TileLaunch plan_tile_launch(int n, std::int64_t batch, int device) {
  TileLaunch p{};
  p.group_size = kernels::group_size_for(n);
  p.groups_per_warp = kernels::warp_size / p.group_size;
  const std::size_t per_warp = kernels::tile_shared_bytes<T>(n, 1);
  p.warps_per_block = static_cast<int>(std::clamp<std::size_t>(
      tuning::tile_shared_budget_bytes / per_warp, 1, tuning::tile_warps_per_block_max));
  p.shared_bytes = kernels::tile_shared_bytes<T>(n, p.warps_per_block);
  p.blocks = grid_for(batch, static_cast<std::int64_t>(p.warps_per_block) * p.groups_per_warp,
                      device);
  return p;
}

/// Opts a kernel into more than 48 KB of dynamic shared memory when the plan needs it.
template <class Kernel>
void allow_shared(Kernel kernel, std::size_t bytes) {
  if (bytes > 48 * 1024)
    BOLTZKIT_CUDA(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(bytes)));
}

}  // namespace boltzkit::gpu
