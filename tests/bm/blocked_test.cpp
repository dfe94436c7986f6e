// The chains' fixed-point grid and the blocked field updates on the CPU (MATH.md §2.8): blocked
// and scalar updates give the same chains bit for bit, the grid's rounding error is within its
// bound, models with a huge dynamic range stay exact, and models without a grid are rejected.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "host/bm/quantized.hpp"
#include "kernels/bm/chain_update.cuh"

namespace boltzkit::testing {
namespace {

using bm::FieldUpdate;

std::vector<std::int8_t> run(const bm_cases::HostModel& m, std::int64_t chains, bm::Algorithm a,
                             FieldUpdate u, std::int64_t sweeps, int calls = 1) {
  Context cpu(Backend::cpu);
  std::vector<std::int8_t> s(static_cast<std::size_t>(chains * m.n));
  bm::initial_spins(cpu, s.data(), chains, m.n, 5);
  for (int k = 0; k < calls; ++k)
    bm::sweep(cpu, m.model(), s.data(), chains, 17, 1 + static_cast<std::uint64_t>(k * sweeps), sweeps,
              {a, bm::Scan::sequential, u});
  return s;
}

using BlockedCase = std::tuple<std::int64_t, bm::Algorithm, double>;
class BmBlocked : public ::testing::TestWithParam<BlockedCase> {};

TEST_P(BmBlocked, EqualsScalarBitForBit) {
  const auto [n, algorithm, beta] = GetParam();
  const auto m = bm_cases::sk(n, beta, 60 + static_cast<std::uint64_t>(n));
  const auto scalar = run(m, 19, algorithm, FieldUpdate::scalar, 6);
  const auto start = run(m, 19, algorithm, FieldUpdate::scalar, 0);
  EXPECT_NE(scalar, start);  // the chains moved
  EXPECT_EQ(run(m, 19, algorithm, FieldUpdate::blocked, 6), scalar);
  EXPECT_EQ(run(m, 19, algorithm, FieldUpdate::automatic, 6), scalar);
  // exact fields: splitting the sweeps into calls (fields rebuilt at each) changes nothing
  EXPECT_EQ(run(m, 19, algorithm, FieldUpdate::blocked, 2, 3), scalar);
  EXPECT_EQ(run(m, 19, algorithm, FieldUpdate::scalar, 3, 2), scalar);
}

INSTANTIATE_TEST_SUITE_P(Sizes, BmBlocked,
                         ::testing::Combine(::testing::Values(2, 5, 31, 32, 33, 100, 130),
                                            ::testing::Values(bm::Algorithm::heat_bath,
                                                              bm::Algorithm::metropolis),
                                            ::testing::Values(0.4, 1.5)));

TEST(BmBlocked, ReplicaExchangeEqualsScalar) {
  const auto m = bm_cases::sk(70, 1.0, 71);
  Context cpu(Backend::cpu);
  bm::ExchangeOptions o;
  o.betas = {0.3, 0.8, 1.4};
  o.rounds = 20;
  o.seed = 4;
  o.sweep.update = FieldUpdate::scalar;
  const auto a = bm::replica_exchange(cpu, m.model(), o);
  o.sweep.update = FieldUpdate::blocked;
  const auto b = bm::replica_exchange(cpu, m.model(), o);
  EXPECT_EQ(a.spins, b.spins);
  EXPECT_EQ(a.accepted, b.accepted);
}

TEST(BmBlocked, RandomScanCannotBeBlocked) {
  Context cpu(Backend::cpu);
  const auto m = bm_cases::sk(8, 1.0, 2);
  std::vector<std::int8_t> s(16, 1);
  EXPECT_THROW(bm::sweep(cpu, m.model(), s.data(), 2, 0, 0, 1,
                         {bm::Algorithm::heat_bath, bm::Scan::random, FieldUpdate::blocked}),
               invalid_argument);
  bm::SampleOptions o;
  o.sweep = {bm::Algorithm::metropolis, bm::Scan::random, FieldUpdate::blocked};
  EXPECT_THROW(bm::sample(cpu, m.model(), o), invalid_argument);
}

TEST(BmGrid, RoundingWithinHalfAStepAndSumsBelowTheBound) {
  const auto m = bm_cases::sk(256, 1.0, 3);
  const auto q = bm::detail::quantize(m.model(), "test");
  const double step = std::ldexp(1.0, -q.shift), bound = bm::detail::max_row_bound(m.model());
  EXPECT_LT(bound / step, std::ldexp(1.0, 50));  // R·2^q < 2^50: 3R stays below 2^52 steps
  EXPECT_GE(bound / step, std::ldexp(1.0, 49));  // and the finest such grid
  double worst = 0.0, largest = 0.0;
  for (std::size_t e = 0; e < m.j.size(); ++e) {
    EXPECT_EQ(std::fmod(q.j[e], step), 0.0);
    worst = std::max(worst, std::fabs(q.j[e] - m.j[e]));
    largest = std::max(largest, std::fabs(m.j[e]));
  }
  EXPECT_LE(worst, step / 2);
  EXPECT_LT(worst / largest, 1e-13);  // SK N = 256: ~1e-14 relative
  for (std::size_t k = 0; k < m.h.size(); ++k) EXPECT_LE(std::fabs(q.h[k] - m.h[k]), step / 2);
}

/// Couplings from 1e-12 to 1e12 in one model: small ones round to the grid (possibly to 0),
/// the fields are still exact, so the blocked and scalar chains agree and a field summed in
/// reverse order has the same bits.
TEST(BmGrid, HugeDynamicRangeStaysExact) {
  auto m = bm_cases::sk(45, 1.0, 9);
  for (std::int64_t k = 0; k < m.n; ++k)
    for (std::int64_t l = k + 1; l < m.n; ++l) {
      const double scale = std::pow(10.0, static_cast<double>((k * 7 + l * 3) % 25) - 12.0);
      const auto e = static_cast<std::size_t>(k * m.n + l), t = static_cast<std::size_t>(l * m.n + k);
      m.j[e] *= scale;
      m.j[t] = m.j[e];
    }
  m.h[0] = 3e11;
  m.beta = 1e-11;
  const auto q = bm::detail::quantize(m.model(), "test");
  std::vector<std::int8_t> s(static_cast<std::size_t>(m.n));
  for (std::int64_t i = 0; i < m.n; ++i) s[static_cast<std::size_t>(i)] = (i * 5) % 3 == 0 ? 1 : -1;
  for (std::int64_t i = 0; i < m.n; ++i) {
    double reverse = q.h[static_cast<std::size_t>(i)];
    for (std::int64_t l = m.n - 1; l >= 0; --l)
      reverse += q.j[static_cast<std::size_t>(i * m.n + l)] * s[static_cast<std::size_t>(l)];
    EXPECT_EQ(reverse, kernels::bm_field(q.j.data(), q.h.data(), s.data(), m.n, i));
  }
  for (auto a : {bm::Algorithm::heat_bath, bm::Algorithm::metropolis})
    EXPECT_EQ(run(m, 9, a, FieldUpdate::blocked, 4), run(m, 9, a, FieldUpdate::scalar, 4));
}

TEST(BmGrid, ModelWithoutAGridThrows) {
  Context cpu(Backend::cpu);
  auto m = bm_cases::ferromagnet(3, 1.0, 0.0, 0.0);
  m.j = {0, 1e308, 1e308, 1e308, 0, 1e308, 1e308, 1e308, 0};  // each row sum overflows
  EXPECT_THROW(bm::validate(m.model()), invalid_argument);
  std::vector<std::int8_t> s(3, 1);
  EXPECT_THROW(bm::sweep(cpu, m.model(), s.data(), 1, 0, 0, 1), invalid_argument);
  m.j.assign(9, 0.0);
  m.h = {0.0, std::ldexp(1.0, 1021), 0.0};  // finite, but 3R would not be
  EXPECT_THROW(bm::validate(m.model()), invalid_argument);
  m.h[1] = std::ldexp(1.0, 1018);
  EXPECT_NO_THROW(bm::validate(m.model()));
}

}  // namespace
}  // namespace boltzkit::testing
