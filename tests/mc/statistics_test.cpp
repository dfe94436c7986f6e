// Monte Carlo statistics: binning, τ_int and jackknife on series with known answers.
#include "boltzkit/mc_statistics.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "boltzkit/errors.hpp"

namespace boltzkit::testing {
namespace {

using Rng = std::mt19937_64;

/// Stationary AR(1): x_t = φ x_{t−1} + √(1−φ²) ξ_t, unit variance, τ_int = ½(1+φ)/(1−φ).
std::vector<double> ar1(double phi, std::size_t n, Rng& rng, double mean = 0) {
  std::normal_distribution<double> normal;
  std::vector<double> x(n);
  double v = normal(rng);
  const double s = std::sqrt(1 - phi * phi);
  for (std::size_t t = 0; t < n; ++t) {
    x[t] = mean + v;
    v = phi * v + s * normal(rng);
  }
  return x;
}

double exact_tau(double phi) { return 0.5 * (1 + phi) / (1 - phi); }

class McStatisticsAr1 : public ::testing::TestWithParam<double> {};
INSTANTIATE_TEST_SUITE_P(McStatisticsPhi, McStatisticsAr1, ::testing::Values(0.0, 0.5, 0.9));

TEST_P(McStatisticsAr1, TauAndBinnedErrorMatchExactValues) {
  const double phi = GetParam();
  const std::size_t n = std::size_t{1} << 18;
  Rng rng(20240601);
  const std::vector<double> x = ar1(phi, n, rng, 3.0);
  const double tau = exact_tau(phi);
  const double exact_error = std::sqrt(2 * tau / static_cast<double>(n));

  const mc::AutocorrelationAnalysis ac = mc::autocorrelation_analysis(x.data(), n);
  EXPECT_TRUE(ac.converged);
  EXPECT_NEAR(ac.tau_int, tau, 0.10 * tau);
  EXPECT_GE(static_cast<double>(ac.window), mc::default_window_constant * ac.tau_int);
  EXPECT_NEAR(mc::integrated_autocorrelation_time(x.data(), n), ac.tau_int, 1e-12);
  EXPECT_NEAR(ac.error_of_mean(n), exact_error, 0.15 * exact_error);

  const mc::BinningAnalysis bin = mc::binning_analysis(x.data(), n);
  EXPECT_TRUE(bin.converged);
  EXPECT_GE(bin.levels[bin.chosen_level].blocks, mc::min_plateau_blocks);
  const mc::Estimate est = mc::binned_mean(x.data(), n);
  EXPECT_NEAR(est.error, exact_error, 0.15 * exact_error)
      << "chosen level " << bin.chosen_level << " of " << bin.levels.size();
  EXPECT_LT(std::abs(est.mean - 3.0) / exact_error, 4.0);
  // The naive (level-0) error underestimates by √(2τ_int).
  EXPECT_NEAR(bin.levels[0].error, 1 / std::sqrt(static_cast<double>(n)),
              0.05 / std::sqrt(static_cast<double>(n)));
}

TEST(McStatisticsCoverage, MeanZScoresOverManySeeds) {
  const double phi = 0.5;
  const std::size_t n = 4096, series = 200;
  Rng rng(7);
  int inside_binned = 0, inside_tau = 0;
  for (std::size_t s = 0; s < series; ++s) {
    const std::vector<double> x = ar1(phi, n, rng);
    const mc::Estimate est = mc::binned_mean(x.data(), n);
    const mc::AutocorrelationAnalysis ac = mc::autocorrelation_analysis(x.data(), n);
    ASSERT_GT(est.error, 0);
    if (std::abs(est.mean / est.error) < 2) ++inside_binned;
    if (std::abs(ac.mean / ac.error_of_mean(n)) < 2) ++inside_tau;
  }
  const double fb = inside_binned / static_cast<double>(series);
  const double ft = inside_tau / static_cast<double>(series);
  EXPECT_GE(fb, 0.90);
  EXPECT_LE(fb, 0.99);
  EXPECT_GE(ft, 0.90);
  EXPECT_LE(ft, 0.99);
}

TEST(McStatisticsJackknife, SpecificHeatOfGaussianEnergy) {
  const double beta = 0.4, spins = 256, sigma = 0.3;
  const std::size_t n = std::size_t{1} << 16;
  Rng rng(11);
  std::normal_distribution<double> normal(-1.2, sigma);
  std::vector<double> e(n), m(n);
  for (std::size_t t = 0; t < n; ++t) {
    e[t] = normal(rng);
    m[t] = 0.1 * normal(rng);
  }
  const mc::LatticeObservables obs = mc::analyze_lattice_series(e.data(), m.data(), n, beta, spins);
  const double c = beta * beta * spins * sigma * sigma;
  EXPECT_LT(std::abs(obs.specific_heat.mean - c) / obs.specific_heat.error, 3.0);
  // Error of a sample variance: σ²√(2/n).
  EXPECT_NEAR(obs.specific_heat.error, c * std::sqrt(2.0 / n), 0.25 * c * std::sqrt(2.0 / n));
  EXPECT_LT(std::abs(obs.energy_per_spin.mean + 1.2) / obs.energy_per_spin.error, 3.0);
  EXPECT_NEAR(obs.energy_per_spin.error, sigma / std::sqrt(double(n)),
              0.25 * sigma / std::sqrt(double(n)));
  EXPECT_TRUE(obs.well_binned);
  EXPECT_EQ(obs.bins, mc::auto_max_bins);
  EXPECT_EQ(obs.samples, obs.bins * obs.bin_length);
  EXPECT_NEAR(obs.tau_int_energy, 0.5, 0.05);
}

TEST(McStatisticsJackknife, LinearObservableMatchesBinnedStandardError) {
  Rng rng(5);
  const std::size_t n = 10000, bins = 50;
  const std::vector<double> x = ar1(0.3, n, rng);
  const mc::BinTable table = mc::bin_series({x.data()}, n, bins);
  EXPECT_EQ(table.bin_length, 200u);
  EXPECT_EQ(table.dropped, 0u);
  const mc::Estimate j = mc::jackknife(table, [](const double* v) { return v[0]; });
  double mean = 0, ss = 0;
  for (std::size_t b = 0; b < bins; ++b) mean += table.bin(b)[0] / bins;
  for (std::size_t b = 0; b < bins; ++b) ss += (table.bin(b)[0] - mean) * (table.bin(b)[0] - mean);
  EXPECT_NEAR(j.mean, mean, 1e-13);
  EXPECT_NEAR(j.error, std::sqrt(ss / (bins * (bins - 1.0))), 1e-13);
}

TEST(McStatisticsBinder, GaussianMagnetizationGivesZero) {
  const std::size_t n = std::size_t{1} << 16;
  Rng rng(3);
  std::normal_distribution<double> normal(0, 0.05);
  std::vector<double> e(n, -0.5), m(n);
  for (double& v : m) v = normal(rng);
  const double beta = 0.3, spins = 400;
  const mc::LatticeObservables obs = mc::analyze_lattice_series(e.data(), m.data(), n, beta, spins);
  EXPECT_LT(std::abs(obs.binder.mean) / obs.binder.error, 3.0);
  EXPECT_LT(std::abs(obs.binder.mean), 0.05);
  const double chi = beta * spins * 0.05 * 0.05;
  EXPECT_LT(std::abs(obs.susceptibility_m2.mean - chi) / obs.susceptibility_m2.error, 3.0);
  // Constant energy: zero specific heat without NaN.
  EXPECT_NEAR(obs.specific_heat.mean, 0, 1e-12);
  EXPECT_GE(obs.specific_heat.error, 0.0);  // also false for NaN
  EXPECT_LT(obs.specific_heat.error, 1e-12);
  EXPECT_DOUBLE_EQ(obs.tau_int_energy, 0.5);
}

TEST(McStatisticsBinder, OrderedMagnetizationGivesTwoThirds) {
  const std::size_t n = 5000;
  Rng rng(9);
  std::bernoulli_distribution coin;
  std::vector<double> e(n), m(n);
  std::normal_distribution<double> normal(-1.9, 0.01);
  for (std::size_t t = 0; t < n; ++t) {
    e[t] = normal(rng);
    m[t] = coin(rng) ? 0.97 : -0.97;
  }
  const double beta = 1, spins = 64;
  const mc::LatticeObservables obs =
      mc::analyze_lattice_series(e.data(), m.data(), n, beta, spins, 25);
  EXPECT_EQ(obs.bins, 25u);
  EXPECT_NEAR(obs.binder.mean, 2.0 / 3.0, 1e-12);
  EXPECT_LT(obs.binder.error, 1e-12);
  EXPECT_NEAR(obs.abs_magnetization.mean, 0.97, 1e-12);
  EXPECT_NEAR(obs.susceptibility.mean, 0, 1e-10);
  EXPECT_NEAR(obs.susceptibility_m2.mean, beta * spins * 0.97 * 0.97, 1e-10);
  EXPECT_NEAR(obs.magnetization_4.mean, std::pow(0.97, 4), 1e-12);
}

// End to end: single-spin Metropolis on the periodic 4×4 lattice at β_c against the exact
// values of docs/MATH.md §3, by z-score.
TEST(McStatisticsIsing, Metropolis4x4MatchesExactValuesAtCriticalBeta) {
  constexpr int L = 4, N = L * L;
  const double beta = 0.440686793509772;
  std::array<int, N> s;
  s.fill(1);
  Rng rng(42);
  std::uniform_real_distribution<double> uniform;
  std::array<double, 9> accept{};
  for (int de = -8; de <= 8; de += 4) accept[(de + 8) / 2] = std::exp(-beta * de);
  auto sweep = [&] {
    for (int k = 0; k < N; ++k) {
      const int x = k % L, y = k / L;
      const int f = s[(x + 1) % L + y * L] + s[(x + L - 1) % L + y * L] + s[x + ((y + 1) % L) * L] +
                    s[x + ((y + L - 1) % L) * L];
      const int de = 2 * s[k] * f;
      if (de <= 0 || uniform(rng) < accept[(de + 8) / 2]) s[k] = -s[k];
    }
  };
  for (int t = 0; t < 1000; ++t) sweep();
  const std::size_t n = std::size_t{1} << 17;
  std::vector<double> e(n), m(n);
  for (std::size_t t = 0; t < n; ++t) {
    sweep();
    int bonds = 0, mag = 0;
    for (int k = 0; k < N; ++k) {
      const int x = k % L, y = k / L;
      bonds += s[k] * (s[(x + 1) % L + y * L] + s[x + ((y + 1) % L) * L]);
      mag += s[k];
    }
    e[t] = -static_cast<double>(bonds) / N;
    m[t] = static_cast<double>(mag) / N;
  }
  const mc::LatticeObservables obs = mc::analyze_lattice_series(e.data(), m.data(), n, beta, N);
  EXPECT_TRUE(obs.well_binned);
  EXPECT_GT(obs.tau_int_energy, 0.5);
  auto z = [](const mc::Estimate& est, double exact) { return (est.mean - exact) / est.error; };
  EXPECT_LT(std::abs(z(obs.energy_per_spin, -1.565623787638)), 3.5);
  EXPECT_LT(std::abs(z(obs.specific_heat, 0.783266825929)), 3.5);
  EXPECT_LT(std::abs(z(obs.abs_magnetization, 0.843860444813)), 3.5);
  EXPECT_LT(std::abs(z(obs.magnetization_sq, 0.761358908569)), 3.5);
  // The jackknife error of ⟨e⟩ agrees with the binning analysis of e.
  const mc::Estimate be = mc::binned_mean(e.data(), n);
  EXPECT_NEAR(obs.energy_per_spin.error, be.error, 0.3 * be.error);
}

TEST(McStatisticsEdgeCases, TooFewSamplesOrNullThrow) {
  const double one = 1.0;
  EXPECT_THROW(mc::binned_mean(&one, 0), invalid_argument);
  EXPECT_THROW(mc::binned_mean(&one, 1), invalid_argument);
  EXPECT_THROW(mc::binned_mean(nullptr, 10), invalid_argument);
  EXPECT_THROW(mc::integrated_autocorrelation_time(&one, 0), invalid_argument);
  EXPECT_THROW(mc::integrated_autocorrelation_time(&one, 1), invalid_argument);
  EXPECT_THROW(mc::analyze_lattice_series(&one, &one, 1, 1, 1), invalid_argument);
  EXPECT_THROW(mc::analyze_lattice_series(&one, &one, 0, 1, 1), invalid_argument);
  const std::vector<double> x(10, 0.5);
  EXPECT_THROW(mc::analyze_lattice_series(x.data(), x.data(), 10, 1, 1, 1), invalid_argument);
  EXPECT_THROW(mc::analyze_lattice_series(x.data(), x.data(), 10, 1, 1, 11), invalid_argument);
  EXPECT_THROW(mc::analyze_lattice_series(x.data(), nullptr, 10, 1, 1), invalid_argument);
  EXPECT_THROW(mc::analyze_lattice_series(x.data(), x.data(), 10, NAN, 1), invalid_argument);
  EXPECT_THROW(mc::analyze_lattice_series(x.data(), x.data(), 10, 1, 0), invalid_argument);
  EXPECT_THROW(mc::bin_series({x.data()}, 10, 1), invalid_argument);
  EXPECT_THROW(mc::bin_series({}, 10, 2), invalid_argument);
  EXPECT_THROW(mc::autocorrelation_analysis(x.data(), 10, 0), invalid_argument);
}

TEST(McStatisticsEdgeCases, ConstantSeriesHasZeroErrorAndHalfTau) {
  for (std::size_t n : {2u, 3u, 1000u, 4096u}) {
    const std::vector<double> x(n, 0.1);
    const mc::BinningAnalysis bin = mc::binning_analysis(x.data(), n);
    EXPECT_TRUE(bin.converged);
    EXPECT_EQ(bin.estimate().mean, 0.1);
    for (const mc::BinningLevel& level : bin.levels) EXPECT_EQ(level.error, 0.0);
    const mc::Estimate est = mc::binned_mean(x.data(), n);
    EXPECT_EQ(est.error, 0.0);
    const double tau = mc::integrated_autocorrelation_time(x.data(), n);
    EXPECT_EQ(tau, 0.5);
    const mc::AutocorrelationAnalysis ac = mc::autocorrelation_analysis(x.data(), n);
    EXPECT_EQ(ac.error_of_mean(n), 0.0);
  }
}

TEST(McStatisticsEdgeCases, TwoSamplesAndShortSeries) {
  const double x[2] = {1.0, 3.0};
  const mc::Estimate est = mc::binned_mean(x, 2);
  EXPECT_DOUBLE_EQ(est.mean, 2.0);
  EXPECT_DOUBLE_EQ(est.error, 1.0);
  const mc::AutocorrelationAnalysis ac = mc::autocorrelation_analysis(x, 2);
  EXPECT_EQ(ac.window, 1u);
  EXPECT_FALSE(std::isnan(ac.tau_int));
  // A strongly correlated short series is flagged as not converged.
  Rng rng(1);
  const std::vector<double> y = ar1(0.99, 500, rng);
  EXPECT_FALSE(mc::binning_analysis(y.data(), y.size()).converged);
}

}  // namespace
}  // namespace boltzkit::testing
