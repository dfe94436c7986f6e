#pragma once
/// \file mc_statistics.hpp
/// Statistics of Monte Carlo time series (docs/MATH.md §3, "statistical checks"): error bars of a
/// mean by binning, integrated autocorrelation times, and error bars of derived lattice
/// observables (specific heat, susceptibility, Binder cumulant) by jackknife over bins.
///
/// Everything here runs on the host in double precision and takes plain arrays: one series is
/// `n` consecutive measurements x_0, …, x_{n−1} of one chain, assumed to be in equilibrium
/// (discard the thermalization yourself) and stationary. Argument errors (null pointer, too few
/// samples, bad bin counts, non-finite β or N) throw boltzkit::invalid_argument. Non-finite
/// values inside a series are not checked for: they propagate into the results as NaN.
#include <cstddef>
#include <functional>
#include <vector>

namespace boltzkit::mc {

/// A value with its one-standard-deviation statistical error.
struct Estimate {
  double mean = 0;   ///< the estimate
  double error = 0;  ///< its standard error (≥ 0)
};

// ---------------------------------------------------------------------------------------------
// Binning (blocking) analysis of the error of a mean (Flyvbjerg & Petersen 1989).
// ---------------------------------------------------------------------------------------------

/// One level of the binning analysis: the series averaged in blocks of `block_size` samples.
struct BinningLevel {
  std::size_t block_size = 0;  ///< 2^k samples per block at level k
  std::size_t blocks = 0;      ///< ⌊n / 2^k⌋ blocks (an odd leftover is dropped when halving)
  double error = 0;            ///< naive standard error of the mean of the block averages
  double error_of_error = 0;   ///< its own statistical uncertainty, error / √(2(blocks − 1))
};

/// The full binning analysis of one series: per-level errors and the level that was chosen.
struct BinningAnalysis {
  double mean = 0;                   ///< mean of all n samples
  std::vector<BinningLevel> levels;  ///< level k has block size 2^k; levels with ≥ 2 blocks
  std::size_t chosen_level = 0;      ///< index into `levels` of the reported error
  /// True when the plateau criterion (see binning_analysis) was met at a level that still has
  /// at least `min_plateau_blocks` blocks; false means the series is too short for its
  /// autocorrelation time and the reported error is a lower bound rather than an estimate.
  bool converged = false;

