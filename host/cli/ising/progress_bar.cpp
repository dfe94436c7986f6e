#include "progress_bar.hpp"

#include <unistd.h>

#include <cstdio>
#include <utility>

namespace boltzkit::cli {

namespace {

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
