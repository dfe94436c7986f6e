#include "plot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

extern char** environ;

namespace boltzkit::cli {

namespace {

namespace fs = std::filesystem;

/// Exit status of plot_scan.py when matplotlib cannot be imported.
constexpr int exit_no_matplotlib = 3;
/// Exit status of a child whose exec failed (older C libraries report it this way).
constexpr int exit_exec_failed = 127;
constexpr std::size_t max_output = 64 * 1024;

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::string find_plot_script() {
  const std::string env = env_or("BOLTZKIT_PLOT_SCRIPT", "");
  if (!env.empty()) return env;
#ifdef BOLTZKIT_PLOT_SCRIPT_INSTALLED
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed =
        (exe.parent_path() / BOLTZKIT_PLOT_SCRIPT_INSTALLED).lexically_normal();
    if (is_file(installed)) return installed.string();
  }
#endif
#ifdef BOLTZKIT_PLOT_SCRIPT_SOURCE
  if (is_file(BOLTZKIT_PLOT_SCRIPT_SOURCE)) return BOLTZKIT_PLOT_SCRIPT_SOURCE;
#endif
  return {};
}

PlotRun run_plot_script(const std::vector<std::string>& args) {
  PlotRun run;
  run.python = env_or("BOLTZKIT_PYTHON", "python3");
  run.script = find_plot_script();
  if (run.script.empty() || !is_file(run.script)) {
    run.outcome = PlotRun::Outcome::no_script;
    return run;
  }

  std::vector<std::string> argv_s = {run.python, run.script};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    run.output = std::string("pipe: ") + std::strerror(errno) + "\n";
    return run;
  }
  // The child: stdin from /dev/null, stdout and stderr into the pipe. Both pipe ends are
  // close-on-exec, so the child keeps only the duplicates on 1 and 2.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, run.python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    run.outcome = PlotRun::Outcome::no_python;
    run.status = rc;
    return run;
  }

  char buffer[4096];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer, static_cast<std::size_t>(n));
    if (run.output.size() > 2 * max_output) run.output.erase(0, run.output.size() - max_output);
  }
  close(pipe_fds[0]);
  if (run.output.size() > max_output) run.output.erase(0, run.output.size() - max_output);

  int status = 0;
  pid_t waited;
  do {
    waited = waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  if (waited < 0) {
    run.output += std::string("waitpid: ") + std::strerror(errno) + "\n";
    return run;
  }
  if (WIFSIGNALED(status)) {
    run.signalled = true;
    run.status = WTERMSIG(status);
    return run;
  }
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (run.status == 0)
    run.outcome = PlotRun::Outcome::written;
  else if (run.status == exit_no_matplotlib)
    run.outcome = PlotRun::Outcome::no_matplotlib;
  else if (run.status == exit_exec_failed)
    run.outcome = PlotRun::Outcome::no_python;
  return run;
}

std::string plot_warning(const PlotRun& run, const std::string& png_name) {
  const std::string no_png = ", so no " + png_name + " was written";
  switch (run.outcome) {
    case PlotRun::Outcome::written:
      return {};
    case PlotRun::Outcome::no_python:
      return "boltzkit: warning: cannot run '" + run.python + "'" +
             (run.status > 0 && run.status != exit_exec_failed
                  ? " (" + std::string(std::strerror(run.status)) + ")"
                  : std::string()) +
             no_png + " (install python3 with matplotlib, or set BOLTZKIT_PYTHON)";
    case PlotRun::Outcome::no_matplotlib:
      return "boltzkit: warning: matplotlib is not installed for '" + run.python + "'" + no_png +
             " (" + run.python + " -m pip install matplotlib)";
    case PlotRun::Outcome::no_script:
      return "boltzkit: warning: plot script " +
             (run.script.empty() ? std::string("plot_scan.py") : "'" + run.script + "'") +
             " not found" + no_png + " (set BOLTZKIT_PLOT_SCRIPT)";
    case PlotRun::Outcome::failed:
      break;
  }
  return "boltzkit: warning: '" + run.python + " " + run.script + "' " +
         (run.signalled ? "was killed by signal " + std::to_string(run.status)
                        : "failed with exit status " + std::to_string(run.status)) +
         no_png;
}

}  // namespace boltzkit::cli
