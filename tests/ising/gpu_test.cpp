// GPU lattice Monte Carlo: bit-identical to the CPU backend for the same seed, and right against
// exact enumeration. Skips with a printed reason when there is no CUDA device.
#include <gtest/gtest.h>

#include <cmath>

#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising.hpp"
#include "boltzkit/ising_exact.hpp"
#include "boltzkit/ising_packed.hpp"
#include "boltzkit/ising_simulation.hpp"
#include "cases.hpp"
#include "gpu_skip.hpp"

namespace boltzkit::testing {
namespace {

using ising::Algorithm;

using Case = LatticeCase;

/// The family table plus lattices only a GPU runs in test time: a multi-block 2D lattice, a
/// thick 3D one and a 1024² one.
std::vector<Case> gpu_byte_cases() {
  std::vector<Case> cases = byte_path_cases();
  cases.push_back({{64, 32, 1}, Algorithm::metropolis, false, 4, "2D_many_blocks"});
  cases.push_back({{2, 2, 1}, Algorithm::heat_bath, false, 5, "2D_2x2"});
  cases.push_back({{16, 8, 12}, Algorithm::metropolis, false, 2, "3D_thick"});
  cases.push_back({{32, 16, 1}, Algorithm::metropolis, true, 2, "2D_per_bond_many_blocks"});
  cases.push_back({{8, 8, 8}, Algorithm::heat_bath, true, 3, "3D_per_bond_cube"});
  cases.push_back({{1024, 1024, 1}, Algorithm::metropolis, false, 1, "2D_1024"});
  return cases;
}

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
  gc.bonds = c.per_bond ? d_bonds.data() : nullptr;
  ising::initialize(gpu, c.lattice, {spins.data(), c.replicas}, seed, true);
  ising::sweep(gpu, c.lattice, gc, c.algorithm, {spins.data(), c.replicas}, betas.data(), seed, 3, 25);
  gpu.synchronize();
  EXPECT_EQ(spins.download(), host);

  std::vector<double> e_cpu(c.replicas), m_cpu(c.replicas);
  ising::measure(cpu, c.lattice, cc, {host.data(), c.replicas}, e_cpu.data(), m_cpu.data());
  DeviceBuffer<double> e(c.replicas), m(c.replicas);
  ising::measure(gpu, c.lattice, gc, {spins.data(), c.replicas}, e.data(), m.data());
  gpu.synchronize();
  const auto e_gpu = e.download(), m_gpu = m.download();
  for (std::int64_t r = 0; r < c.replicas; ++r) {
    EXPECT_NEAR(e_gpu[r], e_cpu[r], 1e-12);
    EXPECT_EQ(m_gpu[r], m_cpu[r]);
  }
}

INSTANTIATE_TEST_SUITE_P(Lattices, IsingGpuVsCpu, ::testing::ValuesIn(gpu_byte_cases()),
                         lattice_case_name);

// Sweep calls upload their tables through the context's pinned staging ring: 40 calls with a
// different β ladder each, queued without any synchronization (more calls than staging
// buffers, and each call's host arrays gone before the device reads them), must still give
// the CPU backend's lattice bit for bit, on both paths.
TEST(IsingGpu, QueuedSweepsWithChangingBetasMatchCpu) {
  BOLTZKIT_REQUIRE_GPU();
  const ising::Lattice lattice{128, 16, 1};
  const std::int64_t replicas = 3, calls = 40;
  const std::uint64_t seed = 5;
  auto betas_of_call = [](std::int64_t t) {
    return std::vector<double>{0.2 + 0.01 * t, 0.45 - 0.005 * t, 0.3 + 0.002 * t};
  };
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  std::vector<std::int8_t> host(static_cast<std::size_t>(replicas * lattice.sites()));
  ising::initialize(cpu, lattice, {host.data(), replicas}, seed, true);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(replicas * ising::packed_words(lattice)));
  ising::pack(cpu, lattice, {host.data(), replicas}, {words.data(), replicas});
  DeviceBuffer<std::int8_t> d_spins(host);
  DeviceBuffer<std::uint64_t> d_words(words);
  for (std::int64_t t = 0; t < calls; ++t) {
    const auto betas = betas_of_call(t);
    const auto index = static_cast<std::uint64_t>(2 * t);
    ising::sweep(cpu, lattice, ising::Couplings{}, Algorithm::metropolis, {host.data(), replicas},
                 betas.data(), seed, index, 2);
    ising::sweep_packed(cpu, lattice, 1.0, Algorithm::heat_bath, {words.data(), replicas},
                        betas.data(), seed, index, 2);
    ising::sweep(gpu, lattice, ising::Couplings{}, Algorithm::metropolis,
                 {d_spins.data(), replicas}, betas.data(), seed, index, 2);
    ising::sweep_packed(gpu, lattice, 1.0, Algorithm::heat_bath, {d_words.data(), replicas},
                        betas.data(), seed, index, 2);
  }
  gpu.synchronize();
  EXPECT_EQ(d_spins.download(), host);
  EXPECT_EQ(d_words.download(), words);
}

