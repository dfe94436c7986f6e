#pragma once
// Integer acceptance tables for uniform couplings, computed once on the host (so CPU and GPU
// use the very same numbers): threshold = ⌊p · 2^32⌋, compared with a 32-bit random word.
#include <cstdint>
#include <vector>

#include "boltzkit/ising.hpp"

namespace boltzkit::ising::detail {

/// Entries per replica: Metropolis 2·(2d+1) (by spin and neighbour sum), heat bath 2d+1.
int table_stride(int dims, Algorithm algorithm);

/// Tables for all replicas, concatenated (replicas × table_stride).
std::vector<std::uint64_t> acceptance_tables(int dims, Algorithm algorithm, double J, double h,
                                             const double* betas, std::int64_t replicas);

/// Packed path: flip probability of a spin with k anti-aligned neighbours (k = 0..2d), h = 0,
/// per replica (replicas × (2d+1)). Metropolis min(1, e^{−4βJ(d−k)}), heat bath
/// 1/(1 + e^{4βJ(d−k)}); heat bath tables are mirror-exact: T(2d−k) = 2^32 − T(k) for k < d
/// (T(k) = ⌊q(k)·2^32⌋ as everywhere) and T(d) = 2^31.
std::vector<std::uint64_t> packed_flip_tables(int dims, Algorithm algorithm, double J,
                                              const double* betas, std::int64_t replicas);

}  // namespace boltzkit::ising::detail
