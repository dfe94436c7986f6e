// The bit-packed lattice path on the CPU backend: layout round trips, exact measurements, and
// the physics against Kaufman's finite-lattice solution and against the byte path.
#include <gtest/gtest.h>

#include "tests/common/print.hpp"

#include <cmath>

#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising_exact.hpp"
#include "boltzkit/ising_packed.hpp"
#include "boltzkit/ising_simulation.hpp"
#include "boltzkit/mc_statistics.hpp"

namespace boltzkit::testing {
namespace {

using ising::Algorithm;

TEST(IsingPacked, PackUnpackRoundTripAndMeasurementsAgree) {
  Context ctx(Backend::cpu);
  for (ising::Lattice l : {ising::Lattice{128, 6, 1}, ising::Lattice{256, 2, 1}, ising::Lattice{128, 4, 6}}) {
    const std::int64_t replicas = 3, n = l.sites();
    std::vector<std::int8_t> bytes(replicas * n), back(replicas * n, 0);
    ising::initialize(ctx, l, {bytes.data(), replicas}, 42, true);
    std::vector<std::uint64_t> words(replicas * ising::packed_words(l));
    ising::pack(ctx, l, {bytes.data(), replicas}, {words.data(), replicas});
    ising::unpack(ctx, l, {words.data(), replicas}, {back.data(), replicas});
    EXPECT_EQ(back, bytes);
    std::vector<double> e1(replicas), m1(replicas), e2(replicas), m2(replicas);
    ising::Couplings couplings;
    couplings.J = 0.7;
    ising::measure(ctx, l, couplings, {bytes.data(), replicas}, e1.data(), m1.data());
    ising::measure_packed(ctx, l, 0.7, {words.data(), replicas}, e2.data(), m2.data());
    for (std::int64_t r = 0; r < replicas; ++r) {
      EXPECT_NEAR(e2[r], e1[r], 1e-14) << l.lx << "x" << l.ly << "x" << l.lz;
      EXPECT_EQ(m2[r], m1[r]);
    }
  }
}

TEST(IsingPacked, RejectsUnsupportedLattices) {
  Context ctx(Backend::cpu);
  EXPECT_FALSE(ising::packed_supported({64, 64, 1}));
  EXPECT_TRUE(ising::packed_supported({128, 2, 1}));
  std::vector<std::uint64_t> words(64);
  const double beta = 0.4;
  EXPECT_THROW(ising::sweep_packed(ctx, {192, 4, 1}, 1.0, Algorithm::metropolis, {words.data(), 1},
                                   &beta, 1, 0, 1),
               boltzkit::invalid_argument);
  const double nan = std::nan("");
  EXPECT_THROW(ising::sweep_packed(ctx, {128, 4, 1}, 1.0, Algorithm::metropolis, {words.data(), 1},
                                   &nan, 1, 0, 1),
               boltzkit::invalid_argument);
}

struct Series {
  std::vector<double> e, m;
};

Series run_packed(ising::Lattice l, double beta, Algorithm a, int sweeps, std::uint64_t seed) {
  Context ctx(Backend::cpu);
  std::vector<std::int8_t> bytes(l.sites());
  ising::initialize(ctx, l, {bytes.data(), 1}, seed, true);
  std::vector<std::uint64_t> words(ising::packed_words(l));
  const ising::PackedSpins view{words.data(), 1};
  ising::pack(ctx, l, {bytes.data(), 1}, view);
  ising::sweep_packed(ctx, l, 1.0, a, view, &beta, seed, 0, 500);
  Series s;
  double e = 0, m = 0;
  for (int t = 0; t < sweeps; ++t) {
    ising::sweep_packed(ctx, l, 1.0, a, view, &beta, seed, 500 + t, 1);
    ising::measure_packed(ctx, l, 1.0, view, &e, &m);
    s.e.push_back(e);
    s.m.push_back(m);
  }
  return s;
}

class PackedVsKaufman : public ::testing::TestWithParam<std::tuple<int, double, Algorithm>> {};

TEST_P(PackedVsKaufman, EnergyAndSpecificHeatWithinFourSigma) {
  const auto [ly, beta, algorithm] = GetParam();
  const ising::Lattice l{128, ly, 1};
  const auto exact = ising::exact::kaufman(beta, 128, ly);
  const auto s = run_packed(l, beta, algorithm, 30000, 7 + ly);
  const auto o = mc::analyze_lattice_series(s.e.data(), s.m.data(), s.e.size(), beta,
                                            static_cast<double>(l.sites()));
  EXPECT_LT(std::abs(o.energy_per_spin.mean - exact.energy), 4 * o.energy_per_spin.error)
      << o.energy_per_spin.mean << " ± " << o.energy_per_spin.error << " vs " << exact.energy;
  EXPECT_LT(std::abs(o.specific_heat.mean - exact.specific_heat), 4 * o.specific_heat.error)
      << o.specific_heat.mean << " ± " << o.specific_heat.error << " vs " << exact.specific_heat;
}

INSTANTIATE_TEST_SUITE_P(
    Strips, PackedVsKaufman,
    ::testing::Combine(::testing::Values(2, 4), ::testing::Values(0.3, 0.440686793509772, 0.7),
                       ::testing::Values(Algorithm::metropolis, Algorithm::heat_bath)));

// 3D has no exact finite-lattice solution: the packed path must agree with the byte path.
TEST(IsingPacked, ThreeDimensionalAgreesWithBytePath) {
  const ising::Lattice l{128, 4, 4};
  const double beta = 0.22;
  const auto packed = run_packed(l, beta, Algorithm::metropolis, 6000, 3);
  Context ctx(Backend::cpu);
  std::vector<std::int8_t> bytes(l.sites());
  ising::initialize(ctx, l, {bytes.data(), 1}, 4, true);
  ising::sweep(ctx, l, {}, Algorithm::metropolis, {bytes.data(), 1}, &beta, 4, 0, 500);
  std::vector<double> es;
  double e = 0, m = 0;
  for (int t = 0; t < 6000; ++t) {
    ising::sweep(ctx, l, {}, Algorithm::metropolis, {bytes.data(), 1}, &beta, 4, 500 + t, 1);
    ising::measure(ctx, l, {}, {bytes.data(), 1}, &e, &m);
    es.push_back(e);
  }
  const auto a = mc::binned_mean(packed.e.data(), packed.e.size());
  const auto b = mc::binned_mean(es.data(), es.size());
  EXPECT_LT(std::abs(a.mean - b.mean), 4 * std::hypot(a.error, b.error))
      << a.mean << " ± " << a.error << " vs " << b.mean << " ± " << b.error;
}

TEST(IsingPacked, SameSeedSameBits) {
  const ising::Lattice l{256, 8, 1};
  const double beta = 0.5;
  Context ctx(Backend::cpu);
  std::vector<std::uint64_t> a(ising::packed_words(l), 0x5555555555555555ULL), b = a;
  ising::sweep_packed(ctx, l, 1.0, Algorithm::heat_bath, {a.data(), 1}, &beta, 9, 0, 20);
  ising::sweep_packed(ctx, l, 1.0, Algorithm::heat_bath, {b.data(), 1}, &beta, 9, 0, 20);
  EXPECT_EQ(a, b);
  ising::sweep_packed(ctx, l, 1.0, Algorithm::heat_bath, {b.data(), 1}, &beta, 10, 20, 1);
  ising::sweep_packed(ctx, l, 1.0, Algorithm::heat_bath, {a.data(), 1}, &beta, 9, 20, 1);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace boltzkit::testing

namespace boltzkit::testing {
namespace {

TEST(IsingPackedDriver, SimulationUsesThePackedPathAndMatchesKaufman) {
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = {128, 4, 1};
  c.betas = {0.35, 0.44, 0.5};
  c.replica_exchange = true;
  c.sweeps = 20000;
  c.burn_in = 500;
  c.seed = 21;
  EXPECT_TRUE(ising::uses_packed_path(c));
  const auto r = ising::simulate(ctx, c);
  EXPECT_EQ(r.path, "packed");
  for (std::size_t k = 0; k < c.betas.size(); ++k) {
    const auto exact = ising::exact::kaufman(c.betas[k], 128, 4);
    const auto& o = r.replicas[k].observables;
    EXPECT_LT(std::abs(o.energy_per_spin.mean - exact.energy), 4 * o.energy_per_spin.error)
        << "beta " << c.betas[k];
  }
  c.h = 0.1;
  EXPECT_FALSE(ising::uses_packed_path(c));
  c.h = 0.0;
  c.packed = false;
  EXPECT_FALSE(ising::uses_packed_path(c));
}

TEST(IsingPackedDriver, CheckpointResumeIsBitIdentical) {
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = {128, 6, 1};
  c.betas = {0.4, 0.45};
  c.replica_exchange = true;
  c.sweeps = 200;
  c.burn_in = 10;
  c.seed = 5;
  const auto whole = ising::simulate(ctx, c);
  c.checkpoint = ::testing::TempDir() + "/boltzkit_packed_checkpoint.bin";
  std::remove(c.checkpoint.c_str());
  c.stop_after = 77;
  ising::simulate(ctx, c);
  c.stop_after = -1;
  const auto resumed = ising::simulate(ctx, c);
  EXPECT_EQ(resumed.spins, whole.spins);
  EXPECT_EQ(resumed.replicas[0].energy, whole.replicas[0].energy);
  std::remove(c.checkpoint.c_str());
}

}  // namespace
}  // namespace boltzkit::testing
