// The packed half-sweep kernel instantiated with either plane source, launched like the
// library's own sweep_packed (same grid, same block size), so only the planes differ.
#include <cuda_runtime_api.h>

#include "host/core/launch.cuh"
#include "host/ising/sweep_schedule.hpp"
#include "kernels/ising/packed_kernels.cuh"
#include "bench/common/device_tools.hpp"
#include "packed_planes.hpp"

namespace boltzkit::bench::detail {

namespace {
template <class Planes>
void launch_sweeps(Context& ctx, const kernels::PackedUpdate& u, std::uint64_t* words,
                   std::int64_t replicas, std::uint64_t first_sweep, std::int64_t n) {
  const unsigned blocks =
      gpu::grid_for(replicas * u.g.words_per_colour, kernels::packed_threads, ctx.device());
  ising::detail::run_sweeps(u, first_sweep, n,
                            [&](const kernels::PackedUpdate& v, int colour, auto dims) {
                              kernels::with_plane_mode(v, [&](auto mode) {
                                kernels::packed_half_sweep_kernel<decltype(dims)::value, Planes,
                                                                  decltype(mode)::value>
                                    <<<blocks, kernels::packed_threads, 0, ctx.stream()>>>(
                                        v, words, replicas, colour);
                              });
                            });
  BOLTZKIT_CUDA(cudaGetLastError());
}
}  // namespace

void packed_sweeps_gpu(Context& ctx, kernels::PackedUpdate u, std::uint64_t* words,
                       std::int64_t replicas, std::uint64_t first_sweep, std::int64_t n,
                       plane_source source) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  if (source == plane_source::philox)
    launch_sweeps<kernels::PhiloxPlanes>(ctx, u, words, replicas, first_sweep, n);
  else
    launch_sweeps<counter_hash_planes>(ctx, u, words, replicas, first_sweep, n);
}

}  // namespace boltzkit::bench::detail
