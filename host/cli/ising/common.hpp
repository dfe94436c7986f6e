#pragma once
// Pieces shared by `boltzkit ising lattice` and `boltzkit ising scan`: parsing of the lattice
// size and the algorithm, the checks the library leaves to its callers, value(error) formatting
// and the progress bar on stderr.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "boltzkit/ising.hpp"
#include "boltzkit/mc_statistics.hpp"
#include "host/cli/commands.hpp"

namespace CLI {
class App;
}

namespace boltzkit::cli {

/// Registers `ising lattice` and `ising scan` under the `ising` subcommand.
void add_ising_lattice_command(CLI::App& ising, Action& action);
void add_ising_scan_command(CLI::App& ising, Action& action);

/// "16x16" (2D) or "16x16x16" (3D): every extent even and >= 2. Throws invalid_argument naming
/// `option` for anything else (zero, odd, missing or non-numeric extents, "4by4", ...).
ising::Lattice parse_lattice_size(const std::string& text, const char* option = "--size");

/// "16x16" / "16x16x16".
std::string lattice_size_string(const ising::Lattice& lattice);
/// [16, 16] / [16, 16, 16].
std::vector<std::int64_t> lattice_extents(const ising::Lattice& lattice);

/// "metropolis" or "heatbath" (CLI11 restricts the spelling before this is reached).
ising::Algorithm parse_algorithm(const std::string& name);
const char* algorithm_name(ising::Algorithm algorithm);

/// β must be finite and >= 0 (the message names the option).
void check_beta(double beta, const char* option);
/// sweeps >= 2 (error bars need two measurements), burn-in >= 0, and sweep indices below the
/// library's 2^32 − 1 limit.
void check_run_length(std::int64_t sweeps, std::int64_t burn_in);

/// "-1.4532(21)": the mean to the precision of its error, rounded to two significant digits.
/// Without a usable error (0, NaN) the mean alone with 6 significant digits; "nan" for NaN.
std::string fmt_uncertain(double mean, double error);
std::string fmt_uncertain(const mc::Estimate& e);

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
