// GPU backend of the bm family: the chain kernel (one warp per chain), element-wise kernels and
// the enumeration kernel of kernels/bm/chain_kernels.cuh; correlations through SYRK
// (blas_gpu.cu). sample() and enumerate() return host data and so synchronize.
#include <cuda_runtime_api.h>

#include <vector>

#include "backends.hpp"
#include "host/bm/blas_gpu.hpp"
#include "host/core/cuda_check.hpp"
#include "host/core/device_buffer.hpp"
#include "host/core/launch.cuh"
#include "kernels/bm/chain_kernels.cuh"

namespace boltzkit::bm::backend::gpu {

namespace k = boltzkit::kernels;
using boltzkit::gpu::grid_for;

namespace {

constexpr int threads = k::bm_policy::threads;

/// Model whose arrays are device copies of a host model (kept alive by the buffers).
struct DeviceModel {
  DeviceBuffer<double> j, h;
  Model model;
  DeviceModel(const Model& host)
      : j(std::vector<double>(host.j, host.j + host.n * host.n)),
        h(std::vector<double>(host.h, host.h + host.n)),
        model{j.data(), h.data(), host.n, host.beta} {}
};

}  // namespace

void initial_spins(Context& ctx, std::int8_t* spins, std::int64_t chains, std::int64_t n,
                   std::uint64_t seed) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  k::bm_initial_kernel<<<grid_for(chains * n, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      spins, chains, n, seed);
  BOLTZKIT_CHECK_LAUNCH();
}

namespace {

void launch_sweep(Context& ctx, const Model& model, std::int8_t* spins, std::int64_t chains,
                  std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
                  const SweepOptions& options, const double* chain_beta) {
  const k::bm_policy::ChainLaunch plan = k::bm_policy::chain_launch(model.n);
  if (plan.shared_bytes > 48 * 1024)
    BOLTZKIT_CUDA(cudaFuncSetAttribute(k::bm_sweep_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(plan.shared_bytes)));
  const std::int64_t blocks = (chains + plan.warps_per_block - 1) / plan.warps_per_block;
  k::BmChainParams p = chain_params(model, seed, options);
  p.chain_beta = chain_beta;
  const k::BmSweepLaunch a{p, spins, chains, static_cast<std::uint32_t>(first_sweep), n_sweeps,
                           plan.j_shared ? 1 : 0};
  k::bm_sweep_kernel<<<static_cast<unsigned>(blocks), plan.warps_per_block * k::bm_policy::warp,
                       plan.shared_bytes, ctx.stream()>>>(a);
  BOLTZKIT_CHECK_LAUNCH();
}

}  // namespace

void sweep(Context& ctx, const Model& model, std::int8_t* spins, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
           const SweepOptions& options) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  launch_sweep(ctx, model, spins, chains, seed, first_sweep, n_sweeps, options, nullptr);
}

void energy(Context& ctx, const Model& model, const std::int8_t* spins, std::int64_t chains,
            double* out) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  k::bm_energy_kernel<<<grid_for(chains, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      model.j, model.h, spins, chains, model.n, out);
  BOLTZKIT_CHECK_LAUNCH();
}

