#pragma once
// One chunk of the D > 64 Gaussian path, written against an executor so the same orchestration
// runs on the GPU (CudaExecutor: kernel launches, cuSOLVER, cuBLAS) and, in the emulation tests,
// on the CPU (kernels on threads, reference potrf/trsm on the same column-major layout).
//
// Executor interface (E):
//   launch(kernel, items, args...)         grid-stride kernel, kernels::large_threads per block
//   launch_warps(kernel, warps, args...)   one warp per element
//   launch_blocks(kernel, blocks, args...) one block per element
//   potrf(n, factor_ptrs, info, count)     lower Cholesky, column-major, LAPACK info
//   solve(transpose, n, cols, factor_ptrs, rhs_ptrs, count)   B <- op(L)^-1 B
//   trsm(...), gemm_strided(...)           the triangular blocks (host/linalg/triangular_blocks.hpp)
//   zero(int32_t* p, count)
//
// Sigma^-1 (covariance) and Sigma = Lambda^-1 (precision) come from W = L^-1 and W^T W
// (triangular_blocks.hpp, ~2n^3/3 flops after potrf), never from solves against an identity.
// The vectors: covariance with the inverse z = W d, g = W^T z (one kernel); precision y = L^T d,
// g = L y (one kernel); cholesky, and covariance without the matrix gradient, z = L^-1 d and
// g = L^-T z by two one-column trsm.
#include <algorithm>
#include <cstdint>

#include "host/linalg/triangular_blocks.hpp"
#include "kernels/gaussian/large_dim.cuh"
#include "boltzkit/gaussian.hpp"

namespace boltzkit::gpu {

/// What a call needs from the library path, decided once per call.
struct LargePlan {
  int n = 0;
  bool want_g = false, want_inverse = false;
  bool solve_vectors = false;  // z (and g) by one-column trsm on rhs
  InversePlan inverse;         // the steps of W = L^-1, when want_inverse

