// Jackknife over bins and the derived observables of one lattice replica.
#include <algorithm>
#include <cmath>
#include <string>

#include "boltzkit/errors.hpp"
#include "boltzkit/mc_statistics.hpp"

namespace boltzkit::mc {

BinTable bin_series(const std::vector<const double*>& series, std::size_t n, std::size_t bins) {
  if (series.empty()) throw invalid_argument("mc::bin_series: no series given");
  for (const double* s : series)
    if (s == nullptr) throw invalid_argument("mc::bin_series: a series is a null pointer");
  if (bins < 2 || bins > n)
    throw invalid_argument("mc::bin_series: need 2 <= bins <= n, got bins = " +
                           std::to_string(bins) + ", n = " + std::to_string(n));
  BinTable table;
  table.bins = bins;
  table.bin_length = n / bins;
  table.columns = series.size();
  table.dropped = n - bins * table.bin_length;
  table.means.assign(bins * table.columns, 0.0);  // (bins, columns)
  const double inv_length = 1.0 / static_cast<double>(table.bin_length);
  for (std::size_t c = 0; c < table.columns; ++c) {
    const double* x = series[c] + table.dropped;
    for (std::size_t b = 0; b < bins; ++b) {
      double sum = 0;
      for (std::size_t i = 0; i < table.bin_length; ++i) sum += x[b * table.bin_length + i];
      table.means[b * table.columns + c] = sum * inv_length;
    }
  }
  return table;
}

Estimate jackknife(const BinTable& table, const std::function<double(const double*)>& f) {
  if (table.bins < 2 || table.means.size() != table.bins * table.columns)
    throw invalid_argument("mc::jackknife: the bin table needs at least 2 consistent bins");
  if (!f) throw invalid_argument("mc::jackknife: empty function");
  const std::size_t k = table.columns;
  const double bins = static_cast<double>(table.bins);
  std::vector<double> total(k, 0.0), all(k), loo(k);
  for (std::size_t b = 0; b < table.bins; ++b)
    for (std::size_t c = 0; c < k; ++c) total[c] += table.bin(b)[c];
  for (std::size_t c = 0; c < k; ++c) all[c] = total[c] / bins;
  const double f_all = f(all.data());

  std::vector<double> f_loo(table.bins);  // f of the leave-one-bin-out means
  for (std::size_t b = 0; b < table.bins; ++b) {
    for (std::size_t c = 0; c < k; ++c) loo[c] = (total[c] - table.bin(b)[c]) / (bins - 1);
    f_loo[b] = f(loo.data());
  }
  double f_bar = 0;
  for (double v : f_loo) f_bar += v;
  f_bar /= bins;
  double ss = 0;
  for (double v : f_loo) ss += (v - f_bar) * (v - f_bar);
  return {bins * f_all - (bins - 1) * f_bar, std::sqrt((bins - 1) / bins * ss)};
}

namespace {

std::size_t automatic_bins(std::size_t n, double tau) {
  const double length = std::ceil(auto_bin_tau_factor * std::max(tau, 0.5));
  const double fit = std::floor(static_cast<double>(n) / length);
  std::size_t bins =
      fit >= static_cast<double>(auto_max_bins) ? auto_max_bins : static_cast<std::size_t>(fit);
  if (bins < auto_min_bins) bins = std::min(auto_min_bins, n);
  return bins;
}

}  // namespace

LatticeObservables analyze_lattice_series(const double* e, const double* m, std::size_t n,
                                          double beta, double spins, std::size_t bins) {
  if (e == nullptr || m == nullptr)
    throw invalid_argument("mc::analyze_lattice_series: e or m is a null pointer");
  if (n < 2)
    throw invalid_argument("mc::analyze_lattice_series: need at least 2 samples, got " +
                           std::to_string(n));
  if (bins == 1 || bins > n)
    throw invalid_argument("mc::analyze_lattice_series: bins must be 0 (automatic) or in [2, n]");
  if (!std::isfinite(beta) || !std::isfinite(spins) || !(spins > 0))
    throw invalid_argument("mc::analyze_lattice_series: beta must be finite, spins finite > 0");

  // Derived columns: |m|, and squared deviations about the overall means of e and |m|.
  std::vector<double> abs_m(n), de2(n), dm2(n), m2(n), m4(n);
  for (std::size_t t = 0; t < n; ++t) {
    abs_m[t] = std::abs(m[t]);
    m2[t] = m[t] * m[t];
    m4[t] = m2[t] * m2[t];
  }
  const AutocorrelationAnalysis ac_e = autocorrelation_analysis(e, n);
  const AutocorrelationAnalysis ac_m = autocorrelation_analysis(abs_m.data(), n);
  const double e_ref = ac_e.mean, m_ref = ac_m.mean;
  for (std::size_t t = 0; t < n; ++t) {
    de2[t] = (e[t] - e_ref) * (e[t] - e_ref);
    dm2[t] = (abs_m[t] - m_ref) * (abs_m[t] - m_ref);
  }

  LatticeObservables out;
  out.tau_int_energy = ac_e.tau_int;
  out.tau_int_abs_magnetization = ac_m.tau_int;
  const double tau = std::max({0.5, ac_e.tau_int, ac_m.tau_int});
  const BinTable table = bin_series({e, de2.data(), abs_m.data(), dm2.data(), m2.data(), m4.data()},
                                    n, bins == 0 ? automatic_bins(n, tau) : bins);
  out.bins = table.bins;
  out.bin_length = table.bin_length;
  out.samples = table.bins * table.bin_length;
  out.well_binned = static_cast<double>(table.bin_length) >= auto_bin_tau_factor * tau;

  // Column indices of the table: (e, (e − ē)², |m|, (|m| − ā)², m², m⁴).
  enum : std::size_t { kE, kDe2, kAbsM, kDm2, kM2, kM4 };
  const double bn = beta * spins;
  out.energy_per_spin = jackknife(table, [](const double* x) { return x[kE]; });
  out.abs_magnetization = jackknife(table, [](const double* x) { return x[kAbsM]; });
  out.magnetization_sq = jackknife(table, [](const double* x) { return x[kM2]; });
  out.magnetization_4 = jackknife(table, [](const double* x) { return x[kM4]; });
  out.specific_heat = jackknife(table, [&](const double* x) {
    const double shift = x[kE] - e_ref;  // ⟨e⟩ − ē
    return beta * bn * (x[kDe2] - shift * shift);
  });
  out.susceptibility = jackknife(table, [&](const double* x) {
    const double shift = x[kAbsM] - m_ref;
    return bn * (x[kDm2] - shift * shift);
  });
  out.susceptibility_m2 = jackknife(table, [&](const double* x) { return bn * x[kM2]; });
  out.binder =
      jackknife(table, [](const double* x) { return 1.0 - x[kM4] / (3.0 * x[kM2] * x[kM2]); });
  return out;
}

}  // namespace boltzkit::mc
