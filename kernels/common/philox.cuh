#pragma once
// Counter-based random numbers: Philox4x32-10 from Random123, keyed by the 64-bit seed. A draw is
// a pure function of (seed, counter), so a simulation does not depend on the launch
// configuration and the CPU backend can reproduce the GPU stream exactly.
#include <cstdint>

#include "host_device.hpp"

#if defined(__CUDACC__) && !defined(R123_CUDA_DEVICE)
#define R123_CUDA_DEVICE __host__ __device__
#endif
#include <Random123/philox.h>

namespace boltzkit::kernels {

struct PhiloxWords {
  std::uint32_t w[4];
};

/// Philox4x32-10 of counter (c0, c1, c2, c3) under key (seed).
BOLTZKIT_HD inline PhiloxWords philox(std::uint64_t seed, std::uint32_t c0, std::uint32_t c1,
                                      std::uint32_t c2, std::uint32_t c3) {
  philox4x32_ctr_t ctr = {{c0, c1, c2, c3}};
  philox4x32_key_t key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const philox4x32_ctr_t r = philox4x32(ctr, key);
  return {{r.v[0], r.v[1], r.v[2], r.v[3]}};
}

}  // namespace boltzkit::kernels
