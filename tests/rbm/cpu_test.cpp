// The RBM's CPU backend through the public API: block Gibbs against exact moments, CD/PCD
// gradients against the exact gradient, training against the exact log-likelihood, the
// counter arithmetic, and argument errors (MATH.md §2.4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

using rbm_cases::random_model;
using rbm_cases::random_spins;

TEST(RbmCpu, GibbsIsACounterFunctionOfTheStep) {
  Context cpu(Backend::cpu);
  for (const auto& c : rbm_cases::cases) {
    const auto m = random_model(c.n_visible, c.n_hidden, c.beta, c.seed);
    const auto start = random_spins(c.chains * c.n_visible, c.seed + 100);
    auto once = start, split = start;
    std::vector<std::int8_t> h1(static_cast<std::size_t>(c.chains * c.n_hidden), 0), h2 = h1;
    rbm::gibbs(cpu, m.model(), once.data(), h1.data(), c.chains, c.seed, 5, 4);
    rbm::gibbs(cpu, m.model(), split.data(), nullptr, c.chains, c.seed, 5, 1);
    rbm::gibbs(cpu, m.model(), split.data(), h2.data(), c.chains, c.seed, 6, 3);
    EXPECT_EQ(once, split);
    EXPECT_EQ(h1, h2);
    for (auto x : h1) EXPECT_TRUE(x == 1 || x == -1);
    auto other = start;
    rbm::gibbs(cpu, m.model(), other.data(), nullptr, c.chains, c.seed + 1, 5, 4);
    if (c.chains * c.n_visible >= 20) {
      EXPECT_NE(other, once);
    }
  }
}

// ⟨v⟩ and ⟨v hᵀ⟩ of many independent chains against enumeration, by z-score.
TEST(RbmCpu, GibbsSamplesTheModel) {
  Context cpu(Backend::cpu);
  const auto m = random_model(5, 3, 0.8, 21);
  // Exact model moments: the exact gradient of a one-row data set is β(data − model).
  const std::vector<std::int8_t> row = {1, 1, 1, 1, 1};
  std::vector<double> gw(15), gb(5), gc(3);
  rbm::exact::log_likelihood_gradient(m.model(), row.data(), 1, gw.data(), gb.data(), gc.data());
  const std::int64_t chains = 4000;
  auto v = random_spins(chains * 5, 3);
  std::vector<std::int8_t> h(static_cast<std::size_t>(chains * 3));
  rbm::gibbs(cpu, m.model(), v.data(), h.data(), chains, 9, 0, 30);
  for (int i = 0; i < 5; ++i) {
    double mean = 0.0;
    for (std::int64_t r = 0; r < chains; ++r) mean += v[static_cast<std::size_t>(r * 5 + i)];
    mean /= chains;
    const double exact = 1.0 - gb[static_cast<std::size_t>(i)] / m.beta;
    const double sigma = std::sqrt(std::max(1e-12, 1 - exact * exact) / chains);
    EXPECT_LT(std::fabs(mean - exact) / sigma, 4.0) << "unit " << i;
  }
}

// CD with many steps and many chains approaches the exact gradient: z-scores of every entry.
TEST(RbmCpu, LongChainGradientApproachesExactGradient) {
  Context cpu(Backend::cpu);
  const auto m = random_model(4, 3, 1.0, 8);
  const auto base = random_spins(8 * 4, 12);
  const std::int64_t copies = 500, batch = 8 * copies;
  std::vector<std::int8_t> data(static_cast<std::size_t>(batch * 4));
  for (std::int64_t r = 0; r < batch; ++r)
    std::copy_n(base.begin() + (r % 8) * 4, 4, data.begin() + r * 4);
  std::vector<double> ew(12), eb(4), ec(3), gw(12), gb(4), gc(3);
  rbm::exact::log_likelihood_gradient(m.model(), base.data(), 8, ew.data(), eb.data(), ec.data());
  // CD-25 (chains start at the data) and PCD (random chains, 25 steps).
  rbm::gradient(cpu, m.model(), data.data(), batch, nullptr, 0, 25, 4, 0, gw.data(), gb.data(), gc.data());
  const double sigma = m.beta / std::sqrt(static_cast<double>(batch));  // terms are within ±1
  for (int e = 0; e < 12; ++e) EXPECT_LT(std::fabs(gw[e] - ew[e]) / sigma, 4.5) << "W " << e;
  for (int e = 0; e < 4; ++e) EXPECT_LT(std::fabs(gb[e] - eb[e]) / sigma, 4.5) << "b " << e;
  for (int e = 0; e < 3; ++e) EXPECT_LT(std::fabs(gc[e] - ec[e]) / sigma, 4.5) << "c " << e;
  auto chains = random_spins(batch * 4, 99);
  rbm::gradient(cpu, m.model(), data.data(), batch, chains.data(), batch, 25, 4, 100, gw.data(),
                gb.data(), gc.data());
  for (int e = 0; e < 12; ++e) EXPECT_LT(std::fabs(gw[e] - ew[e]) / sigma, 4.5) << "PCD W " << e;
  for (int e = 0; e < 4; ++e) EXPECT_LT(std::fabs(gb[e] - eb[e]) / sigma, 4.5) << "PCD b " << e;
}

