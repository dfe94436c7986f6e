// `boltzkit bm sample|exact|learn` run as child processes on the CPU backend: output files and
// shapes, agreement with the library, and bad input (exit 2, one line, no output).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "boltzkit/bm.hpp"
#include "boltzkit/context.hpp"
#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

class CliBm : public ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    // A 5-spin model with a mixed-sign J.
    for (int k = 0; k < n_; ++k) {
      h_.push_back(0.1 * (k - 2));
      for (int l = 0; l < n_; ++l) j_.push_back(k == l ? 0.0 : 0.3 * std::cos(1.0 + k + l));
    }
    jf_ = write("J.npy", {n_, n_}, j_);
    hf_ = write("h.npy", {n_}, h_);
    out_ = path("out");
  }

  void expect_usage_error(std::vector<std::string> a, const std::string& fragment) {
    if (std::find(a.begin(), a.end(), "--backend") == a.end()) {
      a.push_back("--backend");
      a.push_back("cpu");
    }
    a.push_back("--out");
    a.push_back(out_);
    const RunResult r = run(a);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("boltzkit: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out_)) << "output directory created for a failing run";
  }

  const std::int64_t n_ = 5;
  std::vector<double> j_, h_;
  std::string jf_, hf_, out_;
};

TEST_F(CliBm, ExactWritesLogZAndMomentsOfTheLibrary) {
  const RunResult r = run({"bm", "exact", "--J", jf_, "--h", hf_, "--beta", "0.8", "--backend", "cpu", "--out", out_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto mean = read_checked<double>(out_ + "/mean.npy", {n_});
  const auto corr = read_checked<double>(out_ + "/corr.npy", {n_, n_});
  Context cpu(Backend::cpu);
  const auto want = bm::exact::enumerate(cpu, {j_.data(), h_.data(), n_, 0.8});
  EXPECT_EQ(mean, want.mean);
  EXPECT_EQ(corr, want.corr);
  const std::string json = slurp(out_ + "/log_z.json");
  const auto at = json.find("\"log_z\":");
  ASSERT_NE(at, std::string::npos) << json;
  EXPECT_NEAR(std::stod(json.substr(at + 8)), want.log_z, 1e-13);
}

TEST_F(CliBm, SampleWritesMomentsNearTheExactOnes) {
  const RunResult r = run({"bm", "sample", "--J", jf_, "--h", hf_, "--beta", "0.8", "--chains", "32",
                           "--sweeps", "300", "--burn-in", "20", "--seed", "3", "--algorithm", "metropolis",
                           "--backend", "cpu", "--out", out_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto mean = read_checked<double>(out_ + "/mean.npy", {n_});
  const auto se = read_checked<double>(out_ + "/stderr_mean.npy", {n_});
  const auto corr = read_checked<double>(out_ + "/corr.npy", {n_, n_});
  const auto energy = read_checked<double>(out_ + "/energy.npy", {32});
  Context cpu(Backend::cpu);
  const auto want = bm::exact::enumerate(cpu, {j_.data(), h_.data(), n_, 0.8});
  for (int k = 0; k < n_; ++k) {
    EXPECT_LT(std::fabs(mean[k] - want.mean[k]), 5 * se[k]) << k;
    EXPECT_EQ(corr[k * n_ + k], 1.0);
  }
  for (double e : energy) EXPECT_TRUE(std::isfinite(e));
}

// The fields are exact on a fixed-point grid, so the update mode must not change a single bit.
TEST_F(CliBm, SampleUpdateModesGiveTheSameChains) {
  std::vector<std::vector<double>> outputs;
  for (const std::string update : {"scalar", "blocked"}) {
    const std::string dir = path("out-" + update);
    const RunResult r = run({"bm", "sample", "--J", jf_, "--h", hf_, "--beta", "0.8", "--chains", "16",
                             "--sweeps", "40", "--burn-in", "5", "--seed", "11", "--update", update,
                             "--backend", "cpu", "--out", dir});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("update " + update), std::string::npos) << r.out;
    std::vector<double> all = read_checked<double>(dir + "/mean.npy", {n_});
    const auto corr = read_checked<double>(dir + "/corr.npy", {n_, n_});
    const auto energy = read_checked<double>(dir + "/energy.npy", {16});
    all.insert(all.end(), corr.begin(), corr.end());
    all.insert(all.end(), energy.begin(), energy.end());
    outputs.push_back(all);
  }
  EXPECT_EQ(outputs[0], outputs[1]);
}

TEST_F(CliBm, LearnExactWritesParametersAndTrace) {
  std::vector<double> rows;
  for (int r = 0; r < 40; ++r)
    for (int k = 0; k < n_; ++k) rows.push_back(((r * 7 + k * 3) % 5 < 3) == (k < 2) ? 1.0 : -1.0);
  const std::string data = write("S.npy", {40, n_}, rows);
  const RunResult r = run({"bm", "learn", "--data", data, "--epochs", "30", "--lr", "0.2", "--exact",
                           "--backend", "cpu", "--out", out_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_checked<double>(out_ + "/J.npy", {n_, n_});
  read_checked<double>(out_ + "/h.npy", {n_});
  for (int k = 0; k < n_; ++k)
    for (int l = 0; l < n_; ++l) EXPECT_EQ(j[k * n_ + l], j[l * n_ + k]);
  std::istringstream csv(slurp(out_ + "/trace.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "epoch,nll,pseudo_log_likelihood,gradient_norm");
  std::vector<double> nll;
  while (std::getline(csv, line)) nll.push_back(std::stod(line.substr(line.find(',') + 1)));
  ASSERT_EQ(nll.size(), 30u);
  EXPECT_LT(nll.back(), nll.front());
}

TEST_F(CliBm, BadInputExitsTwoBeforeWriting) {
  std::vector<double> asym = j_;
  asym[1] += 0.5;
  const std::string asym_f = write("asym.npy", {n_, n_}, asym);
  expect_usage_error({"bm", "exact", "--J", asym_f, "--h", hf_}, "symmetric");
  std::vector<double> diag = j_;
  diag[0] = 1.0;
  const std::string diag_f = write("diag.npy", {n_, n_}, diag);
  expect_usage_error({"bm", "sample", "--J", diag_f, "--h", hf_}, "diagonal");
  const std::string rect = write("rect.npy", {n_, n_ - 1}, std::vector<double>(static_cast<std::size_t>(n_ * (n_ - 1)), 0.0));
  expect_usage_error({"bm", "sample", "--J", rect, "--h", hf_}, "square");
  const std::string short_h = write("hshort.npy", {n_ - 1}, std::vector<double>(static_cast<std::size_t>(n_ - 1), 0.0));
  expect_usage_error({"bm", "exact", "--J", jf_, "--h", short_h}, "--h");
  expect_usage_error({"bm", "sample", "--J", jf_, "--h", hf_, "--chains", "0"}, "--chains");
  expect_usage_error({"bm", "sample", "--J", jf_, "--h", hf_, "--algorithm", "wolff"}, "wolff");
  expect_usage_error({"bm", "sample", "--J", jf_, "--h", hf_, "--update", "fast"}, "--update");
  expect_usage_error({"bm", "sample", "--J", jf_, "--h", hf_, "--update", "blocked", "--scan", "random"},
                     "--scan sequential");
  expect_usage_error({"bm", "sample", "--J", jf_, "--h", hf_, "--beta", "-1"}, "--beta");
  std::vector<double> rows(10, 1.0);
  rows[3] = 0.5;
  const std::string bad = write("bad.npy", {2, n_}, rows);
  expect_usage_error({"bm", "learn", "--data", bad}, "-1 or +1");
  expect_usage_error({"bm", "learn", "--data", path("missing.npy")}, "missing.npy");
}

}  // namespace
}  // namespace boltzkit::cli_test
