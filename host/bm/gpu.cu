// GPU backend of the bm family: the chain kernel (one warp per chain), the blocked path (the tile
// kernel, or the decision kernel + DGEMM field updates for large N), element-wise kernels and the enumeration kernel of
// kernels/bm/chain_kernels.cuh; correlations through SYRK (blas_gpu.cu). Chains run on the model's
// fixed-point grid (MATH.md §2.8): host models are rounded on the host (host/bm/quantized.hpp),
// device models by the quantize kernels, with the same bits. sample() and enumerate() return host
// data and so synchronize.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <vector>

#include "backends.hpp"
#include "host/bm/blas_gpu.hpp"
#include "host/bm/quantized.hpp"
#include "host/bm/tile_instance.hpp"
#include "host/core/cuda_check.hpp"
#include "host/core/device_buffer.hpp"
#include "host/core/launch.cuh"
#include "host/core/workspace_layout.hpp"
#include "kernels/bm/chain_kernels.cuh"
#include "kernels/bm/limb_kernels.cuh"

namespace boltzkit::bm::backend::gpu {

namespace k = boltzkit::kernels;
using boltzkit::gpu::grid_for;

namespace {

constexpr int threads = k::bm_policy::threads;

/// Whether the blocked path runs as the tile kernel (fields of a tile of chains in shared memory,
/// one launch per call) rather than the decision kernel + DGEMM per block: up to
/// tuning::tile_max_spins, when a tile of at least tuning::tile_chains_min chains fits.
bool tiled(std::int64_t n) { return n <= tuning::tile_max_spins && k::bm_policy::tile_chains(n) > 0; }

/// The blocked path's workspace (fields, ΔS, spin operand) is the GEMM variant's only.
bool gemm_blocked(const SweepOptions& o, std::int64_t n, std::int64_t chains) {
  return uses_blocked_update(o, n, chains, true) && !tiled(n);
}

/// The tiled path with resident int8 couplings (bm_limb_tile_kernel) up to tuning::limb_max_spins.
bool limb_tiled(const SweepOptions& o, std::int64_t n, std::int64_t chains) {
  return uses_blocked_update(o, n, chains, true) && tiled(n) && k::bm_policy::uses_limb_kernel(n);
}

/// J (n, n) followed by the tile kernel's padding (bm_tile_j_padding zeros).
std::vector<double> padded_j(const Model& host) {
  std::vector<double> j(host.j, host.j + host.n * host.n);
  j.resize(j.size() + static_cast<std::size_t>(k::bm_tile_j_padding), 0.0);
  return j;
}

/// Model whose arrays are device copies of a host model (kept alive by the buffers); J padded.
struct DeviceModel {
  DeviceBuffer<double> j, h;
  Model model;
  DeviceModel(const Model& host)
      : j(padded_j(host)),
        h(std::vector<double>(host.h, host.h + host.n)),
        model{j.data(), h.data(), host.n, host.beta} {}
};

/// Workspace slots of one sweep call: the device-side grid model (jq, hq, bounds, shift; only
/// for sweep()'s device-resident J and h), the GEMM blocked path's fields, ΔS and spin operand,
/// and the limb tile kernel's split couplings (planes, hi/σ, lo, row bounds, exponent; prepared
/// by the first launch_sweep of the call). One Context::workspace per call (stream-ordered, so
/// sweep() stays asynchronous).
struct SweepSlots {
  int jq = -1, hq = -1, bounds = -1, shift = -1, f = -1, ds = -1, x = -1;
  int planes = -1, hi_value = -1, lo = -1, lo_bound = -1, exponent = -1;
  mutable bool limbs_ready = false;
  boltzkit::gpu::WorkspaceLayout ws;
  SweepSlots(std::int64_t n, std::int64_t chains, bool grid_on_device, const SweepOptions& o) {
    const bool blocked = gemm_blocked(o, n, chains);
    if (limb_tiled(o, n, chains)) {
      planes = ws.reserve<std::uint8_t>(k::bm_limb_plane_bytes(k::bm_limb_padded(n)));
      hi_value = ws.reserve<double>(n * n);
      lo = ws.reserve<double>(n * n);
      lo_bound = ws.reserve<double>(n);
      exponent = ws.reserve<int>(1);
    }
    if (grid_on_device) {
      jq = ws.reserve<double>(n * n + k::bm_tile_j_padding);
      hq = ws.reserve<double>(n);
      bounds = ws.reserve<double>(n);
      shift = ws.reserve<int>(1);
    }
    if (blocked) {
      f = ws.reserve<double>(n * chains);
      ds = ws.reserve<double>(k::bm_policy::block_spins * chains);
      x = ws.reserve<double>(n * chains);
    }
  }
};

/// The device model `device` rounded to its grid on the device (bm_row_bound / bm_grid_shift /
/// bm_quantize kernels, the host's bits) into the slots' jq (zero-padded for the tile kernel), hq.
Model grid_on_device(Context& ctx, const Model& device, const SweepSlots& s) {
  const std::int64_t n = device.n;
  double* bounds = s.ws.get<double>(s.bounds);
  int* shift = s.ws.get<int>(s.shift);
  double *jq = s.ws.get<double>(s.jq), *hq = s.ws.get<double>(s.hq);
  k::bm_row_bound_kernel<<<grid_for(n, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      device.j, device.h, n, bounds);
  BOLTZKIT_CHECK_LAUNCH();
  k::bm_grid_shift_kernel<<<1, threads, threads * sizeof(double), ctx.stream()>>>(bounds, n, shift);
  BOLTZKIT_CHECK_LAUNCH();
  k::bm_quantize_kernel<<<grid_for(n * n + n, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      device.j, device.h, n, shift, jq, hq);
  BOLTZKIT_CHECK_LAUNCH();
  BOLTZKIT_CUDA(cudaMemsetAsync(jq + n * n, 0, k::bm_tile_j_padding * sizeof(double), ctx.stream()));
  return {jq, hq, n, device.beta};
}

}  // namespace

void initial_spins(Context& ctx, std::int8_t* spins, std::int64_t chains, std::int64_t n,
                   std::uint64_t seed) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  k::bm_initial_kernel<<<grid_for(chains * n, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      spins, chains, n, seed);
  BOLTZKIT_CHECK_LAUNCH();
}

