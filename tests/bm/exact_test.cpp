// bm::exact::enumerate against ising::exact::enumerate (an independent Gray-code walk with
// blocked correlations), MATH.md §2.5.
#include <gtest/gtest.h>

#include <cmath>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

void expect_matches_ising(const bm_cases::HostModel& m, double tol) {
  Context cpu(Backend::cpu);
  const bm::exact::Result r = bm::exact::enumerate(cpu, m.model());
  const auto ref = ising::exact::enumerate(static_cast<int>(m.n), m.j.data(), m.h.data(), m.beta);
  EXPECT_NEAR(r.log_z, ref.log_z, tol * std::fabs(ref.log_z) + tol);
  for (std::int64_t k = 0; k < m.n; ++k) {
    EXPECT_NEAR(r.mean[static_cast<std::size_t>(k)], ref.mean_spin[static_cast<std::size_t>(k)], tol) << k;
    for (std::int64_t l = 0; l < m.n; ++l)
      EXPECT_NEAR(r.corr[static_cast<std::size_t>(k * m.n + l)],
                  ref.correlation[static_cast<std::size_t>(k * m.n + l)], tol) << k << "," << l;
  }
}

TEST(BmExact, SkMatchesIsingEnumeration) { expect_matches_ising(bm_cases::sk(12, 1.0, 7), 1e-11); }
TEST(BmExact, FerromagnetMatchesIsingEnumeration) {
  expect_matches_ising(bm_cases::ferromagnet(10, 0.8, 1.5, 0.1), 1e-11);
}
TEST(BmExact, ManyChunksMatchIsingEnumeration) { expect_matches_ising(bm_cases::sk(16, 0.7, 8), 1e-10); }
TEST(BmExact, OneSpinIsClosedForm) {
  const bm_cases::HostModel m{{0.0}, {0.4}, 1, 2.0};
  Context cpu(Backend::cpu);
  const auto r = bm::exact::enumerate(cpu, m.model());
  EXPECT_NEAR(r.log_z, std::log(2.0 * std::cosh(0.8)), 1e-14);
  EXPECT_NEAR(r.mean[0], std::tanh(0.8), 1e-14);
  EXPECT_EQ(r.corr[0], 1.0);
}
TEST(BmExact, LargeBetaRescalesWithoutOverflow) {
  // β E spans far more than e^64 within a chunk: the running reference must move.
  expect_matches_ising(bm_cases::sk(13, 60.0, 9, 1.0), 1e-9);
}

}  // namespace
}  // namespace boltzkit::testing
