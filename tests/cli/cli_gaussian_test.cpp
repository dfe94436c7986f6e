// `boltzkit gaussian logpdf --backend cpu` on small files, every parameterization, float32 and
// float64, D = 1 and 3, against the float64 reference in gaussian_reference.hpp.
#include <algorithm>

#include "cli_test_support.hpp"
#include "gaussian_reference.hpp"

namespace boltzkit::cli_test {
namespace {

/// float32 files hold float32 results of a float64 computation: a few ulps.
template <class T>
constexpr double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-11;

/// |a − e| ≤ tol·max(1, |e|) elementwise; names the first offending index.
template <class T>
void expect_close(const std::vector<T>& actual, const std::vector<double>& expected, double tol,
                  const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    ASSERT_LE(std::abs(actual[i] - expected[i]), tol * std::max(1.0, std::abs(expected[i])))
        << what << " [" << i << "]: got " << actual[i] << ", expected " << expected[i];
  }
}

template <class T>
class CliLogpdf : public ScratchTest {
 protected:
  void check(Param param, std::int64_t dim, bool diagonal) {
    const std::int64_t b = 4, d = dim;
    const std::string label = std::string(option_of(param)) + " D=" + std::to_string(d) +
                              (diagonal ? " diagonal" : " full");
    SCOPED_TRACE(label);
    const Problem<T> p = make_problem<T>(param, b, d, diagonal, 17u + static_cast<unsigned>(d));
    const std::string out = path("out_" + std::to_string(d) + (diagonal ? "d" : "f"));
    const RunResult r =
        run({"gaussian", "logpdf", "--x", write("x.npy", {b, d}, p.x), "--mean",
             write("m.npy", {b, d}, p.mean), option_of(param), write("c.npy", {b, d, d}, p.matrix),
             "--grad", "--backend", "cpu", "--quiet", "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");  // --quiet silences the summary line

    std::vector<double> logp, grad_mean, grad_cov;
    for (std::int64_t k = 0; k < b; ++k) {
      const Expected e = expected(param, widen(&p.x[k * d], d), widen(&p.mean[k * d], d),
                                  widen(&p.matrix[k * d * d], d * d), d);
      logp.push_back(e.logp);
      grad_mean.insert(grad_mean.end(), e.grad_mean.begin(), e.grad_mean.end());
      grad_cov.insert(grad_cov.end(), e.grad_matrix.begin(), e.grad_matrix.end());
    }
    expect_close(read_checked<T>(out + "/logp.npy", {b}), logp, tolerance<T>, "logp");
    expect_close(read_checked<T>(out + "/grad_mean.npy", {b, d}), grad_mean, tolerance<T>,
                 "grad_mean");
    // The matrix gradient is named by the parameterization it differentiates.
    const std::string grad_file = param == Param::cov         ? "/grad_cov.npy"
                                  : param == Param::precision ? "/grad_precision.npy"
                                                              : "/grad_chol.npy";
    expect_close(read_checked<T>(out + grad_file, {b, d, d}), grad_cov, tolerance<T>, grad_file);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(out)) ++files;
    EXPECT_EQ(files, 4u) << "logp, info, grad_mean and one matrix gradient, nothing else";
    EXPECT_EQ(read_checked<std::int32_t>(out + "/info.npy", {b}), std::vector<std::int32_t>(b, 0));
  }
};

using Scalars = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CliLogpdf, Scalars);

TYPED_TEST(CliLogpdf, Covariance) {
  for (std::int64_t d : {1, 3})
    for (bool diagonal : {true, false}) this->check(Param::cov, d, diagonal);
}

TYPED_TEST(CliLogpdf, Precision) {
  for (std::int64_t d : {1, 3})
    for (bool diagonal : {true, false}) this->check(Param::precision, d, diagonal);
}

TYPED_TEST(CliLogpdf, Cholesky) {
  for (std::int64_t d : {1, 3})
    for (bool diagonal : {true, false}) this->check(Param::chol, d, diagonal);
}

