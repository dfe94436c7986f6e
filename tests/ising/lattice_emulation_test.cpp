// The lattice GPU kernels (kernels/ising/lattice_kernels.cuh) run on the warp emulator must give
// the CPU backend's lattice bit for bit: same seed, same spins, whatever the grid size.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/ising/lattice_kernels.cuh"
#include "host/ising/thresholds.hpp"
// clang-format on

#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;
using ising::Algorithm;

using Case = LatticeCase;

k::LatticeGeometry geometry(const ising::Lattice& l) { return {l.lx, l.ly, l.lz, l.dimensions(), l.sites()}; }

/// Sweeps with the GPU kernels on the emulator, `blocks` × 64 threads.
void emulated_sweeps(const Case& c, std::vector<std::int8_t>& spins, const std::vector<double>& betas,
                     const std::vector<float>& bonds, std::uint64_t seed, int sweeps, unsigned blocks) {
  k::LatticeUpdate u{};
  u.g = geometry(c.lattice);
  u.heat_bath = c.algorithm == Algorithm::heat_bath;
  u.h = 0.1;
  u.seed = seed;
  u.betas = betas.data();
  std::vector<std::uint64_t> tables;
  if (c.per_bond) {
    u.bonds = bonds.data();
    u.bond_replica_stride = c.lattice.sites() * c.lattice.dimensions();
  } else {
    tables = ising::detail::acceptance_tables(c.lattice.dimensions(), c.algorithm, 1.0, 0.1,
                                              betas.data(), c.replicas);
    u.thresholds = tables.data();
    u.table_stride = ising::detail::table_stride(c.lattice.dimensions(), c.algorithm);
  }
  for (int t = 0; t < sweeps; ++t) {
    u.sweep = static_cast<std::uint32_t>(t);
    for (int colour = 0; colour < 2; ++colour)
      emu::launch(c.lattice.dimensions() == 3 ? k::lattice_half_sweep_kernel<3> : k::lattice_half_sweep_kernel<2>,
                  blocks, 64, 0, u, spins.data(), c.replicas, colour);
  }
}

class LatticeKernelsOnEmulator : public ::testing::TestWithParam<Case> {};

TEST_P(LatticeKernelsOnEmulator, SameSpinsAsCpuBackend) {
  const Case c = GetParam();
  const std::int64_t n = c.lattice.sites();
  const std::uint64_t seed = 20261123;
  std::vector<double> betas;
  for (std::int64_t r = 0; r < c.replicas; ++r) betas.push_back(0.25 + 0.1 * r);
  std::vector<float> bonds;
  if (c.per_bond) {
    bonds.resize(static_cast<std::size_t>(c.replicas * n * c.lattice.dimensions()));
    ising::random_bonds(c.lattice, 1, 7, c.replicas, bonds.data());
  }
  // CPU backend
  Context cpu(Backend::cpu);
  std::vector<std::int8_t> expected(static_cast<std::size_t>(c.replicas * n));
  const ising::Spins view{expected.data(), c.replicas};
  ising::initialize(cpu, c.lattice, view, seed, true);
  ising::Couplings couplings;
  couplings.h = 0.1;
  if (c.per_bond) {
    couplings.bonds = bonds.data();
    couplings.bond_replica_stride = n * c.lattice.dimensions();
  }
  ising::sweep(cpu, c.lattice, couplings, c.algorithm, view, betas.data(), seed, 0, 6);
  // Emulated GPU kernels, from the emulated initialization, with two different grids.
  for (unsigned blocks : {1u, 3u}) {
    std::vector<std::int8_t> spins(expected.size(), 0);
    emu::launch(k::lattice_initialize_kernel, blocks, 64, 0, spins.data(), n, c.replicas, seed, true);
    emulated_sweeps(c, spins, betas, bonds, seed, 6, blocks);
    EXPECT_EQ(spins, expected) << "blocks " << blocks;
  }
  // Measurement kernels against the CPU measurement.
  std::vector<double> e_cpu(c.replicas), m_cpu(c.replicas), e_emu(c.replicas), m_emu(c.replicas);
  ising::measure(cpu, c.lattice, couplings, view, e_cpu.data(), m_cpu.data());
  const int per_replica = 2;
  std::vector<double> partial_bond(c.replicas * per_replica);
  std::vector<long long> partial_spin(partial_bond.size());
  emu::launch(k::lattice_partial_sums_kernel, static_cast<unsigned>(c.replicas * per_replica),
              k::lattice_threads, 0, geometry(c.lattice), static_cast<const std::int8_t*>(expected.data()),
              static_cast<const float*>(couplings.bonds), couplings.bond_replica_stride, per_replica,
              partial_bond.data(), partial_spin.data());
  emu::launch(k::lattice_finish_sums_kernel, 1, 64, 0, static_cast<const double*>(partial_bond.data()),
              static_cast<const long long*>(partial_spin.data()), c.replicas, per_replica,
              static_cast<double>(n), 1.0, 0.1, !c.per_bond, e_emu.data(), m_emu.data());
  for (std::int64_t r = 0; r < c.replicas; ++r) {
    EXPECT_NEAR(e_emu[r], e_cpu[r], 1e-12);
    EXPECT_EQ(m_emu[r], m_cpu[r]);
  }
}

INSTANTIATE_TEST_SUITE_P(Lattices, LatticeKernelsOnEmulator, ::testing::ValuesIn(byte_path_cases()),
                         lattice_case_name);

}  // namespace
}  // namespace boltzkit::testing
