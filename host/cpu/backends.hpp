#pragma once
// Entry points of the CPU reference backend. Arguments are already validated by the caller.
#include "boltzkit/gaussian.hpp"
#include "boltzkit/linalg.hpp"

namespace boltzkit::cpu {

template <class T>
void gaussian_evaluate(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out);

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

}  // namespace boltzkit::cpu
