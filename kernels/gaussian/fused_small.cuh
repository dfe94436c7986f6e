#pragma once
// The fused small-D Gaussian kernel (D <= 64): one launch loads x, mu and the matrix, factors,
// solves, and writes log p and every requested gradient. A G-lane group of a warp owns one batch
// element; the matrix never leaves shared memory.
#include "kernels/common/strided.cuh"
#include "kernels/common/group_tile.cuh"
#include "kernels/linalg/warp_io.cuh"
#include "args.cuh"
#include "policy.hpp"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

// Vectors of a tile: d = x - mu, z = L^-1 d (or y = L^T d), g = Sigma^-1 d.
constexpr int vec_d = 0, vec_z = 1, vec_g = 2;

template <class T, int R, MatrixKind K>
__device__ void gaussian_group(const GaussianArgs<T>& args, const GroupTile<T>& t, const Group& g,
                               std::int64_t b) {
  if (K == MatrixKind::cholesky)
    check_factor<T, R>(t, g);
  else
    factor_in_place<T, R>(t, g);

  const bool want_g = args.grad_mean.wanted() || args.grad_x.wanted() ||
                      (args.grad_matrix.wanted() && K != MatrixKind::precision);
  if (K == MatrixKind::precision) {
    multiply_lower_transposed<T, R>(t, g, vec_d, vec_z);  // y = L^T d
    if (want_g) multiply_lower<T, R>(t, g, vec_z, vec_g);  // g = L y = Lambda d
  } else {
    copy_vector<T, R>(t, g, vec_d, vec_z);
    forward_solve<T, R>(t, g, vec_z);
    if (want_g) {
      copy_vector<T, R>(t, g, vec_z, vec_g);
      backward_solve<T, R>(t, g, vec_g);
    }
  }
  const T mahalanobis = group_squared_norm<T, R>(t, g, vec_z);
  const T log_diag = group_log_diagonal<T, R>(t, g);
  const T log_det_sigma = K == MatrixKind::precision ? T(-2) * log_diag : T(2) * log_diag;
  const bool failed = *t.info != 0;
  if (g.lane == 0 && b < args.batch) {
    args.log_prob[b] = failed ? quiet_nan<T>()
                              : T(-0.5) * mahalanobis - T(0.5) * log_det_sigma -
                                    T(t.n) * T(half_log_two_pi);
    if (args.info) args.info[b] = *t.info;
  }
  if (!args.grad_matrix.wanted()) return;

  if (K != MatrixKind::cholesky) lower_inverse_to_upper<T, R>(t, g);
  // Lane c writes column c of every row: consecutive lanes, consecutive addresses.
  for (int i = 0; i < t.n; ++i) {
BOLTZKIT_UNROLL
    for (int r = 0; r < R; ++r) {
      const int c = owned_row(g, r);
      if (c >= t.n || b >= args.batch) continue;
      T value;
      if (K == MatrixKind::cholesky) {
        value = i > c ? t.v[vec_g][i] * t.v[vec_z][c]
                      : (i == c ? t.v[vec_g][i] * t.v[vec_z][i] - t.rdiag[i] : T(0));
      } else if (K == MatrixKind::covariance) {
        value = T(-0.5) * (inverse_entry(t, i, c) - t.v[vec_g][i] * t.v[vec_g][c]);
      } else {
        value = T(0.5) * (inverse_entry(t, i, c) - t.v[vec_d][i] * t.v[vec_d][c]);
      }
      args.grad_matrix(b, i, c) = failed ? quiet_nan<T>() : value;
    }
  }
}

template <class T, int R, MatrixKind K>
__global__ void __launch_bounds__(fused_threads_max)
    gaussian_fused_kernel(GaussianArgs<T> args) {
  const int groups = warp_size / args.group_size;
  const int warp = static_cast<int>(threadIdx.x) / warp_size;
  const WarpTiles<T> tiles = carve_warp_tiles<T>(dynamic_shared_memory(), args.warps_per_block,
                                                 args.group_size, args.n, warp);
  const Group g = make_group(args.group_size);
  const GroupTile<T> t = tiles.tile(g.index);

  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * args.warps_per_block * groups;
  for (std::int64_t first = (static_cast<std::int64_t>(blockIdx.x) * args.warps_per_block + warp) *
                            groups;
       first < args.batch; first += stride) {
    if (g.lane == 0) *t.info = 0;
    load_lower_tiles(args.matrix, first, groups, args.batch, tiles, args.n);
    load_difference_tiles(args.x, args.mean, first, groups, args.batch, tiles, args.n, vec_d);
    __syncwarp();
    gaussian_group<T, R, K>(args, t, g, first + g.index);
    __syncwarp();
    if (args.grad_mean.wanted())
      store_vector_tiles(args.grad_mean, first, groups, args.batch, tiles, args.n, vec_g, T(1));
    if (args.grad_x.wanted())
      store_vector_tiles(args.grad_x, first, groups, args.batch, tiles, args.n, vec_g, T(-1));
    __syncwarp();  // the tiles are reused by the next iteration
  }
}

}  // namespace boltzkit::kernels