/// The diagonal case by hand, without the reference: a sum of 1-D normal log-densities.
TYPED_TEST(CliLogpdf, DiagonalCovarianceClosedForm) {
  using T = TypeParam;
  const std::vector<T> x = {1, 2, 3}, mu = {0.5, 2, 4}, var = {0.25, 1, 4};
  std::vector<T> cov(9, 0);
  for (int i = 0; i < 3; ++i) cov[i * 4] = var[i];
  const std::string out = this->path("out");
  const RunResult r =
      this->run({"gaussian", "logpdf", "--x", this->write("x.npy", {1, 3}, x), "--mean",
                 this->write("m.npy", {3}, mu), "--cov", this->write("c.npy", {3, 3}, cov),
                 "--grad", "--backend", "cpu", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  double logp = 0;
  std::vector<double> grad_mean;
  for (int i = 0; i < 3; ++i) {
    const double d = x[i] - mu[i];
    logp += -0.5 * d * d / var[i] - 0.5 * std::log(2 * 3.14159265358979323846 * var[i]);
    grad_mean.push_back(d / var[i]);
  }
  expect_close(read_checked<T>(out + "/logp.npy", {1}), {logp}, tolerance<T>, "logp");
  // A broadcast (D,) mean is one parameter: its gradient is summed over the (one) row.
  expect_close(read_checked<T>(out + "/grad_mean.npy", {3}), grad_mean, tolerance<T>,
               "grad_mean");
}

/// A matrix that is not positive definite is a per-row outcome, not an error.
TYPED_TEST(CliLogpdf, FailedFactorizationIsReportedInInfo) {
  using T = TypeParam;
  const std::vector<T> x = {0, 0, 0, 0}, mu = {0, 0, 0, 0};
  const std::vector<T> cov = {1, 0, 0, 1, /* row 2: pivot 2 fails */ 1, 2, 2, 1};
  const std::string out = this->path("out");
  const RunResult r =
      this->run({"gaussian", "logpdf", "--x", this->write("x.npy", {2, 2}, x), "--mean",
                 this->write("m.npy", {2, 2}, mu), "--cov", this->write("c.npy", {2, 2, 2}, cov),
                 "--backend", "cpu", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_checked<std::int32_t>(out + "/info.npy", {2}), (std::vector<std::int32_t>{0, 2}));
  const std::vector<T> logp = read_checked<T>(out + "/logp.npy", {2});
  EXPECT_NEAR(logp[0], -std::log(2 * 3.14159265358979323846), 1e-6);
  EXPECT_TRUE(std::isnan(logp[1]));
  EXPECT_FALSE(fs::exists(out + "/grad_mean.npy"));  // not asked for
  // The summary line on stderr names the backend, the rows and the failed row with its info.
  EXPECT_NE(r.err.find("backend cpu, 2 rows of D = 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 failed (row 1 info 2"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

/// scipy's cholesky returns the upper factor U (Σ = UᵀU). Read as lower it would be a different
/// matrix and a silently wrong log p: refused unless --upper, which gives the lower factor's
/// log p and the transposed gradient.
TYPED_TEST(CliLogpdf, UpperCholeskyIsRefusedOrReadWithUpper) {
  using T = TypeParam;
  const std::int64_t b = 3, d = 3;
  const Problem<T> p = make_problem<T>(Param::chol, b, d, false, 5u);
  std::vector<T> upper(p.matrix.size());
  for (std::int64_t k = 0; k < b; ++k)
    for (std::int64_t i = 0; i < d; ++i)
      for (std::int64_t j = 0; j < d; ++j)
        upper[(k * d + i) * d + j] = p.matrix[(k * d + j) * d + i];
  const std::string x = this->write("x.npy", {b, d}, p.x), m = this->write("m.npy", {b, d}, p.mean);
  const std::string lower_file = this->write("l.npy", {b, d, d}, p.matrix);
  const std::string upper_file = this->write("u.npy", {b, d, d}, upper);
  const auto run = [&](const std::string& chol, bool flag, const std::string& out) {
    std::vector<std::string> a = {"gaussian", "logpdf", "--x", x, "--mean", m, "--chol", chol,
                                  "--grad", "--backend", "cpu", "--quiet", "--out", this->path(out)};
    if (flag) a.push_back("--upper");
    return this->run(a);
  };
  const RunResult refused = run(upper_file, false, "refused");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--upper"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(this->path("refused")));
  EXPECT_EQ(run(lower_file, true, "wrong_flag").exit_code, 2);  // --upper on a lower factor

  ASSERT_EQ(run(lower_file, false, "lower").exit_code, 0);
  const RunResult r = run(upper_file, true, "upper");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_checked<T>(this->path("upper/logp.npy"), {b}),
            read_checked<T>(this->path("lower/logp.npy"), {b}));
  const auto gl = read_checked<T>(this->path("lower/grad_chol.npy"), {b, d, d});
  const auto gu = read_checked<T>(this->path("upper/grad_chol.npy"), {b, d, d});
  for (std::int64_t k = 0; k < b; ++k)
    for (std::int64_t i = 0; i < d; ++i)
      for (std::int64_t j = 0; j < d; ++j)
        EXPECT_EQ(gu[(k * d + i) * d + j], gl[(k * d + j) * d + i]);
}

}  // namespace
}  // namespace boltzkit::cli_test
