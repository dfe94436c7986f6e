// CPU backend against the Eigen reference and closed forms, typed over float and double.
#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

template <class T>
class CpuGaussian : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CpuGaussian, Types);

TYPED_TEST(CpuGaussian, MatchesReferenceForEveryParameterization) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  Rng rng(1234);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (const SizeCase& c : gaussian_cases()) {
      const int dim = c.dim;
      for (double cond : {1.0, 30.0, 1e3}) {
        auto p = random_problem<T>(5, dim, kind, cond, rng);
        HostOutputs<T> out(p.batch, dim);
        gaussian::evaluate(ctx, p.inputs(), out.outputs(p.batch, dim));
        // Precision/Cholesky square the conditioning of Σ seen through the reference inverse.
        EXPECT_TRUE(matches_reference(p, out, tolerance_for<T>(dim, cond * cond)))
            << "kind " << static_cast<int>(kind) << " cond " << cond;
        for (auto i : out.info) EXPECT_EQ(i, 0);
      }
    }
  }
}

TYPED_TEST(CpuGaussian, OneDimensionalIsTheNormalDensity) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  const std::vector<T> x{T(1.5), T(-2)}, mu{T(0.5), T(1)}, var{T(4), T(0.25)};
  HostOutputs<T> out(2, 1);
  gaussian::Inputs<T> in;
  in.x = vector_batch<const T>::packed(x.data(), 2, 1);
  in.mean = vector_batch<const T>::packed(mu.data(), 2, 1);
  in.matrix = matrix_batch<const T>::packed(var.data(), 2, 1);
  gaussian::evaluate(ctx, in, out.outputs(2, 1));
  for (int b = 0; b < 2; ++b) {
    const double d = double(x[b]) - double(mu[b]), s2 = double(var[b]);
    const double expected = -0.5 * d * d / s2 - 0.5 * std::log(2 * M_PI * s2);
    EXPECT_NEAR(out.log_prob[b], expected, 1e-6 * std::abs(expected));
    EXPECT_NEAR(out.grad_mean[b], d / s2, 1e-6 * std::abs(d / s2));
    EXPECT_NEAR(out.grad_matrix[b], -0.5 / s2 + 0.5 * d * d / (s2 * s2), 1e-5);
  }
}

TYPED_TEST(CpuGaussian, DiagonalCovarianceFactorizes) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  const int n = 6;
  std::vector<T> x(n), mu(n), cov(n * n, T(0));
  double expected = 0;
  for (int i = 0; i < n; ++i) {
    x[i] = T(0.3 * i - 0.7);
    mu[i] = T(0.1 * i);
    cov[i * n + i] = T(0.5 + i);
    const double d = double(x[i]) - double(mu[i]);
    expected += -0.5 * d * d / double(cov[i * n + i]) - 0.5 * std::log(2 * M_PI * double(cov[i * n + i]));
  }
  HostOutputs<T> out(1, n);
  gaussian::Inputs<T> in;
  in.x = vector_batch<const T>::packed(x.data(), 1, n);
  in.mean = vector_batch<const T>::packed(mu.data(), 1, n);
  in.matrix = matrix_batch<const T>::packed(cov.data(), 1, n);
  gaussian::evaluate(ctx, in, out.outputs(1, n));
  EXPECT_NEAR(out.log_prob[0], expected, 1e-5 * std::abs(expected));
  for (int i = 0; i < n; ++i) {
    const double d = double(x[i]) - double(mu[i]);
    EXPECT_NEAR(out.grad_mean[i], d / double(cov[i * n + i]), 1e-5);
    for (int j = 0; j < n; ++j)
      if (i != j) {
        EXPECT_NEAR(out.grad_matrix[i * n + j], 0.5 * d * (double(x[j]) - double(mu[j])) /
                                                    (double(cov[i * n + i]) * double(cov[j * n + j])),
                    1e-5);
      }
  }
}