namespace {

void launch_scalar(Context& ctx, const k::BmChainParams& p, std::int8_t* spins, std::int64_t chains,
                   std::uint64_t first_sweep, std::int64_t n_sweeps) {
  const k::bm_policy::ChainLaunch plan = k::bm_policy::chain_launch(p.n);
  if (plan.shared_bytes > 48 * 1024)
    BOLTZKIT_CUDA(cudaFuncSetAttribute(k::bm_sweep_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(plan.shared_bytes)));
  const std::int64_t blocks = (chains + plan.warps_per_block - 1) / plan.warps_per_block;
  const k::BmSweepLaunch a{p, spins, chains, static_cast<std::uint32_t>(first_sweep), n_sweeps,
                           plan.j_shared ? 1 : 0};
  k::bm_sweep_kernel<<<static_cast<unsigned>(blocks), plan.warps_per_block * k::bm_policy::warp,
                       plan.shared_bytes, ctx.stream()>>>(a);
  BOLTZKIT_CHECK_LAUNCH();
}

/// Fields f (n, chains) = J x + h by one GEMM, then per sweep and block of B sites the decision
/// kernel and f += J[:, block]·ΔS (field_gemm). f, ds, x: the slots' workspace.
void launch_blocked(Context& ctx, const k::BmChainParams& p, std::int8_t* spins, std::int64_t chains,
                    std::uint64_t first_sweep, std::int64_t n_sweeps, const SweepSlots& slots) {
  constexpr int b = k::bm_policy::block_spins;
  const std::int64_t n = p.n;
  double *f = slots.ws.get<double>(slots.f), *ds = slots.ws.get<double>(slots.ds),
         *x = slots.ws.get<double>(slots.x);
  k::bm_field_operands_kernel<<<grid_for(n * chains, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      spins, p.h, chains, n, x, f);
  BOLTZKIT_CHECK_LAUNCH();
  field_gemm(ctx, x, chains, p.j, n, n, n, f);
  const auto blocks = static_cast<unsigned>((chains + k::bm_policy::block_threads - 1) / k::bm_policy::block_threads);
  const std::size_t shared = k::bm_policy::block_shared_bytes();
  if (shared > 48 * 1024)
    BOLTZKIT_CUDA(cudaFuncSetAttribute(k::bm_block_kernel<b>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(shared)));
  for (std::int64_t t = 0; t < n_sweeps; ++t) {
    const auto sweep = static_cast<std::uint32_t>(first_sweep + static_cast<std::uint64_t>(t));
    for (std::int64_t k0 = 0; k0 < n; k0 += b) {
      const int m = static_cast<int>(std::min<std::int64_t>(b, n - k0));
      const k::BmBlockLaunch a{p, spins, f, ds, chains, k0, m, sweep};
      k::bm_block_kernel<b><<<blocks, k::bm_policy::block_threads, shared, ctx.stream()>>>(a);
      BOLTZKIT_CHECK_LAUNCH();
      field_gemm(ctx, ds, chains, p.j + k0, n, n, m, f);
    }
  }
}

template <int Alg, int T>
void launch_tiled_for(Context& ctx, const k::BmTileLaunch& a, unsigned blocks, std::size_t shared) {
  constexpr int b = k::bm_policy::tile_block_spins;
  if (shared > 48 * 1024)
    BOLTZKIT_CUDA(cudaFuncSetAttribute(k::bm_tile_kernel<b, Alg, T>,
                                       cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared)));
  k::bm_tile_kernel<b, Alg, T><<<blocks, k::bm_policy::tile_threads, shared, ctx.stream()>>>(a);
  BOLTZKIT_CHECK_LAUNCH();
}

