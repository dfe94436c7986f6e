#pragma once
// BOLTZKIT_GPU_CALL(call): how a family's CPU-list source (api.cpp) calls into its GPU backend,
//
//   if (ctx.on_gpu()) BOLTZKIT_GPU_CALL(backend::gpu::evaluate(ctx, in, out));
//   else backend::cpu::evaluate(in, out);
//
// In a CUDA build it is the call itself. In a CPU-only build (cmake/BoltzkitCuda.cmake) the GPU
// backend is not compiled, so the call must not be either; no gpu Context can exist there, so the
// branch is never taken, and if it were, it would throw rather than do nothing.
#include "boltzkit/errors.hpp"

namespace boltzkit::detail {
[[noreturn]] inline void gpu_backend_not_built() {
  throw invalid_argument("this boltzkit was built without CUDA: the gpu backend is not available");
}
}  // namespace boltzkit::detail

#if BOLTZKIT_WITH_CUDA
#define BOLTZKIT_GPU_CALL(...) __VA_ARGS__
#else
#define BOLTZKIT_GPU_CALL(...) ::boltzkit::detail::gpu_backend_not_built()
#endif
