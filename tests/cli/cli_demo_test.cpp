// `boltzkit demo` end to end on the CPU backend (small batch to keep the test quick), and the
// top-level flags.
#include "boltzkit/version.hpp"
#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

using CliDemo = ScratchTest;

TEST_F(CliDemo, SmallCpuRunPasses) {
  const RunResult r = run({"demo", "--backend", "cpu", "--batch", "2048"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("backend: cpu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("demo: PASS"), std::string::npos) << r.out;
}

TEST_F(CliDemo, BadOptionsAreUsageErrors) {
  EXPECT_EQ(run({"demo", "--backend", "quantum"}).exit_code, 2);
  EXPECT_EQ(run({"demo", "--dim", "0"}).exit_code, 2);
  EXPECT_EQ(run({"demo", "--batch", "many"}).exit_code, 2);
}

TEST_F(CliDemo, Version) {
  const RunResult r = run({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("boltzkit ") + boltzkit::version + "\n");
}

TEST_F(CliDemo, Help) {
  const RunResult r = run({"gaussian", "logpdf", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--per-row-cov-grad"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace boltzkit::cli_test
