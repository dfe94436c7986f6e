// CPU linalg building blocks against Eigen.
#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

template <class T>
class CpuLinalg : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CpuLinalg, FloatTypes);

TYPED_TEST(CpuLinalg, AllBlocksMatchEigen) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  Rng rng(11);
  for (int n : {1, 2, 7, 33, 70}) {
    const std::int64_t batch = 3;
    const double cond = 50;
    Problem<T> p = random_problem<T>(batch, n, gaussian::Parameterization::covariance, cond, rng);
    std::vector<T> l(p.matrix.size()), inv(p.matrix.size()), full(p.matrix.size());
    std::vector<T> logdet(batch), sol(p.x.size()), solt(p.x.size());
    std::vector<std::int32_t> info(batch, -1);
    auto a = matrix_batch<const T>::packed(p.matrix.data(), batch, n);
    auto lm = matrix_batch<T>::packed(l.data(), batch, n);
    linalg::cholesky(ctx, a, lm, info.data());
    const matrix_batch<const T> lc = lm;
    linalg::log_determinant(ctx, lc, logdet.data());
    linalg::triangular_solve(ctx, lc, vector_batch<const T>::packed(p.x.data(), batch, n),
                             vector_batch<T>::packed(sol.data(), batch, n), false);
    linalg::triangular_solve(ctx, lc, vector_batch<const T>::packed(p.x.data(), batch, n),
                             vector_batch<T>::packed(solt.data(), batch, n), true);
    linalg::triangular_inverse(ctx, lc, matrix_batch<T>::packed(inv.data(), batch, n));
    linalg::cholesky_inverse(ctx, lc, matrix_batch<T>::packed(full.data(), batch, n));
    const double tol = tolerance_for<T>(n, cond);
    for (std::int64_t b = 0; b < batch; ++b) {
      EXPECT_EQ(info[b], 0);
      const MatrixXd s = p.matrix_of(b);
      const MatrixXd el = s.llt().matrixL();
      const T* lb = l.data() + b * n * n;
      EXPECT_LE(relative_error(lb, el.data(), n * n), tol) << "cholesky n=" << n;
      EXPECT_NEAR(logdet[b], std::log(s.determinant()), tol * std::max(1.0, std::abs(std::log(s.determinant()))));
      Eigen::VectorXd xb(n);
      for (int i = 0; i < n; ++i) xb(i) = p.x[b * n + i];
      const Eigen::VectorXd s1 = el.triangularView<Eigen::Lower>().solve(xb);
      const Eigen::VectorXd s2 = el.transpose().triangularView<Eigen::Upper>().solve(xb);
      EXPECT_LE(relative_error(sol.data() + b * n, s1.data(), n), bounded_tolerance(tol * cond));
      EXPECT_LE(relative_error(solt.data() + b * n, s2.data(), n), bounded_tolerance(tol * cond));
      const MatrixXd li = el.inverse();
      const MatrixXd si = s.inverse();
      EXPECT_LE(relative_error(inv.data() + b * n * n, li.data(), n * n), bounded_tolerance(tol * cond));
      EXPECT_LE(relative_error(full.data() + b * n * n, si.data(), n * n), bounded_tolerance(tol * cond));
    }
  }
}

TYPED_TEST(CpuLinalg, CholeskyInPlaceAndFailure) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  std::vector<T> a{T(4), T(2), T(2), T(3), /* second: indefinite */ T(1), T(0), T(3), T(-1)};
  std::vector<std::int32_t> info(2, -1);
  auto m = matrix_batch<T>::packed(a.data(), 2, 2);
  linalg::cholesky(ctx, matrix_batch<const T>(m), m, info.data());
  EXPECT_EQ(info[0], 0);
  EXPECT_EQ(info[1], 2);
  EXPECT_NEAR(a[0], 2.0, 1e-6);
  EXPECT_EQ(a[1], T(0));  // strict upper zeroed
  EXPECT_NEAR(a[2], 1.0, 1e-6);
  EXPECT_NEAR(a[3], std::sqrt(2.0), 1e-6);
  for (int e = 4; e < 8; ++e) EXPECT_TRUE(std::isnan(a[e]));
}

}  // namespace
}  // namespace boltzkit::testing