RawStatistics sample(Context& ctx, const Model& host, const SampleOptions& o, std::int64_t groups) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const DeviceModel dm(host);
  const std::int64_t n = host.n, chains = o.chains, count = chains * n;
  DeviceBuffer<std::int8_t> spins(static_cast<std::size_t>(count));
  DeviceBuffer<double> x(static_cast<std::size_t>(count)),
      sums(std::vector<double>(static_cast<std::size_t>(count), 0.0)),
      corr(std::vector<double>(static_cast<std::size_t>(groups * n * n), 0.0)),
      energies(static_cast<std::size_t>(chains));
  gpu::initial_spins(ctx, spins.data(), chains, n, o.seed);
  if (o.burn_in > 0) gpu::sweep(ctx, dm.model, spins.data(), chains, o.seed, 0, o.burn_in, o.sweep);
  for (std::int64_t t = 0; t < o.sweeps; ++t) {
    gpu::sweep(ctx, dm.model, spins.data(), chains, o.seed, static_cast<std::uint64_t>(o.burn_in + t), 1, o.sweep);
    k::bm_accumulate_kernel<<<grid_for(count, threads, ctx.device()), threads, 0, ctx.stream()>>>(
        spins.data(), count, sums.data(), x.data());
    BOLTZKIT_CHECK_LAUNCH();
    for (std::int64_t g = 0; g < groups; ++g) {
      const std::int64_t b = group_begin(g, groups, chains), e = group_begin(g + 1, groups, chains);
      syrk_accumulate(ctx, x.data() + b * n, e - b, n, corr.data() + g * n * n);
    }
  }
  gpu::energy(ctx, dm.model, spins.data(), chains, energies.data());
  RawStatistics r;
  r.spins.resize(static_cast<std::size_t>(count));
  r.chain_sums.resize(static_cast<std::size_t>(count));
  r.group_corr.resize(static_cast<std::size_t>(groups * n * n));
  r.energy.resize(static_cast<std::size_t>(chains));
  spins.download(r.spins.data(), r.spins.size(), ctx.stream());
  sums.download(r.chain_sums.data(), r.chain_sums.size(), ctx.stream());
  corr.download(r.group_corr.data(), r.group_corr.size(), ctx.stream());
  energies.download(r.energy.data(), r.energy.size(), ctx.stream());
  ctx.synchronize();
  return r;
}

ExactChunks enumerate(Context& ctx, const Model& host) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const DeviceModel dm(host);
  const std::int64_t n = host.n;
  const int chunk_log2 = k::bm_exact_chunk_log2(n);
  ExactChunks out;
  out.chunks = std::int64_t{1} << (n - chunk_log2);
  const auto per = static_cast<std::size_t>(out.chunks * n);
  DeviceBuffer<std::int8_t> s(per);
  DeviceBuffer<double> f(per), wk(per), mean(per),
      corr(std::vector<double>(per * static_cast<std::size_t>(n), 0.0)),
      ref(static_cast<std::size_t>(out.chunks)), z(static_cast<std::size_t>(out.chunks));
  const k::BmExactLaunch a{dm.model.j, dm.model.h, n, host.beta, chunk_log2, out.chunks, s.data(),
                           f.data(), wk.data(), mean.data(), corr.data(), ref.data(), z.data()};
  k::bm_exact_kernel<<<grid_for(out.chunks, threads, ctx.device()), threads, 0, ctx.stream()>>>(a);
  BOLTZKIT_CHECK_LAUNCH();
  out.ref.resize(static_cast<std::size_t>(out.chunks));
  out.z.resize(out.ref.size());
  out.mean.resize(per);
  out.corr.resize(per * static_cast<std::size_t>(n));
  ref.download(out.ref.data(), out.ref.size(), ctx.stream());
  z.download(out.z.data(), out.z.size(), ctx.stream());
  mean.download(out.mean.data(), out.mean.size(), ctx.stream());
  corr.download(out.corr.data(), out.corr.size(), ctx.stream());
  ctx.synchronize();
  return out;
}

void advance_host_chains(Context& ctx, const Model& host, std::int8_t* host_spins,
                         std::int64_t chains, std::uint64_t seed, std::uint64_t first_sweep,
                         std::int64_t n_sweeps, const SweepOptions& options,
                         const double* host_chain_beta) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const DeviceModel dm(host);
  const auto count = static_cast<std::size_t>(chains * host.n);
  DeviceBuffer<std::int8_t> spins(count);
  spins.upload(host_spins, count, ctx.stream());
  DeviceBuffer<double> betas;
  if (host_chain_beta != nullptr)
    betas = DeviceBuffer<double>(std::vector<double>(host_chain_beta, host_chain_beta + chains));
  launch_sweep(ctx, dm.model, spins.data(), chains, seed, first_sweep, n_sweeps, options, betas.data());
  spins.download(host_spins, count, ctx.stream());
  ctx.synchronize();
}

}  // namespace boltzkit::bm::backend::gpu