// With no Gibbs step (PCD, k = 0, chains = the data) the two phases cancel exactly.
TEST(RbmCpu, GradientVanishesWhenChainsAreTheData) {
  Context cpu(Backend::cpu);
  const auto m = random_model(6, 5, 0.7, 3);
  const auto data = random_spins(9 * 6, 4);
  auto chains = data;
  std::vector<double> gw(30, 7.0), gb(6, 7.0), gc(5, 7.0);
  rbm::gradient(cpu, m.model(), data.data(), 9, chains.data(), 9, 0, 1, 0, gw.data(), gb.data(), gc.data());
  for (double x : gw) EXPECT_NEAR(x, 0.0, 1e-15);
  for (double x : gb) EXPECT_NEAR(x, 0.0, 1e-15);
  for (double x : gc) EXPECT_NEAR(x, 0.0, 1e-15);
  EXPECT_EQ(chains, data);
}

/// A tiny data set with structure: two prototypes with 10% of the bits flipped.
std::vector<std::int8_t> tiny_data(std::int64_t rows, std::int64_t nv, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::vector<std::int8_t> d(static_cast<std::size_t>(rows * nv));
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t i = 0; i < nv; ++i) {
      const bool proto = (r % 2 == 0) ? i < nv / 2 : i % 2 == 0;
      const bool flip = gen() % 10 == 0;
      d[static_cast<std::size_t>(r * nv + i)] = (proto != flip) ? 1 : -1;
    }
  return d;
}

TEST(RbmCpu, TrainingRaisesTheExactLogLikelihood) {
  Context cpu(Backend::cpu);
  const std::int64_t nv = 8, nh = 4, rows = 40;
  const auto data = tiny_data(rows, nv, 1);
  for (bool pcd : {false, true}) {
    auto m = random_model(nv, nh, 1.0, 5, 0.01);
    const double before = rbm::exact::log_likelihood(m.model(), data.data(), rows);
    rbm::TrainOptions o;
    o.epochs = 40;
    o.learning_rate = 0.05;
    o.batch = 10;
    o.pcd = pcd;
    o.seed = 3;
    const auto trace = rbm::train(cpu, data.data(), rows, nv, nh, m.w.data(), m.b.data(), m.c.data(), o);
    ASSERT_EQ(trace.size(), 40u);
    const double after = rbm::exact::log_likelihood(m.model(), data.data(), rows);
    EXPECT_NEAR(trace.back().log_likelihood, after, 1e-9);
    // The uniform model's −8 log 2 = −5.545; two noisy prototypes are worth far more.
    EXPECT_GT(after, before + 1.0) << (pcd ? "PCD" : "CD-1") << " " << before << " -> " << after;
    EXPECT_LT(trace.back().reconstruction_error, trace.front().reconstruction_error);
    EXPECT_TRUE(rbm::on_grid(m.model()));
    // Same seed, same run.
    auto again = random_model(nv, nh, 1.0, 5, 0.01);
    rbm::train(cpu, data.data(), rows, nv, nh, again.w.data(), again.b.data(), again.c.data(), o);
    EXPECT_EQ(again.w, m.w);
  }
}

