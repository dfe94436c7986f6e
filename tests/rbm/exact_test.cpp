// rbm::exact against brute force over both layers, and its gradient against finite
// differences of the exact log-likelihood (MATH.md §2.4).
#include <string>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "boltzkit/errors.hpp"
#include "boltzkit/rbm.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

using rbm_cases::random_model;
using rbm_cases::random_spins;

std::vector<std::int8_t> state(std::uint64_t bits, std::int64_t n) {
  std::vector<std::int8_t> s(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) s[static_cast<std::size_t>(i)] = ((bits >> i) & 1u) != 0 ? 1 : -1;
  return s;
}

double energy(const rbm_cases::HostModel& m, const std::vector<std::int8_t>& v,
              const std::vector<std::int8_t>& h) {
  double e = 0.0;
  for (std::int64_t i = 0; i < m.nv; ++i) {
    e -= m.b[static_cast<std::size_t>(i)] * v[static_cast<std::size_t>(i)];
    for (std::int64_t j = 0; j < m.nh; ++j)
      e -= v[static_cast<std::size_t>(i)] * m.w[static_cast<std::size_t>(i * m.nh + j)] * h[static_cast<std::size_t>(j)];
  }
  for (std::int64_t j = 0; j < m.nh; ++j) e -= m.c[static_cast<std::size_t>(j)] * h[static_cast<std::size_t>(j)];
  return e;
}

/// log Σ_h e^{−βE(v,h)} and log Z by summing over every (v, h).
struct Brute {
  std::vector<double> log_marginal;  // per visible state
  double log_z;
};

Brute brute(const rbm_cases::HostModel& m) {
  Brute out{{}, 0.0};
  double z = 0.0;
  for (std::uint64_t vb = 0; vb < (1u << m.nv); ++vb) {
    double s = 0.0;
    for (std::uint64_t hb = 0; hb < (1u << m.nh); ++hb)
      s += std::exp(-m.beta * energy(m, state(vb, m.nv), state(hb, m.nh)));
    out.log_marginal.push_back(std::log(s));
    z += s;
  }
  out.log_z = std::log(z);
  return out;
}

class RbmExact : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(RbmExact, FreeEnergyAndLogZMatchBruteForce) {
  const auto [nv, nh] = GetParam();
  const auto m = random_model(nv, nh, 0.8, 10 + nv * 7 + nh);
  const Brute b = brute(m);
  EXPECT_NEAR(rbm::exact::log_partition(m.model()), b.log_z, 1e-11 * (1 + std::fabs(b.log_z)));
  for (std::uint64_t vb = 0; vb < (1u << nv); ++vb) {
    const auto v = state(vb, nv);
    double f = 0.0;
    rbm::exact::free_energy(m.model(), v.data(), 1, &f);
    EXPECT_NEAR(-m.beta * f, b.log_marginal[vb], 1e-11) << "state " << vb;
  }
}

// Visible layer smaller, equal, and larger than the hidden one: both enumeration directions.
INSTANTIATE_TEST_SUITE_P(Shapes, RbmExact,
                         ::testing::Values(std::pair{1, 1}, std::pair{3, 5}, std::pair{4, 4},
                                           std::pair{6, 2}));

TEST(RbmExact, GradientMatchesFiniteDifferences) {
  for (auto [nv, nh] : {std::pair{4, 3}, std::pair{3, 5}}) {
    auto m = random_model(nv, nh, 0.9, 77 + nv);
    const auto data = random_spins(7 * nv, 5);
    const std::int64_t rows = 7;
    std::vector<double> gw(m.w.size()), gb(m.b.size()), gc(m.c.size());
    rbm::exact::log_likelihood_gradient(m.model(), data.data(), rows, gw.data(), gb.data(), gc.data());
    const double h = 1e-5;
    // A string, not the structured bindings: lambdas may capture those only from C++20 on.
    const std::string shape = std::to_string(nv) + "x" + std::to_string(nh);
    auto check = [&](std::vector<double>& param, const std::vector<double>& grad, const char* name) {
      for (std::size_t e = 0; e < param.size(); ++e) {
        const double keep = param[e];
        param[e] = keep + h;
        const double up = rbm::exact::log_likelihood(m.model(), data.data(), rows);
        param[e] = keep - h;
        const double down = rbm::exact::log_likelihood(m.model(), data.data(), rows);
        param[e] = keep;
        EXPECT_NEAR(grad[e], (up - down) / (2 * h), 1e-7) << name << "[" << e << "] " << shape;
      }
    };
    check(m.w, gw, "W");
    check(m.b, gb, "b");
    check(m.c, gc, "c");
  }
}

TEST(RbmExact, RejectsBadInput) {
  auto m = random_model(3, 2, 1.0, 1);
  std::vector<std::int8_t> v = {1, 0, -1};
  double f;
  EXPECT_THROW(rbm::exact::free_energy(m.model(), v.data(), 1, &f), boltzkit::invalid_argument);
  m.w[1] = std::nan("");
  v[1] = 1;
  EXPECT_THROW(rbm::exact::free_energy(m.model(), v.data(), 1, &f), boltzkit::invalid_argument);
  const auto big = random_model(31, 31, 1.0, 2);
  EXPECT_THROW(rbm::exact::log_partition(big.model()), boltzkit::invalid_argument);
}

}  // namespace
}  // namespace boltzkit::testing
