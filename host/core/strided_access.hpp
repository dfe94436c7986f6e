#pragma once
// Copies between strided batch views and the dense float64 buffers of the CPU backend.
#include <cstdint>

#include "boltzkit/views.hpp"
#include "host/linalg/dense_spd.hpp"

namespace boltzkit::cpu {

/// Lower triangle of matrix b into a dense buffer (strict upper zeroed).
template <class T>
void load_lower(const matrix_batch<const T>& m, std::int64_t b, Matrix& out) {
  const std::int64_t n = m.dim;
  out.assign(static_cast<std::size_t>(n * n), 0.0);
  const T* base = m.data + b * m.batch_stride;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j <= i; ++j) out[i * n + j] = static_cast<double>(base[i * m.row_stride + j]);
}

template <class T>
void store_matrix(const Matrix& in, const matrix_batch<T>& m, std::int64_t b) {
  const std::int64_t n = m.dim;
  T* base = m.data + b * m.batch_stride;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) base[i * m.row_stride + j] = static_cast<T>(in[i * n + j]);
}

template <class T>
void fill_matrix(const matrix_batch<T>& m, std::int64_t b, double value) {
  T* base = m.data + b * m.batch_stride;
  for (std::int64_t i = 0; i < m.dim; ++i)
    for (std::int64_t j = 0; j < m.dim; ++j) base[i * m.row_stride + j] = static_cast<T>(value);
}

template <class T>
void load_vector(const vector_batch<const T>& v, std::int64_t b, Vector& out) {
  out.resize(static_cast<std::size_t>(v.dim));
  const T* base = v.data + b * v.batch_stride;
  for (std::int64_t i = 0; i < v.dim; ++i) out[i] = static_cast<double>(base[i]);
}

template <class T>
void store_vector(const Vector& in, const vector_batch<T>& v, std::int64_t b, double scale = 1.0) {
  T* base = v.data + b * v.batch_stride;
  for (std::int64_t i = 0; i < v.dim; ++i) base[i] = static_cast<T>(scale * in[i]);
}

template <class T>
void fill_vector(const vector_batch<T>& v, std::int64_t b, double value) {
  T* base = v.data + b * v.batch_stride;
  for (std::int64_t i = 0; i < v.dim; ++i) base[i] = static_cast<T>(value);
}

}  // namespace boltzkit::cpu
