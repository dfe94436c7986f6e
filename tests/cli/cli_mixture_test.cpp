// `boltzkit gaussian loglik` and `gaussian fit` run as a child process (CPU backend): output
// files, shapes and values against closed forms, and exit code 2 with nothing written on bad
// input.
#include <algorithm>
#include <cmath>
#include <fstream>

#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

class CliMixture : public ScratchTest {};

constexpr double log_two_pi = 1.8378770664093453;

TEST_F(CliMixture, LoglikOneGaussianWritesUnbatchedShapes) {
  // N(0, I) in 2-D: log p = −|x|²/2 − log 2π, score = −x, Σ_n ∂/∂μ = Σ x, Σ_n ∂/∂Σ = ½ Σ (x xᵀ −
  // I).
  const std::vector<double> x = {1, 0, 0.5, -2, 0, 0};
  const std::string xf = write<double>("x.npy", {3, 2}, x);
  const std::string mf = write<double>("m.npy", {2}, {0, 0});
  const std::string cf = write<double>("c.npy", {2, 2}, {1, 0, 0, 1});
  const RunResult r = run({"gaussian", "loglik", "--x", xf, "--mean", mf, "--cov", cf, "--backend",
                           "cpu", "--out", path("o")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto logp = read_checked<double>(path("o/logp.npy"), {3});
  const auto score = read_checked<double>(path("o/score.npy"), {3, 2});
  const auto gm = read_checked<double>(path("o/sum_grad_mean.npy"), {2});
  const auto gc = read_checked<double>(path("o/sum_grad_cov.npy"), {2, 2});
  for (int q = 0; q < 3; ++q)
    EXPECT_NEAR(logp[q], -0.5 * (x[2 * q] * x[2 * q] + x[2 * q + 1] * x[2 * q + 1]) - log_two_pi,
                1e-14);
  for (int e = 0; e < 6; ++e) EXPECT_NEAR(score[e], -x[e], 1e-14);
  EXPECT_NEAR(gm[0], 1.5, 1e-14);
  EXPECT_NEAR(gm[1], -2.0, 1e-14);
  EXPECT_NEAR(gc[0], 0.5 * (1 + 0.25 - 3), 1e-14);
  EXPECT_NEAR(gc[1], 0.5 * (-1.0), 1e-14);
  EXPECT_NEAR(gc[3], 0.5 * (4 - 3), 1e-14);
  EXPECT_FALSE(fs::exists(path("o/mix_logp.npy")));
}

TEST_F(CliMixture, LoglikWithWeightsWritesMixtureAndResponsibilities) {
  const std::string xf = write<float>("x.npy", {2, 1}, {0.0f, 3.0f});
  const std::string mf = write<float>("m.npy", {2, 1}, {0.0f, 3.0f});
  const std::string cf = write<float>("c.npy", {2, 1, 1}, {1.0f, 1.0f});
  const std::string wf = write<float>("w.npy", {2}, {0.5f, 0.5f});
  // --tf32 (float32 input): at D = 1 log p takes no GEMM (docs/MATH.md §1.9), the values below
  // hold as without it.
  for (const bool tf32 : {false, true}) {
    std::vector<std::string> args = {
        "gaussian", "loglik",    "--x", xf,          "--mean", mf,      "--cov",
        cf,         "--weights", wf,    "--backend", "cpu",    "--out", path(tf32 ? "t" : "o")};
    if (tf32) args.push_back("--tf32");
    const RunResult r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (tf32) {
      EXPECT_EQ(read_checked<float>(path("t/mix_logp.npy"), {2}),
                read_checked<float>(path("o/mix_logp.npy"), {2}));
      continue;
    }
    const auto mix = read_checked<float>(path("o/mix_logp.npy"), {2});
    const auto resp = read_checked<float>(path("o/resp.npy"), {2, 2});
    read_checked<float>(path("o/logp.npy"), {2, 2});
    read_checked<float>(path("o/score.npy"), {2, 1});
    read_checked<float>(path("o/sum_grad_mean.npy"), {2, 1});
    read_checked<float>(path("o/sum_grad_cov.npy"), {2, 1, 1});
    // p(0) = ½ (φ(0) + φ(3)) by symmetry for both points.
    const double want = std::log(0.5 * (std::exp(0.0) + std::exp(-4.5))) - 0.5 * log_two_pi;
    EXPECT_NEAR(mix[0], want, 1e-6);
    EXPECT_NEAR(mix[1], want, 1e-6);
    EXPECT_NEAR(resp[0], 1.0 / (1.0 + std::exp(-4.5)), 1e-6);
    EXPECT_NEAR(resp[0] + resp[1], 1.0, 1e-6);
  }
}

TEST_F(CliMixture, BadInputExitsTwoAndWritesNothing) {
  const std::string xf = write<double>("x.npy", {3, 2}, {1, 0, 0.5, -2, 0, 0});
  const std::string mf = write<double>("m.npy", {2, 2}, {0, 0, 1, 1});
  const std::string cf = write<double>("c.npy", {2, 2, 2}, {1, 0, 0, 1, 1, 0, 0, 1});
  const std::string bad_cov = write<double>("bad.npy", {2, 2, 2}, {1, 0, 0, 1, -1, 0, 0, 1});
  const std::string wf = write<double>("w.npy", {2}, {0.4, 0.4});
  const std::string w3 = write<double>("w3.npy", {3}, {0.2, 0.4, 0.4});
  const std::string mf32 = write<float>("m32.npy", {2, 2}, {0, 0, 1, 1});
  const std::vector<std::vector<std::string>> bad = {
      {"loglik", "--x", xf, "--mean", mf, "--cov", xf},                   // cov shape
      {"loglik", "--x", xf, "--mean", mf, "--cov", bad_cov},              // not SPD
      {"loglik", "--x", xf, "--mean", mf, "--cov", cf, "--weights", wf},  // sum ≠ 1
      {"loglik", "--x", xf, "--mean", mf, "--cov", cf, "--weights", w3},  // weights shape
      {"loglik", "--x", xf, "--mean", mf32, "--cov", cf},                 // dtypes differ
      {"loglik", "--x", path("missing.npy"), "--mean", mf, "--cov", cf},  // no such file
      {"fit", "--x", xf, "--components", "4"},                            // K > N
      {"fit", "--x", xf, "--components", "2", "--tol", "-1"},
      {"fit", "--x", xf, "--components", "0"},
      {"fit", "--x", mf32, "--components", "1", "--n-init", "0"},
      {"loglik", "--x", xf, "--mean", mf, "--cov", cf, "--tf32"},  // TF32 needs float32
      {"fit", "--x", xf, "--components", "1", "--tf32"},
  };
  for (std::vector<std::string> args : bad) {
    args.insert(args.begin(), "gaussian");
    for (const char* a : {"--backend", "cpu", "--out"}) args.push_back(a);
    args.push_back(path("o"));
    const RunResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << " " << args.back() << ": " << r.err;
    EXPECT_FALSE(fs::exists(path("o"))) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(CliMixture, FitWritesParametersAndOneLinePerIteration) {
  std::vector<double> x;
  for (int i = 0; i < 200; ++i) {
    const double t = 0.01 * i;
    x.push_back(i % 2 ? 5 + t : -5 - t);
    x.push_back(i % 2 ? std::sin(t) : std::cos(3 * t));
  }
  const std::string xf = write<double>("x.npy", {200, 2}, x);
  const RunResult r = run({"gaussian", "fit", "--x", xf, "--components", "2", "--iters", "50",
                           "--n-init", "2", "--seed", "3", "--backend", "cpu", "--out", path("o")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto w = read_checked<double>(path("o/weights.npy"), {2});
  const auto m = read_checked<double>(path("o/mean.npy"), {2, 2});
  read_checked<double>(path("o/cov.npy"), {2, 2, 2});
  EXPECT_NEAR(w[0], 0.5, 1e-9);
  // The clusters' means: −(5 + 0.99) over the even i, 5 + 1.00 over the odd i.
  const double lo = std::min(m[0], m[2]), hi = std::max(m[0], m[2]);
  EXPECT_NEAR(lo, -5.99, 1e-9);
  EXPECT_NEAR(hi, 6.00, 1e-9);
  std::ifstream csv(path("o/loglik.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "iteration,log_likelihood");
  int lines = 0;
  double previous = -INFINITY;
  while (std::getline(csv, line)) {
    EXPECT_EQ(line.substr(0, line.find(',')), std::to_string(lines));
    const double v = std::stod(line.substr(line.find(',') + 1));
    EXPECT_GE(v, previous - 1e-9);
    previous = v;
    ++lines;
  }
  EXPECT_GE(lines, 2);
}

}  // namespace
}  // namespace boltzkit::cli_test
