#pragma once
// The order of the half-sweeps of one sweep call, shared by every backend and path (and the
// benchmark's variants): sweeps first_sweep, first_sweep + 1, …, each colour 0 then colour 1,
// with the lattice dimension handed over as a compile-time constant so the update templates
// keep their arrays in registers. One schedule, so the random-number counters cannot drift
// apart between the CPU and the GPU.
#include <cstdint>
#include <type_traits>

namespace boltzkit::ising::detail {

/// Calls half_sweep(u, colour, std::integral_constant<int, d>{}) for every half-sweep of n
/// sweeps, with u.sweep set; d = u.g.dims (2 or 3).
template <class Update, class HalfSweep>
void run_sweeps(Update u, std::uint64_t first_sweep, std::int64_t n, HalfSweep&& half_sweep) {
  for (std::int64_t t = 0; t < n; ++t) {
    u.sweep = static_cast<std::uint32_t>(first_sweep + t);
    for (int colour = 0; colour < 2; ++colour) {
      if (u.g.dims == 3)
        half_sweep(u, colour, std::integral_constant<int, 3>{});
      else
        half_sweep(u, colour, std::integral_constant<int, 2>{});
    }
  }
}

}  // namespace boltzkit::ising::detail
