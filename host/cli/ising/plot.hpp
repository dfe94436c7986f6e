#pragma once
// The PNG figure of `boltzkit ising scan`, drawn by scripts/plot_scan.py (matplotlib) in a child
// process. The CLI does not depend on python: when the interpreter, matplotlib or the script is
// missing, or the script fails, no PNG is written and the caller prints a warning.
//
// Finding the script, first hit wins:
//   1. $BOLTZKIT_PLOT_SCRIPT, when set and non-empty (used as given, even if missing);
//   2. the installed copy, at a path relative to the running executable
//      (BOLTZKIT_PLOT_SCRIPT_INSTALLED, e.g. ../share/boltzkit/plot_scan.py from bin/);
//   3. the source tree's scripts/plot_scan.py (BOLTZKIT_PLOT_SCRIPT_SOURCE), for the build tree.
// The interpreter is $BOLTZKIT_PYTHON when set and non-empty, else python3 from PATH.
#include <string>
#include <vector>

namespace boltzkit::cli {

struct PlotRun {
  enum class Outcome {
    written,        ///< the script exited 0
    no_python,      ///< the interpreter could not be started
    no_matplotlib,  ///< the script exited 3: matplotlib cannot be imported
    no_script,      ///< plot_scan.py was not found
    failed,         ///< the script failed, or was killed
  };
  Outcome outcome = Outcome::failed;
  std::string python;  ///< the interpreter tried
  std::string script;  ///< the script used (empty when none was found)
  int status = 0;      ///< exit status, or the signal number when killed (failed only)
  bool signalled = false;
  std::string output;  ///< what the script wrote to stdout and stderr (last 64 KiB)
};

/// The script's path by the rules above; empty when no candidate exists.
std::string find_plot_script();

/// Runs `python plot_scan.py args...` and waits for it (no time limit). Its stdin is /dev/null;
/// its stdout and stderr are captured into PlotRun::output rather than shown.
PlotRun run_plot_script(const std::vector<std::string>& args);

/// One line (no newline) for stderr saying why no PNG was written; empty for Outcome::written.
std::string plot_warning(const PlotRun& run, const std::string& png_name);

}  // namespace boltzkit::cli
