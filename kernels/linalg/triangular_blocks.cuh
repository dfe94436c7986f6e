#pragma once
// Helper kernels of the library path's triangular inverse and product
// (host/linalg/triangular_blocks.hpp), on the dense column-major workspace of
// kernels/linalg/large_dim.cuh: one n x n matrix per batch element at a stride of n * n.
#include "kernels/linalg/large_dim.cuh"

namespace boltzkit::kernels {

/// One trsmBatched pair of the triangular inverse: per matrix, `pairs` pairs j of sibling
/// diagonal blocks, the first (cols x cols) at (col0 + j * step, col0 + j * step), the second
/// (rows x rows) at (row0 + j * step, row0 + j * step), and between them the rows x cols block
/// W21 <- -L22^-1 L21 L11^-1. `first` is the step's first pair in the pointer arrays (per matrix).
struct InverseStep {
  int col0, cols, row0, rows, pairs, step;
  std::int64_t first;
};

/// Every step of one triangular inverse; two per level at most (the full pairs and one ragged
/// pair), so 64 cover any n below 2^31 with leaves of 2 or more.
struct InverseSteps {
  static constexpr int capacity = 64;
  int count;
  std::int64_t pairs;  // pairs per matrix over all steps
  InverseStep step[capacity];
};

/// The trsmBatched pointer arrays of every step at once, three arrays of count * pairs:
/// ptrs[0..) = L11, ptrs[count*pairs..) = L22, ptrs[2*count*pairs..) = W21; step s's entries
/// start at count * first_s and run matrix-major (m * pairs_s + j).
template <class T>
__global__ void inverse_pointers_kernel(InverseSteps plan, T* factor, T* inverse,
                                        std::int64_t count, int n, T** ptrs) {
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const std::int64_t total = count * plan.pairs;
  BOLTZKIT_GRID_STRIDE(e, total) {
    int s = 0;
    while (s + 1 < plan.count && e >= count * plan.step[s + 1].first) ++s;
    const InverseStep st = plan.step[s];
    const std::int64_t local = e - count * st.first;
    const std::int64_t m = local / st.pairs;
    const std::int64_t j = local - m * st.pairs;
    const std::int64_t a = st.col0 + j * st.step;  // first block's start
    const std::int64_t c = st.row0 + j * st.step;  // second block's start
    ptrs[e] = factor + m * nn + a * n + a;
    ptrs[total + e] = factor + m * nn + c * n + c;
    ptrs[2 * total + e] = inverse + m * nn + a * n + c;
  }
}

/// inverse = the lower triangle of factor with zeros above: the blocks between the leaves start
/// as L21 (the trsm steps turn them into W21), the leaves are overwritten next, and the zeros
/// are what the product's GEMMs read above the diagonal.
template <class T>
__global__ void copy_lower_kernel(const T* factor, T* inverse, std::int64_t count, int n) {
  const std::int64_t per = static_cast<std::int64_t>(n) * n;
  BOLTZKIT_GRID_STRIDE(e, count * per) {
    const auto [m, c, r] = block_element(e, per, n);
    inverse[e] = r >= c ? factor[e] : T(0);
  }
}

/// The leaves: each leaf x leaf diagonal block of W = L^-1 (the last one may be shorter) by
/// forward substitution, one thread per column of the block. A zero or NaN pivot gives Inf/NaN
/// in its matrix only; the caller's info masks that element.
template <class T>
__global__ void invert_diagonal_blocks_kernel(const T* factor, T* inverse, std::int64_t count,
                                              int n, int leaf) {
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  const int leaves = (n + leaf - 1) / leaf;
  const std::int64_t per = static_cast<std::int64_t>(leaves) * leaf;
  BOLTZKIT_GRID_STRIDE(e, count * per) {
    const std::int64_t m = e / per;
    const int rest = static_cast<int>(e - m * per);
    const int k = rest / leaf;
    const int c = rest;  // = k * leaf + (column within the leaf)
    if (c >= n) continue;
    const int end = min((k + 1) * leaf, n);
    const T* l = factor + m * nn;
    T* w = inverse + m * nn + static_cast<std::int64_t>(c) * n;  // column c
    w[c] = T(1) / l[static_cast<std::int64_t>(c) * n + c];
    for (int i = c + 1; i < end; ++i) {
      T s = T(0);
      for (int p = c; p < i; ++p) s -= l[static_cast<std::int64_t>(p) * n + i] * w[p];
      w[i] = s / l[static_cast<std::int64_t>(i) * n + i];
    }
  }
}

/// The strictly upper triangle of each symmetric matrix from its lower one, through 32 x 32
/// tiles in shared memory so that both the reads and the writes run along columns. Grid-stride
/// over (matrix, tile row, tile column); tiles below the diagonal are skipped block-uniformly.
template <class T>
__global__ void mirror_lower_kernel(T* matrices, std::int64_t stride, std::int64_t count, int n) {
  __shared__ T tile[32][33];
  const int tiles = (n + 31) / 32;
  const std::int64_t per = static_cast<std::int64_t>(tiles) * tiles;
  for (std::int64_t t = blockIdx.x; t < count * per; t += gridDim.x) {
    const std::int64_t m = t / per;
    const int rest = static_cast<int>(t - m * per);
    const int ti = rest / tiles;  // destination tile (ti, tj) above the diagonal: ti <= tj
    const int tj = rest - ti * tiles;
    if (ti > tj) continue;
    T* a = matrices + m * stride;
    for (int idx = threadIdx.x; idx < 32 * 32; idx += blockDim.x) {
      const int r = idx % 32, c = idx / 32;  // source (tj*32 + r, ti*32 + c), below the diagonal
      const int gr = tj * 32 + r, gc = ti * 32 + c;
      if (gr < n && gc < n) tile[c][r] = a[static_cast<std::int64_t>(gc) * n + gr];
    }
    __syncthreads();
    for (int idx = threadIdx.x; idx < 32 * 32; idx += blockDim.x) {
      const int r = idx % 32, c = idx / 32;  // destination (ti*32 + r, tj*32 + c)
      const int gr = ti * 32 + r, gc = tj * 32 + c;
      if (gr < gc && gc < n) a[static_cast<std::int64_t>(gc) * n + gr] = tile[r][c];
    }
    __syncthreads();
  }
}

}  // namespace boltzkit::kernels
