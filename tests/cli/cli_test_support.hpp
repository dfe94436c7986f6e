#pragma once
// Helpers for the command tests: a scratch directory per test, NPY files in and out, and
// running the built `boltzkit` binary as a child process with its output captured.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/io/npy.hpp"

extern char** environ;

namespace boltzkit::cli_test {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs the boltzkit binary with `args`; stdout and stderr go through files in `scratch`.
inline RunResult run_cli(const std::vector<std::string>& args, const fs::path& scratch) {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  std::vector<std::string> argv_s = {BOLTZKIT_CLI_PATH};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  RunResult r;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return r;
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

/// A fresh directory per test, removed afterwards.
class ScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "boltzkit_cli_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  template <class T>
  std::string write(const std::string& name, const std::vector<std::int64_t>& shape,
                    const std::vector<T>& data) {
    io::write_npy(path(name), shape, data.data());
    return path(name);
  }

  RunResult run(const std::vector<std::string>& args) const { return run_cli(args, dir_); }

  fs::path dir_;
};

/// Reads an output file and checks its dtype and shape.
template <class T>
std::vector<T> read_checked(const std::string& path, const std::vector<std::int64_t>& shape) {
  const io::NpyArray a = io::read_npy(path);
  EXPECT_EQ(a.dtype, io::npy_dtype<T>::descr) << path;
  EXPECT_EQ(a.shape, shape) << path;
  return a.to_vector<T>();
}

}  // namespace boltzkit::cli_test
