// Lattice Monte Carlo on the CPU backend against exact results (enumeration, Kaufman, Onsager),
// by z-score with binned error bars; fixed seeds.
#include <gtest/gtest.h>

#include "tests/common/print.hpp"

#include <cmath>

#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising_exact.hpp"
#include "boltzkit/ising_packed.hpp"
#include "boltzkit/ising_simulation.hpp"

namespace boltzkit::testing {
namespace {

using ising::Algorithm;

ising::SimulationResult run(ising::Lattice lattice, double beta, Algorithm algorithm,
                            std::int64_t sweeps, std::uint64_t seed, std::int64_t burn_in = 2000,
                            bool hot = true) {
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = lattice;
  c.betas = {beta};
  c.algorithm = algorithm;
  c.sweeps = sweeps;
  c.burn_in = burn_in;
  c.seed = seed;
  c.hot_start = hot;
  return ising::simulate(ctx, c);
}

double z_score(const mc::Estimate& e, double exact) {
  return (e.mean - exact) / std::max(e.error, 1e-12);
}

class SmallLatticeVsEnumeration : public ::testing::TestWithParam<std::tuple<int, double, Algorithm>> {};

TEST_P(SmallLatticeVsEnumeration, ObservablesWithinFourSigma) {
  const auto [l, beta, algorithm] = GetParam();
  const auto exact = ising::exact::enumerate_square_lattice(l, l, beta);
  const auto r = run({l, l, 1}, beta, algorithm, 200000, 1000 + l);
  const auto& o = r.replicas[0].observables;
  EXPECT_LT(std::abs(z_score(o.energy_per_spin, exact.energy)), 4.0)
      << o.energy_per_spin.mean << " ± " << o.energy_per_spin.error << " vs " << exact.energy;
  EXPECT_LT(std::abs(z_score(o.specific_heat, exact.specific_heat)), 4.0)
      << o.specific_heat.mean << " ± " << o.specific_heat.error << " vs " << exact.specific_heat;
  EXPECT_LT(std::abs(z_score(o.abs_magnetization, exact.abs_magnetization)), 4.0)
      << o.abs_magnetization.mean << " ± " << o.abs_magnetization.error;
  EXPECT_LT(std::abs(z_score(o.magnetization_sq, exact.magnetization_squared)), 4.0);
  EXPECT_GT(o.energy_per_spin.error, 0.0);
}

INSTANTIATE_TEST_SUITE_P(
    Four, SmallLatticeVsEnumeration,
    ::testing::Combine(::testing::Values(4), ::testing::Values(0.3, 0.440686793509772, 0.6),
                       ::testing::Values(Algorithm::metropolis, Algorithm::heat_bath)));
// A periodic extent of 2 makes checkerboard Metropolis reducible: in states with A = −D and
// B = −C every spin sees ΔE = 0 and flips with certainty, forever. Heat bath has no such cycle.
INSTANTIATE_TEST_SUITE_P(
    Two, SmallLatticeVsEnumeration,
    ::testing::Combine(::testing::Values(2), ::testing::Values(0.3, 0.440686793509772, 0.6),
                       ::testing::Values(Algorithm::heat_bath)));

TEST(IsingLattice, ThreeDimensionalMatchesEnumeration) {
  const double beta = 0.25;
  const auto exact = ising::exact::enumerate_periodic_lattice({2, 2, 4}, beta);
  const auto r = run({2, 2, 4}, beta, Algorithm::heat_bath, 200000, 77);
  const auto& o = r.replicas[0].observables;
  EXPECT_LT(std::abs(z_score(o.energy_per_spin, exact.energy)), 4.0);
  EXPECT_LT(std::abs(z_score(o.specific_heat, exact.specific_heat)), 4.0);
  EXPECT_LT(std::abs(z_score(o.magnetization_sq, exact.magnetization_squared)), 4.0);
}

class KaufmanFiniteLattice : public ::testing::TestWithParam<double> {};

TEST_P(KaufmanFiniteLattice, EnergyAndSpecificHeatWithinFourSigma) {
  const double beta = GetParam();
  const int l = 16;
  const auto exact = ising::exact::kaufman(beta, l);
  const auto r = run({l, l, 1}, beta, Algorithm::metropolis, 40000, 4242);
  const auto& o = r.replicas[0].observables;
  EXPECT_LT(std::abs(z_score(o.energy_per_spin, exact.energy)), 4.0)
      << o.energy_per_spin.mean << " ± " << o.energy_per_spin.error << " vs " << exact.energy;
  EXPECT_LT(std::abs(z_score(o.specific_heat, exact.specific_heat)), 4.0)
      << o.specific_heat.mean << " ± " << o.specific_heat.error << " vs " << exact.specific_heat;
}

INSTANTIATE_TEST_SUITE_P(BothSidesOfCritical, KaufmanFiniteLattice,
                         ::testing::Values(0.3, 0.42, 0.440686793509772, 0.46, 0.6));

TEST(IsingLattice, OnsagerSpontaneousMagnetization) {
  const double beta = 0.5;  // T = 2 < T_c; finite-size corrections at L = 64 are ~e^{-L/ξ}
  // Cold start: a hot quench below T_c can freeze into stripes on a periodic lattice.
  const auto r = run({64, 64, 1}, beta, Algorithm::heat_bath, 3000, 9, 500, false);
  const auto& o = r.replicas[0].observables;
  const double exact = ising::exact::onsager_magnetization(beta);
  EXPECT_NEAR(exact, 0.911319377877, 1e-9);
  EXPECT_LT(std::abs(o.abs_magnetization.mean - exact), 4 * o.abs_magnetization.error + 2e-4)
      << o.abs_magnetization.mean << " ± " << o.abs_magnetization.error;
}

// ⟨exp(−βΔE_i)⟩ = 1 at equilibrium for any single-spin flip (docs/MATH.md §3).
TEST(IsingLattice, SchwingerDysonIdentity) {
  Context ctx(Backend::cpu);
  const ising::Lattice lattice{8, 8, 1};
  const double beta = 0.4;
  std::vector<std::int8_t> spins(64);
  const ising::Spins view{spins.data(), 1};
  ising::initialize(ctx, lattice, view, 5, true);
  ising::sweep(ctx, lattice, {}, Algorithm::metropolis, view, &beta, 5, 0, 1000);
  const int n = 8;
  std::vector<double> samples;
  for (int t = 0; t < 40000; ++t) {
    ising::sweep(ctx, lattice, {}, Algorithm::metropolis, view, &beta, 5, 1000 + t, 1);
    const int x = t % n, y = (t / n) % n;  // a different site each time
    const int s = spins[y * n + x];
    const int sum = spins[y * n + (x + 1) % n] + spins[y * n + (x + n - 1) % n] +
                    spins[((y + 1) % n) * n + x] + spins[((y + n - 1) % n) * n + x];
    samples.push_back(std::exp(-beta * 2.0 * s * sum));
  }
  const auto est = mc::binned_mean(samples.data(), samples.size());
  EXPECT_LT(std::abs(est.mean - 1.0), 4 * est.error) << est.mean << " ± " << est.error;
}

// The chain's visit frequencies on a 2×2 lattice (16 states) match the Boltzmann weights
// (chi-square over the 16 states): stationarity of the heat-bath checkerboard sweep.
TEST(IsingLattice, StationaryDistributionIsBoltzmann) {
  Context ctx(Backend::cpu);
  const ising::Lattice lattice{2, 2, 1};
  const double beta = 0.3;
  std::vector<std::int8_t> spins(4);
  const ising::Spins view{spins.data(), 1};
  ising::initialize(ctx, lattice, view, 3, true);
  std::vector<double> counts(16, 0.0);
  const int samples = 200000;
  for (int t = 0; t < samples; ++t) {
    ising::sweep(ctx, lattice, {}, Algorithm::heat_bath, view, &beta, 3, t, 1);
    int state = 0;
    for (int i = 0; i < 4; ++i) state |= (spins[i] > 0 ? 1 : 0) << i;
    counts[state] += 1;
  }
  // On a periodic 2×2 lattice each site has its two x-neighbours equal (bond counted twice).
  std::vector<double> weight(16);
  double z = 0;
  for (int st = 0; st < 16; ++st) {
    int s[4];
    for (int i = 0; i < 4; ++i) s[i] = (st >> i & 1) ? 1 : -1;
    const double energy = -2.0 * (s[0] * s[1] + s[2] * s[3] + s[0] * s[2] + s[1] * s[3]);
    weight[st] = std::exp(-beta * energy);
    z += weight[st];
  }
  double chi2 = 0;
  for (int st = 0; st < 16; ++st) {
    const double expected = samples * weight[st] / z;
    chi2 += (counts[st] - expected) * (counts[st] - expected) / expected;
  }
  // Successive sweeps are correlated, which inflates chi2 by ~2τ; 15 dof, generous bound.
  EXPECT_LT(chi2, 80.0);
}

TEST(IsingLattice, SameSeedSameLatticeAndReplicasAreIndependentStreams) {
  Context ctx(Backend::cpu);
  const ising::Lattice lattice{6, 4, 1};
  std::vector<std::int8_t> a(48), b(48);
  const double betas[2] = {0.4, 0.4};
  ising::initialize(ctx, lattice, {a.data(), 2}, 11, true);
  ising::initialize(ctx, lattice, {b.data(), 2}, 11, true);
  ising::sweep(ctx, lattice, {}, Algorithm::heat_bath, {a.data(), 2}, betas, 11, 0, 50);
  ising::sweep(ctx, lattice, {}, Algorithm::heat_bath, {b.data(), 2}, betas, 11, 0, 50);
  EXPECT_EQ(a, b);
  EXPECT_NE(std::vector<std::int8_t>(a.begin(), a.begin() + 24),
            std::vector<std::int8_t>(a.begin() + 24, a.end()));
}

TEST(IsingLattice, CheckpointResumeIsBitIdentical) {
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = {8, 6, 1};
  c.betas = {0.3, 0.4, 0.5};
  c.replica_exchange = true;
  c.burn_in = 20;
  c.sweeps = 300;
  c.seed = 123;
  const auto whole = ising::simulate(ctx, c);
  c.checkpoint = ::testing::TempDir() + "/boltzkit_ising_checkpoint.bin";
  std::remove(c.checkpoint.c_str());
  c.stop_after = 137;
  const auto first = ising::simulate(ctx, c);
  EXPECT_FALSE(first.finished);
  c.stop_after = -1;
  const auto resumed = ising::simulate(ctx, c);
  EXPECT_TRUE(resumed.finished);
  EXPECT_EQ(resumed.spins, whole.spins);
  for (std::size_t k = 0; k < c.betas.size(); ++k) {
    EXPECT_EQ(resumed.replicas[k].energy, whole.replicas[k].energy);
    EXPECT_EQ(resumed.replicas[k].swap_acceptance, whole.replicas[k].swap_acceptance);
  }
  c.seed = 124;  // a different run must not resume from it
  EXPECT_THROW(ising::simulate(ctx, c), boltzkit::invalid_argument);
  std::remove(c.checkpoint.c_str());
}

// simulate() queues measurements on the device and fetches them in batches: its series must be
// the one a plain loop of sweep + measure over the public API gives, across several batches
// (600 sweeps; a batch holds at most 256) and on both spin paths.
class SimulationSeries : public ::testing::TestWithParam<ising::Lattice> {};

TEST_P(SimulationSeries, EqualsPlainLoopOverThePublicApi) {
  const ising::Lattice lattice = GetParam();
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = lattice;
  c.betas = {0.35, 0.45};
  c.burn_in = 7;
  c.sweeps = 600;
  c.seed = 31;
  const auto r = ising::simulate(ctx, c);

  const auto replicas = static_cast<std::int64_t>(c.betas.size());
  const bool packed = ising::uses_packed_path(c);
  std::vector<std::int8_t> spins(static_cast<std::size_t>(replicas * lattice.sites()));
  std::vector<std::uint64_t> words(static_cast<std::size_t>(replicas * ising::packed_words(lattice)));
  ising::initialize(ctx, lattice, {spins.data(), replicas}, c.seed, true);
  if (packed) ising::pack(ctx, lattice, {spins.data(), replicas}, {words.data(), replicas});
  std::vector<double> e(c.betas.size()), m(c.betas.size());
  for (std::int64_t t = 0; t < c.burn_in + c.sweeps; ++t) {
    const auto index = static_cast<std::uint64_t>(t);
    if (packed)
      ising::sweep_packed(ctx, lattice, c.J, c.algorithm, {words.data(), replicas}, c.betas.data(),
                          c.seed, index, 1);
    else
      ising::sweep(ctx, lattice, ising::Couplings{}, c.algorithm, {spins.data(), replicas},
                   c.betas.data(), c.seed, index, 1);
    if (t < c.burn_in) continue;
    if (packed)
      ising::measure_packed(ctx, lattice, c.J, {words.data(), replicas}, e.data(), m.data());
    else
      ising::measure(ctx, lattice, ising::Couplings{}, {spins.data(), replicas}, e.data(), m.data());
    for (std::size_t k = 0; k < c.betas.size(); ++k) {
      const auto i = static_cast<std::size_t>(t - c.burn_in);
      ASSERT_EQ(r.replicas[k].energy.at(i), e[k]) << "sweep " << t << " replica " << k;
      ASSERT_EQ(r.replicas[k].magnetization.at(i), m[k]) << "sweep " << t << " replica " << k;
    }
  }
  if (packed) ising::unpack(ctx, lattice, {words.data(), replicas}, {spins.data(), replicas});
  EXPECT_EQ(r.spins, spins);
}

INSTANTIATE_TEST_SUITE_P(BothPaths, SimulationSeries,
                         ::testing::Values(ising::Lattice{8, 6, 1},      // byte path
                                           ising::Lattice{128, 4, 1}));  // packed path

// With one exchange attempt per even sweep between two replicas, the measured acceptance rate
// equals the mean of min(1, exp(Δβ ΔE)) over the attempts, within binomial error.
TEST(IsingLattice, ReplicaExchangeAcceptanceMatchesItsFormula) {
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = {4, 4, 1};
  c.betas = {0.40, 0.45};
  c.replica_exchange = true;
  c.sweeps = 40000;
  c.seed = 8;
  const auto r = ising::simulate(ctx, c);
  double expected = 0;
  int attempts = 0;
  for (std::size_t t = 0; t < r.replicas[0].energy.size(); t += 2) {
    expected += ising::exchange_probability(0.40, r.replicas[0].energy[t] * 16, 0.45,
                                            r.replicas[1].energy[t] * 16);
    ++attempts;
  }
  expected /= attempts;
  const double error = std::sqrt(expected * (1 - expected) / attempts);
  EXPECT_NEAR(r.replicas[0].swap_acceptance, expected, 4 * error + 1e-3);
  EXPECT_GT(r.replicas[0].swap_acceptance, 0.0);
  EXPECT_EQ(r.replicas[1].swap_acceptance, -1.0);
}

TEST(IsingLattice, SpinGlassCouplingsAreUsedAndReproducible) {
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = {6, 6, 1};
  c.betas = {0.8};
  c.couplings = ising::CouplingKind::gaussian;
  c.algorithm = Algorithm::heat_bath;
  c.sweeps = 200;
  c.seed = 4;
  const auto a = ising::simulate(ctx, c);
  const auto b = ising::simulate(ctx, c);
  EXPECT_EQ(a.spins, b.spins);
  c.couplings = ising::CouplingKind::plus_minus;
  const auto pm = ising::simulate(ctx, c);
  EXPECT_NE(pm.spins, a.spins);
}

// ±J couplings all equal to +1 are the ferromagnet: per-bond and uniform paths agree exactly in
// distribution; here, a 2×2×2 enumeration check of the per-bond code path.
TEST(IsingLattice, PerBondPathMatchesEnumeration) {
  Context ctx(Backend::cpu);
  const ising::Lattice lattice{4, 4, 1};
  const double beta = 0.35;
  std::vector<float> bonds(16 * 2, 1.0f);
  ising::Couplings couplings;
  couplings.bonds = bonds.data();
  std::vector<std::int8_t> spins(16);
  const ising::Spins view{spins.data(), 1};
  ising::initialize(ctx, lattice, view, 1, true);
  std::vector<double> es, ms;
  double e = 0, m = 0;
  for (int t = 0; t < 100000; ++t) {
    ising::sweep(ctx, lattice, couplings, Algorithm::metropolis, view, &beta, 1, t, 1);
    ising::measure(ctx, lattice, couplings, view, &e, &m);
    if (t >= 1000) {
      es.push_back(e);
      ms.push_back(m);
    }
  }
  const auto exact = ising::exact::enumerate_square_lattice(4, 4, beta);
  const auto o = mc::analyze_lattice_series(es.data(), ms.data(), es.size(), beta, 16);
  EXPECT_LT(std::abs(z_score(o.energy_per_spin, exact.energy)), 4.0);
  EXPECT_LT(std::abs(z_score(o.specific_heat, exact.specific_heat)), 4.0);
}

TEST(IsingLattice, BadArgumentsThrow) {
  Context ctx(Backend::cpu);
  std::vector<std::int8_t> spins(64);
  const double beta = 0.4, nan = std::nan(""), negative = -1;
  EXPECT_THROW(ising::initialize(ctx, {7, 8, 1}, {spins.data(), 1}, 1, true), boltzkit::invalid_argument);
  EXPECT_THROW(ising::initialize(ctx, {0, 8, 1}, {spins.data(), 1}, 1, true), boltzkit::invalid_argument);
  EXPECT_THROW(ising::sweep(ctx, {8, 8, 1}, {}, Algorithm::metropolis, {spins.data(), 1}, &nan, 1, 0, 1), boltzkit::invalid_argument);
  EXPECT_THROW(ising::sweep(ctx, {8, 8, 1}, {}, Algorithm::metropolis, {spins.data(), 1}, &negative, 1, 0, 1), boltzkit::invalid_argument);
  EXPECT_THROW(ising::sweep(ctx, {8, 8, 1}, {}, Algorithm::metropolis, {nullptr, 1}, &beta, 1, 0, 1), boltzkit::invalid_argument);
  ising::SimulationConfig c;
  c.lattice = {4, 4, 1};
  c.betas = {0.4};
  c.sweeps = 0;
  EXPECT_THROW(ising::simulate(ctx, c), boltzkit::invalid_argument);
}

}  // namespace
}  // namespace boltzkit::testing
