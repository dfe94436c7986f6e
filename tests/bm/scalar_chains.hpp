#pragma once
// The reference every blocked or tiled kernel's emulation test compares with.
#include <cstdint>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "host/bm/backends.hpp"

namespace boltzkit::testing {

/// Start spins (seed 4) and the CPU backend's scalar sequential-scan chains after `sweeps`
/// sweeps from them (key 31, counter 2): what every blocked or tiled kernel must reproduce.
struct ScalarCpuChains {
  std::vector<std::int8_t> start, expected;
};
inline ScalarCpuChains scalar_cpu_chains(const bm::Model& model, std::int64_t chains, std::int64_t sweeps,
                                         const bm::SweepOptions& scalar) {
  Context cpu(Backend::cpu);
  ScalarCpuChains r;
  r.expected.resize(static_cast<std::size_t>(chains * model.n));
  bm::initial_spins(cpu, r.expected.data(), chains, model.n, 4);
  r.start = r.expected;
  bm::sweep(cpu, model, r.expected.data(), chains, 31, 2, sweeps, scalar);
  return r;
}

/// Start spins (seed 6) and the CPU backend's scalar chains at per-chain β (replica exchange's
/// table; key 3, counter `first`) after `sweeps` sweeps.
inline ScalarCpuChains per_chain_beta_cpu_chains(const bm::Model& model, const std::vector<double>& betas,
                                                 std::uint64_t first, std::int64_t sweeps,
                                                 const bm::SweepOptions& scalar) {
  const auto chains = static_cast<std::int64_t>(betas.size());
  ScalarCpuChains r;
  r.expected.resize(static_cast<std::size_t>(chains * model.n));
  bm::backend::cpu::initial_spins(r.expected.data(), chains, model.n, 6);
  r.start = r.expected;
  bm::backend::cpu::sweep(model, r.expected.data(), chains, 3, first, sweeps, scalar, betas.data());
  return r;
}

}  // namespace boltzkit::testing