/// The kernel instance for T = a.tile_chains (with_tile_instance).
template <int Alg>
void launch_tiled_for(Context& ctx, const k::BmTileLaunch& a, unsigned blocks, std::size_t shared) {
  with_tile_instance(a.tile_chains, [&](auto t) { launch_tiled_for<Alg, decltype(t)::value>(ctx, a, blocks, shared); });
}

/// All n_sweeps sweeps in one launch of the tile kernel, T = bm_policy::tile_chains(n) chains
/// per thread block (32, 16 or 8: a template argument of the kernel).
void launch_tiled(Context& ctx, const k::BmChainParams& p, std::int8_t* spins, std::int64_t chains,
                  std::uint64_t first_sweep, std::int64_t n_sweeps) {
  if (n_sweeps == 0 || chains == 0) return;
  const int t = k::bm_policy::tile_chains(p.n);
  const k::BmTileLaunch a{p, spins, chains, static_cast<std::uint32_t>(first_sweep), n_sweeps, t,
                          k::philox_keys(p.seed)};
  const auto blocks = static_cast<unsigned>((chains + t - 1) / t);
  const std::size_t shared = k::bm_policy::tile_shared_bytes(p.n, t);
  if (p.algorithm == k::bm_metropolis)
    launch_tiled_for<k::bm_metropolis>(ctx, a, blocks, shared);
  else
    launch_tiled_for<k::bm_heat_bath>(ctx, a, blocks, shared);
}

/// The limb tile kernel's couplings from the grid model's J (once per call: slots.limbs_ready).
void prepare_limbs(Context& ctx, const Model& grid_model, const SweepSlots& s) {
  if (s.limbs_ready) return;
  const std::int64_t n = grid_model.n, np = k::bm_limb_padded(n);
  int* exponent = s.ws.get<int>(s.exponent);
  double *lo = s.ws.get<double>(s.lo), *bound = s.ws.get<double>(s.lo_bound);
  k::bm_limb_exponent_kernel<<<1, threads, threads * sizeof(double), ctx.stream()>>>(grid_model.j, n, exponent);
  BOLTZKIT_CHECK_LAUNCH();
  k::bm_limb_split_kernel<<<grid_for(np * np, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      grid_model.j, n, exponent, s.ws.get<std::uint8_t>(s.planes), s.ws.get<double>(s.hi_value), lo);
  BOLTZKIT_CHECK_LAUNCH();
  k::bm_limb_bound_kernel<<<grid_for(n, threads, ctx.device()), threads, 0, ctx.stream()>>>(lo, n, bound);
  BOLTZKIT_CHECK_LAUNCH();
  s.limbs_ready = true;
}

/// All n_sweeps sweeps in one launch of the limb tile kernel, 32 chains per thread block.
void launch_limb(Context& ctx, const k::BmChainParams& p, std::int8_t* spins, std::int64_t chains,
                 std::uint64_t first_sweep, std::int64_t n_sweeps, const SweepSlots& s) {
  if (n_sweeps == 0 || chains == 0) return;
  constexpr int b = k::bm_policy::tile_block_spins;
  const k::BmLimbLaunch a{p, spins, chains, static_cast<std::uint32_t>(first_sweep), n_sweeps,
                          k::philox_keys(p.seed), s.ws.get<std::uint8_t>(s.planes),
                          s.ws.get<double>(s.hi_value), s.ws.get<double>(s.lo),
                          s.ws.get<double>(s.lo_bound), s.ws.get<int>(s.exponent), nullptr};
  const auto blocks = static_cast<unsigned>((chains + 31) / 32);
  const auto shared = static_cast<std::size_t>(k::bm_policy::limb_shared_bytes(p.n));
  const auto launch = [&](auto kernel) {
    if (shared > 48 * 1024)
      BOLTZKIT_CUDA(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared)));
    kernel<<<blocks, k::bm_policy::tile_threads, shared, ctx.stream()>>>(a);
    BOLTZKIT_CHECK_LAUNCH();
  };
  if (p.algorithm == k::bm_metropolis)
    launch(k::bm_limb_tile_kernel<b, k::bm_metropolis>);
  else
    launch(k::bm_limb_tile_kernel<b, k::bm_heat_bath>);
}