  /// The mean and the error of the chosen level.
  Estimate estimate() const { return {mean, levels[chosen_level].error}; }
};

/// Fewest blocks a level may have for its error to be reported as converged.
inline constexpr std::size_t min_plateau_blocks = 32;

/// Binning analysis of the mean of `series` (n samples, contiguous).
///
/// Level 0 is the series itself; level k+1 averages neighbouring pairs of level-k blocks. At
/// each level with m ≥ 2 blocks y_j the naive error is √(Σ(y_j − ȳ)² / (m(m − 1))). For
/// correlated data it grows with k and levels off once blocks are much longer than the
/// autocorrelation time; the plateau value is the error of the mean.
///
/// Plateau rule (Lee, Needs, Towler et al., Phys. Rev. E 83, 066706 (2011), the rule pyblock
/// uses): the chosen level is the first k with  B³ > 2 n r_k²,  where B = 2^k and
/// r_k = (error_k / error_0)² ≈ 2τ_int is the variance inflation at that level. It balances the
/// bias of short blocks (∝ τ/B) against the noise of few blocks (∝ √(B/n)), so it is more
/// robust than "maximum over levels", which is biased upward by noise. If that level has fewer
/// than min_plateau_blocks blocks, or no level meets the rule, `converged` is false and the
/// largest error among levels with ≥ min_plateau_blocks blocks (level 0 for tiny n) is reported.
///
/// A constant series gives error 0 at every level (exactly, no NaN) and converged = true.
/// Throws invalid_argument if series is null or n < 2. Complexity O(n) time, O(n) memory.
BinningAnalysis binning_analysis(const double* series, std::size_t n);

/// Mean of `series` with its error bar from binning_analysis (the chosen level's error).
/// Throws invalid_argument if series is null or n < 2. Complexity O(n).
Estimate binned_mean(const double* series, std::size_t n);

// ---------------------------------------------------------------------------------------------
// Integrated autocorrelation time (Madras & Sokal 1988, automatic windowing).
// ---------------------------------------------------------------------------------------------

/// Window constant c of Sokal's rule; c ≈ 6 suits autocorrelations that decay roughly
/// exponentially (truncation bias ∝ e^{−c}, variance ∝ c).
inline constexpr double default_window_constant = 6.0;

/// Result of the windowed autocorrelation analysis of one series.
struct AutocorrelationAnalysis {
  double mean = 0;           ///< mean of the series
  double variance = 0;       ///< C(0) = (1/n) Σ (x_i − x̄)²
  double tau_int = 0.5;      ///< ½ + Σ_{t=1}^{W} ρ(t); ½ for uncorrelated data
  double tau_int_error = 0;  ///< Sokal's estimate τ_int √(2(2W + 1)/n)
  std::size_t window = 0;    ///< the window W (0 for a constant series)
  bool converged = false;    ///< a W ≤ n/2 with W ≥ c·τ_int(W) was found
  /// Error of the mean from τ_int: √(2 τ_int C(0) / n) (0 when τ_int ≤ 0).
  double error_of_mean(std::size_t n) const;
};

/// Integrated autocorrelation time of `series` with Sokal's automatic window.
///
/// Convention: τ_int = ½ + Σ_{t≥1} ρ(t), so τ_int = ½ for uncorrelated data and the error of
/// the mean is √(2 τ_int · var / n); for an AR(1) process with coefficient φ, τ_int =
/// ½ (1 + φ)/(1 − φ). The autocovariance is estimated by direct sums,
/// C(t) = 1/(n − t) Σ_{i<n−t} (x_i − x̄)(x_{i+t} − x̄), ρ(t) = C(t)/C(0), and the window is the
/// smallest W ≥ 1 with W ≥ c·τ_int(W) (c = window_constant). If no W ≤ n/2 qualifies, τ_int(n/2)
/// is returned with converged = false (the series is too short; Sokal asks for n ≳ 1000 τ).
/// τ_int may come out below ½ for anticorrelated data. A constant series (zero variance) gives
/// τ_int = ½, window 0, converged = true.
/// Throws invalid_argument if series is null, n < 2, or window_constant is not positive and
/// finite. Complexity O(n·W) time (W ≈ c·τ_int), O(1) extra memory.
AutocorrelationAnalysis autocorrelation_analysis(const double* series, std::size_t n,
                                                 double window_constant = default_window_constant);

/// τ_int of autocorrelation_analysis with c = default_window_constant.
/// Throws invalid_argument if series is null or n < 2. Complexity O(n·W).
double integrated_autocorrelation_time(const double* series, std::size_t n);

// ---------------------------------------------------------------------------------------------
// Jackknife over bins, for nonlinear functions of several means.
// ---------------------------------------------------------------------------------------------

/// Per-bin means of several series measured at the same times.
struct BinTable {
  std::size_t bins = 0;        ///< number of bins B
  std::size_t bin_length = 0;  ///< samples per bin L
  std::size_t columns = 0;     ///< number of series
  std::size_t dropped = 0;     ///< leading samples left out, n − B·L
  std::vector<double> means;   ///< (bins, columns) row-major: means[b·columns + c]

