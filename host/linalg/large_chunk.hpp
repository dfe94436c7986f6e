#pragma once
// One chunk of the D > 64 linalg building blocks on an executor (see gaussian_large_chunk.hpp):
// pack the lower triangle column-major, factor or solve with the library, invert through the
// triangular blocks (no identity right-hand side), unpack row-major.
#include <cstdint>

#include "host/linalg/triangular_blocks.hpp"

#include "kernels/linalg/large_dim.cuh"
#include "kernels/linalg/linalg_small.cuh"

namespace boltzkit::gpu {

template <class T>
struct LinalgLargeCall {
  kernels::LinalgOp op;
  kernels::MatrixRef<const T> a;
  kernels::VectorRef<const T> rhs;     // solves
  kernels::MatrixRef<T> matrix_out;    // cholesky, inverses
  kernels::VectorRef<T> vector_out;    // solves
  std::int32_t* info;                  // cholesky, may be null
  int n;

  /// Columns of the right-hand-side block: 1 for solves, n for inverses, 0 for cholesky.
  int cols() const {
    switch (op) {
      case kernels::LinalgOp::solve:
      case kernels::LinalgOp::solve_transposed: return 1;
      case kernels::LinalgOp::cholesky: return 0;
      default: return n;
    }
  }
  std::int64_t rhs_stride() const { return static_cast<std::int64_t>(n) * (cols() > 0 ? cols() : 1); }
  /// trsm pointers of the triangular inverse per element (inverses only).
  std::int64_t block_pointers() const {
    return op == kernels::LinalgOp::triangular_inverse || op == kernels::LinalgOp::cholesky_inverse
               ? InversePlan::make(n).pointers_per_element()
               : 0;
  }
  template <class U>
  std::size_t bytes_per_element() const {
    return sizeof(U) * (static_cast<std::size_t>(n) * n + static_cast<std::size_t>(rhs_stride())) +
           (2 + static_cast<std::size_t>(block_pointers())) * sizeof(U*) + sizeof(std::int32_t) +
           5 * 256;
  }
};

template <class T, class E>
void run_linalg_large_chunk(E& ex, const LinalgLargeCall<T>& c, std::int64_t first,
                            std::int64_t count, T* factor, T* rhs, T** factor_ptrs, T** rhs_ptrs,
                            std::int32_t* work_info, T** block_ptrs) {
  namespace k = kernels;
  using Op = k::LinalgOp;
  const int n = c.n;
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const std::int64_t rhs_stride = c.rhs_stride();
  ex.launch(k::pack_lower_kernel<T>, count * nn, c.a, first, count, n, factor);
  // The batched library calls' pointer arrays: potrf and the solves read factor_ptrs, the
  // solves rhs_ptrs; the inverses build their own trsm pointers (block_ptrs).
  const bool solves = c.op == Op::solve || c.op == Op::solve_transposed;
  if (solves || c.op == Op::cholesky)
    ex.launch(k::set_pointers_kernel<T>, count, factor_ptrs, factor, count, nn);
  if (solves) ex.launch(k::set_pointers_kernel<T>, count, rhs_ptrs, rhs, count, rhs_stride);
  const k::VectorRef<const T> none{nullptr, 0};
  switch (c.op) {
    case Op::cholesky:
      ex.potrf(n, factor_ptrs, work_info, count);
      ex.launch(k::check_diagonal_kernel<T>, count, static_cast<const T*>(factor), count, n,
                work_info);
      ex.launch(k::unpack_matrix_kernel<T>, count * nn, static_cast<const T*>(factor), nn,
                static_cast<const std::int32_t*>(work_info), first, count, n, true, c.matrix_out);
      if (c.info)
        ex.launch(k::copy_kernel<std::int32_t>, count, static_cast<const std::int32_t*>(work_info),
                  c.info + first, count);
      break;
    case Op::solve:
    case Op::solve_transposed:
      ex.launch(k::build_rhs_kernel<T>, count * n, c.rhs, none, first, count, n, 1, 0, rhs);
      ex.solve(c.op == Op::solve_transposed, n, 1, factor_ptrs, rhs_ptrs, count);
      ex.launch(k::unpack_vector_kernel<T>, count * n, k::WorkVector<T>{rhs, n}, first, count, n,
                c.vector_out);
      break;
    case Op::triangular_inverse:
    case Op::cholesky_inverse: {
      invert_lower(ex, InversePlan::make(n), factor, rhs, block_ptrs, count);  // W = L^-1
      const bool triangular = c.op == Op::triangular_inverse;
      if (!triangular) lower_gram(ex, n, static_cast<const T*>(rhs), factor, count);  // W^T W
      ex.launch(k::unpack_matrix_kernel<T>, count * nn,
                static_cast<const T*>(triangular ? rhs : factor), nn,
                static_cast<const std::int32_t*>(nullptr), first, count, n, triangular,
                c.matrix_out);
      break;
    }
  }
}

}  // namespace boltzkit::gpu
