// bm::replica_exchange: the swap rule and the measured acceptance against its exact value
// a = Σ_{s,s'} p_i(s) p_j(s') min(1, e^{(β_i − β_j)(E(s) − E(s'))}) (MATH.md §2.6).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "kernels/bm/chain_update.cuh"

namespace boltzkit::testing {
namespace {

TEST(BmExchange, SwapRuleAcceptsDownhillAndUsesTheFormulaUphill) {
  namespace k = boltzkit::kernels;
  EXPECT_TRUE(k::bm_swap_accepted(0.5, 1.0, -3.0, -1.0, 0xffffffffu));  // x = (−0.5)(−2) > 0
  EXPECT_TRUE(k::bm_swap_accepted(0.5, 0.5, -3.0, -1.0, 0xffffffffu));  // equal β: x = 0
  // x = (0.5 − 1)(−1 + 3) = −1: accept iff word < e^{−1}·2³²
  const auto edge = static_cast<std::uint32_t>(std::exp(-1.0) * 4294967296.0);
  EXPECT_TRUE(k::bm_swap_accepted(0.5, 1.0, -1.0, -3.0, edge - 1));
  EXPECT_FALSE(k::bm_swap_accepted(0.5, 1.0, -1.0, -3.0, edge + 1));
}

/// Exact equilibrium swap acceptance between β_a and β_b by enumeration of both replicas.
double exact_acceptance(const bm_cases::HostModel& m, double ba, double bb) {
  const std::int64_t n = m.n, states = std::int64_t{1} << n;
  std::vector<double> e(static_cast<std::size_t>(states));
  for (std::int64_t t = 0; t < states; ++t) {
    double x = 0.0;
    for (std::int64_t k = 0; k < n; ++k) {
      const double sk = (t >> k) & 1 ? 1.0 : -1.0;
      x -= m.h[static_cast<std::size_t>(k)] * sk;
      for (std::int64_t l = k + 1; l < n; ++l)
        x -= m.j[static_cast<std::size_t>(k * n + l)] * sk * ((t >> l) & 1 ? 1.0 : -1.0);
    }
    e[static_cast<std::size_t>(t)] = x;
  }
  auto weights = [&](double b) {
    std::vector<double> w(e.size());
    double z = 0.0;
    for (std::size_t t = 0; t < e.size(); ++t) z += (w[t] = std::exp(-b * e[t]));
    for (auto& x : w) x /= z;
    return w;
  };
  const auto pa = weights(ba), pb = weights(bb);
  double a = 0.0;
  for (std::size_t s = 0; s < e.size(); ++s)
    for (std::size_t t = 0; t < e.size(); ++t)
      a += pa[s] * pb[t] * std::min(1.0, std::exp((ba - bb) * (e[s] - e[t])));
  return a;
}

TEST(BmExchange, AcceptanceMatchesItsFormula) {
  const auto m = bm_cases::sk(7, 1.0, 61, 0.3);
  Context cpu(Backend::cpu);
  bm::ExchangeOptions o;
  o.betas = {0.3, 0.8, 1.5, 2.5};
  o.rounds = 8000;
  o.sweeps_per_round = 2;  // two sweeps decorrelate a 7-spin replica between attempts
  o.seed = 5;
  const auto r = bm::replica_exchange(cpu, m.model(), o);
  ASSERT_EQ(r.acceptance.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    const double want = exact_acceptance(m, o.betas[k], o.betas[k + 1]);
    const double got = r.acceptance[k];
    const double se = std::sqrt(want * (1.0 - want) / static_cast<double>(r.attempts[k]));
    // consecutive attempts are correlated through the replicas: allow a generous 5 binomial σ
    EXPECT_LT(std::fabs(got - want), 5.0 * se + 0.01) << "pair " << k << " want " << want;
    EXPECT_GT(r.attempts[k], 3900);
  }
  std::vector<double> e(4);
  bm::energy(cpu, m.model(), r.spins.data(), 4, e.data());
  EXPECT_EQ(e, r.energy);
}

TEST(BmExchange, BadLaddersThrow) {
  const auto m = bm_cases::sk(4, 1.0, 62);
  Context cpu(Backend::cpu);
  bm::ExchangeOptions o;
  o.betas = {1.0};
  EXPECT_THROW(bm::replica_exchange(cpu, m.model(), o), invalid_argument);
  o.betas = {1.0, 0.5};
  EXPECT_THROW(bm::replica_exchange(cpu, m.model(), o), invalid_argument);
  o.betas = {0.5, std::nan("")};
  EXPECT_THROW(bm::replica_exchange(cpu, m.model(), o), invalid_argument);
}

}  // namespace
}  // namespace boltzkit::testing
