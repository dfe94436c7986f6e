// Non-positive-definite, NaN and Inf elements: info + NaN for that element, nothing else touched.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

template <class T>
class CpuFailures : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CpuFailures, FloatTypes);

/// Overwrites element `b` of a problem with a matrix whose `pivot`-th leading minor fails.
template <class T>
void break_element(Problem<T>& p, std::int64_t b, int pivot, T bad_value) {
  MatrixXd m = MatrixXd::Identity(p.dim, p.dim);
  m(pivot - 1, pivot - 1) = static_cast<double>(bad_value);
  if (p.kind == Kind::cholesky && pivot > 1) m(pivot - 1, 0) = 0.3;  // off-diagonal content
  p.set_matrix(b, m);
}

TYPED_TEST(CpuFailures, BadElementsReportTheirPivotAndLeaveOthersExact) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T inf = std::numeric_limits<T>::infinity();
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    Rng rng(3);
    const int n = 5;
    auto clean = random_problem<T>(8, n, kind, 10.0, rng);
    HostOutputs<T> expected(clean.batch, n);
    gaussian::evaluate(ctx, clean.inputs(), expected.outputs(clean.batch, n));

    auto p = clean;
    break_element(p, 1, 3, T(-1));  // negative pivot at 3
    break_element(p, 4, 1, nan);    // NaN pivot at 1
    break_element(p, 6, 5, inf);    // infinite pivot at 5
    break_element(p, 7, 2, T(0));   // zero pivot at 2
    HostOutputs<T> out(p.batch, n);
    gaussian::evaluate(ctx, p.inputs(), out.outputs(p.batch, n));
    const std::map<std::int64_t, int> bad{{1, 3}, {4, 1}, {6, 5}, {7, 2}};
    for (std::int64_t b = 0; b < p.batch; ++b) {
      if (bad.count(b)) {
        EXPECT_EQ(out.info[b], bad.at(b)) << "element " << b;
        EXPECT_TRUE(std::isnan(out.log_prob[b]));
        EXPECT_TRUE(all_nan(out.grad_mean.data() + b * n, n));
        EXPECT_TRUE(all_nan(out.grad_x.data() + b * n, n));
        EXPECT_TRUE(all_nan(out.grad_matrix.data() + b * n * n, n * n));
      } else {
        EXPECT_EQ(out.info[b], 0);
        EXPECT_EQ(out.log_prob[b], expected.log_prob[b]) << "element " << b << " changed";
        for (int e = 0; e < n * n; ++e)
          EXPECT_EQ(out.grad_matrix[b * n * n + e], expected.grad_matrix[b * n * n + e]);
      }
    }
  }
}

TYPED_TEST(CpuFailures, LeadingMinorFailureIsFound) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  // Positive diagonal, but the leading 2x2 minor [[1,2],[2,1]] is indefinite.
  const std::vector<T> cov{T(1), T(0), T(0), T(2), T(1), T(0), T(0), T(0), T(1)};
  const std::vector<T> x{T(0), T(0), T(0)};
  gaussian::Inputs<T> in;
  in.x = vector_batch<const T>::packed(x.data(), 1, 3);
  in.mean = in.x;
  in.matrix = matrix_batch<const T>::packed(cov.data(), 1, 3);
  HostOutputs<T> out(1, 3);
  gaussian::evaluate(ctx, in, out.outputs(1, 3));
  EXPECT_EQ(out.info[0], 2);
}

// A NaN pivot followed by a pivot that is exactly zero: the first failing pivot is the NaN one.
// OpenBLAS's potrf (the CPU path from the blocked crossover on) skips NaN pivots and reports the
// zero one; this caught that, at every dimension on both CPU paths and through linalg::cholesky.
TYPED_TEST(CpuFailures, NanPivotBeforeAZeroPivotIsTheOneReported) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  for (int n : {5, 32, 33, 64, 200}) {
    const int nan_pivot = n / 2 + 1, zero_pivot = n - 1;  // 1-based, nan_pivot < zero_pivot
    MatrixXd m = MatrixXd::Identity(n, n);
    m(nan_pivot - 1, nan_pivot - 1) = std::numeric_limits<double>::quiet_NaN();
    m(zero_pivot - 1, 1) = 1.0;  // L(zero, 1) = 1, so pivot `zero` = 1 - 1 = 0 exactly
    Rng rng(5);
    for (Kind kind : {Kind::covariance, Kind::precision}) {
      auto p = random_problem<T>(2, n, kind, 5.0, rng);
      p.set_matrix(1, m);
      HostOutputs<T> out(2, n);
      gaussian::evaluate(ctx, p.inputs(), out.outputs(2, n));
      EXPECT_EQ(out.info[0], 0) << "n=" << n;
      EXPECT_EQ(out.info[1], nan_pivot) << "n=" << n << " kind " << static_cast<int>(kind);
      EXPECT_TRUE(std::isnan(out.log_prob[1]));

      std::vector<T> l(p.matrix.size());
      std::vector<std::int32_t> info(2, -1);
      linalg::cholesky(ctx, matrix_batch<const T>::packed(p.matrix.data(), 2, n),
                       matrix_batch<T>::packed(l.data(), 2, n), info.data());
      EXPECT_EQ(info[1], nan_pivot) << "linalg::cholesky n=" << n;
    }
  }
}

TYPED_TEST(CpuFailures, NanInThePointGivesNanButNoInfo) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  Rng rng(8);
  auto p = random_problem<T>(2, 3, Kind::covariance, 2.0, rng);
  p.x[1] = std::numeric_limits<T>::quiet_NaN();
  HostOutputs<T> out(2, 3);
  gaussian::evaluate(ctx, p.inputs(), out.outputs(2, 3));
  EXPECT_EQ(out.info[0], 0);
  EXPECT_TRUE(std::isnan(out.log_prob[0]));
  EXPECT_FALSE(std::isnan(out.log_prob[1]));
}

}  // namespace
}  // namespace boltzkit::testing
