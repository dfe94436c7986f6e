// `gaussian logpdf` evaluates a CPU batch in chunks of rows (host/cli/gaussian/progress.cpp) so
// that it can report progress: chunked runs must give the one-call results for every row, with
// the mean and the matrix shared or not, on both CPU paths (loops and blocked).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "boltzkit/context.hpp"
#include "cli_test_support.hpp"
#include "host/cli/gaussian/progress.hpp"
#include "host/cli/gaussian/runner.hpp"

namespace boltzkit::cli {
namespace {

struct Data {
  std::vector<double> x, mean, matrix;
};

Data make(std::int64_t b, std::int64_t d, bool mean_shared, bool matrix_shared) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(-1, 1);
  Data data;
  const std::int64_t mats = matrix_shared ? 1 : b;
  for (std::int64_t k = 0; k < b * d; ++k) data.x.push_back(u(rng));
  for (std::int64_t k = 0; k < (mean_shared ? 1 : b) * d; ++k) data.mean.push_back(u(rng));
  data.matrix.assign(static_cast<std::size_t>(mats * d * d), 0.0);
  std::vector<double> a(static_cast<std::size_t>(d * d));
  for (std::int64_t m = 0; m < mats; ++m) {
    for (auto& v : a) v = u(rng);
    for (std::int64_t i = 0; i < d; ++i)
      for (std::int64_t j = 0; j < d; ++j) {
        double s = i == j ? 0.5 : 0.0;
        for (std::int64_t k = 0; k < d; ++k) s += a[i * d + k] * a[j * d + k] / d;
        data.matrix[(m * d + i) * d + j] = s;
      }
  }
  return data;
}

TEST(CliProgress, ChunkedRunsGiveTheOneCallResults) {
  Context ctx(Backend::cpu);
  for (std::int64_t d : {5, 40}) {
    for (bool mean_shared : {false, true}) {
      for (bool matrix_shared : {false, true}) {
        SCOPED_TRACE("D " + std::to_string(d) + (mean_shared ? " shared mean" : "") +
                     (matrix_shared ? " shared matrix" : ""));
        const std::int64_t b = 7;
        const Data data = make(b, d, mean_shared, matrix_shared);
        RunnerShape shape;
        shape.batch = b;
        shape.dim = d;
        shape.mean_shared = mean_shared;
        shape.matrix_shared = matrix_shared;
        shape.grad_mean = shape.grad_matrix = true;
        GaussianRunner<double> whole(ctx, shape), chunked(ctx, shape);
        for (auto* r : {&whole, &chunked}) {
          r->set_x(data.x.data());
          r->set_mean(data.mean.data());
          r->set_matrix(data.matrix.data());
        }
        run_with_progress(whole, false, false, b);
        run_with_progress(chunked, false, false, 3);  // chunks of 3, 3, 1 rows
        for (std::int64_t k = 0; k < b; ++k) {
          EXPECT_EQ(chunked.info()[k], 0);
          EXPECT_NEAR(chunked.log_prob()[k], whole.log_prob()[k], 1e-12) << "row " << k;
        }
        for (std::size_t i = 0; i < whole.grad_mean().size(); ++i)
          ASSERT_NEAR(chunked.grad_mean()[i], whole.grad_mean()[i], 1e-12) << i;
        for (std::size_t i = 0; i < whole.grad_matrix().size(); ++i)
          ASSERT_NEAR(chunked.grad_matrix()[i], whole.grad_matrix()[i], 1e-12) << i;
      }
    }
  }
}

class CliTime : public cli_test::ScratchTest {};

TEST_F(CliTime, TimeFlagPrintsOneLineAndQuickRunsPrintNothingElse) {
  const std::vector<double> x = {0, 1, 2, 3}, mu = {1}, var = {4};
  const auto args = [&](bool time) {
    std::vector<std::string> a = {"gaussian", "logpdf", "--x", write("x.npy", {4, 1}, x),
                                  "--mean", write("m.npy", {1}, mu), "--cov",
                                  write("c.npy", {1, 1}, var), "--backend", "cpu", "--out",
                                  path(time ? "out_time" : "out"), "--quiet"};
    // --quiet drops the summary line, so what remains is the progress and timing output.
    if (time) a.push_back("--time");
    return a;
  };
  const cli_test::RunResult quiet = run(args(false));
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  const cli_test::RunResult timed = run(args(true));
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
  EXPECT_EQ(timed.err.rfind("boltzkit gaussian logpdf: 4 rows, D = 1, on the cpu in ", 0), 0u)
      << timed.err;
  EXPECT_EQ(std::count(timed.err.begin(), timed.err.end(), '\n'), 1) << timed.err;
}

}  // namespace
}  // namespace boltzkit::cli
