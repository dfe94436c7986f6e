#pragma once
// Which bm_tile_kernel instance a launch runs: one owner for host/bm/gpu.cu and the emulation
// tests, so the tests exercise the dispatch the GPU takes.
#include <type_traits>

namespace boltzkit::bm {

/// Calls f(T) with T = std::integral_constant<int, tile_chains> (32, 16 or 8 chains per thread
/// block, the kernel's template argument).
template <class F>
void with_tile_instance(int tile_chains, F&& f) {
  using std::integral_constant;
  if (tile_chains == 32)
    f(integral_constant<int, 32>{});
  else if (tile_chains == 16)
    f(integral_constant<int, 16>{});
  else
    f(integral_constant<int, 8>{});
}

}  // namespace boltzkit::bm
