#pragma once
// Launch shapes of the bm kernels, in one place so host/bm/gpu.cu and the emulation test launch
// them alike. Constants with provenance: host/bm/tuning.hpp.
#include <cstdint>

#include "host/bm/tuning.hpp"
#include "kernels/bm/limb_split.cuh"

namespace boltzkit::kernels::bm_policy {

constexpr int warp = 32;
/// Threads of the element-wise kernels (initial spins, energies, accumulation, enumeration).
constexpr int threads = 256;

/// Threads (chains) per block of the blocked path's decision kernel.
constexpr int block_threads = boltzkit::bm::tuning::block_threads;
/// Sites per block of the blocked path (template argument of bm_block_kernel).
constexpr int block_spins = boltzkit::bm::tuning::block_spins;

inline std::size_t block_shared_bytes() {
  return static_cast<std::size_t>(block_spins) * block_spins * sizeof(double);
}

/// Threads of the tile kernel (bm_tile_kernel) and its sites per block.
constexpr int tile_threads = boltzkit::bm::tuning::tile_threads;
constexpr int tile_block_spins = boltzkit::bm::tuning::tile_block_spins;

/// Dynamic shared memory of the tile kernel: fields (n, T), the J block (B, B), thresholds (T, B + 1) and threshold scales (T) as
/// doubles, ΔS (T, B + 1) as 32-bit words (the high words of doubles) and the spins as 32-bit
/// masks (T, ⌈n/32⌉).
inline std::size_t tile_shared_bytes(std::int64_t n, int tile_chains) {
  const auto t = static_cast<std::size_t>(tile_chains), b = static_cast<std::size_t>(tile_block_spins);
  const auto words = static_cast<std::size_t>((n + 31) / 32);
  const auto rows = static_cast<std::size_t>(n);
  return (rows * t + b * b + (b + 1) * t + t) * sizeof(double) + ((b + 1) * t + t * words) * sizeof(std::uint32_t);
}

/// Chains per block of the tile kernel for n spins: tuning::tile_chains_max halved while the
/// shared memory exceeds tuning::shared_bytes_max; 0 when not even tile_chains_min fits.
inline int tile_chains(std::int64_t n) {
  namespace t = boltzkit::bm::tuning;
  for (int c = t::tile_chains_max; c >= t::tile_chains_min; c /= 2)
    if (tile_shared_bytes(n, c) <= t::shared_bytes_max) return c;
  return 0;
}

/// Shared memory of the limb tile kernel (bm_limb_tile_kernel, bytes): the digit planes, then (as
/// the tile kernel, 32 chains) the block's fields (32 × 32) and hi/σ block (32 × 32, quad order),
/// the thresholds (32, 33), scales (32) and bounds (32) as doubles, ΔS words (32, 33), the δ
/// operand (32 × 32 bytes) and the spin masks (32, ⌈n/32⌉ words).
inline std::int64_t limb_shared_bytes(std::int64_t n) {
  constexpr std::int64_t t = 32, b = 32;
  return bm_limb_plane_bytes(bm_limb_padded(n)) + (b * t + b * b + (b + 1) * t + t + b) * 8 +
         ((b + 1) * t + t * b / 4 + t * ((n + 31) / 32)) * 4;
}

/// Whether the tiled path runs the limb tile kernel for n spins: n <= tuning::limb_max_spins
/// (its 4 warps hold the int32 fields of 4 row tiles of 16 each: n <= 256) and its shared memory
/// fits.
inline bool uses_limb_kernel(std::int64_t n) {
  namespace t = boltzkit::bm::tuning;
  return n <= t::limb_max_spins && n <= 4 * 16 * (tile_threads / warp) &&
         limb_shared_bytes(n) <= static_cast<std::int64_t>(t::shared_bytes_max);
}

/// Layout of the chain kernel's dynamic shared memory: [J (n²) if shared][fields (warps·n)]
/// [spins (warps·n) int8].
struct ChainLaunch {
  int warps_per_block;
  bool j_shared;
  std::size_t shared_bytes;
};

inline std::size_t chain_shared_bytes(std::int64_t n, int warps, bool j_shared) {
  const auto nz = static_cast<std::size_t>(n);
  return (j_shared ? nz * nz * sizeof(double) : 0) + static_cast<std::size_t>(warps) * nz * (sizeof(double) + 1);
}

/// One warp per chain; as many warps per block as the shared-memory budget allows (at most
/// tuning::chains_per_block); J joins them in shared memory when it fits tuning::shared_j_bytes.
inline ChainLaunch chain_launch(std::int64_t n) {
  namespace t = boltzkit::bm::tuning;
  int warps = t::chains_per_block;
  while (warps > 1 && chain_shared_bytes(n, warps, false) > t::shared_bytes_max) --warps;
  const bool j_shared = chain_shared_bytes(n, warps, true) <= t::shared_j_bytes;
  return {warps, j_shared, chain_shared_bytes(n, warps, j_shared)};
}

}  // namespace boltzkit::kernels::bm_policy
