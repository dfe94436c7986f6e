// bm::learn: recovers a known model from its exact statistics; the step direction lowers the KL
// (the corrected sign of MATH.md §2.3); PCD moves toward the data.
#include <gtest/gtest.h>

#include <cmath>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

TEST(BmLearn, RecoversKnownModelFromExactStatistics) {
  Context cpu(Backend::cpu);
  auto truth = bm_cases::sk(10, 1.0, 31, 0.2);
  for (auto& x : truth.j) x *= 0.5;  // a well-conditioned model: the ascent converges linearly
  const auto stats = bm::exact::enumerate(cpu, truth.model());
  std::vector<double> j(100, 0.0), h(10, 0.0);
  bm::LearnOptions o;
  o.exact = true;
  o.epochs = 3000;
  o.learning_rate = 0.5;
  const auto trace = bm::learn_moments(cpu, stats.mean.data(), stats.corr.data(), 10, j.data(), h.data(), o);
  ASSERT_EQ(trace.size(), 3000u);
  for (std::size_t e = 1; e < trace.size(); ++e) EXPECT_LE(trace[e].nll, trace[e - 1].nll + 1e-12) << e;
  for (int k = 0; k < 10; ++k) {
    EXPECT_NEAR(h[k], truth.h[k], 2e-3) << k;
    EXPECT_EQ(j[k * 10 + k], 0.0);
    for (int l = 0; l < 10; ++l) EXPECT_NEAR(j[k * 10 + l], truth.j[k * 10 + l], 2e-3) << k << "," << l;
  }
}

TEST(BmLearn, OneSmallStepLowersTheExactKl) {
  Context cpu(Backend::cpu);
  const auto truth = bm_cases::sk(8, 1.0, 32);
  const auto stats = bm::exact::enumerate(cpu, truth.model());
  std::vector<double> j(64, 0.0), h(8, 0.0);
  bm::LearnOptions o;
  o.exact = true;
  o.epochs = 2;
  o.learning_rate = 0.05;
  const auto trace = bm::learn_moments(cpu, stats.mean.data(), stats.corr.data(), 8, j.data(), h.data(), o);
  EXPECT_LT(trace[1].nll, trace[0].nll);  // nll is KL + a constant
}

TEST(BmLearn, PcdMovesTowardTheData) {
  Context cpu(Backend::cpu);
  const auto truth = bm_cases::ferromagnet(6, 1.0, 2.0, 0.3);
  const auto stats = bm::exact::enumerate(cpu, truth.model());
  std::vector<double> j(36, 0.0), h(6, 0.0);
  bm::LearnOptions o;
  o.epochs = 300;
  o.learning_rate = 0.05;
  o.chains = 256;
  o.seed = 4;
  bm::learn_moments(cpu, stats.mean.data(), stats.corr.data(), 6, j.data(), h.data(), o);
  double err = 0.0, start = 0.0;
  for (int e = 0; e < 36; ++e) {
    err += std::fabs(j[e] - truth.j[e]);
    start += std::fabs(truth.j[e]);
  }
  EXPECT_LT(err, 0.3 * start);
}

}  // namespace
}  // namespace boltzkit::testing
