#pragma once
// One group's matrix in shared memory and the dense SPD steps on it (Cholesky, triangular
// solves, triangular inverse, inverse from the factor). Lane l of a G-lane group owns rows (and,
// for the inverse, columns) l, l+G, ... up to R of them; R = 1 covers n <= 32, R = 2 n <= 64.
//
// Storage: a (n x ld) with ld = n + 1 so that walking a column hits distinct banks.
//   lower triangle + diagonal: the Cholesky factor L
//   strict upper triangle:     (L^-1)^T once lower_inverse_to_upper() has run
//   rdiag[k] = 1 / L_kk (which is also (L^-1)_kk)
//   v[0..2]: three n-vectors used as d, z (or y) and g
#include <cmath>
#include <cstddef>

#include "group.cuh"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

template <class T>
struct GroupTile {
  T* a;
  T* rdiag;
  T* v[3];
  int* info;
  int n;
  int ld;

  __device__ T& at(int i, int j) const { return a[i * ld + j]; }
  /// U = (L^-1)^T, upper triangular: U(i,k) for k >= i.
  __device__ T upper_inverse(int i, int k) const { return k == i ? rdiag[i] : at(i, k); }
};

/// Elements (of T) one tile needs; the info ints live in a separate array.
__host__ __device__ inline int tile_elements(int n) { return n * (n + 1) + 4 * n; }

template <class T>
__device__ GroupTile<T> make_tile(T* base, int* info, int n) {
  GroupTile<T> t;
  t.n = n;
  t.ld = n + 1;
  t.a = base;
  t.rdiag = base + n * t.ld;
  for (int q = 0; q < 3; ++q) t.v[q] = t.rdiag + (q + 1) * n;
  t.info = info;
  return t;
}

/// The tiles of the `groups` groups of one warp, laid out back to back in shared memory.
template <class T>
struct WarpTiles {
  T* base;
  int* info;
  int n;
  __device__ GroupTile<T> tile(int m) const {
    return make_tile(base + m * tile_elements(n), info + m, n);
  }
};

/// Dynamic shared memory of a block of `warps_per_block` warps of group tiles: every warp's
/// tiles back to back, then one info int per group. The one formula for the launch planner, the
/// emulation tests and the carve below.
template <class T>
__host__ __device__ inline std::size_t tile_shared_bytes(int n, int warps_per_block) {
  const std::size_t groups = static_cast<std::size_t>(warp_size / group_size_for(n));
  return static_cast<std::size_t>(warps_per_block) * groups *
         (static_cast<std::size_t>(tile_elements(n)) * sizeof(T) + sizeof(int));
}

/// This warp's tiles in the block's dynamic shared memory, laid out as tile_shared_bytes counts.
template <class T>
__device__ WarpTiles<T> carve_warp_tiles(void* shared_memory, int warps_per_block,
                                         int group_size, int n, int warp) {
  const int groups = warp_size / group_size;
  T* shared = reinterpret_cast<T*>(shared_memory);
  const int per_warp = groups * tile_elements(n);
  int* info_area = reinterpret_cast<int*>(shared + warps_per_block * per_warp);
  return WarpTiles<T>{shared + warp * per_warp, info_area + warp * groups, n};
}

/// Owner test and row index for the r-th row of this lane.
__device__ inline int owned_row(const Group& g, int r) { return g.lane + g.size * r; }
// G is a power of two: a mask, not a runtime modulo (about 20 instructions per call).
__device__ inline bool owns(const Group& g, int k) { return (k & (g.size - 1)) == g.lane; }

__device__ inline bool bad_pivot(float p) { return !(p > 0.0f) || !isfinite(p); }
__device__ inline bool bad_pivot(double p) { return !(p > 0.0) || !isfinite(p); }

/// Right-looking Cholesky in place. Records the first failing pivot (1-based) in *info and keeps
/// going (on NaN/Inf data) so that the warp stays in lock-step; callers then write NaN.
template <class T, int R>
__device__ void factor_in_place(const GroupTile<T>& t, const Group& g) {
  for (int k = 0; k < t.n; ++k) {
    if (owns(g, k)) {
      const T pivot = t.at(k, k);
      if (bad_pivot(pivot) && *t.info == 0) *t.info = k + 1;
      const T lkk = sqrt(pivot);
      t.at(k, k) = lkk;
      t.rdiag[k] = T(1) / lkk;
    }
    __syncwarp();
    const T scale = t.rdiag[k];
BOLTZKIT_UNROLL
    for (int r = 0; r < R; ++r) {
      const int i = owned_row(g, r);
      if (i > k && i < t.n) t.at(i, k) *= scale;
    }
    __syncwarp();
BOLTZKIT_UNROLL
    for (int r = 0; r < R; ++r) {
      const int i = owned_row(g, r);
      if (i > k && i < t.n) {
        const T lik = t.at(i, k);
        for (int j = k + 1; j <= i; ++j) t.at(i, j) -= lik * t.at(j, k);
      }
    }
    __syncwarp();
  }
}

