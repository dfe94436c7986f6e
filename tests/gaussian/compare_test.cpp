// The comparison helpers must be able to fail: a test whose tolerance reaches the size of the
// result, or that skips the elements it does not understand, passes a broken kernel. These
// tests feed matches_reference outputs that are wrong in exactly the ways a broken backend
// would be and demand a failure.
#include <gtest/gtest.h>

#include <limits>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

TEST(Compare, ToleranceNeverReachesTheResultsScale) {
  // The largest D and condition numbers any test passes (cond² for the inverse, ×30 on top).
  for (int dim : {1, 32, 64, 300, 5000})
    for (double cond : {1.0, 1e3, 1e4, 900.0 * 900.0, 1e8}) {
      EXPECT_LE(tolerance_for<float>(dim, cond), max_relative_tolerance) << dim << " " << cond;
      EXPECT_LE(tolerance_for<double>(dim, cond), max_relative_tolerance) << dim << " " << cond;
      EXPECT_LE(bounded_tolerance(tolerance_for<float>(dim, cond) * 30), max_relative_tolerance);
    }
  EXPECT_LT(max_relative_tolerance, 0.05);
}

/// The library's outputs for `p` on the CPU backend.
template <class T>
HostOutputs<T> evaluate_cpu(const Problem<T>& p) {
  Context ctx(Backend::cpu);
  HostOutputs<T> out(p.batch, p.dim);
  gaussian::evaluate(ctx, p.inputs(), out.outputs(p.batch, p.dim));
  return out;
}

TEST(Compare, AllZeroOutputsFailAtTheLargestTolerance) {
  Rng rng(4);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    const auto p = random_problem<float>(4, 64, kind, 1e3, rng);
    HostOutputs<float> zeros = evaluate_cpu(p);
    ASSERT_TRUE(matches_reference(p, zeros, tolerance_for<float>(64, 1e8)));  // the real ones pass
    for (auto* v : {&zeros.log_prob, &zeros.grad_mean, &zeros.grad_x, &zeros.grad_matrix})
      std::fill(v->begin(), v->end(), 0.0f);
    EXPECT_FALSE(matches_reference(p, zeros, tolerance_for<float>(64, 1e8)));
    // Zero gradients with the right log p must fail too.
    HostOutputs<float> grads = evaluate_cpu(p);
    std::fill(grads.grad_matrix.begin(), grads.grad_matrix.end(), 0.0f);
    EXPECT_FALSE(matches_reference(p, grads, tolerance_for<float>(64, 1e8)));
  }
}

TEST(Compare, InfoMustEqualTheReferencePivot) {
  Rng rng(5);
  auto p = random_problem<double>(3, 5, Kind::covariance, 10.0, rng);
  MatrixXd bad = MatrixXd::Identity(5, 5);
  bad(3, 3) = -1.0;  // the 4th leading minor fails
  p.set_matrix(1, bad);
  HostOutputs<double> out = evaluate_cpu(p);
  ASSERT_EQ(reference_info(p, 1), 4);
  ASSERT_TRUE(matches_reference(p, out, 1e-12));
  out.info[1] = 2;  // wrong pivot
  EXPECT_FALSE(matches_reference(p, out, 1e-12));
  out = evaluate_cpu(p);
  out.info[0] = 1;  // a good element reported as failed, with NaN outputs
  out.log_prob[0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(matches_reference(p, out, 1e-12));
  out = evaluate_cpu(p);
  out.grad_matrix[1 * 25 + 7] = 0.0;  // a failed element must be NaN throughout
  EXPECT_FALSE(matches_reference(p, out, 1e-12));
}

TEST(Compare, NanPatternMustMatchTheReference) {
  Rng rng(6);
  auto p = random_problem<double>(3, 4, Kind::precision, 10.0, rng);
  p.x[2 * 4 + 1] = std::numeric_limits<double>::quiet_NaN();  // NaN input, info 0, NaN log p
  HostOutputs<double> out = evaluate_cpu(p);
  EXPECT_TRUE(matches_reference(p, out, 1e-12));
  out.log_prob[2] = 0.0;  // a number where the reference has NaN
  EXPECT_FALSE(matches_reference(p, out, 1e-12));
}

}  // namespace
}  // namespace boltzkit::testing
