#pragma once
// Work and traffic models of the Gaussian benchmarks, and the bandwidth the memory floor uses.
//
// Bytes (the minimum traffic of one call, each array read or written once):
//   full  (log p + grad_mean + grad_matrix): sizeof(T)·B·(2D² + 3D + 1) + 4·B
//         inputs x (D), μ (D), Σ (D²); outputs log p (1), grad_mean (D), grad_Σ (D²);
//         the int32 info array is the 4·B.
//   log p only: sizeof(T)·B·(D² + 2D + 1) + 4·B
// Flops (multiply and add counted separately, leading terms):
//   full: B·(D³/3 + 2D³/3 + 2D²)  Cholesky, Σ⁻¹ from the factor, solves/outer product
//   log p only: B·(D³/3 + D²)     Cholesky, one triangular solve
// floor = bytes / bandwidth; pct_of_floor = floor time / measured time · 100.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace boltzkit::bench {

enum class gaussian_outputs { log_prob_only, full };

inline const char* outputs_name(gaussian_outputs o) {
  return o == gaussian_outputs::full ? "full" : "logp";
}

inline double gaussian_bytes(std::size_t scalar_bytes, std::int64_t dim, std::int64_t batch,
                             gaussian_outputs outputs) {
  const double d = static_cast<double>(dim);
  const double b = static_cast<double>(batch);
  const double s = static_cast<double>(scalar_bytes);
  const double per_element =
      outputs == gaussian_outputs::full ? 2 * d * d + 3 * d + 1 : d * d + 2 * d + 1;
  return s * b * per_element + 4.0 * b;
}

inline double gaussian_flops(std::int64_t dim, std::int64_t batch, gaussian_outputs outputs) {
  const double d = static_cast<double>(dim);
  const double b = static_cast<double>(batch);
  if (outputs == gaussian_outputs::full) return b * (d * d * d / 3 + 2 * d * d * d / 3 + 2 * d * d);
  return b * (d * d * d / 3 + d * d);
}

/// docs/ANCHORS.md: device-to-device copy on an H100 80GB HBM3, bytes read + written.
constexpr double default_bandwidth_bytes_per_s = 3.0e12;

struct bandwidth_setting {
  double bytes_per_s = default_bandwidth_bytes_per_s;
  std::string source = "default";  ///< "default", "env", or "measured"
  bool measure = false;            ///< env asked for "measured": probe the device at start
};

/// BOLTZKIT_BW_BYTES_PER_S: unset → 3.0e12; a positive number → that; "measured" → measure a
/// device-to-device copy at start-up (falls back to the default without a device). Anything
/// else is reported on stderr by the caller and the default is used.
inline bandwidth_setting bandwidth_from_env(std::string* warning) {
  bandwidth_setting s;
  const char* env = std::getenv("BOLTZKIT_BW_BYTES_PER_S");
  if (env == nullptr || *env == '\0') return s;
  const std::string text(env);
  if (text == "measured" || text == "measure") {
    s.measure = true;
    return s;
  }
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(env, &end);
  if (errno != 0 || end == env || *end != '\0' || !(value > 0)) {
    if (warning != nullptr)
      *warning = "BOLTZKIT_BW_BYTES_PER_S='" + text +
                 "' is not a positive number or 'measured'; using the default 3.0e12";
    return s;
  }
  s.bytes_per_s = value;
  s.source = "env";
  return s;
}

/// Mixture family (boltzkit_bench_mixture). Leading terms only; s = bytes per scalar.
/// One Gaussian, log p + score + summed ∂/∂Σ: read x (N·D), write log p (N) and the score
/// (N·D); K·D² parameters are negligible. E-step of K components: read x (N·D), write
/// mix_log_prob (N) and the responsibilities (N·K).
inline double mixture_bytes(std::size_t scalar_bytes, std::int64_t n_points, std::int64_t dim,
                            std::int64_t k, bool single_gaussian) {
  const double s = static_cast<double>(scalar_bytes), np = static_cast<double>(n_points);
  const double d = static_cast<double>(dim), kk = static_cast<double>(k);
  return single_gaussian ? s * np * (2 * d + 1) : s * np * (d + 1 + kk);
}

/// Flops: the whitening z = L⁻¹(x − μ) costs D² per point and component (triangular: D²/2
/// multiply-adds). One Gaussian needs no whitening: the score Σ⁻¹d costs 2D² (or L⁻ᵀ(L⁻¹d), the
/// same), log p = c − ½ d·Σ⁻¹d then 2D, and the scatter Σ w d dᵀ D² using its symmetry: 3·N·D²,
/// the least any method does (a floor, so the cheapest count; a GEMM scatter would be 2D²).
inline double mixture_flops(std::int64_t n_points, std::int64_t dim, std::int64_t k,
                            bool single_gaussian) {
  const double np = static_cast<double>(n_points), d = static_cast<double>(dim);
  return single_gaussian ? 3.0 * np * d * d : np * static_cast<double>(k) * (d * d + 3 * d);
}

/// One EM iteration of K full-covariance components (E-step, weighted statistics, M-step), the
/// least any method moves: x read once (a one-pass EM fuses the E-step with shifted sums); the
/// responsibilities need never reach memory, and the K·D² parameters are negligible.
inline double mixture_em_bytes(std::size_t scalar_bytes, std::int64_t n_points, std::int64_t dim) {
  return static_cast<double>(scalar_bytes) * static_cast<double>(n_points) *
         static_cast<double>(dim);
}

/// Flops of one EM iteration: the E-step's N·K·(D² + 3D) (mixture_flops) plus the statistics'
/// count (1), mean (2D) and symmetric scatter (D(D + 1)) per point and component:
/// N·K·(2D² + 6D + 1). The M-step's K Cholesky factorizations (K·D³/3) are negligible.
inline double mixture_em_flops(std::int64_t n_points, std::int64_t dim, std::int64_t k) {
  const double d = static_cast<double>(dim);
  return static_cast<double>(n_points) * static_cast<double>(k) * (2 * d * d + 6 * d + 1);
}

/// H100 SXM fp32 (non-tensor) peak, for the arithmetic floor: 67 TFLOP/s (NVIDIA data sheet).
constexpr double fp32_peak_flops_per_s = 6.7e13;

}  // namespace boltzkit::bench