// A sweep uploads host tables, which a CUDA graph could not replay faithfully: under stream
// capture it throws invalid_argument before queuing anything, and the context stays usable.
TEST(IsingGpu, SweepRefusesStreamCapture) {
  BOLTZKIT_REQUIRE_GPU();
  const ising::Lattice lattice{16, 16, 1};
  Context gpu(Backend::gpu);
  DeviceBuffer<std::int8_t> spins(static_cast<std::size_t>(lattice.sites()));
  ising::initialize(gpu, lattice, {spins.data(), 1}, 1, true);
  const double beta = 0.4;
  ising::sweep(gpu, lattice, ising::Couplings{}, Algorithm::metropolis, {spins.data(), 1}, &beta,
               1, 0, 1);  // warm-up: the workspace exists before the capture
  gpu.synchronize();
  BOLTZKIT_CUDA(cudaStreamBeginCapture(gpu.stream(), cudaStreamCaptureModeGlobal));
  bool threw = false;
  try {
    ising::sweep(gpu, lattice, ising::Couplings{}, Algorithm::metropolis, {spins.data(), 1},
                 &beta, 1, 1, 1);
  } catch (const boltzkit::invalid_argument&) {
    threw = true;
  }
  cudaGraph_t graph = nullptr;
  cudaStreamEndCapture(gpu.stream(), &graph);
  if (graph != nullptr) cudaGraphDestroy(graph);
  cudaGetLastError();
  EXPECT_TRUE(threw);
  ising::sweep(gpu, lattice, ising::Couplings{}, Algorithm::metropolis, {spins.data(), 1}, &beta,
               1, 1, 1);
  EXPECT_NO_THROW(gpu.synchronize());
}

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

namespace boltzkit::testing {
namespace {

class IsingPackedGpuVsCpu : public ::testing::TestWithParam<LatticeCase> {};

/// The family table plus lattices only a GPU runs in test time.
std::vector<LatticeCase> gpu_packed_cases() {
  std::vector<LatticeCase> cases = packed_path_cases();
  cases.push_back({{1024, 512, 1}, ising::Algorithm::metropolis, false, 1, "2D_1024x512"});
  cases.push_back({{128, 128, 1}, ising::Algorithm::heat_bath, false, 64, "2D_64_replicas"});
  cases.push_back({{128, 32, 32}, ising::Algorithm::metropolis, false, 4, "3D_thick"});
  return cases;
}

TEST_P(IsingPackedGpuVsCpu, BitIdenticalWordsAndSameMeasurements) {
  BOLTZKIT_REQUIRE_GPU();
  const ising::Lattice l = GetParam().lattice;
  const ising::Algorithm algorithm = GetParam().algorithm;
  const std::int64_t replicas = GetParam().replicas;
  std::vector<double> betas;
  for (std::int64_t r = 0; r < replicas; ++r) betas.push_back(0.3 + 0.07 * r);
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  std::vector<std::int8_t> bytes(replicas * l.sites());
  ising::initialize(cpu, l, {bytes.data(), replicas}, 3, true);
  std::vector<std::uint64_t> words(replicas * ising::packed_words(l));
  ising::pack(cpu, l, {bytes.data(), replicas}, {words.data(), replicas});
  ising::sweep_packed(cpu, l, 1.0, algorithm, {words.data(), replicas}, betas.data(), 3, 0, 30);

  DeviceBuffer<std::int8_t> d_bytes(bytes.size());
  DeviceBuffer<std::uint64_t> d_words(words.size());
  ising::initialize(gpu, l, {d_bytes.data(), replicas}, 3, true);
  ising::pack(gpu, l, {d_bytes.data(), replicas}, {d_words.data(), replicas});
  ising::sweep_packed(gpu, l, 1.0, algorithm, {d_words.data(), replicas}, betas.data(), 3, 0, 30);
  gpu.synchronize();
  EXPECT_EQ(d_words.download(), words);
  std::vector<double> e(replicas), m(replicas);
  ising::measure_packed(cpu, l, 1.0, {words.data(), replicas}, e.data(), m.data());
  DeviceBuffer<double> de(replicas), dm(replicas);
  ising::measure_packed(gpu, l, 1.0, {d_words.data(), replicas}, de.data(), dm.data());
  gpu.synchronize();
  EXPECT_EQ(de.download(), e);
  EXPECT_EQ(dm.download(), m);
  ising::unpack(gpu, l, {d_words.data(), replicas}, {d_bytes.data(), replicas});
  ising::unpack(cpu, l, {words.data(), replicas}, {bytes.data(), replicas});
  gpu.synchronize();
  EXPECT_EQ(d_bytes.download(), bytes);
}

INSTANTIATE_TEST_SUITE_P(Lattices, IsingPackedGpuVsCpu, ::testing::ValuesIn(gpu_packed_cases()),
                         lattice_case_name);

TEST(IsingGpu, PackedSimulationMatchesKaufman) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu);
  ising::SimulationConfig c;
  c.lattice = {128, 128, 1};
  c.betas = {0.3, 0.440686793509772, 0.6};
  c.sweeps = 20000;
  c.burn_in = 2000;
  c.hot_start = false;
  c.seed = 12;
  const auto r = ising::simulate(gpu, c);
  EXPECT_EQ(r.path, "packed");
  for (std::size_t k = 0; k < c.betas.size(); ++k) {
    const auto exact = ising::exact::kaufman(c.betas[k], 128);
    const auto& o = r.replicas[k].observables;
    EXPECT_LT(std::abs(o.energy_per_spin.mean - exact.energy), 4 * o.energy_per_spin.error);
    EXPECT_LT(std::abs(o.specific_heat.mean - exact.specific_heat), 4 * o.specific_heat.error);
  }
}

}  // namespace
}  // namespace boltzkit::testing
