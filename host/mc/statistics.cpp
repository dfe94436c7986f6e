// Error of a Monte Carlo mean: binning analysis and Sokal's windowed autocorrelation time.
#include "boltzkit/mc_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "boltzkit/errors.hpp"

namespace boltzkit::mc {
namespace {

void check_series(const double* series, std::size_t n, const char* function) {
  if (series == nullptr)
    throw invalid_argument(std::string(function) + ": series is a null pointer");
  if (n < 2)
    throw invalid_argument(std::string(function) + ": need at least 2 samples, got " +
                           std::to_string(n));
}

bool is_constant(const double* x, std::size_t n) {
  return std::all_of(x, x + n, [&](double v) { return v == x[0]; });
}

double mean_of(const double* x, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  return sum / static_cast<double>(n);
}

// Naive standard error of the mean of m ≥ 2 values (two-pass variance).
double naive_error(const std::vector<double>& y, std::size_t m) {
  const double mean = mean_of(y.data(), m);
  double ss = 0;
  for (std::size_t i = 0; i < m; ++i) ss += (y[i] - mean) * (y[i] - mean);
  return std::sqrt(ss / (static_cast<double>(m) * static_cast<double>(m - 1)));
}

}  // namespace

BinningAnalysis binning_analysis(const double* series, std::size_t n) {
  check_series(series, n, "mc::binning_analysis");
  BinningAnalysis result;
  result.mean = mean_of(series, n);
  const bool constant = is_constant(series, n);
  if (constant) result.mean = series[0];

  std::vector<double> y(series, series + n);
  std::size_t m = n;
  for (std::size_t block = 1; m >= 2; block *= 2) {
    BinningLevel level;
    level.block_size = block;
    level.blocks = m;
    level.error = constant ? 0.0 : naive_error(y, m);
    level.error_of_error = level.error / std::sqrt(2.0 * static_cast<double>(m - 1));
    result.levels.push_back(level);
    for (std::size_t j = 0; j < m / 2; ++j) y[j] = 0.5 * (y[2 * j] + y[2 * j + 1]);
    m /= 2;
  }

  const double error0 = result.levels[0].error;
  if (error0 == 0) {  // constant series: every level is exactly zero
    result.converged = true;
    return result;
  }
  // Lee et al. (2011): first level with B³ > 2 n r², r = (error_k / error_0)².
  const double nd = static_cast<double>(n);
  for (std::size_t k = 0; k < result.levels.size(); ++k) {
    const double b = static_cast<double>(result.levels[k].block_size);
    const double r = (result.levels[k].error / error0) * (result.levels[k].error / error0);
    if (b * b * b > 2.0 * nd * r * r) {
      if (result.levels[k].blocks >= min_plateau_blocks) {
        result.chosen_level = k;
        result.converged = true;
        return result;
      }
      break;
    }
  }
  // Not converged: the largest error among levels that still have enough blocks.
  std::size_t best = 0;
  for (std::size_t k = 1; k < result.levels.size(); ++k)
    if (result.levels[k].blocks >= min_plateau_blocks &&
        result.levels[k].error > result.levels[best].error)
      best = k;
  result.chosen_level = best;
  result.converged = false;
  return result;
}

Estimate binned_mean(const double* series, std::size_t n) {
  return binning_analysis(series, n).estimate();
}

double AutocorrelationAnalysis::error_of_mean(std::size_t n) const {
  if (n == 0 || !(tau_int > 0)) return 0;
  return std::sqrt(2.0 * tau_int * variance / static_cast<double>(n));
}

AutocorrelationAnalysis autocorrelation_analysis(const double* series, std::size_t n,
                                                 double window_constant) {
  check_series(series, n, "mc::autocorrelation_analysis");
  if (!(window_constant > 0) || !std::isfinite(window_constant))
    throw invalid_argument("mc::autocorrelation_analysis: window_constant must be positive");
  AutocorrelationAnalysis result;
  if (is_constant(series, n)) {
    result.mean = series[0];
    result.converged = true;
    return result;
  }
  result.mean = mean_of(series, n);
  const double mean = result.mean;
  double c0 = 0;
  for (std::size_t i = 0; i < n; ++i) c0 += (series[i] - mean) * (series[i] - mean);
  c0 /= static_cast<double>(n);
  result.variance = c0;
  if (c0 == 0) {  // rounding left no spread: nothing to correlate
    result.converged = true;
    return result;
  }
  if (!std::isfinite(c0)) {  // NaN or infinite data: report NaN without an O(n²) window search
    result.tau_int = result.tau_int_error = std::nan("");
    return result;
  }

  const std::size_t max_window = std::max<std::size_t>(1, n / 2);
  double tau = 0.5;
  std::size_t w = 0;
  while (w < max_window) {
    ++w;
    double ct = 0;
    for (std::size_t i = 0; i + w < n; ++i) ct += (series[i] - mean) * (series[i + w] - mean);
    tau += ct / static_cast<double>(n - w) / c0;
    if (static_cast<double>(w) >= window_constant * tau) {
      result.converged = true;
      break;
    }
  }
  result.tau_int = tau;
  result.window = w;
  result.tau_int_error = std::abs(tau) * std::sqrt(2.0 * (2.0 * static_cast<double>(w) + 1.0) /
                                                   static_cast<double>(n));
  return result;
}

double integrated_autocorrelation_time(const double* series, std::size_t n) {
  return autocorrelation_analysis(series, n).tau_int;
}

}  // namespace boltzkit::mc
