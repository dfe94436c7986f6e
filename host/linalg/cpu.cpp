// CPU reference for the linalg building blocks (float64 inside).
#include <cmath>

#include "backends.hpp"
#include "host/core/strided_access.hpp"

namespace boltzkit::linalg::backend::cpu {

using namespace boltzkit::cpu;  // the strided float64 element helpers

template <class T>
void cholesky(matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info) {
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < a.batch; ++b) {
    Matrix m;
    load_lower(a, b, m);
    const std::int32_t status = cholesky_in_place(m, a.dim);
    if (info) info[b] = status;
    if (status != 0)
      fill_matrix(l, b, nan_value);
    else
      store_matrix(m, l, b);
  }
}

template <class T>
void log_determinant(matrix_batch<const T> l, T* logdet) {
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < l.batch; ++b) {
    Matrix m;
    load_lower(l, b, m);
    logdet[b] = static_cast<T>(check_factor_diagonal(m, l.dim) == 0
                                   ? log_det_from_factor(m, l.dim)
                                   : nan_value);
  }
}

template <class T>
void triangular_solve(matrix_batch<const T> l, vector_batch<const T> rhs, vector_batch<T> x,
                      bool transpose) {
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < l.batch; ++b) {
    Matrix m;
    Vector v, out;
    load_lower(l, b, m);
    load_vector(rhs, b, v);
    if (transpose)
      backward_solve(m, l.dim, v, out);
    else
      forward_solve(m, l.dim, v, out);
    store_vector(out, x, b);
  }
}

template <class T>
void triangular_inverse(matrix_batch<const T> l, matrix_batch<T> inverse) {
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < l.batch; ++b) {
    Matrix m;
    load_lower(l, b, m);
    store_matrix(lower_inverse(m, l.dim), inverse, b);
  }
}

template <class T>
void cholesky_inverse(matrix_batch<const T> l, matrix_batch<T> inverse) {
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < l.batch; ++b) {
    Matrix m;
    load_lower(l, b, m);
    store_matrix(inverse_from_factor(m, l.dim), inverse, b);
  }
}

#define BOLTZKIT_INSTANTIATE(T)                                                               \
  template void cholesky<T>(matrix_batch<const T>, matrix_batch<T>, std::int32_t*);           \
  template void log_determinant<T>(matrix_batch<const T>, T*);                                \
  template void triangular_solve<T>(matrix_batch<const T>, vector_batch<const T>,             \
                                    vector_batch<T>, bool);                                   \
  template void triangular_inverse<T>(matrix_batch<const T>, matrix_batch<T>);                \
  template void cholesky_inverse<T>(matrix_batch<const T>, matrix_batch<T>);
BOLTZKIT_INSTANTIATE(float)
BOLTZKIT_INSTANTIATE(double)

}  // namespace boltzkit::linalg::backend::cpu