/// Sweeps with a model already on its grid (device memory); `slots` bound to the workspace and
/// holding the blocked path's scratch when it is taken.
void launch_sweep(Context& ctx, const Model& grid_model, std::int8_t* spins, std::int64_t chains,
                  std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
                  const SweepOptions& options, const double* chain_beta, const SweepSlots& slots) {
  k::BmChainParams p = chain_params(grid_model, seed, options);
  p.chain_beta = chain_beta;
  if (gemm_blocked(options, grid_model.n, chains)) {
    launch_blocked(ctx, p, spins, chains, first_sweep, n_sweeps, slots);
  } else if (limb_tiled(options, grid_model.n, chains)) {
    prepare_limbs(ctx, grid_model, slots);
    launch_limb(ctx, p, spins, chains, first_sweep, n_sweeps, slots);
  } else if (uses_blocked_update(options, grid_model.n, chains, true))
    launch_tiled(ctx, p, spins, chains, first_sweep, n_sweeps);
  else
    launch_scalar(ctx, p, spins, chains, first_sweep, n_sweeps);
}

}  // namespace

void sweep(Context& ctx, const Model& model, std::int8_t* spins, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
           const SweepOptions& options) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  SweepSlots slots(model.n, chains, true, options);
  slots.ws.bind(ctx.workspace(slots.ws.bytes()));
  const Model grid = grid_on_device(ctx, model, slots);
  launch_sweep(ctx, grid, spins, chains, seed, first_sweep, n_sweeps, options, nullptr, slots);
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
  const detail::QuantizedModel grid_host = detail::quantize(host, "bm::sample");
  const DeviceModel dm(host), grid(grid_host.model());
  const std::int64_t n = host.n, chains = o.chains, count = chains * n;
  DeviceBuffer<std::int8_t> spins(static_cast<std::size_t>(count));
  DeviceBuffer<double> x(static_cast<std::size_t>(count)),
      sums(std::vector<double>(static_cast<std::size_t>(count), 0.0)),
      corr(std::vector<double>(static_cast<std::size_t>(groups * n * n), 0.0)),
      energies(static_cast<std::size_t>(chains));
  gpu::initial_spins(ctx, spins.data(), chains, n, o.seed);
  SweepSlots slots(n, chains, false, o.sweep);
  slots.ws.bind(ctx.workspace(slots.ws.bytes()));
  if (o.burn_in > 0)
    launch_sweep(ctx, grid.model, spins.data(), chains, o.seed, 0, o.burn_in, o.sweep, nullptr, slots);
  for (std::int64_t t = 0; t < o.sweeps; ++t) {
    launch_sweep(ctx, grid.model, spins.data(), chains, o.seed, static_cast<std::uint64_t>(o.burn_in + t), 1,
                 o.sweep, nullptr, slots);
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
  const detail::QuantizedModel grid_host = detail::quantize(host, "bm::sweep");
  const DeviceModel dm(grid_host.model());
  const auto count = static_cast<std::size_t>(chains * host.n);
  DeviceBuffer<std::int8_t> spins(count);
  spins.upload(host_spins, count, ctx.stream());
  DeviceBuffer<double> betas;
  if (host_chain_beta != nullptr)
    betas = DeviceBuffer<double>(std::vector<double>(host_chain_beta, host_chain_beta + chains));
  SweepSlots slots(host.n, chains, false, options);
  slots.ws.bind(ctx.workspace(slots.ws.bytes()));
  launch_sweep(ctx, dm.model, spins.data(), chains, seed, first_sweep, n_sweeps, options, betas.data(),
               slots);
  spins.download(host_spins, count, ctx.stream());
  ctx.synchronize();
}

}  // namespace boltzkit::bm::backend::gpu
