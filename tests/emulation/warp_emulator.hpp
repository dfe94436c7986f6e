#pragma once
// Runs a __global__ function of the warp-level kernels on CPU threads (see cuda_shim.hpp).
// Blocks and warps run one at a time; the 32 lanes of a warp run concurrently so that every
// __syncwarp and shuffle is a real rendezvous. Shared memory is poisoned with NaN bytes before
// each block so reads of never-written tiles show up as NaN results.
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cuda_shim.hpp"

namespace emu {

constexpr std::size_t shared_capacity = 256 * 1024;

/// kernel<<<blocks, threads, shared_bytes>>>(args...): blocks one after another, all threads of
/// a block concurrently (warp barriers for __syncwarp, a block barrier for __syncthreads).
template <class Kernel, class... Args>
void launch(Kernel kernel, unsigned blocks, unsigned threads, std::size_t shared_bytes,
            const Args&... args) {
  if (shared_bytes > shared_capacity) throw std::runtime_error("emulated shared memory too small");
  if (threads % 32 != 0) throw std::runtime_error("emulated blocks must be whole warps");
  gridDim = dim3{blocks, 1, 1};
  blockDim = dim3{threads, 1, 1};
  for (unsigned b = 0; b < blocks; ++b) {
    std::memset(boltzkit::kernels::shared_raw, 0xff, shared_capacity);
    auto warps = std::make_unique<Warp[]>(threads / 32);
    std::barrier<> block(static_cast<std::ptrdiff_t>(threads));
    std::vector<std::thread> lanes;
    for (unsigned t = 0; t < threads; ++t) {
      lanes.emplace_back([&, t] {
        threadIdx = dim3{t, 0, 0};
        blockIdx = dim3{b, 0, 0};
        current_warp = &warps[t / 32];
        current_block = &block;
        kernel(args...);
      });
    }
    for (auto& t : lanes) t.join();
  }
}

}  // namespace emu
