// The packed half-sweep kernel instantiated with either plane source, launched like the
// library's own sweep_packed (same grid, same block size), so only the planes differ.
#include <cuda_runtime_api.h>

#include "../host/gpu/launch.cuh"
#include "../kernels/ising/packed_kernels.cuh"
#include "device_buffers.hpp"
#include "packed_planes.hpp"

namespace boltzkit::bench::detail {

namespace {
template <int Dims, class Planes>
void launch_sweeps(Context& ctx, kernels::PackedUpdate u, std::uint64_t* words,
                   std::int64_t replicas, std::uint64_t first_sweep, std::int64_t n) {
  const unsigned blocks =
      gpu::grid_for(replicas * u.g.words_per_colour, kernels::packed_threads, ctx.device());
  for (std::int64_t t = 0; t < n; ++t) {
    u.sweep = static_cast<std::uint32_t>(first_sweep + t);
    for (int colour = 0; colour < 2; ++colour)
      kernels::packed_half_sweep_kernel<Dims, Planes>
          <<<blocks, kernels::packed_threads, 0, ctx.stream()>>>(u, words, replicas, colour);
  }
  BENCH_CUDA(cudaGetLastError());
}

template <class Planes>
void launch_sweeps(Context& ctx, const kernels::PackedUpdate& u, std::uint64_t* words,
                   std::int64_t replicas, std::uint64_t first_sweep, std::int64_t n) {
  if (u.g.dims == 3)
    launch_sweeps<3, Planes>(ctx, u, words, replicas, first_sweep, n);
  else
    launch_sweeps<2, Planes>(ctx, u, words, replicas, first_sweep, n);
}
}  // namespace

void packed_sweeps_gpu(Context& ctx, kernels::PackedUpdate u, std::uint64_t* words,
                       std::int64_t replicas, std::uint64_t first_sweep, std::int64_t n,
                       plane_source source) {
  BENCH_CUDA(cudaSetDevice(ctx.device()));
  if (source == plane_source::philox)
    launch_sweeps<kernels::PhiloxPlanes>(ctx, u, words, replicas, first_sweep, n);
  else
    launch_sweeps<counter_hash_planes>(ctx, u, words, replicas, first_sweep, n);
}

}  // namespace boltzkit::bench::detail
