// CPU backend of the bm family: loops around the host-device functions of kernels/bm, one worker
// per chain, so the chains are those of the GPU kernel bit for bit.
#include <vector>

#include "backends.hpp"
#include "kernels/bm/exact_chunk.cuh"

namespace boltzkit::bm::backend::cpu {

namespace k = boltzkit::kernels;

void initial_spins(std::int8_t* spins, std::int64_t chains, std::int64_t n, std::uint64_t seed) {
#pragma omp parallel for schedule(static) if (chains * n > 65536)
  for (std::int64_t c = 0; c < chains; ++c)
    for (std::int64_t i = 0; i < n; ++i) spins[c * n + i] = k::bm_initial_spin(seed, c, i);
}

void sweep(const Model& model, std::int8_t* spins, std::int64_t chains, std::uint64_t seed,
           std::uint64_t first_sweep, std::int64_t n_sweeps, const SweepOptions& options,
           const double* chain_beta) {
  k::BmChainParams p = chain_params(model, seed, options);
  p.chain_beta = chain_beta;
  const std::int64_t n = model.n;
#pragma omp parallel if (chains > 1 && chains * n * n_sweeps > 65536)
  {
    std::vector<double> f(static_cast<std::size_t>(n));
#pragma omp for schedule(static)
    for (std::int64_t c = 0; c < chains; ++c)
      k::bm_chain_sweeps(p, spins + c * n, f.data(), static_cast<std::uint32_t>(c),
                         static_cast<std::uint32_t>(first_sweep), n_sweeps, 0, 1, k::BmNoSync{});
  }
}

void energy(const Model& model, const std::int8_t* spins, std::int64_t chains, double* out) {
  for (std::int64_t c = 0; c < chains; ++c)
    out[c] = k::bm_energy(model.j, model.h, spins + c * model.n, model.n);
}

RawStatistics sample(const Model& model, const SampleOptions& o, std::int64_t groups) {
  const std::int64_t n = model.n, chains = o.chains;
  RawStatistics r;
  r.spins.resize(static_cast<std::size_t>(chains * n));
  r.chain_sums.assign(static_cast<std::size_t>(chains * n), 0.0);
  r.group_corr.assign(static_cast<std::size_t>(groups * n * n), 0.0);
  r.energy.resize(static_cast<std::size_t>(chains));
  initial_spins(r.spins.data(), chains, n, o.seed);
  const k::BmChainParams p = chain_params(model, o.seed, o.sweep);
#pragma omp parallel if (groups > 1)
  {
    std::vector<double> f(static_cast<std::size_t>(n));
#pragma omp for schedule(dynamic)
    for (std::int64_t g = 0; g < groups; ++g) {
      double* corr = r.group_corr.data() + g * n * n;
      for (std::int64_t c = group_begin(g, groups, chains); c < group_begin(g + 1, groups, chains); ++c) {
        std::int8_t* s = r.spins.data() + c * n;
        double* sums = r.chain_sums.data() + c * n;
        const auto chain = static_cast<std::uint32_t>(c);
        k::bm_chain_sweeps(p, s, f.data(), chain, 0u, o.burn_in, 0, 1, k::BmNoSync{});
        for (std::int64_t t = 0; t < o.sweeps; ++t) {
          k::bm_chain_sweeps(p, s, f.data(), chain, static_cast<std::uint32_t>(o.burn_in + t), 1, 0, 1,
                             k::BmNoSync{});
          for (std::int64_t a = 0; a < n; ++a) {
            sums[a] += s[a];
            for (std::int64_t b = a; b < n; ++b) corr[a * n + b] += s[a] * s[b];
          }
        }
        r.energy[static_cast<std::size_t>(c)] = k::bm_energy(model.j, model.h, s, n);
      }
    }
  }
  return r;
}

ExactChunks enumerate(const Model& model) {
  const std::int64_t n = model.n;
  const int chunk_log2 = k::bm_exact_chunk_log2(n);
  ExactChunks out;
  out.chunks = std::int64_t{1} << (n - chunk_log2);
  out.ref.resize(static_cast<std::size_t>(out.chunks));
  out.z.resize(static_cast<std::size_t>(out.chunks));
  out.mean.resize(static_cast<std::size_t>(out.chunks * n));
  out.corr.assign(static_cast<std::size_t>(out.chunks * n * n), 0.0);
#pragma omp parallel if (n >= 14)
  {
    std::vector<std::int8_t> s(static_cast<std::size_t>(n));
    std::vector<double> f(static_cast<std::size_t>(n)), wk(static_cast<std::size_t>(n));
#pragma omp for schedule(dynamic)
    for (std::int64_t c = 0; c < out.chunks; ++c) {
      const auto at = static_cast<std::size_t>(c);
      k::bm_exact_chunk(model.j, model.h, n, model.beta, static_cast<std::uint64_t>(c) << chunk_log2,
                        std::uint64_t{1} << chunk_log2,
                        {s.data(), f.data(), wk.data(), out.mean.data() + c * n,
                         out.corr.data() + c * n * n, &out.ref[at], &out.z[at]});
    }
  }
  return out;
}

}  // namespace boltzkit::bm::backend::cpu
