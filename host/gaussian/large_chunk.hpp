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
//   zero(int32_t* p, count)
#include <algorithm>
#include <cstdint>

#include "kernels/gaussian/large_dim.cuh"
#include "boltzkit/gaussian.hpp"

namespace boltzkit::gpu {

/// What a call needs from the library path, decided once per call.
struct LargePlan {
  int n = 0;
  bool want_g = false, want_inverse = false;
  int cols = 0, identity_cols = 0;  // rhs block n x cols; the first identity_cols columns start as I

  template <class T>
  static LargePlan make(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
    LargePlan p;
    p.n = static_cast<int>(in.x.dim);
    const auto kind = in.parameterization;
    p.want_inverse = out.grad_matrix.data != nullptr && kind != gaussian::Parameterization::cholesky;
    p.want_g = out.grad_mean.data || out.grad_x.data ||
               (out.grad_matrix.data && kind == gaussian::Parameterization::cholesky);
    p.identity_cols = p.want_inverse ? p.n : 0;
    // Precision keeps d in its own buffer; the others solve [I | d] in one block.
    p.cols = kind == gaussian::Parameterization::precision ? p.identity_cols : p.identity_cols + 1;
    return p;
  }
  std::int64_t rhs_stride() const { return static_cast<std::int64_t>(n) * std::max(cols, 1); }
  /// Workspace bytes per batch element (with slack for the 256-byte alignment of each buffer).
  template <class T>
  std::size_t bytes_per_element() const {
    return sizeof(T) * (static_cast<std::size_t>(n) * n + static_cast<std::size_t>(rhs_stride()) +
                        3 * static_cast<std::size_t>(n)) +
           2 * sizeof(T*) + sizeof(std::int32_t) + 5 * 256;
  }
};

/// The chunk's workspace, already carved.
template <class T>
struct LargeBuffers {
  T* factor;        // (count, n, n) column-major
  T* rhs;           // (count, n, cols) column-major
  T* vectors;       // three (count, n) blocks
  T** factor_ptrs;  // count
  T** rhs_ptrs;     // count
  std::int32_t* info;
};

template <class T, class E>
void run_large_chunk(E& ex, const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out,
                     const LargePlan& p, std::int64_t first, std::int64_t count,
                     const LargeBuffers<T>& w) {
  namespace k = kernels;
  using Kind = gaussian::Parameterization;
  const int n = p.n;
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const std::int64_t rhs_stride = p.rhs_stride();
  const Kind kind = in.parameterization;
  T* vec_d = w.vectors;
  T* vec_zy = w.vectors + count * n;  // y = L^T d (precision) or a saved copy of z (cholesky)
  T* vec_g = w.vectors + 2 * count * n;
  const k::VectorRef<const T> x{in.x.data, in.x.batch_stride};
  const k::VectorRef<const T> mean{in.mean.data, in.mean.batch_stride};
  const k::MatrixRef<const T> matrix{in.matrix.data, in.matrix.batch_stride, in.matrix.row_stride};
  T* log_prob = out.log_prob + first;
  std::int32_t* info = out.info ? out.info + first : nullptr;

  ex.launch(k::pack_lower_kernel<T>, count * nn, matrix, first, count, n, w.factor);
  ex.launch(k::set_pointers_kernel<T>, count, w.factor_ptrs, w.factor, count, nn);
  ex.launch(k::set_pointers_kernel<T>, count, w.rhs_ptrs, w.rhs, count, rhs_stride);
  if (kind == Kind::cholesky)
    ex.zero(w.info, count);
  else
    ex.potrf(n, w.factor_ptrs, w.info, count);
  ex.launch(k::check_diagonal_kernel<T>, count, static_cast<const T*>(w.factor), count, n, w.info);

  k::WorkVector<T> g{nullptr, 0}, u{nullptr, 0}, v{nullptr, 0};
  if (kind == Kind::precision) {
    ex.launch(k::build_rhs_kernel<T>, count * n, x, mean, first, count, n, 1, 0, vec_d);
    ex.launch_blocks(k::precision_vectors_kernel<T>, count, static_cast<const T*>(w.factor),
                     static_cast<const T*>(vec_d), vec_zy, vec_g, count, n, p.want_g);
    ex.launch_warps(k::log_prob_kernel<T>, count, static_cast<const T*>(w.factor),
                    static_cast<const T*>(vec_zy), 1, 0, static_cast<const std::int32_t*>(w.info),
                    count, n, true, log_prob, info);
    if (p.want_inverse) {
      ex.launch(k::build_rhs_kernel<T>, count * rhs_stride, x, mean, first, count, n, p.cols,
                p.identity_cols, w.rhs);
      ex.solve(false, n, p.cols, w.factor_ptrs, w.rhs_ptrs, count);
      ex.solve(true, n, p.cols, w.factor_ptrs, w.rhs_ptrs, count);  // Sigma = Lambda^-1
    }
    g = {vec_g, n};
    u = {vec_d, n};
  } else {
    ex.launch(k::build_rhs_kernel<T>, count * rhs_stride, x, mean, first, count, n, p.cols,
              p.identity_cols, w.rhs);
    ex.solve(false, n, p.cols, w.factor_ptrs, w.rhs_ptrs, count);  // [L^-1 | z]
    ex.launch_warps(k::log_prob_kernel<T>, count, static_cast<const T*>(w.factor),
                    static_cast<const T*>(w.rhs), p.cols, p.cols - 1,
                    static_cast<const std::int32_t*>(w.info), count, n, false, log_prob, info);
    const k::WorkVector<T> last{w.rhs + static_cast<std::int64_t>(p.cols - 1) * n, rhs_stride};
    if (kind == Kind::cholesky && out.grad_matrix.data)  // z is overwritten by the next solve
      ex.launch(k::unpack_vector_kernel<T>, count * n, last, std::int64_t{0}, count, n,
                k::VectorRef<T>{vec_zy, n});
    if (p.want_g || p.want_inverse)
      ex.solve(true, n, p.cols, w.factor_ptrs, w.rhs_ptrs, count);  // [Sigma^-1 | g]
    g = last;
    u = last;
    v = {vec_zy, n};
  }
  if (out.grad_mean.data || out.grad_x.data) {
    ex.launch(k::store_gradient_vectors_kernel<T>, count * n, g,
              static_cast<const std::int32_t*>(w.info), first, count, n,
              k::VectorRef<T>{out.grad_mean.data, out.grad_mean.batch_stride},
              k::VectorRef<T>{out.grad_x.data, out.grad_x.batch_stride});
  }
  if (out.grad_matrix.data) {
    const k::MatrixRef<T> grad{out.grad_matrix.data, out.grad_matrix.batch_stride,
                               out.grad_matrix.row_stride};
    const auto* factor = static_cast<const T*>(w.factor);
    const auto* inverse = static_cast<const T*>(w.rhs);
    const auto* status = static_cast<const std::int32_t*>(w.info);
    switch (kind) {
      case Kind::covariance:
        ex.launch(k::store_matrix_gradient_kernel<T, k::MatrixKind::covariance>, count * nn,
                  factor, inverse, rhs_stride, u, v, status, first, count, n, grad);
        break;
      case Kind::precision:
        ex.launch(k::store_matrix_gradient_kernel<T, k::MatrixKind::precision>, count * nn,
                  factor, inverse, rhs_stride, u, v, status, first, count, n, grad);
        break;
      case Kind::cholesky:
        ex.launch(k::store_matrix_gradient_kernel<T, k::MatrixKind::cholesky>, count * nn,
                  factor, inverse, rhs_stride, u, v, status, first, count, n, grad);
        break;
    }
  }
}

}  // namespace boltzkit::gpu
