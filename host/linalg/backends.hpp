#pragma once
// Backend entry points of the linalg building blocks. Arguments are already validated by
// host/linalg/api.cpp; the GPU functions only enqueue work on ctx's stream.
#include "boltzkit/linalg.hpp"

namespace boltzkit::linalg::backend {

namespace cpu {
template <class T>
void cholesky(matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info);
template <class T>
void log_determinant(matrix_batch<const T> l, T* logdet);
template <class T>
void triangular_solve(matrix_batch<const T> l, vector_batch<const T> b, vector_batch<T> x,
                      bool transpose);
template <class T>
void triangular_inverse(matrix_batch<const T> l, matrix_batch<T> inverse);
template <class T>
void cholesky_inverse(matrix_batch<const T> l, matrix_batch<T> inverse);
}  // namespace cpu

namespace gpu {
template <class T>
void cholesky(Context& ctx, matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info);
template <class T>
void log_determinant(Context& ctx, matrix_batch<const T> l, T* logdet);
template <class T>
void triangular_solve(Context& ctx, matrix_batch<const T> l, vector_batch<const T> b,
                      vector_batch<T> x, bool transpose);
/// Which inverse `inverse` computes from a lower-triangular L: L⁻¹, or A⁻¹ = L⁻ᵀL⁻¹. One entry
/// for both because the GPU paths differ only in the kernel's op.
enum class Inverse { of_triangular, from_cholesky };
template <class T>
void inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> out, Inverse which);
}  // namespace gpu

}  // namespace boltzkit::linalg::backend