TYPED_TEST(CpuGaussian, StridedAndBroadcastViewsGiveTheSameAnswers) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  Rng rng(77);
  const int n = 4;
  const std::int64_t batch = 6;
  auto p = random_problem<T>(batch, n, Kind::covariance, 10.0, rng);
  // Every element uses matrix 0 and mean 0: the packed problem with copies...
  for (std::int64_t b = 1; b < batch; ++b) {
    p.set_matrix(b, p.matrix_of(0));
    for (int i = 0; i < n; ++i) p.mean[b * n + i] = p.mean[i];
  }
  HostOutputs<T> packed(batch, n);
  gaussian::evaluate(ctx, p.inputs(), packed.outputs(batch, n));
  // ...against broadcast inputs (stride 0) and padded strided outputs.
  gaussian::Inputs<T> in = p.inputs();
  in.mean.batch_stride = 0;
  in.matrix.batch_stride = 0;
  const std::int64_t row = n + 3, mat = n * row + 5;
  std::vector<T> lp(batch), gm(batch * (n + 2), T(0)), gs(batch * mat, T(0));
  gaussian::Outputs<T> out;
  out.log_prob = lp.data();
  out.grad_mean = vector_batch<T>(gm.data(), batch, n, n + 2);
  out.grad_matrix = matrix_batch<T>(gs.data(), batch, n, mat, row);
  gaussian::evaluate(ctx, in, out);
  for (std::int64_t b = 0; b < batch; ++b) {
    EXPECT_EQ(lp[b], packed.log_prob[b]);
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(gm[b * (n + 2) + i], packed.grad_mean[b * n + i]);
      for (int j = 0; j < n; ++j)
        EXPECT_EQ(gs[b * mat + i * row + j], packed.grad_matrix[(b * n + i) * n + j]);
    }
  }
}

TYPED_TEST(CpuGaussian, OnlyRequestedOutputsAreWritten) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  Rng rng(5);
  auto p = random_problem<T>(3, 5, Kind::precision, 5.0, rng);
  HostOutputs<T> out(3, 5, false);
  gaussian::evaluate(ctx, p.inputs(), out.outputs(3, 5));
  EXPECT_TRUE(matches_reference(p, out, tolerance_for<T>(5, 25.0)));
}

/// B = 0 writes nothing (every output buffer keeps its sentinel), yet the shapes are still
/// checked: an empty batch is not a licence for mismatched D.
TEST(CpuGaussian, EmptyBatchWritesNothingAndStillChecksShapes) {
  Context ctx(Backend::cpu);
  gaussian::Inputs<double> in;
  in.x = vector_batch<const double>(nullptr, 0, 3, 3);
  in.mean = vector_batch<const double>(nullptr, 0, 3, 3);
  in.matrix = matrix_batch<const double>(nullptr, 0, 3, 9, 3);
  constexpr double sentinel = -7.25;
  std::vector<double> logp(4, sentinel), gm(12, sentinel), gx(12, sentinel), gs(36, sentinel);
  std::vector<std::int32_t> info(4, -3);
  gaussian::Outputs<double> out;
  out.log_prob = logp.data();
  out.info = info.data();
  out.grad_mean = vector_batch<double>::packed(gm.data(), 0, 3);
  out.grad_x = vector_batch<double>::packed(gx.data(), 0, 3);
  out.grad_matrix = matrix_batch<double>::packed(gs.data(), 0, 3);
  EXPECT_NO_THROW(gaussian::evaluate(ctx, in, out));
  for (const auto* v : {&logp, &gm, &gx, &gs})
    for (double e : *v) EXPECT_EQ(e, sentinel);
  for (std::int32_t e : info) EXPECT_EQ(e, -3);

  gaussian::Inputs<double> bad = in;
  bad.matrix = matrix_batch<const double>(nullptr, 0, 4, 16, 4);  // D = 4 against x's 3
  EXPECT_THROW(gaussian::evaluate(ctx, bad, out), invalid_argument);
  bad = in;
  bad.x = vector_batch<const double>(nullptr, 2, 3, 3);  // B = 2 against the mean's 0
  EXPECT_THROW(gaussian::evaluate(ctx, bad, out), invalid_argument);
}

}  // namespace
}  // namespace boltzkit::testing