/// For a given factor: rdiag and info (first diagonal entry not finite-positive).
template <class T, int R>
__device__ void check_factor(const GroupTile<T>& t, const Group& g) {
  int first_bad = t.n + 1;
BOLTZKIT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int i = owned_row(g, r);
    if (i < t.n) {
      const T lii = t.at(i, i);
      t.rdiag[i] = T(1) / lii;
      if (bad_pivot(lii)) first_bad = min(first_bad, i + 1);
    }
  }
  first_bad = group_min(first_bad, g.size);
  if (g.lane == 0) *t.info = first_bad > t.n ? 0 : first_bad;
  __syncwarp();
}

template <class T, int R>
__device__ void copy_vector(const GroupTile<T>& t, const Group& g, int from, int to) {
BOLTZKIT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int i = owned_row(g, r);
    if (i < t.n) t.v[to][i] = t.v[from][i];
  }
  __syncwarp();
}

/// v[q] <- L^-1 v[q]
template <class T, int R>
__device__ void forward_solve(const GroupTile<T>& t, const Group& g, int q) {
  T* v = t.v[q];
  for (int k = 0; k < t.n; ++k) {
    if (owns(g, k)) v[k] *= t.rdiag[k];
    __syncwarp();
    const T vk = v[k];
BOLTZKIT_UNROLL
    for (int r = 0; r < R; ++r) {
      const int i = owned_row(g, r);
      if (i > k && i < t.n) v[i] -= t.at(i, k) * vk;
    }
    __syncwarp();
  }
}

/// v[q] <- L^-T v[q]
template <class T, int R>
__device__ void backward_solve(const GroupTile<T>& t, const Group& g, int q) {
  T* v = t.v[q];
  for (int k = t.n - 1; k >= 0; --k) {
    if (owns(g, k)) v[k] *= t.rdiag[k];
    __syncwarp();
    const T vk = v[k];
BOLTZKIT_UNROLL
    for (int r = 0; r < R; ++r) {
      const int i = owned_row(g, r);
      if (i < k) v[i] -= t.at(k, i) * vk;
    }
    __syncwarp();
  }
}

/// v[to] <- L^T v[from]
template <class T, int R>
__device__ void multiply_lower_transposed(const GroupTile<T>& t, const Group& g, int from, int to) {
BOLTZKIT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int k = owned_row(g, r);
    if (k < t.n) {
      T s = T(0);
      for (int i = k; i < t.n; ++i) s += t.at(i, k) * t.v[from][i];
      t.v[to][k] = s;
    }
  }
  __syncwarp();
}

/// v[to] <- L v[from]
template <class T, int R>
__device__ void multiply_lower(const GroupTile<T>& t, const Group& g, int from, int to) {
BOLTZKIT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int i = owned_row(g, r);
    if (i < t.n) {
      T s = T(0);
      for (int k = 0; k <= i; ++k) s += t.at(i, k) * t.v[from][k];
      t.v[to][i] = s;
    }
  }
  __syncwarp();
}

/// Writes (L^-1)^T into the strict upper triangle: lane c computes column c of L^-1 by forward
/// substitution. Each lane writes only its own rows of the upper part and reads only the lower
/// part and its own rows, so no barrier is needed inside.
template <class T, int R>
__device__ void lower_inverse_to_upper(const GroupTile<T>& t, const Group& g) {
BOLTZKIT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int c = owned_row(g, r);
    if (c < t.n) {
      for (int i = c + 1; i < t.n; ++i) {
        T s = t.at(i, c) * t.rdiag[c];
        for (int p = c + 1; p < i; ++p) s += t.at(i, p) * t.at(c, p);
        t.at(c, i) = -t.rdiag[i] * s;
      }
    }
  }
  __syncwarp();
}

/// (L^-T L^-1)(i, c) = sum_{k >= max(i,c)} U(i,k) U(c,k), after lower_inverse_to_upper().
template <class T>
__device__ T inverse_entry(const GroupTile<T>& t, int i, int c) {
  const int k0 = max(i, c);
  T s = t.upper_inverse(i, k0) * t.upper_inverse(c, k0);
  for (int k = k0 + 1; k < t.n; ++k) s += t.at(i, k) * t.at(c, k);
  return s;
}

/// Sum over the group of log L_kk.
template <class T, int R>
__device__ T group_log_diagonal(const GroupTile<T>& t, const Group& g) {
  T s = T(0);
BOLTZKIT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int i = owned_row(g, r);
    if (i < t.n) s += log(t.at(i, i));
  }
  return group_sum(s, g.size);
}

template <class T, int R>
__device__ T group_squared_norm(const GroupTile<T>& t, const Group& g, int q) {
  T s = T(0);
BOLTZKIT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int i = owned_row(g, r);
    if (i < t.n) s += t.v[q][i] * t.v[q][i];
  }
  return group_sum(s, g.size);
}

}  // namespace boltzkit::kernels
