#pragma once
/// \file mixture.hpp
/// Many points against K Gaussians (docs/MATH.md §1.6–1.8): the (N, K) matrix of
/// log N(x_n | μ_k, Σ_k), the mixture log-likelihood and responsibilities, per-point scores,
/// summed maximum-likelihood gradients, weighted sufficient statistics, EM for full-covariance
/// Gaussian mixtures, and the KL divergence between batches of Gaussians.
///
/// Layout: x (N, D) as a vector_batch; K components as a vector_batch of means (K, D) and a
/// matrix_batch of covariances (K, D, D), of which only the lower triangle is read; (N, K)
/// outputs are dense row-major. Pointers live in the Context's memory space.
#include <cstdint>
#include <vector>

#include "boltzkit/context.hpp"
#include "boltzkit/views.hpp"

namespace boltzkit::mixture {

/// K Gaussians N(μ_k, Σ_k), optionally with mixture weights π (K,), π_k > 0, Σ π_k = 1 (the
/// weights are used as given; log π_k is taken, so a zero weight gives −∞ terms, not NaN).
template <class T>
struct Components {
  vector_batch<const T> mean;  ///< (K, D)
  matrix_batch<const T> cov;   ///< (K, D, D) covariances
  const T* weights = nullptr;  ///< (K,) or null: K separate Gaussians, no mixture
};

/// What evaluate writes; a null pointer means "not wanted" and then it is not computed. Let
/// d_nk = x_n − μ_k, P_k = Σ_k⁻¹, and w_nk = r_nk (the responsibilities) with weights, 1 without.
///   log_prob      (N, K)  log N(x_n | μ_k, Σ_k)
///   mix_log_prob  (N,)    log Σ_k π_k N(x_n | μ_k, Σ_k)                  (needs weights)
///   resp          (N, K)  r_nk = π_k N_nk / Σ_j π_j N_nj                 (needs weights)
///   score         (N, D)  ∂/∂x log p(x_n) = −Σ_k w_nk P_k d_nk           (weights or K = 1)
///   sum_grad_mean (K, D)  Σ_n w_nk P_k d_nk                        = ∂ℓ/∂μ_k
///   sum_grad_cov  (K, D, D) ½ Σ_n w_nk (P_k d_nk d_nkᵀ P_k − P_k)   = ∂ℓ/∂Σ_k (symmetric form,
///                 every entry independent, as gaussian::evaluate)
///   info          (K,)    0, or the 1-based failing pivot of Σ_k's Cholesky factorization; a
///                 failed component gets NaN in its outputs (with weights: every point's).
template <class T>
struct Outputs {
  T* log_prob = nullptr;
  T* mix_log_prob = nullptr;
  T* resp = nullptr;
  vector_batch<T> score;
  vector_batch<T> sum_grad_mean;
  matrix_batch<T> sum_grad_cov;
  std::int32_t* info = nullptr;
};

/// Options of evaluate (and of fit's E-steps, FitOptions::allow_tf32).
struct EvaluateOptions {
  /// float only (ignored for double): the GPU runs the cuBLAS GEMMs over the points — the
  /// whitening (x − μ_k)·L_k⁻ᵀ of the D > gpu_fused_max_dim path, the scores and the summed
  /// gradients, and their K-sized finishing products — in TF32 tensor-core math
  /// (CUBLAS_TF32_TENSOR_OP_MATH: operands rounded to a 10-bit mantissa, float accumulation);
  /// the Cholesky factors, the fused D ≤ gpu_fused_max_dim log p and the log-sum-exp stay float,
  /// and so do the per-point products of the one-Gaussian pass (K = 1, no weights, D ≤ 64;
  /// MATH.md §1.9).
  /// The CPU backend then rounds the same operands the same way (round to nearest even, float64
  /// accumulation), so both backends mean the same thing. Off by default; the measured accuracy
  /// is in docs/MATH.md §1.9 (CPU emulation; GPU measurement pending).
  bool allow_tf32 = false;
};

/// Evaluates the requested outputs. The mixture never needs an (N, K) buffer unless log_prob
/// or resp is asked for: points are processed in tiles with an online log-sum-exp over K.
/// CPU: float64 accumulation. GPU: fused kernel for D ≤ gpu_fused_max_dim, whitening as a GEMM
/// (X − μ_k)·L_k⁻ᵀ through cuBLAS beyond; one Gaussian without weights (K = 1) in one fused pass
/// over the points for D ≤ 64 (float; 32 double), else in float two tensor-core kernels with
/// split operands, as accurate as float (MATH.md §1.10), in double tiles with one score GEMM;
/// asynchronous, memory O(tile·K + K·D²).
/// Throws invalid_argument before any launch for D < 1, N < 0, K < 1, shape mismatches,
/// mix_log_prob/resp without weights, score with K > 1 and no weights, overlapping outputs.
/// Work: O(N·K·D²) (+ O(K·D³) per call for the factorizations).
template <class T>
void evaluate(Context& ctx, vector_batch<const T> x, const Components<T>& components,
              const Outputs<T>& out, const EvaluateOptions& options = {});

/// Largest D the fused GPU E-step kernel handles; larger D takes the GEMM path.
constexpr std::int64_t gpu_fused_max_dim = 32;

/// Weighted sufficient statistics, two-pass (mean first, then the centred scatter), float64
/// accumulation on the CPU: for k in [0, K), with weights w_nk = resp (N, K), or all 1 (K = 1)
/// when resp is null:
///   counts_k = Σ_n w_nk,  means_k = Σ_n w_nk x_n / counts_k,
///   covs_k = Σ_n w_nk (x_n − means_k)(x_n − means_k)ᵀ / counts_k   (the biased MLE).
/// A component with counts_k = 0 gets mean 0 and covariance 0 (callers regularize it).
/// With resp null this is the closed-form MLE of one Gaussian. Throws invalid_argument for bad
/// shapes. Work: O(N·K·D²).
template <class T>
void weighted_statistics(Context& ctx, vector_batch<const T> x, const T* resp, std::int64_t k,
                         T* counts, vector_batch<T> means, matrix_batch<T> covs);

/// KL(N(μ0_b, Σ0_b) ‖ N(μ1_b, Σ1_b)) for every b (MATH.md §1.8); batch_stride 0 broadcasts.
/// info_b: 0, or 1 (Σ0 not SPD) / 2 (Σ1 not SPD), then kl_b = NaN. Work: O(B·D³).
template <class T>
void kl_divergence(Context& ctx, vector_batch<const T> mean0, matrix_batch<const T> cov0,
                   vector_batch<const T> mean1, matrix_batch<const T> cov1, T* kl,
                   std::int32_t* info);

enum class Init { kmeans_plusplus, given };

/// EM options, after scikit-learn's GaussianMixture(covariance_type="full").
struct FitOptions {
  std::int64_t components = 1;
  std::int64_t max_iter = 100;  ///< EM iterations per initialization (≥ 1)
  double tol = 1e-3;            ///< stop when the average log-likelihood changes by less
  double reg_covar = 1e-6;      ///< added to every covariance diagonal
  std::int64_t n_init = 1;      ///< initializations; the best final log-likelihood wins
  std::uint64_t seed = 0;       ///< k-means++ draws (Philox keyed by seed, DESIGN.md §5)
  Init init = Init::kmeans_plusplus;
  /// For Init::given (host memory, float64): weights (K,), means (K, D), covs (K, D, D).
  std::vector<double> init_weights, init_means, init_covs;
  /// The E-steps' evaluate with EvaluateOptions::allow_tf32 (float only; the M-step's
  /// statistics stay float). Off by default.
  bool allow_tf32 = false;
};

/// The best initialization's fit. Parameters in host memory, float64.
struct FitResult {
  std::int64_t components = 0, dim = 0;
  std::vector<double> weights;  ///< (K,)
  std::vector<double> means;    ///< (K, D)
  std::vector<double> covs;     ///< (K, D, D), reg_covar included
  /// Average log-likelihood per point after each E-step (index 0: the initial parameters).
  std::vector<double> log_likelihood;
  double final_log_likelihood = 0.0;  ///< of the returned parameters
  std::int64_t iterations = 0;        ///< M-steps done
  bool converged = false;
  std::int64_t best_init = 0;
  /// Components that collapsed (responsibility count below 1e-6 points, or a covariance not
  /// SPD even with reg_covar) in any iteration of the best run: they kept their mean and were
  /// reset to the data's covariance and a floor weight, never left NaN (MATH.md §1.7).
  /// Sorted, unique.
  std::vector<std::int64_t> collapsed;
};

/// EM for a full-covariance Gaussian mixture on x (N, D). The E- and M-steps run on the
/// context's backend (evaluate, weighted_statistics); the K-sized updates run on the host in
/// float64. Throws invalid_argument for N < components, components < 1, max_iter < 1,
/// n_init < 1, tol < 0, reg_covar < 0, or given parameters of the wrong size or not SPD.
/// Synchronizes once per iteration (the log-likelihood decides convergence).
template <class T>
FitResult fit(Context& ctx, vector_batch<const T> x, const FitOptions& options);

#define BOLTZKIT_MIXTURE_EXTERN(T)                                                           \
  extern template void evaluate<T>(Context&, vector_batch<const T>, const Components<T>&,    \
                                   const Outputs<T>&, const EvaluateOptions&);               \
  extern template void weighted_statistics<T>(Context&, vector_batch<const T>, const T*,     \
                                              std::int64_t, T*, vector_batch<T>,             \
                                              matrix_batch<T>);                              \
  extern template void kl_divergence<T>(Context&, vector_batch<const T>,                     \
                                        matrix_batch<const T>, vector_batch<const T>,        \
                                        matrix_batch<const T>, T*, std::int32_t*);           \
  extern template FitResult fit<T>(Context&, vector_batch<const T>, const FitOptions&);
BOLTZKIT_MIXTURE_EXTERN(float)
BOLTZKIT_MIXTURE_EXTERN(double)
#undef BOLTZKIT_MIXTURE_EXTERN

}  // namespace boltzkit::mixture
