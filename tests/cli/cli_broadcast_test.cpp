// Shared means and matrices: a (D,) mean or (D, D) matrix applies to every row of x, and the
// gradient of a shared matrix is the sum of the per-row gradients unless --per-row-grad; the same for a shared mean.
#include "cli_test_support.hpp"
#include "gaussian_reference.hpp"

namespace boltzkit::cli_test {
namespace {

constexpr std::int64_t b = 5, d = 3;

class CliBroadcast : public ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    p_ = make_problem<double>(Param::cov, b, d, false, 99u);
  }

  /// Row k's expectation given which inputs are shared (shared ones come from row 0).
  Expected row(std::int64_t k, bool mean_shared, bool cov_shared) const {
    const std::int64_t m = mean_shared ? 0 : k, c = cov_shared ? 0 : k;
    return expected(Param::cov, widen(&p_.x[k * d], d), widen(&p_.mean[m * d], d),
                    widen(&p_.matrix[c * d * d], d * d), d);
  }

  /// Runs logpdf with the mean and covariance shared or not and checks every output.
  void check(bool mean_shared, bool cov_shared, bool per_row) {
    SCOPED_TRACE(std::string("mean ") + (mean_shared ? "(D,)" : "(B, D)") + ", cov " +
                 (cov_shared ? "(D, D)" : "(B, D, D)") + (per_row ? ", per row" : ""));
    const std::vector<double> mean(p_.mean.begin(), p_.mean.begin() + (mean_shared ? d : b * d));
    const std::vector<double> cov(p_.matrix.begin(),
                                  p_.matrix.begin() + (cov_shared ? d * d : b * d * d));
    const std::string out = path("out");
    fs::remove_all(out);
    using Shape = std::vector<std::int64_t>;
    const Shape mean_shape = mean_shared ? Shape{d} : Shape{b, d};
    const Shape cov_shape = cov_shared ? Shape{d, d} : Shape{b, d, d};
    const std::string x_file = write("x.npy", {b, d}, p_.x);
    const std::string mean_file = write("m.npy", mean_shape, mean);
    const std::string cov_file = write("c.npy", cov_shape, cov);
    std::vector<std::string> args = {"gaussian", "logpdf", "--x",    x_file,   "--mean",
                                     mean_file,  "--cov",  cov_file, "--grad", "--backend",
                                     "cpu",      "--out",  out};
    if (per_row) args.push_back("--per-row-grad");
    const RunResult r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const auto logp = read_checked<double>(out + "/logp.npy", {b});
    // Every broadcast input is one parameter: its gradient is summed over rows (not per row).
    const bool mean_summed = mean_shared && !per_row;
    const auto grad_mean = read_checked<double>(
        out + "/grad_mean.npy",
        mean_summed ? std::vector<std::int64_t>{d} : std::vector<std::int64_t>{b, d});
    const bool summed = cov_shared && !per_row;
    const auto grad_cov =
        read_checked<double>(out + "/grad_cov.npy", summed ? std::vector<std::int64_t>{d, d}
                                                           : std::vector<std::int64_t>{b, d, d});
    std::vector<double> sum(d * d, 0.0), mean_sum(d, 0.0);
    for (std::int64_t k = 0; k < b; ++k) {
      const Expected e = row(k, mean_shared, cov_shared);
      EXPECT_NEAR(logp[k], e.logp, 1e-12);
      for (std::int64_t i = 0; i < d; ++i) {
        mean_sum[i] += e.grad_mean[i];
        if (!mean_summed) {
          EXPECT_NEAR(grad_mean[k * d + i], e.grad_mean[i], 1e-12);
        }
      }
      for (std::int64_t i = 0; i < d * d; ++i) {
        sum[i] += e.grad_matrix[i];
        if (!summed) {
          EXPECT_NEAR(grad_cov[k * d * d + i], e.grad_matrix[i], 1e-12);
        }
      }
    }
    if (mean_summed) {
      for (std::int64_t i = 0; i < d; ++i) EXPECT_NEAR(grad_mean[i], mean_sum[i], 1e-11);
    }
    if (summed) {
      for (std::int64_t i = 0; i < d * d; ++i) EXPECT_NEAR(grad_cov[i], sum[i], 1e-11);
    }
  }

  Problem<double> p_;
};

TEST_F(CliBroadcast, SharedMeanAndCovarianceSumsTheCovarianceGradient) { check(true, true, false); }
TEST_F(CliBroadcast, PerRowGradientsOnRequest) { check(true, true, true); }
TEST_F(CliBroadcast, SharedMeanPerRowCovariance) { check(true, false, false); }
TEST_F(CliBroadcast, SharedMeanPerRowOnRequest) { check(true, false, true); }
TEST_F(CliBroadcast, PerRowMeanSharedCovariance) { check(false, true, false); }
TEST_F(CliBroadcast, NothingShared) { check(false, false, false); }

TEST_F(CliBroadcast, Float32SharedMatrixAndNestedOutputDirectory) {
  const std::vector<float> x = {0, 1, 2, 3}, mu = {1}, var = {4};
  const std::string out = path("a/b/c");
  const RunResult r = run({"gaussian", "logpdf", "--x", write("x.npy", {4, 1}, x), "--mean",
                           write("m.npy", {1}, mu), "--cov", write("c.npy", {1, 1}, var), "--grad",
                           "--backend", "cpu", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // ∂/∂σ² of Σ_k log N(x_k | 1, σ²) = Σ_k −½(1/σ² − d_k²/σ⁴) = −½(4/4 − (1+0+1+4)/16).
  const auto grad_cov = read_checked<float>(out + "/grad_cov.npy", {1, 1});
  EXPECT_NEAR(grad_cov[0], -0.5 * (1.0 - 6.0 / 16.0), 1e-6);
  EXPECT_EQ(read_checked<std::int32_t>(out + "/info.npy", {4}), std::vector<std::int32_t>(4, 0));
}

}  // namespace
}  // namespace boltzkit::cli_test
