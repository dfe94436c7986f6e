// bm chains on the CPU backend: argument errors, energies, and moments against exact
// enumeration within error bars for both algorithms and both scan orders (MATH.md §2.2, §3.5).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

using bm_cases::HostModel;

TEST(BmValidation, BadModelsThrowBeforeWork) {
  Context cpu(Backend::cpu);
  auto m = bm_cases::sk(5, 1.0, 1);
  bm::SampleOptions o;
  o.chains = 2;
  o.sweeps = 1;
  auto asym = m;
  asym.j[1] += 1e-3;
  EXPECT_THROW(bm::sample(cpu, asym.model(), o), invalid_argument);
  auto diag = m;
  diag.j[2 * 5 + 2] = 0.5;
  EXPECT_THROW(bm::sample(cpu, diag.model(), o), invalid_argument);
  auto nan_h = m;
  nan_h.h[3] = std::nan("");
  EXPECT_THROW(bm::sample(cpu, nan_h.model(), o), invalid_argument);
  auto bad_beta = m;
  bad_beta.beta = -1.0;
  EXPECT_THROW(bm::sample(cpu, bad_beta.model(), o), invalid_argument);
  bm::Model empty = m.model();
  empty.n = 0;
  EXPECT_THROW(bm::validate(empty), invalid_argument);
  EXPECT_THROW(bm::exact::enumerate(cpu, empty), invalid_argument);
  bm::SampleOptions no_chains = o;
  no_chains.chains = 0;
  EXPECT_THROW(bm::sample(cpu, m.model(), no_chains), invalid_argument);
  std::vector<std::int8_t> spins(10, 1);
  spins[7] = 0;
  EXPECT_THROW(bm::sweep(cpu, m.model(), spins.data(), 2, 0, 0, 1), invalid_argument);
  spins[7] = 1;
  EXPECT_THROW(bm::sweep(cpu, m.model(), spins.data(), 2, 0, std::uint64_t{1} << 32, 1), invalid_argument);
  const auto big = bm_cases::sk(bm::exact::max_spins_cpu + 1, 1.0, 2);
  EXPECT_THROW(bm::exact::enumerate(cpu, big.model()), invalid_argument);
}

TEST(BmValidation, DataNotPlusMinusOneThrows) {
  Context cpu(Backend::cpu);
  std::vector<std::int8_t> data = {1, -1, 1, 1, 0, -1};
  std::vector<double> j(9, 0.0), h(3, 0.0);
  bm::LearnOptions o;
  o.exact = true;
  EXPECT_THROW(bm::learn(cpu, data.data(), 2, 3, j.data(), h.data(), o), invalid_argument);
  data[4] = 1;
  j[1] = 0.2;  // not symmetric
  EXPECT_THROW(bm::learn(cpu, data.data(), 2, 3, j.data(), h.data(), o), invalid_argument);
}

TEST(BmSweep, SameSeedSameChainsAndEnergyMatchesDefinition) {
  Context cpu(Backend::cpu);
  const auto m = bm_cases::sk(9, 0.9, 3);
  std::vector<std::int8_t> a(4 * 9), b(4 * 9);
  bm::initial_spins(cpu, a.data(), 4, 9, 11);
  b = a;
  bm::sweep(cpu, m.model(), a.data(), 4, 5, 0, 7);
  bm::sweep(cpu, m.model(), b.data(), 4, 5, 0, 7);
  EXPECT_EQ(a, b);
  std::vector<double> e(4, std::nan(""));
  bm::energy(cpu, m.model(), a.data(), 4, e.data());
  for (int c = 0; c < 4; ++c) {
    double ref = 0.0;
    for (int k = 0; k < 9; ++k) {
      ref -= m.h[k] * a[c * 9 + k];
      for (int l = k + 1; l < 9; ++l) ref -= m.j[k * 9 + l] * a[c * 9 + k] * a[c * 9 + l];
    }
    EXPECT_NEAR(e[c], ref, 1e-12);
  }
}

/// Largest |estimate − exact| / stderr over ⟨s_k⟩ and ⟨s_k s_l⟩ (k < l).
double max_z(const bm::Statistics& s, const bm::exact::Result& r) {
  double z = 0.0;
  for (std::int64_t k = 0; k < s.n; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    z = std::max(z, std::fabs(s.mean[kk] - r.mean[kk]) / s.stderr_mean[kk]);
    for (std::int64_t l = k + 1; l < s.n; ++l) {
      const auto e = static_cast<std::size_t>(k * s.n + l);
      z = std::max(z, std::fabs(s.corr[e] - r.corr[e]) / s.stderr_corr[e]);
    }
  }
  return z;
}

using MomentCase = std::tuple<int, bm::Algorithm, bm::Scan>;  // model 0: SK N=12, 1: ferro N=10

class BmMoments : public ::testing::TestWithParam<MomentCase> {};

TEST_P(BmMoments, MatchExactEnumerationWithinErrorBars) {
  const auto [which, algorithm, scan] = GetParam();
  const HostModel m = which == 0 ? bm_cases::sk(12, 1.0, 21) : bm_cases::ferromagnet(10, 0.7, 1.2, 0.05);
  Context cpu(Backend::cpu);
  bm::SampleOptions o;
  o.chains = 64;
  o.sweeps = 400;
  o.burn_in = 50;
  o.seed = 99;
  o.sweep = {algorithm, scan};
  const bm::Statistics s = bm::sample(cpu, m.model(), o);
  ASSERT_EQ(s.stderr_corr.size(), static_cast<std::size_t>(m.n * m.n));
  const auto exact = bm::exact::enumerate(cpu, m.model());
  // 66–78 comparisons per case, 16-group batch means (t with 15 d.o.f.): 6 standard errors.
  EXPECT_LT(max_z(s, exact), 6.0);
  // The check has power: the exact moments at another β are far outside the error bars.
  HostModel other = m;
  other.beta *= 1.5;
  EXPECT_GT(max_z(s, bm::exact::enumerate(cpu, other.model())), 8.0);
  for (std::int64_t k = 0; k < m.n; ++k) EXPECT_EQ(s.corr[static_cast<std::size_t>(k * m.n + k)], 1.0);
  ASSERT_EQ(s.energy.size(), 64u);
  std::vector<double> e(64);
  bm::energy(cpu, m.model(), s.spins.data(), 64, e.data());
  EXPECT_EQ(e, s.energy);
}

INSTANTIATE_TEST_SUITE_P(
    AllAlgorithmsAndScans, BmMoments,
    ::testing::Combine(::testing::Values(0, 1),
                       ::testing::Values(bm::Algorithm::heat_bath, bm::Algorithm::metropolis),
                       ::testing::Values(bm::Scan::sequential, bm::Scan::random)));

}  // namespace
}  // namespace boltzkit::testing
