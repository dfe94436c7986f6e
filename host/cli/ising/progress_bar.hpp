#pragma once
// The progress bar of long Monte Carlo runs on stderr.
#include <chrono>
#include <cstdint>
#include <string>

namespace boltzkit::cli {

/// Progress of a run on stderr, fed by SimulationConfig::progress. Silent for the first second
/// (short runs print nothing) and when disabled (--quiet). On a terminal it redraws one line at
/// most 10 times a second and erases it at the end; otherwise (a log file) it writes a line per
/// 10 % of the run, at most one a second.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(std::int64_t done, std::int64_t total);
  /// Erases the terminal line if one was drawn. Called by the destructor too.
  void finish();

 private:
  using clock = std::chrono::steady_clock;
  bool enabled_;
  bool tty_;
  std::string label_;
  clock::time_point start_, last_draw_;
  std::int64_t first_done_ = -1;
  int last_decile_ = 0;
  bool drawn_ = false;
};

}  // namespace boltzkit::cli