  template <class T>
  static LargePlan make(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
    LargePlan p;
    p.n = static_cast<int>(in.x.dim);
    const auto kind = in.parameterization;
    p.want_inverse = out.grad_matrix.data != nullptr && kind != gaussian::Parameterization::cholesky;
    p.want_g = out.grad_mean.data || out.grad_x.data ||
               (out.grad_matrix.data && kind == gaussian::Parameterization::cholesky);
    p.solve_vectors = kind == gaussian::Parameterization::cholesky ||
                      (kind == gaussian::Parameterization::covariance && !p.want_inverse);
    if (p.want_inverse) p.inverse = InversePlan::make(p.n);
    return p;
  }
  /// Columns of the rhs block per element: W (n), the one-column solves (1), or none.
  int cols() const { return want_inverse ? n : (solve_vectors ? 1 : 0); }
  std::int64_t rhs_stride() const { return static_cast<std::int64_t>(n) * std::max(cols(), 1); }
  /// trsm pointers of the inverse per element.
  std::int64_t block_pointers() const { return want_inverse ? inverse.pointers_per_element() : 0; }
  /// Workspace bytes per batch element (with slack for the 256-byte alignment of each buffer).
  template <class T>
  std::size_t bytes_per_element() const {
    return sizeof(T) * (static_cast<std::size_t>(n) * n + static_cast<std::size_t>(rhs_stride()) +
                        3 * static_cast<std::size_t>(n)) +
           (2 + static_cast<std::size_t>(block_pointers())) * sizeof(T*) + sizeof(std::int32_t) +
           6 * 256;
  }
};

/// The chunk's workspace, already carved.
template <class T>
struct LargeBuffers {
  T* factor;        // (count, n, n) column-major: L, then C = W^T W once L is no longer read
  T* rhs;           // (count, n, cols) column-major: W = L^-1, or the one-column solves
  T* vectors;       // three (count, n) blocks
  T** factor_ptrs;  // count
  T** rhs_ptrs;     // count
  std::int32_t* info;
  T** block_ptrs;   // count * LargePlan::block_pointers()
};

template <class T, class E>
void run_large_chunk(E& ex, const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out,
                     const LargePlan& p, std::int64_t first, std::int64_t count,
                     const LargeBuffers<T>& w) {
  namespace k = kernels;
  using Kind = gaussian::Parameterization;
  const int n = p.n;
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const Kind kind = in.parameterization;
  T* vec_d = w.vectors;
  T* vec_zy = w.vectors + count * n;  // z, y = L^T d (precision) or a saved copy of z (cholesky)
  T* vec_g = w.vectors + 2 * count * n;
  const k::VectorRef<const T> x{in.x.data, in.x.batch_stride};
  const k::VectorRef<const T> mean{in.mean.data, in.mean.batch_stride};
  const k::MatrixRef<const T> matrix{in.matrix.data, in.matrix.batch_stride, in.matrix.row_stride};
  T* log_prob = out.log_prob + first;
  std::int32_t* info = out.info ? out.info + first : nullptr;
  const auto* factor = static_cast<const T*>(w.factor);
  const auto* status = static_cast<const std::int32_t*>(w.info);

  ex.launch(k::pack_lower_kernel<T>, count * nn, matrix, first, count, n, w.factor);
  ex.launch(k::set_pointers_kernel<T>, count, w.factor_ptrs, w.factor, count, nn);
  if (p.solve_vectors) ex.launch(k::set_pointers_kernel<T>, count, w.rhs_ptrs, w.rhs, count, n);
  if (kind == Kind::cholesky)
    ex.zero(w.info, count);
  else
    ex.potrf(n, w.factor_ptrs, w.info, count);
  ex.launch(k::check_diagonal_kernel<T>, count, factor, count, n, w.info);

  k::WorkVector<T> g{vec_g, n}, u{vec_g, n}, v{nullptr, 0};
  if (p.solve_vectors) {  // cholesky; covariance without the matrix gradient
    ex.launch(k::build_rhs_kernel<T>, count * n, x, mean, first, count, n, 1, 0, w.rhs);
    ex.solve(false, n, 1, w.factor_ptrs, w.rhs_ptrs, count);  // z
    ex.launch_warps(k::log_prob_kernel<T>, count, factor, static_cast<const T*>(w.rhs), status,
                    count, n, false, log_prob, info);
    const k::WorkVector<T> solved{w.rhs, n};
    if (kind == Kind::cholesky && out.grad_matrix.data)  // z is overwritten by the next solve
      ex.launch(k::unpack_vector_kernel<T>, count * n, solved, std::int64_t{0}, count, n,
                k::VectorRef<T>{vec_zy, n});
    if (p.want_g) ex.solve(true, n, 1, w.factor_ptrs, w.rhs_ptrs, count);  // g
    g = solved;
    u = solved;
    v = {vec_zy, n};
  } else {
    ex.launch(k::build_rhs_kernel<T>, count * n, x, mean, first, count, n, 1, 0, vec_d);
    const bool precision = kind == Kind::precision;
    if (!precision) invert_lower(ex, p.inverse, w.factor, w.rhs, w.block_ptrs, count);
    // precision: y = L^T d, g = L y; covariance: z = W d, g = W^T z
    ex.launch_blocks(k::triangular_vectors_kernel<T>, count,
                     precision ? factor : static_cast<const T*>(w.rhs),
                     static_cast<const T*>(vec_d), vec_zy, vec_g, count, n, precision, p.want_g);
    ex.launch_warps(k::log_prob_kernel<T>, count, factor, static_cast<const T*>(vec_zy), status,
                    count, n, precision, log_prob, info);
    if (precision) {
      u = {vec_d, n};
      if (p.want_inverse) invert_lower(ex, p.inverse, w.factor, w.rhs, w.block_ptrs, count);
    }
    // Sigma^-1 (covariance) or Sigma (precision) = W^T W, over L: nothing reads L after log p
    if (p.want_inverse) lower_gram(ex, n, static_cast<const T*>(w.rhs), w.factor, count);
  }
  if (out.grad_mean.data || out.grad_x.data) {
    ex.launch(k::store_gradient_vectors_kernel<T>, count * n, g, status, first, count, n,
              k::VectorRef<T>{out.grad_mean.data, out.grad_mean.batch_stride},
              k::VectorRef<T>{out.grad_x.data, out.grad_x.batch_stride});
  }
  if (out.grad_matrix.data) {
    const k::MatrixRef<T> grad{out.grad_matrix.data, out.grad_matrix.batch_stride,
                               out.grad_matrix.row_stride};
    const T* inverse = factor;  // C, when the kind has one
    switch (kind) {
      case Kind::covariance:
        ex.launch(k::store_matrix_gradient_kernel<T, k::MatrixKind::covariance>, count * nn,
                  factor, inverse, nn, u, v, status, first, count, n, grad);
        break;
      case Kind::precision:
        ex.launch(k::store_matrix_gradient_kernel<T, k::MatrixKind::precision>, count * nn,
                  factor, inverse, nn, u, v, status, first, count, n, grad);
        break;
      case Kind::cholesky:
        ex.launch(k::store_matrix_gradient_kernel<T, k::MatrixKind::cholesky>, count * nn,
                  factor, inverse, nn, u, v, status, first, count, n, grad);
        break;
    }
  }
}

}  // namespace boltzkit::gpu
