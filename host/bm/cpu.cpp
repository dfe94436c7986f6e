// CPU backend of the bm family: loops around the host-device functions of kernels/bm, one worker
// per chain, so the chains are those of the GPU kernel bit for bit. The chains use the model on
// its fixed-point grid (host/bm/quantized.hpp); the blocked path adds the fields' block updates
// with OpenBLAS (exact on the grid, so its summation order does not matter).
#include <cblas.h>

#include <algorithm>
#include <vector>

#include "backends.hpp"
#include "host/bm/quantized.hpp"
#include "kernels/bm/block_update.cuh"
#include "kernels/bm/exact_chunk.cuh"
#include "kernels/bm/policy.hpp"

namespace boltzkit::bm::backend::cpu {

namespace k = boltzkit::kernels;

void initial_spins(std::int8_t* spins, std::int64_t chains, std::int64_t n, std::uint64_t seed) {
#pragma omp parallel for schedule(static) if (chains * n > 65536)
  for (std::int64_t c = 0; c < chains; ++c)
    for (std::int64_t i = 0; i < n; ++i) spins[c * n + i] = k::bm_initial_spin(seed, c, i);
}

namespace {

void sweep_scalar(const k::BmChainParams& p, std::int8_t* spins, std::int64_t chains,
                  std::uint64_t first_sweep, std::int64_t n_sweeps) {
  const std::int64_t n = p.n;
#pragma omp parallel if (chains > 1 && chains * n * n_sweeps > 65536)
  {
    std::vector<double> f(static_cast<std::size_t>(n));
#pragma omp for schedule(static)
    for (std::int64_t c = 0; c < chains; ++c)
      k::bm_chain_sweeps(p, spins + c * n, f.data(), static_cast<std::uint32_t>(c),
                         static_cast<std::uint32_t>(first_sweep), n_sweeps, 0, 1, k::BmNoSync{});
  }
}

/// f (n, chains) += J[:, k0 … k0+m) · ds (m, chains), row-major. OpenBLAS outside any parallel
/// region, so it may use its own threads.
void add_block_fields(const double* j, std::int64_t n, std::int64_t k0, std::int64_t m,
                      const double* ds, std::int64_t chains, double* f) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(n), static_cast<int>(chains),
              static_cast<int>(m), 1.0, j + k0, static_cast<int>(n), ds, static_cast<int>(chains), 1.0, f,
              static_cast<int>(chains));
}

void sweep_blocked(const k::BmChainParams& p, std::int8_t* spins, std::int64_t chains,
                   std::uint64_t first_sweep, std::int64_t n_sweeps) {
  constexpr int b = k::bm_policy::block_spins;
  const std::int64_t n = p.n;
  std::vector<double> f(static_cast<std::size_t>(n * chains)), ds(static_cast<std::size_t>(b * chains));
  const bool parallel = chains > 1 && chains * n > 4096;
#pragma omp parallel for schedule(static) if (parallel)
  for (std::int64_t c = 0; c < chains; ++c)
    for (std::int64_t i = 0; i < n; ++i)
      f[static_cast<std::size_t>(i * chains + c)] = k::bm_field(p.j, p.h, spins + c * n, n, i);
  for (std::int64_t t = 0; t < n_sweeps; ++t) {
    const auto sweep = static_cast<std::uint32_t>(first_sweep + static_cast<std::uint64_t>(t));
    for (std::int64_t k0 = 0; k0 < n; k0 += b) {
      const int m = static_cast<int>(std::min<std::int64_t>(b, n - k0));
#pragma omp parallel for schedule(static) if (parallel)
      for (std::int64_t c = 0; c < chains; ++c)
        k::bm_block_decide<b>(p, p.j + k0 * n + k0, n, k0, m, f.data(), chains, spins + c * n, ds.data(), c,
                              static_cast<std::uint32_t>(c), sweep);
      add_block_fields(p.j, n, k0, m, ds.data(), chains, f.data());
    }
  }
}

}  // namespace

void sweep(const Model& model, std::int8_t* spins, std::int64_t chains, std::uint64_t seed,
           std::uint64_t first_sweep, std::int64_t n_sweeps, const SweepOptions& options,
           const double* chain_beta) {
  const detail::QuantizedModel q = detail::quantize(model, "bm::sweep");
  k::BmChainParams p = chain_params(q.model(), seed, options);
  p.chain_beta = chain_beta;
  if (uses_blocked_update(options, model.n, chains, false))
    sweep_blocked(p, spins, chains, first_sweep, n_sweeps);
  else
    sweep_scalar(p, spins, chains, first_sweep, n_sweeps);
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
  // one chain per worker (scalar updates), the same bits as the GPU's blocked sweeps
  const detail::QuantizedModel q = detail::quantize(model, "bm::sample");
  const k::BmChainParams p = chain_params(q.model(), o.seed, o.sweep);
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
