// bm::replica_exchange: the host driver (MATH.md §2.6). Replicas are chains whose β comes from a
// per-chain table; a swap exchanges two entries of the table (and of the slot → replica map).
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "boltzkit/bm.hpp"
#include "host/bm/checks.hpp"
#include "kernels/bm/chain_update.cuh"

namespace boltzkit::bm {

using boltzkit::detail::require;

ExchangeResult replica_exchange(Context& ctx, const Model& model, const ExchangeOptions& o) {
  const std::string f = "bm::replica_exchange";
  Model m = model;
  m.beta = o.betas.empty() ? 0.0 : o.betas[0];
  validate(m);
  const auto r = static_cast<std::int64_t>(o.betas.size());
  require(r >= 2, f + ": the ladder needs at least 2 betas");
  for (std::int64_t k = 0; k < r; ++k) {
    const double b = o.betas[static_cast<std::size_t>(k)];
    require(std::isfinite(b) && b >= 0.0, f + ": betas must be finite and >= 0");
    require(k == 0 || b > o.betas[static_cast<std::size_t>(k - 1)], f + ": betas must be strictly increasing");
  }
  require(o.rounds >= 0 && o.sweeps_per_round >= 1, f + ": rounds >= 0 and sweeps_per_round >= 1 required");
  require(o.rounds < (std::int64_t{1} << 32), f + ": rounds must stay below 2^32");
  detail::check_sweeps(0, o.rounds * o.sweeps_per_round, f);
  detail::check_update(o.sweep, f);

  const std::int64_t n = m.n;
  std::vector<std::int8_t> spins(static_cast<std::size_t>(r * n));
  Context cpu(Backend::cpu);
  initial_spins(cpu, spins.data(), r, n, o.seed);
  std::vector<double> chain_beta = o.betas;  // β of replica (chain) c
  std::vector<std::int64_t> replica_at(static_cast<std::size_t>(r));  // slot k → replica
  std::iota(replica_at.begin(), replica_at.end(), std::int64_t{0});
  ExchangeResult out;
  out.attempts.assign(static_cast<std::size_t>(r - 1), 0);
  out.accepted.assign(static_cast<std::size_t>(r - 1), 0);
  std::vector<double> e(static_cast<std::size_t>(r));
  for (std::int64_t round = 0; round < o.rounds; ++round) {
    detail::advance_chains(ctx, m, spins.data(), r, o.seed,
                           static_cast<std::uint64_t>(round * o.sweeps_per_round), o.sweeps_per_round,
                           o.sweep, chain_beta.data());
    energy(cpu, m, spins.data(), r, e.data());
    for (std::int64_t k = round % 2; k + 1 < r; k += 2) {
      const auto a = static_cast<std::size_t>(replica_at[static_cast<std::size_t>(k)]);
      const auto b = static_cast<std::size_t>(replica_at[static_cast<std::size_t>(k + 1)]);
      const kernels::PhiloxWords w = kernels::philox(o.seed, static_cast<std::uint32_t>(k),
                                                     static_cast<std::uint32_t>(round), 0u,
                                                     kernels::bm_exchange_stream);
      ++out.attempts[static_cast<std::size_t>(k)];
      if (!kernels::bm_swap_accepted(chain_beta[a], chain_beta[b], e[a], e[b], w.w[0])) continue;
      ++out.accepted[static_cast<std::size_t>(k)];
      std::swap(chain_beta[a], chain_beta[b]);
      std::swap(replica_at[static_cast<std::size_t>(k)], replica_at[static_cast<std::size_t>(k + 1)]);
    }
  }
  energy(cpu, m, spins.data(), r, e.data());
  out.spins.resize(spins.size());
  out.energy.resize(static_cast<std::size_t>(r));
  for (std::int64_t k = 0; k < r; ++k) {
    const auto c = replica_at[static_cast<std::size_t>(k)];
    std::copy(spins.begin() + c * n, spins.begin() + (c + 1) * n, out.spins.begin() + k * n);
    out.energy[static_cast<std::size_t>(k)] = e[static_cast<std::size_t>(c)];
  }
  out.acceptance.resize(static_cast<std::size_t>(r - 1));
  for (std::size_t k = 0; k + 1 < static_cast<std::size_t>(r); ++k)
    out.acceptance[k] = out.attempts[k] > 0 ? static_cast<double>(out.accepted[k]) / static_cast<double>(out.attempts[k])
                                            : std::nan("");
  return out;
}

}  // namespace boltzkit::bm
