// Detailed balance of the single-spin moves, checked exactly on the integer acceptance tables
// that both backends use: for a spin s with local field f, P(s → −s)·π(s) = P(−s → s)·π(−s),
// i.e. P(s → −s) / P(−s → s) = exp(−2βsf), up to the 2^-32 quantization of the thresholds.
#include <gtest/gtest.h>

#include "tests/common/print.hpp"

#include <cmath>

#include "host/ising/thresholds.hpp"

namespace boltzkit::testing {
namespace {

using ising::Algorithm;

double fraction(std::uint64_t threshold) { return std::ldexp(static_cast<double>(threshold), -32); }

/// P(s→−s) = P(−s→s)·e^{log_ratio}, up to the floor(p·2^32) quantization of each threshold.
void expect_balanced(double p_forward, double p_backward, double log_ratio, const char* what) {
  const double ratio = std::exp(log_ratio);
  EXPECT_NEAR(p_forward, p_backward * ratio, std::ldexp(1.0, -32) * (1.0 + ratio))
      << what << ": " << p_forward << " vs " << p_backward << " · " << ratio;
  EXPECT_GT(p_forward + p_backward, 0.0) << what;
}

class TablesSatisfyDetailedBalance
    : public ::testing::TestWithParam<std::tuple<int, Algorithm, double, double, double>> {};

TEST_P(TablesSatisfyDetailedBalance, BytePathTables) {
  const auto [dims, algorithm, beta, J, h] = GetParam();
  const auto t = ising::detail::acceptance_tables(dims, algorithm, J, h, &beta, 1);
  for (int k = 0; k <= 2 * dims; ++k) {  // neighbour sum = 2k − 2d
    const double f = J * (2 * k - 2 * dims) + h;
    for (int s : {-1, 1}) {
      double forward, backward;  // P(s → −s), P(−s → s) at the same field
      if (algorithm == Algorithm::metropolis) {
        const int row = 2 * dims + 1;
        forward = fraction(t[(s + 1) / 2 * row + k]);
        backward = fraction(t[(1 - s) / 2 * row + k]);
      } else {
        const double up = fraction(t[k]);  // P(new spin = +1)
        forward = s > 0 ? 1 - up : up;
        backward = s > 0 ? up : 1 - up;
      }
      expect_balanced(forward, backward, -2.0 * beta * s * f, "bytes");
    }
  }
}

class PackedTablesSatisfyDetailedBalance
    : public ::testing::TestWithParam<std::tuple<int, Algorithm, double, double>> {};

TEST_P(PackedTablesSatisfyDetailedBalance, FlipProbabilities) {
  const auto [dims, algorithm, beta, J] = GetParam();  // the packed path has h = 0
  const auto q = ising::detail::packed_flip_tables(dims, algorithm, J, &beta, 1);
  // A spin with k anti-aligned neighbours has 2d − k of them after flipping.
  for (int k = 0; k <= 2 * dims; ++k) {
    const double log_ratio = -4.0 * beta * J * (dims - k);  // −βΔE of the flip
    expect_balanced(fraction(q[k]), fraction(q[2 * dims - k]), log_ratio, "packed");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Models, TablesSatisfyDetailedBalance,
    ::testing::Combine(::testing::Values(2, 3),
                       ::testing::Values(Algorithm::metropolis, Algorithm::heat_bath),
                       ::testing::Values(0.1, 0.4406868, 1.0), ::testing::Values(1.0, -0.5),
                       ::testing::Values(0.0, 0.3)));

INSTANTIATE_TEST_SUITE_P(
    Models, PackedTablesSatisfyDetailedBalance,
    ::testing::Combine(::testing::Values(2, 3),
                       ::testing::Values(Algorithm::metropolis, Algorithm::heat_bath),
                       ::testing::Values(0.1, 0.4406868, 1.0), ::testing::Values(1.0, -0.5)));

}  // namespace
}  // namespace boltzkit::testing