TEST(RbmCpu, RejectsBadArgumentsBeforeWork) {
  Context cpu(Backend::cpu);
  auto m = random_model(3, 2, 1.0, 1);
  auto v = random_spins(6, 1);
  const auto keep = v;
  rbm::Model bad = m.model();
  bad.n_hidden = 0;
  EXPECT_THROW(rbm::gibbs(cpu, bad, v.data(), nullptr, 2, 0, 0, 1), invalid_argument);
  bad = m.model();
  bad.beta = std::nan("");
  EXPECT_THROW(rbm::gibbs(cpu, bad, v.data(), nullptr, 2, 0, 0, 1), invalid_argument);
  EXPECT_THROW(rbm::gibbs(cpu, m.model(), v.data(), nullptr, 2, 0, 0xffffffffull, 2), invalid_argument);
  v[3] = 0;
  EXPECT_THROW(rbm::gibbs(cpu, m.model(), v.data(), nullptr, 2, 0, 0, 1), invalid_argument);
  v[3] = keep[3];
  m.w[2] = INFINITY;
  EXPECT_THROW(rbm::gibbs(cpu, m.model(), v.data(), nullptr, 2, 0, 0, 1), invalid_argument);
  EXPECT_EQ(v, keep);
  m = random_model(3, 2, 1.0, 1);
  std::vector<double> gw(6), gb(3), gc(2);
  EXPECT_THROW(rbm::gradient(cpu, m.model(), v.data(), 2, nullptr, 0, 0, 0, 0, gw.data(), gb.data(), gc.data()),
               invalid_argument);  // CD needs k >= 1
  EXPECT_THROW(rbm::gradient(cpu, m.model(), v.data(), 2, nullptr, 0, 1, 0, 0, m.w.data(), gb.data(), gc.data()),
               invalid_argument);  // output aliases W
  rbm::TrainOptions o;
  auto w = m.w;
  EXPECT_THROW(rbm::train(cpu, v.data(), 0, 3, 2, w.data(), m.b.data(), m.c.data(), o), invalid_argument);
  o.batch = 0;
  EXPECT_THROW(rbm::train(cpu, v.data(), 2, 3, 2, w.data(), m.b.data(), m.c.data(), o), invalid_argument);
  o = {};
  w[0] = 1e7;  // beyond the exactness bound
  EXPECT_THROW(rbm::train(cpu, v.data(), 2, 3, 2, w.data(), m.b.data(), m.c.data(), o), invalid_argument);
  EXPECT_EQ(w[0], 1e7);  // untouched on failure
}

// The bit-identity argument of rbm.hpp: on the grid, sums of ±W in any order are exact.
TEST(RbmCpu, OnGridSumsAreOrderIndependent) {
  const auto m = random_model(784, 8, 1.0, 6, 0.1);
  ASSERT_TRUE(rbm::on_grid(m.model()));
  const auto v = random_spins(784, 2);
  std::vector<std::size_t> order(784);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 gen(4);
  for (int j = 0; j < 8; ++j) {
    double forward = 0.0, shuffled = 0.0, pairwise_hi = 0.0, pairwise_lo = 0.0;
    for (std::size_t i = 0; i < 784; ++i) forward += v[i] * m.w[i * 8 + static_cast<std::size_t>(j)];
    std::shuffle(order.begin(), order.end(), gen);
    for (std::size_t i : order) shuffled += v[i] * m.w[i * 8 + static_cast<std::size_t>(j)];
    for (std::size_t i = 0; i < 392; ++i) pairwise_lo += v[i] * m.w[i * 8 + static_cast<std::size_t>(j)];
    for (std::size_t i = 392; i < 784; ++i) pairwise_hi += v[i] * m.w[i * 8 + static_cast<std::size_t>(j)];
    EXPECT_EQ(forward, shuffled);
    EXPECT_EQ(forward, pairwise_lo + pairwise_hi);
  }
  auto off = m;
  off.w[0] += 1e-12;
  EXPECT_FALSE(rbm::on_grid(off.model()));
}

}  // namespace
}  // namespace boltzkit::testing
