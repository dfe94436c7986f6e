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

/// The ten round keys of Philox4x32-10 under one seed (Random123's key schedule: the seed, then
/// + (0x9E3779B9, 0xBB67AE85) per round). A loop that draws many counters under one seed
/// computes them once (or passes them as a kernel argument) instead of re-deriving them on
/// every call.
struct PhiloxKeys {
  std::uint32_t k[10][2];
};

BOLTZKIT_HD inline PhiloxKeys philox_keys(std::uint64_t seed) {
  PhiloxKeys keys{};
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    keys.k[round][0] = k0;
    keys.k[round][1] = k1;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return keys;
}

/// Philox4x32-10 of counter (c0, c1, c2, c3) under a precomputed key schedule: the same words as
/// philox(seed, ...) for keys = philox_keys(seed) (Random123's round function; checked against
/// it in tests/ising/packed_test.cpp).
BOLTZKIT_HD inline PhiloxWords philox(const PhiloxKeys& keys, std::uint32_t c0, std::uint32_t c1,
                                      std::uint32_t c2, std::uint32_t c3) {
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{0xD2511F53u} * c0;
    const std::uint64_t p1 = std::uint64_t{0xCD9E8D57u} * c2;
    const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    c0 = hi1 ^ c1 ^ keys.k[round][0];
    c1 = lo1;
    c2 = hi0 ^ c3 ^ keys.k[round][1];
    c3 = lo0;
  }
  return {{c0, c1, c2, c3}};
}

}  // namespace boltzkit::kernels
