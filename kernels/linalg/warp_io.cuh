#pragma once
// Warp-cooperative copies between global strided batches and the group tiles of one warp. A warp
// serves `groups` consecutive batch elements starting at `first`; consecutive lanes take
// consecutive addresses, so densely packed batches are read and written in full sectors.
#include "kernels/common/strided.cuh"
#include "kernels/common/group_tile.cuh"

namespace boltzkit::kernels {

/// Lower triangle of matrices first..first+groups-1 into tiles.tile(m).a (rows and columns < n).
template <class T>
__device__ void load_lower_tiles(const MatrixRef<const T>& src, std::int64_t first, int groups,
                                 std::int64_t batch, const WarpTiles<T>& tiles, int n) {
  const int per_matrix = n * n;
  const int total = groups * per_matrix;
  for (int e = static_cast<int>(threadIdx.x % warp_size); e < total; e += warp_size) {
    const int m = e / per_matrix;
    const int rest = e - m * per_matrix;
    const int i = rest / n;
    const int j = rest - i * n;
    if (j <= i && first + m < batch) tiles.tile(m).at(i, j) = src(first + m, i, j);
  }
}

/// tiles.tile(m).v[q] = a(b) - c(b)   (c may be null: then just a)
template <class T>
__device__ void load_difference_tiles(const VectorRef<const T>& a, const VectorRef<const T>& c,
                                      std::int64_t first, int groups, std::int64_t batch,
                                      const WarpTiles<T>& tiles, int n, int q) {
  const int total = groups * n;
  for (int e = static_cast<int>(threadIdx.x % warp_size); e < total; e += warp_size) {
    const int m = e / n;
    const int i = e - m * n;
    if (first + m < batch) {
      const std::int64_t b = first + m;
      tiles.tile(m).v[q][i] = c.wanted() ? a(b, i) - c(b, i) : a(b, i);
    }
  }
}

/// dst(b, i) = scale * v[q][i], or NaN where the element's info is non-zero.
template <class T>
__device__ void store_vector_tiles(const VectorRef<T>& dst, std::int64_t first, int groups,
                                   std::int64_t batch, const WarpTiles<T>& tiles, int n, int q,
                                   T scale) {
  const int total = groups * n;
  for (int e = static_cast<int>(threadIdx.x % warp_size); e < total; e += warp_size) {
    const int m = e / n;
    const int i = e - m * n;
    if (first + m < batch)
      dst(first + m, i) = *tiles.tile(m).info != 0 ? quiet_nan<T>() : scale * tiles.tile(m).v[q][i];
  }
}

}  // namespace boltzkit::kernels
