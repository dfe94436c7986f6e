#pragma once
// Periodic neighbours of an index without a division: the GPU has no integer divider, so a
// `%` in the inner loop of a lattice update costs a subroutine call per neighbour.
#include <cstdint>

#include "host_device.hpp"

namespace boltzkit::kernels {

BOLTZKIT_HD inline std::int64_t next_periodic(std::int64_t i, std::int64_t n) {
  return i + 1 == n ? 0 : i + 1;
}

BOLTZKIT_HD inline std::int64_t previous_periodic(std::int64_t i, std::int64_t n) {
  return i == 0 ? n - 1 : i - 1;
}

}  // namespace boltzkit::kernels
