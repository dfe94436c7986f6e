#pragma once
// Runs a __global__ function of the warp-level kernels on the CPU (see cuda_shim.hpp).
// Blocks run one after another; the lanes of a block are fibers on the calling thread, so every
// __syncwarp, shuffle and __syncthreads is a real rendezvous, and a lane that never reaches a
// barrier the others wait at is reported as a deadlock instead of hanging the test. Shared
// memory is poisoned with NaN bytes before each block so reads of never-written tiles show up as
// NaN results.
#include <cstddef>
#include <cstring>
#include <stdexcept>

#include "cuda_shim.hpp"

namespace emu {

constexpr std::size_t shared_capacity = 256 * 1024;

/// Runs body(context) as every lane of block `block` (`threads` lanes) to completion.
void run_block(unsigned block, unsigned threads, void (*body)(void*), void* context);

/// kernel<<<blocks, threads, shared_bytes>>>(args...).
template <class Kernel, class... Args>
void launch(Kernel kernel, unsigned blocks, unsigned threads, std::size_t shared_bytes,
            const Args&... args) {
  if (shared_bytes > shared_capacity) throw std::runtime_error("emulated shared memory too small");
  if (threads % 32 != 0) throw std::runtime_error("emulated blocks must be whole warps");
  gridDim = dim3{blocks, 1, 1};
  blockDim = dim3{threads, 1, 1};
  auto lane_body = [&] { kernel(args...); };
  using Body = decltype(lane_body);
  for (unsigned b = 0; b < blocks; ++b) {
    std::memset(boltzkit::kernels::shared_raw, 0xff, shared_capacity);
    run_block(b, threads, [](void* body) { (*static_cast<Body*>(body))(); }, &lane_body);
  }
}

}  // namespace emu
