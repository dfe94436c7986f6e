#pragma once
// Which bm_tile_kernel instance a launch runs: one owner for host/bm/gpu.cu and the emulation
// tests, so the tests exercise the dispatch the GPU takes.
#include <type_traits>

#include "host/bm/tuning.hpp"
#include "kernels/bm/policy.hpp"

namespace boltzkit::bm {

/// Calls f(T, TW), both std::integral_constant<int, ...>: T = tile_chains (32, 16 or 8) chains
/// per thread block, TW = the fields' register row tiles per warp (tuning::tile_register_tiles
/// at T = 32 when bm_policy says they fit n, else 0: fields in shared memory).
template <class F>
void with_tile_instance(int tile_chains, int n, F&& f) {
  using std::integral_constant;
  constexpr int tw = tuning::tile_register_tiles;
  if (tile_chains == 32 && kernels::bm_policy::tile_register_tiles(n, 32) == tw)
    f(integral_constant<int, 32>{}, integral_constant<int, tw>{});
  else if (tile_chains == 32)
    f(integral_constant<int, 32>{}, integral_constant<int, 0>{});
  else if (tile_chains == 16)
    f(integral_constant<int, 16>{}, integral_constant<int, 0>{});
  else
    f(integral_constant<int, 8>{}, integral_constant<int, 0>{});
}

}  // namespace boltzkit::bm
