// What an interrupted or starved command leaves behind: SIGINT during a lattice run stops it at
// a sweep boundary with a checkpoint the same command resumes from; SIGINT during a Gaussian
// run, or a file-size limit hit while writing (the stand-in for a full disk, no root needed),
// leaves the output folder whole or absent and no temporary file anywhere.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

struct Child {
  pid_t pid = -1;
  /// Waits up to `seconds`; returns the wait status, or kills the child and fails on timeout.
  int wait(double seconds) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        ADD_FAILURE() << "child did not end within " << seconds << " s";
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return status;
  }
};

/// Starts `argv[0]` with stdout/stderr redirected into `dir`, without waiting.
Child start(std::vector<std::string> args, const fs::path& dir) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (dir / "stdout.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (dir / "stderr.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  Child c;
  EXPECT_EQ(posix_spawn(&c.pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return c;
}

/// Names in `dir` that look like temporary files (StagedFile, checkpoint) or staging folders.
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp") != std::string::npos ||
        e.path().filename().string().find(".staging-") != std::string::npos)
      found.push_back(e.path().string());
  return found;
}

class CliInterrupt : public ScratchTest {};

TEST_F(CliInterrupt, LatticeRunStopsAtASweepWithACheckpointThatResumes) {
  const fs::path logs = dir_ / "logs";
  fs::create_directories(logs);
  const std::string checkpoint = path("run.ckpt");
  // Far more sweeps than the test waits for: only a signal ends this run.
  const std::vector<std::string> args = {BOLTZKIT_CLI_PATH, "ising", "lattice", "--size", "128x128",
                                         "--beta", "0.44", "--sweeps", "1000000000", "--seed", "3",
                                         "--checkpoint", checkpoint, "--backend", "cpu", "--quiet"};
  std::int64_t previous = -1;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const Child child = start(args, logs);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ASSERT_EQ(kill(child.pid, SIGINT), 0);
    const int status = child.wait(60);
    ASSERT_TRUE(WIFEXITED(status)) << "ended by a signal instead of stopping at a sweep";
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_EQ(slurp(logs / "stdout.txt"), "") << "an interrupted run must not print results";
    const std::string err = slurp(logs / "stderr.txt");
    ASSERT_NE(err.find("interrupted after "), std::string::npos) << err;
    EXPECT_NE(err.find("checkpoint " + checkpoint + " saved"), std::string::npos) << err;
    const std::int64_t done = std::stoll(err.substr(err.find("interrupted after ") + 18));
    EXPECT_GT(done, previous) << "the second run resumes from the first one's checkpoint";
    previous = done;
    EXPECT_TRUE(fs::exists(checkpoint));
    EXPECT_TRUE(temporaries(dir_).empty());
  }
}

TEST_F(CliInterrupt, GaussianRunLeavesItsOutputWholeOrAbsent) {
  const std::int64_t batch = 100000, dim = 32;
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(batch * dim)), mean(dim, 0.f), cov(dim * dim, 0.f);
  for (float& v : x) v = normal(rng);
  for (std::int64_t i = 0; i < dim; ++i) cov[static_cast<std::size_t>(i * dim + i)] = 1.5f;
  const std::string xs = write("x.npy", {batch, dim}, x), ms = write("mean.npy", {dim}, mean),
                    cs = write("cov.npy", {dim, dim}, cov);
  int interrupted = 0;
  // Signals at growing delays land in argument checks, the computation and the writes.
  for (const int ms_delay : {50, 200, 400, 800, 1500, 3000}) {
    const fs::path out = dir_ / ("out" + std::to_string(ms_delay));
    const Child child = start({BOLTZKIT_CLI_PATH, "gaussian", "logpdf", "--x", xs, "--mean", ms,
                               "--cov", cs, "--grad", "--backend", "cpu", "--out", out.string()},
                              dir_);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms_delay));
    kill(child.pid, SIGINT);
    const int status = child.wait(120);
    if (WIFSIGNALED(status)) {
      ++interrupted;
      EXPECT_EQ(WTERMSIG(status), SIGINT);
    } else {
      ASSERT_TRUE(WIFEXITED(status));
      EXPECT_EQ(WEXITSTATUS(status), 0) << slurp(dir_ / "stderr.txt");
      EXPECT_TRUE(fs::exists(out / "logp.npy"));
    }
    // Whole or absent: a signal after the folder was renamed into place (while the summary is
    // printed) leaves the complete set; any earlier one leaves nothing.
    if (fs::exists(out)) {
      EXPECT_EQ(read_checked<float>((out / "logp.npy").string(), {batch}).size(),
                static_cast<std::size_t>(batch)) << "delay " << ms_delay << " ms";
      EXPECT_EQ(read_checked<float>((out / "grad_mean.npy").string(), {dim}).size(),
                static_cast<std::size_t>(dim)) << "delay " << ms_delay << " ms";
    }
    EXPECT_TRUE(temporaries(dir_).empty()) << "delay " << ms_delay << " ms";
  }
  EXPECT_GT(interrupted, 0) << "no signal arrived before the run ended: make the run longer";
}

TEST_F(CliInterrupt, FullDiskFailsWithExitOneAndNoPartialFile) {
  const std::int64_t batch = 20000, dim = 4;
  std::vector<double> x(static_cast<std::size_t>(batch * dim), 0.25), mean(dim, 0.0),
      cov(dim * dim, 0.0);
  for (std::int64_t i = 0; i < dim; ++i) cov[static_cast<std::size_t>(i * dim + i)] = 2.0;
  const std::string xs = write("x.npy", {batch, dim}, x), ms = write("mean.npy", {dim}, mean),
                    cs = write("cov.npy", {dim, dim}, cov);
  const fs::path out = dir_ / "out";
  // 64 KiB per file: logp.npy (160 kB) cannot be written. SIGXFSZ ignored so write() fails
  // with EFBIG as on a full disk instead of killing the process.
  const Child child = start({"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"",
                             BOLTZKIT_CLI_PATH, "gaussian", "logpdf", "--x", xs, "--mean", ms,
                             "--cov", cs, "--backend", "cpu", "--out", out.string()},
                            dir_);
  const int status = child.wait(60);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string err = slurp(dir_ / "stderr.txt");
  EXPECT_NE(err.find("logp.npy"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_FALSE(fs::exists(out)) << "a failed run leaves --out as it was (absent)";
  EXPECT_TRUE(temporaries(dir_).empty());
}

}  // namespace
}  // namespace boltzkit::cli_test
