// GPU backend of the lattice routines (byte-per-spin path).
#include <cuda_runtime_api.h>

#include <algorithm>

#include "kernels/ising/lattice_kernels.cuh"
#include "host/core/cuda_check.hpp"
#include "backends.hpp"
#include "sweep_schedule.hpp"
#include "host/core/launch.cuh"
#include "host/core/workspace_layout.hpp"

namespace boltzkit::ising::backend::gpu {

namespace k = boltzkit::kernels;
using boltzkit::gpu::grid_for;
using boltzkit::gpu::WorkspaceLayout;

void initialize(Context& ctx, const Lattice& lattice, Spins spins, std::uint64_t seed, bool hot) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const std::int64_t total = spins.replicas * lattice.sites();
  k::lattice_initialize_kernel<<<grid_for(total, k::lattice_threads, ctx.device()),
                                 k::lattice_threads, 0, ctx.stream()>>>(
      spins.data, lattice.sites(), spins.replicas, seed, hot);
  BOLTZKIT_CHECK_LAUNCH();
}

void sweep(Context& ctx, k::LatticeUpdate u, const std::uint64_t* host_tables,
           std::int64_t table_entries, const double* host_betas, Spins spins,
           std::uint64_t first_sweep, std::int64_t n) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  WorkspaceLayout ws;
  const int s_tables = ws.reserve<std::uint64_t>(std::max<std::int64_t>(table_entries, 1));
  const int s_betas = ws.reserve<double>(spins.replicas);
  ws.bind(ctx.workspace(ws.bytes()));
  // Through the context's pinned staging: the call does not wait, the host arrays may go.
  if (table_entries > 0) {
    ctx.upload(ws.get<std::uint64_t>(s_tables), host_tables,
               sizeof(std::uint64_t) * static_cast<std::size_t>(table_entries));
    u.thresholds = ws.get<std::uint64_t>(s_tables);
  }
  if (u.bonds != nullptr) {  // only the per-bond update reads β itself
    ctx.upload(ws.get<double>(s_betas), host_betas,
               sizeof(double) * static_cast<std::size_t>(spins.replicas));
    u.betas = ws.get<double>(s_betas);
  } else {
    u.betas = nullptr;
  }
  const unsigned blocks =
      grid_for(spins.replicas * k::groups_per_colour(u.g), k::lattice_threads, ctx.device());
  detail::run_sweeps(u, first_sweep, n, [&](const k::LatticeUpdate& v, int colour, auto dims) {
    k::lattice_half_sweep_kernel<decltype(dims)::value>
        <<<blocks, k::lattice_threads, 0, ctx.stream()>>>(v, spins.data, spins.replicas, colour);
    BOLTZKIT_CHECK_LAUNCH();
  });
}

void measure(Context& ctx, const Lattice& lattice, const Couplings& couplings, Spins spins,
             double* energy, double* magnetization) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const k::LatticeGeometry g = detail::geometry_of(lattice);
  const int per_replica = static_cast<int>(
      std::clamp<std::int64_t>(g.sites / (k::lattice_threads * 16), 1, 64));
  WorkspaceLayout ws;
  const int s_bond = ws.reserve<double>(spins.replicas * per_replica);
  const int s_spin = ws.reserve<long long>(spins.replicas * per_replica);
  ws.bind(ctx.workspace(ws.bytes()));
  const std::int64_t blocks = spins.replicas * per_replica;
  k::lattice_partial_sums_kernel<<<static_cast<unsigned>(blocks), k::lattice_threads, 0,
                                   ctx.stream()>>>(g, spins.data, couplings.bonds,
                                                   couplings.bond_replica_stride, per_replica,
                                                   ws.get<double>(s_bond), ws.get<long long>(s_spin));
  BOLTZKIT_CHECK_LAUNCH();
  k::lattice_finish_sums_kernel<<<grid_for(spins.replicas, k::lattice_threads, ctx.device()),
                                  k::lattice_threads, 0, ctx.stream()>>>(
      ws.get<double>(s_bond), ws.get<long long>(s_spin), spins.replicas, per_replica,
      static_cast<double>(g.sites), couplings.J, couplings.h, couplings.bonds == nullptr, energy,
      magnetization);
  BOLTZKIT_CHECK_LAUNCH();
}

}  // namespace boltzkit::ising::backend::gpu
