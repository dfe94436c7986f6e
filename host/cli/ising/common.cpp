#include "common.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <utility>

#include "boltzkit/errors.hpp"
#include "host/cli/common/report.hpp"

namespace boltzkit::cli {

namespace {

/// Largest extent accepted; keeps sites (and the byte-per-spin lattice) far from overflow.
constexpr std::int64_t max_extent = 1 << 16;

std::int64_t parse_extent(const std::string& text, const std::string& part, const char* option) {
  const std::string usage = std::string(option) + " '" + text +
                            "': expected LXxLY or LXxLYxLZ with even extents >= 2, e.g. 16x16";
  if (part.empty() || part.size() > 9) throw invalid_argument(usage);
  std::int64_t v = 0;
  for (char ch : part) {
    if (ch < '0' || ch > '9') throw invalid_argument(usage);
    v = v * 10 + (ch - '0');
  }
  if (v < 2 || v % 2 != 0)
    throw invalid_argument(std::string(option) + " '" + text + "': every extent must be even " +
                           "and >= 2 (periodic checkerboard lattice), got " + part);
  if (v > max_extent)
    throw invalid_argument(std::string(option) + " '" + text + "': extent " + part +
                           " is larger than " + std::to_string(max_extent));
  return v;
}

std::string fmt_duration(double seconds) {
  char buffer[32];
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.0fs", seconds);
  } else if (seconds < 3600) {
    const int s = static_cast<int>(seconds);
    std::snprintf(buffer, sizeof buffer, "%dm%02ds", s / 60, s % 60);
  } else {
    const int m = static_cast<int>(seconds / 60);
    std::snprintf(buffer, sizeof buffer, "%dh%02dm", m / 60, m % 60);
  }
  return buffer;
}

}  // namespace

ising::Lattice parse_lattice_size(const std::string& text, const char* option) {
  std::vector<std::string> parts(1);
  for (char ch : text) {
    if (ch == 'x' || ch == 'X')
      parts.emplace_back();
    else
      parts.back() += ch;
  }
  if (parts.size() != 2 && parts.size() != 3)
    throw invalid_argument(std::string(option) + " '" + text +
                           "': expected LXxLY or LXxLYxLZ with even extents >= 2, e.g. 16x16");
  std::vector<std::int64_t> extents;
  for (const std::string& p : parts) extents.push_back(parse_extent(text, p, option));
  ising::Lattice lattice;
  lattice.lx = extents[0];
  lattice.ly = extents[1];
  lattice.lz = extents.size() == 3 ? extents[2] : 1;
  if (lattice.sites() > (std::int64_t{1} << 32))
    throw invalid_argument(std::string(option) + " '" + text + "': more than 2^32 sites");
  return lattice;
}

std::string lattice_size_string(const ising::Lattice& lattice) {
  std::string s = std::to_string(lattice.lx) + "x" + std::to_string(lattice.ly);
  if (lattice.dimensions() == 3) s += "x" + std::to_string(lattice.lz);
  return s;
}

std::vector<std::int64_t> lattice_extents(const ising::Lattice& lattice) {
  if (lattice.dimensions() == 3) return {lattice.lx, lattice.ly, lattice.lz};
  return {lattice.lx, lattice.ly};
}

ising::Algorithm parse_algorithm(const std::string& name) {
  if (name == "metropolis") return ising::Algorithm::metropolis;
  if (name == "heatbath") return ising::Algorithm::heat_bath;
  throw invalid_argument("--algorithm '" + name + "': expected metropolis or heatbath");
}

const char* algorithm_name(ising::Algorithm algorithm) {
  return algorithm == ising::Algorithm::heat_bath ? "heatbath" : "metropolis";
}

void check_beta(double beta, const char* option) {
  if (!std::isfinite(beta) || beta < 0)
    throw invalid_argument(std::string(option) + " must be finite and >= 0, got " + fmt_g(beta, 6));
}

void check_run_length(std::int64_t sweeps, std::int64_t burn_in) {
  if (sweeps < 2)
    throw invalid_argument(
        "--sweeps must be at least 2 (one measurement per sweep; error bars "
        "need two), got " +
        std::to_string(sweeps));
  if (burn_in < 0) throw invalid_argument("--burn-in must be >= 0, got " + std::to_string(burn_in));
  constexpr std::int64_t limit = 0xfffffffeLL;  // sweep indices stay below 2^32 − 1
  if (sweeps > limit || burn_in > limit - sweeps)
    throw invalid_argument("--burn-in + --sweeps must be below 2^32 - 1 (4294967294)");
}

std::string fmt_uncertain(double mean, double error) {
  if (std::isnan(mean)) return "nan";
  if (std::isinf(mean)) return mean > 0 ? "inf" : "-inf";
  if (!(error > 0) || !std::isfinite(error)) return fmt_g(mean, 6);
  int decimals = 1 - static_cast<int>(std::floor(std::log10(error)));
  double digits = std::round(error * std::pow(10.0, decimals));
  if (digits >= 100) {  // 0.0996 rounds to 10.0 at two significant digits
    --decimals;
    digits = std::round(error * std::pow(10.0, decimals));
  }
  if (decimals < 0) {
    decimals = 0;
    digits = std::round(error);
  }
  if (decimals > 12) {  // an error far below the mean's own digits (or both tiny)
    if (error <= 1e-9 * std::fabs(mean)) return fmt_g(mean, 6);
    return fmt_g(mean, 4) + "+-" + fmt_e(error, 1);
  }
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%.*f(%.0f)", decimals, mean, digits);
  return buffer;
}

std::string fmt_uncertain(const mc::Estimate& e) { return fmt_uncertain(e.mean, e.error); }

ProgressBar::ProgressBar(bool enabled, std::string label)
    : enabled_(enabled),
      tty_(isatty(STDERR_FILENO) == 1),
      label_(std::move(label)),
      start_(clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::int64_t done, std::int64_t total) {
  if (!enabled_ || total <= 0) return;
  if (first_done_ < 0) first_done_ = done - 1;  // resumed runs start part-way
  const auto now = clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0) return;  // short runs stay silent
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const double rate = static_cast<double>(done - first_done_) / elapsed;  // sweeps per second
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : -1;
  char numbers[160];
  std::snprintf(numbers, sizeof numbers, "%3.0f%%  %lld/%lld sweeps  %s elapsed  ETA %s",
                100 * fraction, static_cast<long long>(done), static_cast<long long>(total),
                fmt_duration(elapsed).c_str(), fmt_duration(eta).c_str());
  if (tty_) {
    if (drawn_ && since_draw < 0.1 && done < total) return;
    constexpr int width = 28;
    const int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(width - filled), '.');
    std::fprintf(stderr, "\r%s [%s] %s\x1b[K", label_.c_str(), bar.c_str(), numbers);
    std::fflush(stderr);
    drawn_ = true;
    last_draw_ = now;
  } else {
    const int decile = static_cast<int>(10 * fraction);
    if (decile <= last_decile_ || (since_draw < 1.0 && done < total)) return;
    std::fprintf(stderr, "%s: %s\n", label_.c_str(), numbers);
    std::fflush(stderr);
    last_decile_ = decile;
    last_draw_ = now;
  }
}

void ProgressBar::finish() {
  if (tty_ && drawn_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace boltzkit::cli
