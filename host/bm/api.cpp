// bm:: entry points: every argument checked before any work, then the chosen backend. The only
// file of the family that calls backend::gpu (a CPU-only build guards it here).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "backends.hpp"
#include "boltzkit/bm.hpp"
#include "host/bm/checks.hpp"
#include "host/core/validate.hpp"
#include "host/core/gpu_call.hpp"

namespace boltzkit::bm {

using boltzkit::detail::require;

void validate(const Model& m) {
  detail::check_model_shape(m, "bm::validate");
  detail::check_model_values(m, "bm::validate");
}

void initial_spins(Context& ctx, std::int8_t* spins, std::int64_t chains, std::int64_t n,
                   std::uint64_t seed) {
  const std::string f = "bm::initial_spins";
  require(n >= 1 && n <= max_spins, f + ": n must be in [1, " + std::to_string(max_spins) + "]");
  detail::check_chains(chains, f);
  if (chains == 0) return;
  require(spins != nullptr, f + ": spins is null");
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    backend::gpu::initial_spins(ctx, spins, chains, n, seed);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    backend::cpu::initial_spins(spins, chains, n, seed);
  }
}

void sweep(Context& ctx, const Model& model, std::int8_t* spins, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
           const SweepOptions& options) {
  const std::string f = "bm::sweep";
  detail::check_model_shape(model, f);
  detail::check_chains(chains, f);
  detail::check_sweeps(first_sweep, n_sweeps, f);
  detail::check_update(options, f);
  if (chains == 0 || n_sweeps == 0) return;
  require(spins != nullptr, f + ": spins is null");
  if (!ctx.on_gpu()) {
    detail::check_model_values(model, f);
    detail::check_spins(spins, chains * model.n, f + ": spins");
  }
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    backend::gpu::sweep(ctx, model, spins, chains, seed, first_sweep, n_sweeps, options);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    backend::cpu::sweep(model, spins, chains, seed, first_sweep, n_sweeps, options);
  }
}

void energy(Context& ctx, const Model& model, const std::int8_t* spins, std::int64_t chains,
            double* out) {
  const std::string f = "bm::energy";
  detail::check_model_shape(model, f);
  detail::check_chains(chains, f);
  if (chains == 0) return;
  require(spins != nullptr && out != nullptr, f + ": null pointer");
  if (!ctx.on_gpu()) {
    detail::check_model_values(model, f);
    detail::check_spins(spins, chains * model.n, f + ": spins");
  }
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    backend::gpu::energy(ctx, model, spins, chains, out);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    backend::cpu::energy(model, spins, chains, out);
  }
}

