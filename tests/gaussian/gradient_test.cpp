// Every gradient against central finite differences of the library's own log p (float64).
#include <gtest/gtest.h>

#include "tests/common/print.hpp"

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

double log_prob_of(Context& ctx, const Problem<double>& p) {
  HostOutputs<double> out(1, p.dim, false);
  gaussian::evaluate(ctx, p.inputs(), out.outputs(1, p.dim));
  return out.log_prob[0];
}

class FiniteDifferences : public ::testing::TestWithParam<std::tuple<Kind, int>> {};

TEST_P(FiniteDifferences, MatchAnalyticGradients) {
  const auto [kind, n] = GetParam();
  Context ctx(Backend::cpu);
  Rng rng(42 + n);
  Problem<double> p = random_problem<double>(1, n, kind, 5.0, rng);
  HostOutputs<double> out(1, n);
  gaussian::evaluate(ctx, p.inputs(), out.outputs(1, n));
  const double h = 1e-6, tol = 1e-6;
  auto central = [&](double& slot) {
    const double keep = slot;
    slot = keep + h;
    const double up = log_prob_of(ctx, p);
    slot = keep - h;
    const double down = log_prob_of(ctx, p);
    slot = keep;
    return (up - down) / (2 * h);
  };
  for (int i = 0; i < n; ++i) {
    EXPECT_NEAR(central(p.mean[i]), out.grad_mean[i], tol) << "mean " << i;
    EXPECT_NEAR(central(p.x[i]), out.grad_x[i], tol) << "x " << i;
  }
  // Only the lower triangle is read. For Σ and Λ, moving a lower entry (i > j) moves the
  // symmetric pair, so the derivative is G_ij + G_ji = 2 G_ij; for L it is G_ij itself.
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) {
      const double g = out.grad_matrix[i * n + j];
      const double expected = (kind != Kind::cholesky && i != j) ? 2 * g : g;
      EXPECT_NEAR(central(p.matrix[i * n + j]), expected, tol * std::max(1.0, std::abs(expected)))
          << "matrix (" << i << "," << j << ")";
      if (kind != Kind::cholesky) {
        EXPECT_DOUBLE_EQ(out.grad_matrix[i * n + j], out.grad_matrix[j * n + i]) << "symmetry";
      } else if (j < i) {
        EXPECT_EQ(out.grad_matrix[j * n + i], 0.0) << "upper part of the Cholesky gradient";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, FiniteDifferences,
                         ::testing::Combine(::testing::Values(Kind::covariance, Kind::precision,
                                                              Kind::cholesky),
                                            ::testing::Values(1, 2, 4, 7)));

// Summed over points, the gradients vanish at the closed-form MLE (docs/MATH.md §1).
TEST(MaximumLikelihood, GradientsVanishAtTheClosedFormFit) {
  Context ctx(Backend::cpu);
  Rng rng(9);
  const int n = 3;
  const std::int64_t points = 500;
  std::normal_distribution<double> normal;
  std::vector<double> x(points * n);
  for (auto& v : x) v = normal(rng);
  for (std::int64_t k = 0; k < points; ++k) x[k * n + 1] += 0.5 * x[k * n];  // correlate
  std::vector<double> mu(n, 0.0), cov(n * n, 0.0);
  for (std::int64_t k = 0; k < points; ++k)
    for (int i = 0; i < n; ++i) mu[i] += x[k * n + i] / points;
  for (std::int64_t k = 0; k < points; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) cov[i * n + j] += (x[k * n + i] - mu[i]) * (x[k * n + j] - mu[j]) / points;
  gaussian::Inputs<double> in;
  in.x = vector_batch<const double>::packed(x.data(), points, n);
  in.mean = vector_batch<const double>(mu.data(), points, n, 0);
  in.matrix = matrix_batch<const double>(cov.data(), points, n, 0, n);
  HostOutputs<double> out(points, n);
  gaussian::evaluate(ctx, in, out.outputs(points, n));
  std::vector<double> sum_mean(n, 0.0), sum_cov(n * n, 0.0);
  for (std::int64_t k = 0; k < points; ++k) {
    for (int i = 0; i < n; ++i) sum_mean[i] += out.grad_mean[k * n + i];
    for (int e = 0; e < n * n; ++e) sum_cov[e] += out.grad_matrix[k * n * n + e];
  }
  for (double v : sum_mean) EXPECT_NEAR(v, 0.0, 1e-9);
  for (double v : sum_cov) EXPECT_NEAR(v, 0.0, 1e-9);

  // Vanishing alone cannot tell a right gradient from a scaled one (c·0 = 0). Away from the fit
  // the summed gradients must equal their closed forms, N·Σ⁻¹(x̄ − μ) and
  // −½N·Σ⁻¹ + ½Σ⁻¹SΣ⁻¹ with S = Σₖ dₖdₖᵀ, to well below their own size.
  std::vector<double> mu_off = mu, cov_off = cov;
  mu_off[0] += 0.3;
  for (double& v : cov_off) v *= 1.5;
  in.mean = vector_batch<const double>(mu_off.data(), points, n, 0);
  in.matrix = matrix_batch<const double>(cov_off.data(), points, n, 0, n);
  gaussian::evaluate(ctx, in, out.outputs(points, n));
  const MatrixXd sigma = Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>>(cov_off.data(), n, n);
  const MatrixXd sigma_inv = sigma.inverse();
  Eigen::VectorXd d_sum = Eigen::VectorXd::Zero(n);
  MatrixXd scatter = MatrixXd::Zero(n, n);
  for (std::int64_t k = 0; k < points; ++k) {
    Eigen::VectorXd d(n);
    for (int i = 0; i < n; ++i) d(i) = x[k * n + i] - mu_off[i];
    d_sum += d;
    scatter += d * d.transpose();
  }
  const Eigen::VectorXd want_mean = sigma_inv * d_sum;
  const MatrixXd want_cov = -0.5 * points * sigma_inv + 0.5 * sigma_inv * scatter * sigma_inv;
  std::vector<double> got_mean(n, 0.0), got_cov(n * n, 0.0);
  for (std::int64_t k = 0; k < points; ++k) {
    for (int i = 0; i < n; ++i) got_mean[i] += out.grad_mean[k * n + i];
    for (int e = 0; e < n * n; ++e) got_cov[e] += out.grad_matrix[k * n * n + e];
  }
  for (int i = 0; i < n; ++i) EXPECT_NEAR(got_mean[i], want_mean(i), 1e-9 * want_mean.norm());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      EXPECT_NEAR(got_cov[i * n + j], want_cov(i, j), 1e-9 * want_cov.norm()) << i << "," << j;
  EXPECT_GT(want_cov.norm(), 10.0);  // far enough from the fit for a scale error to show
}

}  // namespace
}  // namespace boltzkit::testing
