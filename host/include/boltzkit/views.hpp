#pragma once
/// \file views.hpp
/// Non-owning views of strided batches. One layout everywhere: row-major, batch outermost,
/// unit stride along a row.
///   vector_batch: element (b, i)    at data[b * batch_stride + i]               shape (batch, dim)
///   matrix_batch: element (b, i, j) at data[b * batch_stride + i * row_stride + j]
///                                                                     shape (batch, dim, dim)
/// A batch_stride of 0 broadcasts one vector/matrix to the whole batch (inputs only).
/// The pointers are device pointers for a gpu Context and host pointers for a cpu Context.
#include <cstdint>

namespace boltzkit {

template <class T>
struct vector_batch {
  T* data = nullptr;
  std::int64_t batch = 0;
  std::int64_t dim = 0;
  std::int64_t batch_stride = 0;

  vector_batch() = default;
  vector_batch(T* d, std::int64_t b, std::int64_t n, std::int64_t bs)
      : data(d), batch(b), dim(n), batch_stride(bs) {}
  /// Densely packed (batch, dim).
  static vector_batch packed(T* d, std::int64_t b, std::int64_t n) { return {d, b, n, n}; }
  /// Implicit view of non-const data as const.
  template <class U>
  vector_batch(const vector_batch<U>& o)  // NOLINT(google-explicit-constructor)
      : data(o.data), batch(o.batch), dim(o.dim), batch_stride(o.batch_stride) {}
  bool empty_request() const { return data == nullptr; }
};

template <class T>
struct matrix_batch {
  T* data = nullptr;
  std::int64_t batch = 0;
  std::int64_t dim = 0;
  std::int64_t batch_stride = 0;
  std::int64_t row_stride = 0;

  matrix_batch() = default;
  matrix_batch(T* d, std::int64_t b, std::int64_t n, std::int64_t bs, std::int64_t rs)
      : data(d), batch(b), dim(n), batch_stride(bs), row_stride(rs) {}
  /// Densely packed (batch, dim, dim).
  static matrix_batch packed(T* d, std::int64_t b, std::int64_t n) { return {d, b, n, n * n, n}; }
  template <class U>
  matrix_batch(const matrix_batch<U>& o)  // NOLINT(google-explicit-constructor)
      : data(o.data), batch(o.batch), dim(o.dim), batch_stride(o.batch_stride),
        row_stride(o.row_stride) {}
  bool empty_request() const { return data == nullptr; }
};

}  // namespace boltzkit