namespace {

/// Means, standard errors and correlations from the raw integer sums (one code for both
/// backends, so their statistics agree bit for bit).
Statistics finish(const backend::RawStatistics& r, std::int64_t n, const SampleOptions& o,
                  std::int64_t groups) {
  Statistics s;
  s.n = n;
  s.chains = o.chains;
  s.sweeps = o.sweeps;
  s.groups = groups;
  const auto nz = static_cast<std::size_t>(n);
  const double samples = static_cast<double>(o.chains) * static_cast<double>(o.sweeps);
  s.mean.assign(nz, 0.0);
  s.stderr_mean.assign(nz, std::nan(""));
  for (std::int64_t k = 0; k < n; ++k) {
    double sum = 0.0;
    for (std::int64_t c = 0; c < o.chains; ++c) sum += r.chain_sums[static_cast<std::size_t>(c * n + k)];
    const double mean = sum / samples;
    s.mean[static_cast<std::size_t>(k)] = mean;
    if (o.chains < 2) continue;
    double ss = 0.0;
    for (std::int64_t c = 0; c < o.chains; ++c) {
      const double d = r.chain_sums[static_cast<std::size_t>(c * n + k)] / static_cast<double>(o.sweeps) - mean;
      ss += d * d;
    }
    const double var = ss / static_cast<double>(o.chains - 1);
    s.stderr_mean[static_cast<std::size_t>(k)] = std::sqrt(var / static_cast<double>(o.chains));
  }
  s.corr.assign(nz * nz, 0.0);
  std::vector<double> total(nz * nz, 0.0);
  for (std::int64_t g = 0; g < groups; ++g)
    for (std::size_t e = 0; e < nz * nz; ++e) total[e] += r.group_corr[static_cast<std::size_t>(g) * nz * nz + e];
  for (std::int64_t a = 0; a < n; ++a)
    for (std::int64_t b = a; b < n; ++b) {
      const double v = a == b ? 1.0 : total[static_cast<std::size_t>(a * n + b)] / samples;
      s.corr[static_cast<std::size_t>(a * n + b)] = v;
      s.corr[static_cast<std::size_t>(b * n + a)] = v;
    }
  if (groups >= 2) {
    s.stderr_corr.assign(nz * nz, 0.0);
    for (std::int64_t a = 0; a < n; ++a)
      for (std::int64_t b = a + 1; b < n; ++b) {
        const double mean = s.corr[static_cast<std::size_t>(a * n + b)];
        double ss = 0.0;
        for (std::int64_t g = 0; g < groups; ++g) {
          const double m = static_cast<double>(backend::group_begin(g + 1, groups, o.chains) -
                                               backend::group_begin(g, groups, o.chains)) *
                           static_cast<double>(o.sweeps);
          const double d = r.group_corr[static_cast<std::size_t>((g * n + a) * n + b)] / m - mean;
          ss += d * d;
        }
        const double se = std::sqrt(ss / static_cast<double>(groups - 1) / static_cast<double>(groups));
        s.stderr_corr[static_cast<std::size_t>(a * n + b)] = se;
        s.stderr_corr[static_cast<std::size_t>(b * n + a)] = se;
      }
  }
  s.energy = r.energy;
  s.spins = r.spins;
  return s;
}

}  // namespace

Statistics sample(Context& ctx, const Model& model, const SampleOptions& o) {
  const std::string f = "bm::sample";
  validate(model);
  require(o.chains >= 1, f + ": chains must be >= 1, got " + std::to_string(o.chains));
  detail::check_chains(o.chains, f);
  require(o.sweeps >= 1, f + ": sweeps must be >= 1, got " + std::to_string(o.sweeps));
  require(o.burn_in >= 0, f + ": burn_in must be >= 0, got " + std::to_string(o.burn_in));
  detail::check_sweeps(0, o.burn_in + o.sweeps, f);
  detail::check_update(o.sweep, f);
  const std::int64_t groups =
      model.n <= max_corr_error_spins ? std::min(o.chains, corr_error_groups) : 1;
  backend::RawStatistics raw;
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    raw = backend::gpu::sample(ctx, model, o, groups);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    raw = backend::cpu::sample(model, o, groups);
  }
  return finish(raw, model.n, o, groups);
}

namespace exact {

Result enumerate(Context& ctx, const Model& model) {
  validate(model);
  const std::int64_t limit = ctx.on_gpu() ? max_spins_gpu : max_spins_cpu;
  require(model.n <= limit, "bm::exact::enumerate: n must be <= " + std::to_string(limit) +
                                " on this backend, got " + std::to_string(model.n));
  backend::ExactChunks chunks;
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    chunks = backend::gpu::enumerate(ctx, model);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    chunks = backend::cpu::enumerate(model);
  }
  return backend::merge_chunks(chunks, model.n);
}

}  // namespace exact

}  // namespace boltzkit::bm

namespace boltzkit::bm::detail {

void advance_chains(Context& ctx, const Model& model, std::int8_t* spins, std::int64_t chains,
                    std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
                    const SweepOptions& options, const double* chain_beta) {
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    backend::gpu::advance_host_chains(ctx, model, spins, chains, seed, first_sweep, n_sweeps, options,
                                      chain_beta);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    backend::cpu::sweep(model, spins, chains, seed, first_sweep, n_sweeps, options, chain_beta);
  }
}

}  // namespace boltzkit::bm::detail
