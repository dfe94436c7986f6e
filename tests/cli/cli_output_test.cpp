// What every command promises about its output folder and its messages: outputs appear only
// when complete (staged beside --out, then renamed), files of an earlier run that this run
// does not write are removed, a bad --out fails before anything is computed, and every --help
// documents the exit codes.
#include <algorithm>

#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

class CliOutput : public ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    x_ = write("x.npy", {2, 2}, std::vector<double>{0, 1, 2, 3});
    mean_ = write("m.npy", {2}, std::vector<double>{0, 0});
    cov_ = write("c.npy", {2, 2}, std::vector<double>{2, 0, 0, 1});
    out_ = path("out");
  }

  RunResult logpdf(const std::vector<std::string>& more) const {
    std::vector<std::string> a = {"gaussian", "logpdf", "--x",     x_,   "--mean",
                                  mean_,      "--backend", "cpu", "--out", out_};
    a.insert(a.end(), more.begin(), more.end());
    return run(a);
  }

  std::vector<std::string> listing(const fs::path& dir) const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string x_, mean_, cov_, out_;
};

TEST_F(CliOutput, StaleFilesOfAnEarlierRunAreRemoved) {
  ASSERT_EQ(logpdf({"--cov", cov_, "--grad"}).exit_code, 0);
  EXPECT_EQ(listing(out_),
            (std::vector<std::string>{"grad_cov.npy", "grad_mean.npy", "info.npy", "logp.npy"}));
  std::ofstream(out_ + "/notes.txt") << "mine";  // not a name the command writes: kept
  ASSERT_EQ(logpdf({"--precision", cov_, "--grad"}).exit_code, 0);
  EXPECT_EQ(listing(out_), (std::vector<std::string>{"grad_mean.npy", "grad_precision.npy",
                                                     "info.npy", "logp.npy", "notes.txt"}));
  ASSERT_EQ(logpdf({"--cov", cov_}).exit_code, 0);
  EXPECT_EQ(listing(out_), (std::vector<std::string>{"info.npy", "logp.npy", "notes.txt"}));
  EXPECT_EQ(slurp(out_ + "/notes.txt"), "mine");
}

TEST_F(CliOutput, NoStagingFolderIsLeftBehind) {
  ASSERT_EQ(logpdf({"--cov", cov_}).exit_code, 0);  // creates out by renaming the staging folder
  ASSERT_EQ(logpdf({"--cov", cov_, "--grad"}).exit_code, 0);  // merges into the existing out
  EXPECT_EQ(logpdf({"--cov", path("missing.npy")}).exit_code, 2);
  for (const std::string& name : listing(dir_))
    EXPECT_EQ(name.find("staging"), std::string::npos) << name;
  for (const std::string& name : listing(out_))
    EXPECT_EQ(name.find("tmp"), std::string::npos) << name;
}

TEST_F(CliOutput, UnusableOutputFolderFailsBeforeComputing) {
  std::ofstream(path("file")) << "x";
  for (const std::string& out : {path("file"), path("file/sub")}) {
    const RunResult r = run({"gaussian", "logpdf", "--x", x_, "--mean", mean_, "--cov", cov_,
                             "--backend", "cpu", "--out", out});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("boltzkit: error: --out '" + out + "'", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find("rows"), std::string::npos) << "computed before failing: " << r.err;
  }
  // The same check guards the other commands that write a folder, before any sweep or epoch.
  const RunResult scan = run({"ising", "scan", "--size", "4x4", "--beta-min", "0.1", "--beta-max",
                              "0.2", "--points", "2", "--sweeps", "10", "--burn-in", "0",
                              "--backend", "cpu", "--quiet", "--out", path("file/sub")});
  EXPECT_EQ(scan.exit_code, 2) << scan.err;
  EXPECT_NE(scan.err.find("--out"), std::string::npos) << scan.err;
  const std::string data = write("s.npy", {2, 2}, std::vector<double>{1, -1, -1, 1});
  const RunResult rbm = run({"rbm", "train", "--data", data, "--hidden", "2", "--backend", "cpu",
                             "--out", path("file")});
  EXPECT_EQ(rbm.exit_code, 2) << rbm.err;
  EXPECT_NE(rbm.err.find("--out"), std::string::npos) << rbm.err;
}

TEST_F(CliOutput, SummaryLineAndQuiet) {
  const RunResult r = logpdf({"--cov", cov_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "boltzkit: gaussian logpdf: backend cpu, 2 rows of D = 2 (float64), all finite\n");
  const RunResult q = logpdf({"--cov", cov_, "--quiet"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.err, "");
}

TEST_F(CliOutput, EveryHelpDocumentsTheExitCodes) {
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {}, {"gaussian"}, {"gaussian", "logpdf"}, {"demo"}, {"ising"}, {"ising", "lattice"},
           {"ising", "scan"}, {"rbm"}, {"rbm", "train"}}) {
    std::vector<std::string> a = command;
    a.push_back("--help");
    const RunResult r = run(a);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("Exit codes: 0 success; 2 bad arguments or input"), std::string::npos)
        << (command.empty() ? std::string("boltzkit") : command.back()) << ":\n" << r.out;
    EXPECT_NE(r.out.find("1 internal, CUDA or I/O error"), std::string::npos);
  }
}

TEST_F(CliOutput, IsingRefusesWhatWouldBeSilentlyWrong) {
  const auto lattice = [&](const std::string& size, const std::string& algorithm) {
    return run({"ising", "lattice", "--size", size, "--beta", "0.3", "--sweeps", "20",
                "--burn-in", "0", "--seed", "1", "--algorithm", algorithm, "--backend", "cpu",
                "--quiet"});
  };
  const RunResult upper_x = lattice("16X16", "heatbath");
  EXPECT_EQ(upper_x.exit_code, 2);
  EXPECT_NE(upper_x.err.find("--size '16X16'"), std::string::npos) << upper_x.err;
  for (const std::string size : {"2x16", "16x2", "4x4x2"}) {
    const RunResult r = lattice(size, "metropolis");
    EXPECT_EQ(r.exit_code, 2) << size;
    EXPECT_NE(r.err.find("not ergodic"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("heatbath"), std::string::npos) << r.err;
  }
  EXPECT_EQ(lattice("2x16", "heatbath").exit_code, 0);
  EXPECT_EQ(lattice("4x4", "metropolis").exit_code, 0);
}

}  // namespace
}  // namespace boltzkit::cli_test
