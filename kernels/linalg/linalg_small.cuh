#pragma once
// Small-D (n <= 64) kernels for the public linalg building blocks, on the same group tiles as
// the fused Gaussian kernel: one G-lane group per matrix, the matrix in shared memory.
#include "kernels/common/strided.cuh"
#include "kernels/common/group_tile.cuh"
#include "policy.hpp"
#include "warp_io.cuh"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

enum class LinalgOp { cholesky, solve, solve_transposed, triangular_inverse, cholesky_inverse };

template <class T>
struct LinalgArgs {
  MatrixRef<const T> a;
  VectorRef<const T> rhs;    // solve only
  MatrixRef<T> matrix_out;   // cholesky, inverses
  VectorRef<T> vector_out;   // solve only
  std::int32_t* info;        // cholesky only, may be null
  std::int64_t batch;
  int n;
  int group_size;
  int warps_per_block;
};

template <class T, int R, LinalgOp Op>
__device__ void linalg_group(const LinalgArgs<T>& args, const GroupTile<T>& t, const Group& g,
                             std::int64_t b) {
  if (Op == LinalgOp::cholesky) {
    factor_in_place<T, R>(t, g);
    if (g.lane == 0 && b < args.batch && args.info) args.info[b] = *t.info;
  } else {
    check_factor<T, R>(t, g);  // only for rdiag: these ops report no info
    *t.info = 0;               // every lane writes the same value; keeps the outputs un-NaN'd
  }
  if (Op == LinalgOp::solve) forward_solve<T, R>(t, g, 0);
  if (Op == LinalgOp::solve_transposed) backward_solve<T, R>(t, g, 0);
  if (Op == LinalgOp::solve || Op == LinalgOp::solve_transposed) return;
  if (Op != LinalgOp::cholesky) lower_inverse_to_upper<T, R>(t, g);
  const bool failed = *t.info != 0;
  for (int i = 0; i < t.n; ++i) {
BOLTZKIT_UNROLL
    for (int r = 0; r < R; ++r) {
      const int c = owned_row(g, r);
      if (c >= t.n || b >= args.batch) continue;
      T value;
      if (Op == LinalgOp::cholesky)
        value = i >= c ? t.at(i, c) : T(0);
      else if (Op == LinalgOp::triangular_inverse)
        value = i >= c ? t.upper_inverse(c, i) : T(0);
      else
        value = inverse_entry(t, i, c);
      args.matrix_out(b, i, c) = failed ? quiet_nan<T>() : value;
    }
  }
}

template <class T, int R, LinalgOp Op>
__global__ void __launch_bounds__(linalg_small_threads_max) linalg_small_kernel(LinalgArgs<T> args) {
  const int groups = warp_size / args.group_size;
  const int warp = static_cast<int>(threadIdx.x) / warp_size;
  const WarpTiles<T> tiles = carve_warp_tiles<T>(dynamic_shared_memory(), args.warps_per_block,
                                                 args.group_size, args.n, warp);
  const Group g = make_group(args.group_size);
  const GroupTile<T> t = tiles.tile(g.index);
  constexpr bool is_solve = Op == LinalgOp::solve || Op == LinalgOp::solve_transposed;

  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * args.warps_per_block * groups;
  for (std::int64_t first = (static_cast<std::int64_t>(blockIdx.x) * args.warps_per_block + warp) *
                            groups;
       first < args.batch; first += stride) {
    if (g.lane == 0) *t.info = 0;
    load_lower_tiles(args.a, first, groups, args.batch, tiles, args.n);
    if (is_solve)
      load_difference_tiles(args.rhs, VectorRef<const T>{nullptr, 0}, first, groups, args.batch,
                            tiles, args.n, 0);
    __syncwarp();
    linalg_group<T, R, Op>(args, t, g, first + g.index);
    __syncwarp();
    if (is_solve)
      store_vector_tiles(args.vector_out, first, groups, args.batch, tiles, args.n, 0, T(1));
    __syncwarp();
  }
}

}  // namespace boltzkit::kernels
