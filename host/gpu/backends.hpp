#pragma once
// Entry points of the GPU backend (implemented in .cu files). Arguments are already validated;
// each function only enqueues work on ctx's stream.
#include "boltzkit/gaussian.hpp"
#include "boltzkit/linalg.hpp"

namespace boltzkit::gpu {

template <class T>
void gaussian_evaluate(Context& ctx, const gaussian::Inputs<T>& in,
                       const gaussian::Outputs<T>& out);

template <class T>
void cholesky(Context& ctx, matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info);
template <class T>
void log_determinant(Context& ctx, matrix_batch<const T> l, T* logdet);
template <class T>
void triangular_solve(Context& ctx, matrix_batch<const T> l, vector_batch<const T> b,
                      vector_batch<T> x, bool transpose);
template <class T>
void triangular_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse);
template <class T>
void cholesky_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse);

}  // namespace boltzkit::gpu
