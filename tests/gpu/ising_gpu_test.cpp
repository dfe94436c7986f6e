// GPU lattice Monte Carlo: bit-identical to the CPU backend for the same seed, and right against
// exact enumeration. Skips with a printed reason when there is no CUDA device.
#include <gtest/gtest.h>

#include <cmath>

#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising.hpp"
#include "boltzkit/ising_exact.hpp"
#include "boltzkit/ising_simulation.hpp"
#include "device_buffer.hpp"

namespace boltzkit::testing {
namespace {

using ising::Algorithm;

struct Case {
  ising::Lattice lattice;
  Algorithm algorithm;
  bool per_bond;
  std::int64_t replicas;
};

class IsingGpuVsCpu : public ::testing::TestWithParam<Case> {};

TEST_P(IsingGpuVsCpu, BitIdenticalSpinsAndSameMeasurements) {
  BOLTZKIT_REQUIRE_GPU();
  const Case c = GetParam();
  const std::int64_t n = c.lattice.sites();
  const std::uint64_t seed = 99;
  std::vector<double> betas;
  for (std::int64_t r = 0; r < c.replicas; ++r) betas.push_back(0.2 + 0.05 * r);
  std::vector<float> bonds;
  if (c.per_bond) {
    bonds.resize(static_cast<std::size_t>(n * c.lattice.dimensions()));
    ising::random_bonds(c.lattice, 1, 5, 1, bonds.data());
  }
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  std::vector<std::int8_t> host(static_cast<std::size_t>(c.replicas * n));
  ising::Couplings cc;
  cc.h = -0.05;
  cc.bonds = c.per_bond ? bonds.data() : nullptr;
  ising::initialize(cpu, c.lattice, {host.data(), c.replicas}, seed, true);
  ising::sweep(cpu, c.lattice, cc, c.algorithm, {host.data(), c.replicas}, betas.data(), seed, 3, 25);

  DeviceBuffer<std::int8_t> spins(host.size());
  DeviceBuffer<float> d_bonds(bonds);
  ising::Couplings gc = cc;
  gc.bonds = c.per_bond ? d_bonds.get() : nullptr;
  ising::initialize(gpu, c.lattice, {spins.get(), c.replicas}, seed, true);
  ising::sweep(gpu, c.lattice, gc, c.algorithm, {spins.get(), c.replicas}, betas.data(), seed, 3, 25);
  gpu.synchronize();
  EXPECT_EQ(spins.download(), host);

  std::vector<double> e_cpu(c.replicas), m_cpu(c.replicas);
  ising::measure(cpu, c.lattice, cc, {host.data(), c.replicas}, e_cpu.data(), m_cpu.data());
  DeviceBuffer<double> e(c.replicas), m(c.replicas);
  ising::measure(gpu, c.lattice, gc, {spins.get(), c.replicas}, e.get(), m.get());
  gpu.synchronize();
  const auto e_gpu = e.download(), m_gpu = m.download();
  for (std::int64_t r = 0; r < c.replicas; ++r) {
    EXPECT_NEAR(e_gpu[r], e_cpu[r], 1e-12);
    EXPECT_EQ(m_gpu[r], m_cpu[r]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Lattices, IsingGpuVsCpu,
    ::testing::Values(Case{{64, 32, 1}, Algorithm::metropolis, false, 4},
                      Case{{64, 32, 1}, Algorithm::heat_bath, false, 3},
                      Case{{2, 2, 1}, Algorithm::heat_bath, false, 5},
                      Case{{16, 8, 12}, Algorithm::metropolis, false, 2},
                      Case{{32, 16, 1}, Algorithm::metropolis, true, 2},
                      Case{{8, 8, 8}, Algorithm::heat_bath, true, 3},
                      Case{{1024, 1024, 1}, Algorithm::metropolis, false, 1}));

TEST(IsingGpu, SimulationMatchesEnumeration) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu);
  ising::SimulationConfig c;
  c.lattice = {4, 4, 1};
  c.betas = {0.3, 0.440686793509772, 0.6};
  c.sweeps = 100000;
  c.burn_in = 1000;
  c.seed = 17;
  const auto r = ising::simulate(gpu, c);
  EXPECT_EQ(r.backend, "gpu");
  for (std::size_t k = 0; k < c.betas.size(); ++k) {
    const auto exact = ising::exact::enumerate_square_lattice(4, 4, c.betas[k]);
    const auto& o = r.replicas[k].observables;
    EXPECT_LT(std::abs(o.energy_per_spin.mean - exact.energy), 4 * o.energy_per_spin.error);
    EXPECT_LT(std::abs(o.specific_heat.mean - exact.specific_heat), 4 * o.specific_heat.error);
  }
}

TEST(IsingGpu, SimulationIsBitIdenticalToCpu) {
  BOLTZKIT_REQUIRE_GPU();
  ising::SimulationConfig c;
  c.lattice = {16, 16, 1};
  c.betas = {0.35, 0.4, 0.45, 0.5};
  c.replica_exchange = true;
  c.sweeps = 500;
  c.burn_in = 50;
  c.seed = 1;
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  const auto a = ising::simulate(cpu, c);
  const auto b = ising::simulate(gpu, c);
  EXPECT_EQ(a.spins, b.spins);
  for (std::size_t k = 0; k < c.betas.size(); ++k) {
    EXPECT_EQ(a.replicas[k].magnetization, b.replicas[k].magnetization);
    EXPECT_EQ(a.replicas[k].swap_acceptance, b.replicas[k].swap_acceptance);
  }
}

}  // namespace
}  // namespace boltzkit::testing
