// GPU backend of the packed lattice path.
#include <cuda_runtime_api.h>

#include <algorithm>

#include "kernels/ising/packed_kernels.cuh"
#include "host/core/cuda_check.hpp"
#include "packed_backends.hpp"
#include "sweep_schedule.hpp"
#include "host/core/launch.cuh"
#include "host/core/workspace_layout.hpp"
#include "host/ising/tuning.hpp"

namespace boltzkit::ising::backend::gpu {

namespace k = boltzkit::kernels;
using boltzkit::gpu::grid_for;
using boltzkit::gpu::WorkspaceLayout;

void convert(Context& ctx, const k::PackedGeometry& g, Spins bytes, PackedSpins words,
             bool to_words) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const std::int64_t total = words.replicas * 2 * g.words_per_colour;
  k::packed_convert_kernel<<<grid_for(total, k::packed_threads, ctx.device()), k::packed_threads,
                             0, ctx.stream()>>>(g, bytes.data, words.data, words.replicas,
                                                to_words);
  BOLTZKIT_CHECK_LAUNCH();
}

void sweep_packed(Context& ctx, k::PackedUpdate u, const std::uint64_t* host_tables,
                  std::int64_t table_entries, PackedSpins spins, std::uint64_t first_sweep,
                  std::int64_t n) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  WorkspaceLayout ws;
  const int s_tables = ws.reserve<std::uint64_t>(table_entries);
  ws.bind(ctx.workspace(ws.bytes()));
  // Through the context's pinned staging: the call does not wait, the host table may go.
  ctx.upload(ws.get<std::uint64_t>(s_tables), host_tables,
             sizeof(std::uint64_t) * static_cast<std::size_t>(table_entries));
  u.thresholds = ws.get<std::uint64_t>(s_tables);
  const unsigned blocks =
      grid_for(spins.replicas * u.g.words_per_colour, k::packed_threads, ctx.device());
  detail::run_sweeps(u, first_sweep, n, [&](const k::PackedUpdate& v, int colour, auto dims) {
    k::with_plane_mode(v, [&](auto mode) {
      k::packed_half_sweep_kernel<decltype(dims)::value, k::PhiloxPlanes, decltype(mode)::value>
          <<<blocks, k::packed_threads, 0, ctx.stream()>>>(v, spins.data, spins.replicas, colour);
    });
    BOLTZKIT_CHECK_LAUNCH();
  });
}

void measure_packed(Context& ctx, const k::PackedGeometry& g, double J, PackedSpins spins,
                    double* energy, double* magnetization) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  // Blocks per replica: enough for every SM to hold tuning::ising_measure_blocks_per_sm blocks
  // over all replicas (one 65536^2 lattice fills the GPU), but no block with fewer than
  // ising_measure_words_per_thread words per thread. The counts are integers, so the result
  // does not depend on how many blocks share a replica.
  const std::int64_t wanted =
      (boltzkit::gpu::sm_count(ctx.device()) * tuning::ising_measure_blocks_per_sm + spins.replicas - 1) /
      spins.replicas;
  const std::int64_t useful =
      g.words_per_colour / (k::packed_threads * tuning::ising_measure_words_per_thread);
  const int per_replica = static_cast<int>(std::clamp<std::int64_t>(std::min(wanted, useful), 1, 1 << 16));
  WorkspaceLayout ws;
  const int s_up = ws.reserve<long long>(spins.replicas * per_replica);
  const int s_anti = ws.reserve<long long>(spins.replicas * per_replica);
  ws.bind(ctx.workspace(ws.bytes()));
  k::packed_partial_counts_kernel<<<static_cast<unsigned>(spins.replicas * per_replica),
                                    k::packed_threads, 0, ctx.stream()>>>(
      g, spins.data, per_replica, ws.get<long long>(s_up), ws.get<long long>(s_anti));
  BOLTZKIT_CHECK_LAUNCH();
  k::packed_finish_counts_kernel<<<grid_for(spins.replicas, k::packed_threads, ctx.device()),
                                   k::packed_threads, 0, ctx.stream()>>>(
      ws.get<long long>(s_up), ws.get<long long>(s_anti), spins.replicas, per_replica,
      static_cast<double>(g.lx * g.ly * g.lz), g.dims, J, energy, magnetization);
  BOLTZKIT_CHECK_LAUNCH();
}

}  // namespace boltzkit::ising::backend::gpu
