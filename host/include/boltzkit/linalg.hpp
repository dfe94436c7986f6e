#pragma once
/// \file linalg.hpp
/// Batched building blocks for symmetric positive-definite matrices: the pieces the Gaussian
/// routines are made of, public because users need them on their own. Same layout and error
/// model as gaussian.hpp: only lower triangles are read, per-element info (LAPACK style,
/// 1-based failing pivot, NaN outputs for that element), argument errors thrown before launch.
#include <cstdint>

#include "boltzkit/context.hpp"
#include "boltzkit/views.hpp"

namespace boltzkit::linalg {

/// L_b = lower Cholesky factor of A_b (A = LLᵀ). The strict upper triangle of L is set to 0.
/// `a` and `l` may be the same memory (in place). O(B·D³/3).
template <class T>
void cholesky(Context& ctx, matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info);

/// log|A_b| = 2 Σ log L_ii from the Cholesky factor L_b (NaN when a diagonal entry is not
/// positive). O(B·D).
template <class T>
void log_determinant(Context& ctx, matrix_batch<const T> l, T* logdet);

/// Solves L x = b (transpose = false) or Lᵀ x = b (transpose = true) for lower-triangular L_b.
/// `b` and `x` may be the same memory. O(B·D²).
template <class T>
void triangular_solve(Context& ctx, matrix_batch<const T> l, vector_batch<const T> b,
                      vector_batch<T> x, bool transpose);

/// L⁻¹ for lower-triangular L (lower-triangular result, strict upper set to 0). O(B·D³/3).
template <class T>
void triangular_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse);

/// A⁻¹ = L⁻ᵀL⁻¹ from the Cholesky factor L of A (full symmetric result). O(B·2D³/3).
template <class T>
void cholesky_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse);

#define BOLTZKIT_LINALG_EXTERN(T)                                                              \
  extern template void cholesky<T>(Context&, matrix_batch<const T>, matrix_batch<T>,           \
                                   std::int32_t*);                                             \
  extern template void log_determinant<T>(Context&, matrix_batch<const T>, T*);                \
  extern template void triangular_solve<T>(Context&, matrix_batch<const T>,                    \
                                           vector_batch<const T>, vector_batch<T>, bool);      \
  extern template void triangular_inverse<T>(Context&, matrix_batch<const T>, matrix_batch<T>); \
  extern template void cholesky_inverse<T>(Context&, matrix_batch<const T>, matrix_batch<T>);
BOLTZKIT_LINALG_EXTERN(float)
BOLTZKIT_LINALG_EXTERN(double)
#undef BOLTZKIT_LINALG_EXTERN

}  // namespace boltzkit::linalg
