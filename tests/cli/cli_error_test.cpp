// Bad usage and bad inputs: exit code 2, one line "boltzkit: error: ..." on stderr, and no
// output written (not even the output directory).
#include "boltzkit/context.hpp"
#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

class CliErrors : public ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    x_ = write("x.npy", {2, 2}, std::vector<double>{0, 1, 2, 3});
    mean_ = write("m.npy", {2}, std::vector<double>{0, 0});
    cov_ = write("c.npy", {2, 2}, std::vector<double>{1, 0, 0, 1});
    out_ = path("out");
  }

  std::vector<std::string> args(const std::string& x, const std::string& mean,
                                const std::vector<std::string>& more) const {
    std::vector<std::string> a = {"gaussian", "logpdf", "--x", x, "--mean", mean, "--out", out_};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }

  /// Expects exit 2, a single error line containing `fragment`, and no output directory.
  void expect_usage_error(const std::vector<std::string>& a, const std::string& fragment) {
    const RunResult r = run(a);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("boltzkit: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out_)) << "output directory created for a failing run";
  }

  std::string x_, mean_, cov_, out_;
};

TEST_F(CliErrors, MissingFile) {
  expect_usage_error(args(path("missing.npy"), mean_, {"--cov", cov_}), "missing.npy");
}

TEST_F(CliErrors, CorruptFile) {
  std::ofstream(path("junk.npy")) << "not numpy";
  expect_usage_error(args(x_, mean_, {"--cov", path("junk.npy")}), "bad magic");
}

TEST_F(CliErrors, ShapeMismatch) {
  const std::string mean3 = write("m3.npy", {3}, std::vector<double>{0, 0, 0});
  expect_usage_error(args(x_, mean3, {"--cov", cov_}), "--mean '");
  const std::string cov3 = write("c3.npy", {2, 3, 3}, std::vector<double>(18, 0.0));
  expect_usage_error(args(x_, mean_, {"--cov", cov3}), "--cov '");
  // x is the odd one out: the message blames --x, not the mean that disagrees with it.
  const std::string x3 = write("x3.npy", {2, 3}, std::vector<double>(6, 0.0));
  expect_usage_error(args(x3, mean_, {"--cov", cov_}), "--x '");
  const std::string x_batch = write("xb.npy", {3, 2}, std::vector<double>(6, 0.0));
  const std::string mean_batch = write("mb.npy", {2, 2}, std::vector<double>(4, 0.0));
  const std::string cov_2 = write("c2.npy", {2, 2, 2}, std::vector<double>(8, 0.0));
  expect_usage_error(args(x_batch, mean_batch, {"--cov", cov_2}), "xb.npy': B disagrees");
  const std::string square = write("sq.npy", {2, 2, 3}, std::vector<double>(12, 0.0));
  expect_usage_error(args(x_, mean_, {"--cov", square}), "(D, D) or (B, D, D)");
  const std::string cov_batch = write("cb.npy", {3, 2, 2}, std::vector<double>(12, 0.0));
  expect_usage_error(args(x_, mean_, {"--cov", cov_batch}), "--cov (3, 2, 2)");
  expect_usage_error(args(mean_, mean_, {"--cov", cov_}), "--x");  // 1-D x
}

TEST_F(CliErrors, MixedDtypes) {
  const std::string mean32 = write("m32.npy", {2}, std::vector<float>{0, 0});
  expect_usage_error(args(x_, mean32, {"--cov", cov_}), "share one dtype");
}

TEST_F(CliErrors, IntegerInput) {
  const std::string xi = write("xi.npy", {2, 2}, std::vector<std::int32_t>{0, 1, 2, 3});
  expect_usage_error(args(xi, mean_, {"--cov", cov_}),
                     "dtype int32 is not supported (expected float32 or float64)");
}

/// The reader knows int64 no more than the command accepts int32: both name what is accepted
/// here, so the message never lists a dtype that is then refused.
TEST_F(CliErrors, Int64InputListsOnlyAcceptedDtypes) {
  const std::vector<std::int64_t> shape = {2, 2};
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header + std::string(32, '\0');
  std::ofstream(path("x64.npy"), std::ios::binary) << bytes;
  expect_usage_error(args(path("x64.npy"), mean_, {"--cov", cov_}),
                     "--x '" + path("x64.npy") +
                         "': dtype int64 is not supported (expected float32 or float64)");
}

TEST_F(CliErrors, MatrixOptions) {
  expect_usage_error(args(x_, mean_, {"--cov", cov_, "--precision", cov_}), "exactly one");
  expect_usage_error(args(x_, mean_, {}), "exactly one");
}

TEST_F(CliErrors, BadBackend) {
  expect_usage_error(args(x_, mean_, {"--cov", cov_, "--backend", "tpu"}), "tpu");
}

TEST_F(CliErrors, GpuWithoutDevice) {
  if (gpu_available()) GTEST_SKIP() << "a CUDA device is present";
  expect_usage_error(args(x_, mean_, {"--cov", cov_, "--backend", "gpu"}), "gpu");
}

TEST_F(CliErrors, PerRowWithoutGrad) {
  expect_usage_error(args(x_, mean_, {"--cov", cov_, "--per-row-grad"}), "--grad");
  expect_usage_error(args(x_, mean_, {"--cov", cov_, "--upper"}), "--upper applies to --chol");
}

TEST_F(CliErrors, ParseErrors) {
  expect_usage_error(args(x_, mean_, {"--cov", cov_, "--frobnicate"}), "frobnicate");
  expect_usage_error({"gaussian", "logpdf", "--x", x_, "--mean", mean_, "--cov", cov_}, "--out");
  expect_usage_error({}, "subcommand");
  expect_usage_error({"gaussian"}, "subcommand");
}

TEST_F(CliErrors, OutputPathIsAFile) {
  std::ofstream(out_) << "precious";
  const RunResult r = run(args(x_, mean_, {"--cov", cov_}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not a directory"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(out_), "precious");
}

TEST_F(CliErrors, FailedRunLeavesEarlierResultsAlone) {
  ASSERT_EQ(run(args(x_, mean_, {"--cov", cov_, "--backend", "cpu"})).exit_code, 0);
  const std::string before = slurp(out_ + "/logp.npy");
  const std::string mean32 = write("m32.npy", {2}, std::vector<float>{5, 5});
  EXPECT_EQ(run(args(x_, mean32, {"--cov", cov_, "--backend", "cpu"})).exit_code, 2);
  EXPECT_EQ(slurp(out_ + "/logp.npy"), before);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out_)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"info.npy", "logp.npy"}));
}

}  // namespace
}  // namespace boltzkit::cli_test
