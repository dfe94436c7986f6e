// `boltzkit rbm train` run as a child process on the CPU backend: outputs, the trace against the
// exact log-likelihood of the written parameters, and bad input (exit 2, one line, no output).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "boltzkit/rbm.hpp"
#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

class CliRbm : public ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    // Two prototypes over 6 units, 24 rows.
    for (int r = 0; r < 24; ++r)
      for (int i = 0; i < 6; ++i) rows_.push_back(((r % 2 == 0) == (i < 3)) ? 1.0 : -1.0);
    data_ = write("S.npy", {24, 6}, rows_);
    out_ = path("out");
  }

  void expect_usage_error(const std::vector<std::string>& more, const std::string& fragment) {
    std::vector<std::string> a = {"rbm", "train", "--out", out_};
    a.insert(a.end(), more.begin(), more.end());
    if (std::find(more.begin(), more.end(), "--backend") == more.end()) {
      a.push_back("--backend");
      a.push_back("cpu");
    }
    const RunResult r = run(a);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("boltzkit: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out_)) << "output directory created for a failing run";
  }

  std::vector<double> rows_;
  std::string data_, out_;
};

TEST_F(CliRbm, TrainsAndWritesParametersAndTrace) {
  const RunResult r = run({"rbm", "train", "--data", data_, "--hidden", "3", "--epochs", "25",
                           "--lr", "0.05", "--batch", "8", "--seed", "4", "--backend", "cpu",
                           "--out", out_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto w = read_checked<double>(out_ + "/W.npy", {6, 3});
  const auto b = read_checked<double>(out_ + "/b.npy", {6});
  const auto c = read_checked<double>(out_ + "/c.npy", {3});
  std::istringstream csv(slurp(out_ + "/trace.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "epoch,reconstruction_error,log_likelihood");
  std::vector<double> ll;
  while (std::getline(csv, line)) ll.push_back(std::stod(line.substr(line.rfind(',') + 1)));
  ASSERT_EQ(ll.size(), 25u);
  std::vector<std::int8_t> spins(rows_.begin(), rows_.end());
  const rbm::Model m{w.data(), b.data(), c.data(), 6, 3, 1.0};
  const double exact = rbm::exact::log_likelihood(m, spins.data(), 24);
  EXPECT_NEAR(ll.back(), exact, 1e-9);
  EXPECT_GT(exact, -6 * std::log(2.0) + 1.0);  // far above the uniform model's −6 log 2
  EXPECT_GT(ll.back(), ll.front());
}

TEST_F(CliRbm, BadInputExitsTwoBeforeWriting) {
  std::vector<double> bad = rows_;
  bad[5] = 0.0;
  const std::string zero = write("zero.npy", {24, 6}, bad);
  expect_usage_error({"--data", zero, "--hidden", "3"}, "-1 or +1");
  const std::string flat = write("flat.npy", {6}, std::vector<double>(6, 1.0));
  expect_usage_error({"--data", flat, "--hidden", "3"}, "2-D");
  expect_usage_error({"--data", data_, "--hidden", "0"}, "--hidden");
  expect_usage_error({"--data", data_, "--hidden", "2", "--cd-k", "0"}, "--cd-k");
  expect_usage_error({"--data", data_, "--hidden", "2", "--lr", "nan"}, "--lr");
  expect_usage_error({"--data", path("missing.npy"), "--hidden", "2"}, "missing.npy");
  expect_usage_error({"--data", data_, "--hidden", "2", "--backend", "tpu"}, "tpu");
}

}  // namespace
}  // namespace boltzkit::cli_test
