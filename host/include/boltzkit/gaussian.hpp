#pragma once
/// \file gaussian.hpp
/// Batched multivariate Gaussian log-densities and their gradients (docs/MATH.md §1).
///
/// For every b in [0, batch): d = x_b − μ_b and, with Σ_b = L_b L_bᵀ,
///   log p_b = −½ dᵀΣ⁻¹d − ½ log|Σ| − (D/2) log 2π
/// The matrix is given as the covariance Σ, the precision Λ = Σ⁻¹, or the lower Cholesky factor
/// L of Σ. Only the lower triangle (diagonal included) of the given matrix is read.
#include <cstdint>

#include "boltzkit/context.hpp"
#include "boltzkit/views.hpp"

namespace boltzkit::gaussian {

enum class Parameterization { covariance, precision, cholesky };

template <class T>
struct Inputs {
  vector_batch<const T> x;       ///< (batch, D)
  vector_batch<const T> mean;    ///< (batch, D); batch_stride 0 broadcasts one mean
  matrix_batch<const T> matrix;  ///< (batch, D, D) Σ, Λ or L; batch_stride 0 broadcasts
  Parameterization parameterization = Parameterization::covariance;
};

/// Outputs; every one but log_prob is optional (a null data pointer means "not wanted", and
/// then it is not computed).
///   grad_mean   ∂log p/∂μ = Σ⁻¹d
///   grad_x      ∂log p/∂x = −Σ⁻¹d (the score)
///   grad_matrix gradient w.r.t. the given matrix, every entry treated as independent
///               (the symmetric "matrix cookbook" form):
///                 covariance: −½(Σ⁻¹ − Σ⁻¹ddᵀΣ⁻¹)     full symmetric D×D
///                 precision:   ½(Σ − ddᵀ)               full symmetric D×D
///                 cholesky:    tril(g zᵀ) − diag(1/Lᵢᵢ), z = L⁻¹d, g = Σ⁻¹d; upper part 0
///               A caller that parameterizes a symmetric matrix by its lower triangle wants
///               2G − diag(G) of the first two.
///   info        0 when element b is fine; k > 0 when the k-th leading pivot (1-based) of the
///               Cholesky factorization is not positive or not finite (for cholesky: L_kk is
///               not positive or not finite). Such an element gets NaN in every output.
template <class T>
struct Outputs {
  T* log_prob = nullptr;                  ///< (batch,), required
  vector_batch<T> grad_mean;              ///< (batch, D)
  vector_batch<T> grad_x;                 ///< (batch, D)
  matrix_batch<T> grad_matrix;            ///< (batch, D, D)
  std::int32_t* info = nullptr;           ///< (batch,)
};

/// Evaluates log p and the requested gradients for the whole batch.
/// GPU: one fused kernel per call up to D = 256 (float) / 192 (double): D ≤ 8 one thread per
/// matrix in registers, 9..64 a lane per row in registers, beyond one block per matrix in shared
/// memory;
/// larger D uses cuSOLVER potrfBatched + cuBLAS trsmBatched in chunks. Asynchronous on the
/// context's stream; no host synchronization. CPU: float64 loops for D < 32; from D = 32 on,
/// OpenBLAS potrf/potri in T's precision (sums in float64); a broadcast matrix is factorized
/// once; OpenMP over the batch, or OpenBLAS threads for a few elements of large D.
/// Throws invalid_argument (before any launch) for D < 1, a negative batch, shape mismatches,
/// a null log_prob, a requested output with the wrong shape, or outputs whose strides overlap.
/// Work: O(B·D³/3) flops (O(B·D²) without grad_matrix for the cholesky parameterization).
template <class T>
void evaluate(Context& ctx, const Inputs<T>& in, const Outputs<T>& out);

/// Largest D handled by the fused warp-level GPU kernel (the block kernel takes over above it).
constexpr std::int64_t fused_max_dim = 64;

extern template void evaluate<float>(Context&, const Inputs<float>&, const Outputs<float>&);
extern template void evaluate<double>(Context&, const Inputs<double>&, const Outputs<double>&);

}  // namespace boltzkit::gaussian
