// The packed lattice GPU kernels on the warp emulator give the CPU backend's words bit for bit,
// for any grid, and the packed measurement kernels give the CPU counts.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/ising/packed_kernels.cuh"
#include "host/ising/thresholds.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising_packed.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;
using ising::Algorithm;

k::PackedGeometry geometry(const ising::Lattice& l) {
  const std::int64_t w = l.lx / 128;
  return {l.lx, l.ly, l.lz, l.dimensions(), w, w * l.ly * l.lz};
}

class PackedKernelsOnEmulator : public ::testing::TestWithParam<LatticeCase> {};

TEST_P(PackedKernelsOnEmulator, SameWordsAsCpuBackend) {
  const ising::Lattice l = GetParam().lattice;
  const Algorithm algorithm = GetParam().algorithm;
  const std::int64_t replicas = GetParam().replicas;
  const std::uint64_t seed = 77;
  std::vector<double> betas;
  for (std::int64_t r = 0; r < replicas; ++r) betas.push_back(0.3 + 0.1 * r);
  Context cpu(Backend::cpu);
  std::vector<std::int8_t> bytes(replicas * l.sites());
  ising::initialize(cpu, l, {bytes.data(), replicas}, seed, true);
  std::vector<std::uint64_t> expected(replicas * ising::packed_words(l));
  ising::pack(cpu, l, {bytes.data(), replicas}, {expected.data(), replicas});
  std::vector<std::uint64_t> start = expected;
  ising::sweep_packed(cpu, l, 1.0, algorithm, {expected.data(), replicas}, betas.data(), seed, 5, 4);

  const auto tables = ising::detail::packed_flip_tables(l.dimensions(), algorithm, 1.0, betas.data(), replicas);
  // Launch shapes: whole grids and grids smaller than the word count, so that the grid-stride
  // loop carries its (r, z, y, w) index across rows and replicas.
  const std::pair<unsigned, unsigned> shapes[] = {{1, 64}, {2, 64}, {1, 32}, {3, 32}};
  for (const auto& shape : shapes) {
    // Plain copies, not structured bindings: a lambda below captures them (C++20 only for those).
    const auto blocks = shape.first;
    const auto threads = shape.second;
    // Pack on the emulator too, from the same bytes.
    std::vector<std::uint64_t> words(expected.size(), 0);
    emu::launch(k::packed_convert_kernel, blocks, threads, 0, geometry(l), bytes.data(), words.data(), replicas, true);
    EXPECT_EQ(words, start);
    k::PackedUpdate u{};
    u.g = geometry(l);
    u.thresholds = tables.data();
    k::prepare_packed_update(u, seed, tables.data(), replicas);
    for (int t = 0; t < 4; ++t) {
      u.sweep = static_cast<std::uint32_t>(5 + t);
      for (int colour = 0; colour < 2; ++colour)
        k::with_plane_mode(u, [&](auto mode) {
          constexpr k::PlaneMode p = decltype(mode)::value;
          emu::launch(l.dimensions() == 3 ? k::packed_half_sweep_kernel<3, k::PhiloxPlanes, p>
                                          : k::packed_half_sweep_kernel<2, k::PhiloxPlanes, p>,
                      blocks, threads, 0, u, words.data(), replicas, colour);
        });
    }
    EXPECT_EQ(words, expected) << "blocks " << blocks << " x " << threads;
  }
  // Measurements: emulated kernels against the CPU backend.
  std::vector<double> e_cpu(replicas), m_cpu(replicas), e_emu(replicas), m_emu(replicas);
  ising::measure_packed(cpu, l, 1.0, {expected.data(), replicas}, e_cpu.data(), m_cpu.data());
  const int per = 2;
  std::vector<long long> up(replicas * per), anti(replicas * per);
  emu::launch(k::packed_partial_counts_kernel, static_cast<unsigned>(replicas * per), k::packed_threads, 0,
              geometry(l), static_cast<const std::uint64_t*>(expected.data()), per, up.data(), anti.data());
  emu::launch(k::packed_finish_counts_kernel, 1, 64, 0, static_cast<const long long*>(up.data()),
              static_cast<const long long*>(anti.data()), replicas, per, static_cast<double>(l.sites()),
              l.dimensions(), 1.0, e_emu.data(), m_emu.data());
  EXPECT_EQ(e_emu, e_cpu);
  EXPECT_EQ(m_emu, m_cpu);
}

