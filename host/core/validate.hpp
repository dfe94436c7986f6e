#pragma once
// Argument checks shared by the host wrappers. Everything here runs before any launch and
// throws boltzkit::invalid_argument with a message naming the offending argument.
#include <cstdint>
#include <string>
#include <vector>

#include "boltzkit/errors.hpp"
#include "boltzkit/views.hpp"

namespace boltzkit::detail {

/// Byte interval [begin, end) touched by a view; empty when the view is empty or absent.
struct Span {
  std::uintptr_t begin = 0, end = 0;
  std::string name;
};

[[noreturn]] inline void fail(const std::string& message) { throw invalid_argument(message); }

inline void require(bool ok, const std::string& message) {
  if (!ok) fail(message);
}

template <class T>
Span span_of(const vector_batch<T>& v, const std::string& name) {
  if (v.data == nullptr || v.batch == 0) return {0, 0, name};
  const std::int64_t last = (v.batch - 1) * v.batch_stride + v.dim;
  auto begin = reinterpret_cast<std::uintptr_t>(v.data);
  return {begin, begin + static_cast<std::uintptr_t>(last) * sizeof(T), name};
}

template <class T>
Span span_of(const matrix_batch<T>& m, const std::string& name) {
  if (m.data == nullptr || m.batch == 0) return {0, 0, name};
  const std::int64_t last = (m.batch - 1) * m.batch_stride + (m.dim - 1) * m.row_stride + m.dim;
  auto begin = reinterpret_cast<std::uintptr_t>(m.data);
  return {begin, begin + static_cast<std::uintptr_t>(last) * sizeof(T), name};
}

template <class T>
Span span_of_array(const T* p, std::int64_t n, const std::string& name) {
  if (p == nullptr || n == 0) return {0, 0, name};
  auto begin = reinterpret_cast<std::uintptr_t>(p);
  return {begin, begin + static_cast<std::uintptr_t>(n) * sizeof(T), name};
}

/// Throws when any two spans in `outputs` intersect, or an output intersects an input.
/// Pairs listed in `allowed` (by name) may alias (in-place operations).
void require_disjoint(const std::vector<Span>& outputs, const std::vector<Span>& inputs,
                      const std::vector<std::pair<std::string, std::string>>& allowed = {});

/// Shape and stride checks. `is_output` forbids broadcasting (batch_stride 0 with batch > 1).
template <class T>
void check_vector(const vector_batch<T>& v, std::int64_t batch, std::int64_t dim,
                  const std::string& name, bool is_output) {
  require(v.batch == batch, name + ": batch " + std::to_string(v.batch) + " != " +
                                std::to_string(batch));
  require(v.dim == dim, name + ": dim " + std::to_string(v.dim) + " != " + std::to_string(dim));
  if (batch == 0) return;
  require(v.data != nullptr, name + ": null pointer");
  const bool broadcast = v.batch_stride == 0 && !is_output;
  require(broadcast || batch == 1 || v.batch_stride >= dim,
          name + ": batch_stride " + std::to_string(v.batch_stride) + " overlaps rows of length " +
              std::to_string(dim));
  require(v.batch_stride >= 0, name + ": negative batch_stride");
}

template <class T>
void check_matrix(const matrix_batch<T>& m, std::int64_t batch, std::int64_t dim,
                  const std::string& name, bool is_output) {
  require(m.batch == batch, name + ": batch " + std::to_string(m.batch) + " != " +
                                std::to_string(batch));
  require(m.dim == dim, name + ": dim " + std::to_string(m.dim) + " != " + std::to_string(dim));
  if (batch == 0) return;
  require(m.data != nullptr, name + ": null pointer");
  require(m.row_stride >= dim, name + ": row_stride " + std::to_string(m.row_stride) +
                                   " < dim " + std::to_string(dim));
  const std::int64_t extent = (dim - 1) * m.row_stride + dim;
  const bool broadcast = m.batch_stride == 0 && !is_output;
  require(broadcast || batch == 1 || m.batch_stride >= extent,
          name + ": batch_stride " + std::to_string(m.batch_stride) +
              " overlaps matrices of extent " + std::to_string(extent));
  require(m.batch_stride >= 0, name + ": negative batch_stride");
}

inline void check_batch_and_dim(std::int64_t batch, std::int64_t dim) {
  require(batch >= 0, "batch must be >= 0, got " + std::to_string(batch));
  require(dim >= 1, "dimension D must be >= 1, got " + std::to_string(dim));
}

}  // namespace boltzkit::detail
