#pragma once
// The k-means++ draws of mixture::fit, shared by the CPU k-means (fit.cpp) and the device one
// (fit_steps.hpp, computed on the host and passed to the pick kernel): one owner, so both
// backends draw the same uniforms for a seed.
#include <cstdint>

#include "kernels/common/philox.cuh"

namespace boltzkit::mixture::detail {

/// k-means++ counter (DESIGN.md §5): (draw j, init i, 2³² − 4, 4); uniform in [0, 1) from 53 bits.
inline double kmeans_uniform(std::uint64_t seed, std::int64_t draw, std::int64_t init) {
  const auto w = kernels::philox(seed, static_cast<std::uint32_t>(draw),
                                 static_cast<std::uint32_t>(init), 0xFFFFFFFCu, 4u);
  const std::uint64_t bits = (static_cast<std::uint64_t>(w.w[0]) << 21) ^ (w.w[1] >> 11);
  return static_cast<double>(bits & ((std::uint64_t{1} << 53) - 1)) * 0x1p-53;
}

/// The first centre: point ⌊u·N⌋ (at most N − 1).
inline std::int64_t kmeans_first_pick(double u, std::int64_t npts) {
  const auto p = static_cast<std::int64_t>(u * static_cast<double>(npts));
  return p < npts - 1 ? p : npts - 1;
}

}  // namespace boltzkit::mixture::detail
