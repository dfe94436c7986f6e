#pragma once
// The library path's inverse without an identity right-hand side, on an executor (see
// host/gaussian/large_chunk.hpp), for a chunk of lower Cholesky factors L (column-major, n x n
// each at a stride of n * n):
//   invert_lower:  W = L^-1 (zeros above the diagonal). Leaves of tuning::library_inverse_leaf_dim
//                  inverted by a kernel; between them, level by level over a dyadic split, the
//                  off-diagonal block of each pair of siblings W21 = -L22^-1 L21 L11^-1 by two
//                  trsmBatched calls on the blocks of L (right side with L11, then left side
//                  with L22 and alpha = -1). W21 needs only blocks of L, so the levels are
//                  independent; all pairs of a level and all matrices of the chunk share one call
//                  (a level whose last pair is ragged adds one call for it). ~n^3/3 flops.
//   lower_gram:    C = W^T W (symmetric, full): block row I of C's lower block triangle is
//                  W(I0:n, I)^T W(I0:n, 0:I0+|I|), one gemmStridedBatched per block row of
//                  tuning::library_gram_block_dim(n) rows (W's zeros above the diagonal make the
//                  full-rectangle GEMMs exact), then the upper triangle mirrored. ~n^3/3 flops.
// For Sigma^-1 = L^-T L^-1 this replaces trsm against [I] twice (n^3 + n^3 flops plus building I).
//
// Executor operations used (E), besides launch / launch_blocks:
//   trsm(right, alpha, m, k, ld, a_ptrs, b_ptrs, batch)  lower, non-transposed, non-unit A:
//        right: B (m x k) <- alpha B A^-1 (A k x k);  left: B (m x k) <- alpha A^-1 B (A m x m)
//   gemm_strided(transpose_a, m, k_cols, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta,
//                c, ldc, stride_c, batch)   C <- alpha op(A) B + beta C, column-major, as cuBLAS
#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "host/linalg/tuning.hpp"
#include "kernels/linalg/triangular_blocks.cuh"

namespace boltzkit::gpu {

/// The steps of invert_lower for one n, decided on the host once per call.
struct InversePlan {
  int n = 0;
  int leaf = 0;
  kernels::InverseSteps steps{};

  static InversePlan make(int n, int leaf = tuning::library_inverse_leaf_dim) {
    if (leaf < 1) throw std::invalid_argument("InversePlan: leaf must be >= 1");
    InversePlan p;
    p.n = n;
    p.leaf = leaf;
    std::int64_t first = 0;
    auto add = [&](int col0, int cols, int row0, int rows, int pairs, int step) {
      if (p.steps.count == kernels::InverseSteps::capacity)
        throw std::invalid_argument("InversePlan: too many levels");
      p.steps.step[p.steps.count++] = {col0, cols, row0, rows, pairs, step, first};
      first += pairs;
    };
    // Blocks of level s are [k s, min((k + 1) s, n)); siblings 2j and 2j + 1 meet at level 2s.
    for (std::int64_t s = leaf; s < n; s *= 2) {
      const int si = static_cast<int>(s);
      const int full = static_cast<int>(n / (2 * s));
      if (full > 0) add(0, si, si, si, full, 2 * si);
      const std::int64_t a = 2 * s * full;  // the last, shorter pair, if its second block exists
      if (a + s < n) add(static_cast<int>(a), si, static_cast<int>(a + s), static_cast<int>(n - a - s), 1, 0);
    }
    p.steps.pairs = first;
    return p;
  }
  /// trsm pointers per matrix (three arrays).
  std::int64_t pointers_per_element() const { return 3 * steps.pairs; }
};

/// W = L^-1 for `count` matrices; `ptrs` holds plan.pointers_per_element() * count pointers.
template <class T, class E>
void invert_lower(E& ex, const InversePlan& p, T* factor, T* inverse, T** ptrs,
                  std::int64_t count) {
  namespace k = kernels;
  const int n = p.n;
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  ex.launch(k::copy_lower_kernel<T>, count * nn, static_cast<const T*>(factor), inverse, count, n);
  const std::int64_t leaves = (n + p.leaf - 1) / p.leaf;
  ex.launch(k::invert_diagonal_blocks_kernel<T>, count * leaves * p.leaf,
            static_cast<const T*>(factor), inverse, count, n, p.leaf);
  if (p.steps.count == 0) return;
  const std::int64_t total = count * p.steps.pairs;
  ex.launch(k::inverse_pointers_kernel<T>, total, p.steps, factor, inverse, count, n, ptrs);
  for (int s = 0; s < p.steps.count; ++s) {
    const k::InverseStep& st = p.steps.step[s];
    T** l11 = ptrs + count * st.first;
    T** l22 = l11 + total;
    T** w21 = l11 + 2 * total;
    const std::int64_t batch = count * st.pairs;
    ex.trsm(true, T(1), st.rows, st.cols, n, l11, w21, batch);    // L21 L11^-1
    ex.trsm(false, T(-1), st.rows, st.cols, n, l22, w21, batch);  // -L22^-1 (L21 L11^-1)
  }
}

/// C = W^T W (full symmetric) for `count` lower-triangular W with zeros above the diagonal;
/// C must not overlap W. block = rows per GEMM, 0 for tuning::library_gram_block_dim(n).
template <class T, class E>
void lower_gram(E& ex, int n, const T* w, T* c, std::int64_t count, int block = 0) {
  if (block <= 0) block = tuning::library_gram_block_dim(n);
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  for (int i0 = 0; i0 < n; i0 += block) {
    const int rows = std::min(block, n - i0);
    const std::int64_t off = i0;
    ex.gemm_strided(true, rows, i0 + rows, n - i0, T(1), w + off * n + off, n, nn, w + off, n, nn,
                    T(0), c + off, n, nn, count);
  }
  ex.launch_blocks(kernels::mirror_lower_kernel<T>, count * ((n + 31) / 32) * ((n + 31) / 32), c,
                   nn, count, n);
}

}  // namespace boltzkit::gpu