INSTANTIATE_TEST_SUITE_P(Lattices, PackedKernelsOnEmulator, ::testing::ValuesIn(packed_path_cases()),
                         lattice_case_name);

// The plane loop of each mode on the emulator against the CPU backend, the mode checked first so
// that a table change cannot silently move a case to another loop: 2D heat bath runs the folded
// two-level loop at every temperature, 3D heat bath too at low temperature (q(0) rounds to 0),
// 3D heat bath near T_c the folded three-level loop, 3D Metropolis the three-level one, 2D
// Metropolis the two-level one. (The all-levels loop: no library table needs it; it is checked
// against the plain rule in packed_word_test.cpp.)
struct ModeCase {
  ising::Lattice lattice;
  Algorithm algorithm;
  std::vector<double> betas;
  double J;
  k::PlaneMode mode;
};

TEST(PackedKernelsOnEmulatorModes, EveryPlaneLoopGivesTheCpuWords) {
  const std::vector<ModeCase> cases = {
      {{128, 4, 1}, Algorithm::heat_bath, {0.0, 0.4406868, 1.5}, 1.0, k::PlaneMode::mirror_pair},
      {{128, 4, 1}, Algorithm::heat_bath, {0.6667}, -1.0, k::PlaneMode::mirror_pair},
      {{128, 2, 2}, Algorithm::heat_bath, {2.0, 2.5}, 1.0, k::PlaneMode::mirror_pair},
      {{128, 2, 2}, Algorithm::heat_bath, {0.2216544, 0.3}, 1.0, k::PlaneMode::mirror_triple},
      {{128, 2, 2}, Algorithm::metropolis, {0.2216544}, -1.0, k::PlaneMode::triple},
      {{128, 4, 1}, Algorithm::metropolis, {0.4406868}, 1.0, k::PlaneMode::pair},
  };
  const std::uint64_t seed = 31;
  for (const auto& c : cases) {
    const ising::Lattice& l = c.lattice;
    const auto replicas = static_cast<std::int64_t>(c.betas.size());
    const auto tables = ising::detail::packed_flip_tables(l.dimensions(), c.algorithm, c.J, c.betas.data(), replicas);
    k::PackedUpdate u{};
    u.g = geometry(l);
    u.thresholds = tables.data();
    k::prepare_packed_update(u, seed, tables.data(), replicas);
    ASSERT_EQ(u.mode, c.mode) << l.lx << "x" << l.ly << "x" << l.lz;
    Context cpu(Backend::cpu);
    std::vector<std::int8_t> bytes(replicas * l.sites());
    ising::initialize(cpu, l, {bytes.data(), replicas}, seed, true);
    std::vector<std::uint64_t> expected(replicas * ising::packed_words(l));
    ising::pack(cpu, l, {bytes.data(), replicas}, {expected.data(), replicas});
    std::vector<std::uint64_t> words = expected;
    ising::sweep_packed(cpu, l, c.J, c.algorithm, {expected.data(), replicas}, c.betas.data(), seed, 3, 3);
    for (int t = 0; t < 3; ++t) {
      u.sweep = static_cast<std::uint32_t>(3 + t);
      for (int colour = 0; colour < 2; ++colour)
        k::with_plane_mode(u, [&](auto mode) {
          constexpr k::PlaneMode m = decltype(mode)::value;
          emu::launch(l.dimensions() == 3 ? k::packed_half_sweep_kernel<3, k::PhiloxPlanes, m>
                                          : k::packed_half_sweep_kernel<2, k::PhiloxPlanes, m>,
                      2, 32, 0, u, words.data(), replicas, colour);
        });
    }
    EXPECT_EQ(words, expected) << l.lx << "x" << l.ly << "x" << l.lz << " mode " << static_cast<int>(c.mode);
  }
}

}  // namespace
}  // namespace boltzkit::testing