  /// The `columns` means of bin b.
  const double* bin(std::size_t b) const { return means.data() + b * columns; }
};

/// Splits n samples into `bins` equal bins of L = ⌊n / bins⌋ consecutive samples and averages
/// each of the given series over each bin. The n − B·L leftover samples are dropped from the
/// start of the series (the oldest, least equilibrated ones). All series have length n.
/// Throws invalid_argument if a pointer is null, no series is given, bins < 2 or bins > n.
/// Complexity O(n · columns).
BinTable bin_series(const std::vector<const double*>& series, std::size_t n, std::size_t bins);

/// Jackknife estimate of f(⟨x_1⟩, …, ⟨x_k⟩) from a bin table: with f_b = f(means without bin
/// b) and f̄ their average, returns mean = B·f(all) − (B − 1)·f̄ (removes the O(1/n) bias of a
/// nonlinear f, e.g. the ⟨e²⟩ − ⟨e⟩² of a specific heat) and error = √((B − 1)/B Σ_b (f_b − f̄)²).
/// Correlations between the arguments (numerator and denominator of a ratio) are handled
/// because every f_b sees consistent means. Bins must be longer than the autocorrelation time
/// for the error to be right. f receives a pointer to `columns` means.
/// Throws invalid_argument if the table has < 2 bins or f is empty. Complexity O(B·(k + cost f)).
Estimate jackknife(const BinTable& table, const std::function<double(const double*)>& f);

// ---------------------------------------------------------------------------------------------
// Standard observables of one lattice replica.
// ---------------------------------------------------------------------------------------------

/// Thermodynamic estimates of one replica (all per spin), each with a jackknife error bar.
struct LatticeObservables {
  Estimate energy_per_spin;     ///< ⟨e⟩
  Estimate abs_magnetization;   ///< ⟨|m|⟩
  Estimate magnetization_sq;    ///< ⟨m²⟩
  Estimate magnetization_4;     ///< ⟨m⁴⟩
  Estimate specific_heat;       ///< c = β² N (⟨e²⟩ − ⟨e⟩²)
  Estimate susceptibility;      ///< χ = β N (⟨m²⟩ − ⟨|m|⟩²), finite-size convention
  Estimate susceptibility_m2;   ///< χ' = β N ⟨m²⟩, for h = 0 above T_c
  Estimate binder;              ///< U = 1 − ⟨m⁴⟩ / (3 ⟨m²⟩²)
  double tau_int_energy = 0.5;  ///< τ_int of e (sweeps between measurements)
  double tau_int_abs_magnetization = 0.5;  ///< τ_int of |m|
  std::size_t samples = 0;                 ///< samples used, bins · bin_length
  std::size_t bins = 0;                    ///< jackknife bins
  std::size_t bin_length = 0;              ///< samples per bin
  /// bin_length ≥ 10 · max(τ_int_energy, τ_int_abs_magnetization): the error bars can be
  /// trusted. False when the series was too short for that with ≥ 20 bins, or when the caller's
  /// bin count made the bins short.
  bool well_binned = false;
};

/// Shortest bin, in units of the larger τ_int, that automatic binning aims for.
inline constexpr double auto_bin_tau_factor = 10.0;
/// Fewest bins automatic binning uses (when n allows).
inline constexpr std::size_t auto_min_bins = 20;
/// Most bins automatic binning uses; longer bins beyond this only cut the bias further.
inline constexpr std::size_t auto_max_bins = 100;

/// Energy, magnetization, specific heat, susceptibility and Binder cumulant, with jackknife
/// errors, from the time series of one replica: e[t] = E_t / N and m[t] = M_t / N =
/// (1/N) Σ_k s_k at measurement t, with N = `spins` sites at inverse temperature β.
///
/// The susceptibility uses |m| because a finite system at h = 0 has ⟨m⟩ = 0 by symmetry (it
/// flips between ±M): χ = βN(⟨m²⟩ − ⟨|m|⟩²) is the usual finite-size estimator in both phases,
/// while χ' = βN⟨m²⟩ is the susceptibility in the disordered phase at h = 0 (there it equals
/// βN(⟨m²⟩ − ⟨m⟩²)). U → 2/3 deep in the ordered phase and → 0 in the disordered phase.
/// Variances are accumulated about the overall means of e and |m| to avoid cancellation.
///
/// bins = 0 chooses the binning from τ_int of e and |m| (autocorrelation_analysis): with
/// τ = max(τ_e, τ_|m|, ½), B = min(auto_max_bins, ⌊n / ⌈auto_bin_tau_factor·τ⌉⌋), raised to
/// min(auto_min_bins, n) if smaller (then well_binned is false). Each estimate is the
/// bias-corrected jackknife of bin_series/jackknife over the columns e, (e − ē)², |m|,
/// (|m| − |m|‾)², m², m⁴; leading leftover samples are dropped as in bin_series.
/// U is NaN when ⟨m²⟩ = 0 (all m zero).
/// Throws invalid_argument if e or m is null, n < 2, bins = 1, bins > n, or beta / spins is
/// not finite or spins ≤ 0. Complexity O(n·W) for the τ_int windows plus O(n) for the rest.
LatticeObservables analyze_lattice_series(const double* e, const double* m, std::size_t n,
                                          double beta, double spins, std::size_t bins = 0);

}  // namespace boltzkit::mc
