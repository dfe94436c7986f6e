#pragma once
// Kernels of mixture::fit on the device besides the E-step and statistics
// (host/mixture/fit_steps.hpp): the finiteness check of x, k-means++ seeding (D² distances,
// per-range sums, the pick) and Lloyd iterations (assignment, per-range label sums, centres),
// the one-hot responsibilities of the final labels, and the sum of the per-point
// log-likelihoods. Distances and centres are float64 whatever T is, as the CPU k-means (fit.cpp),
// so both differ only by rounding (summation order, FMA): labels differ only at near-ties.
// Every reduction has a fixed order, so a seed gives the same labels on every run.
#include <cstdint>

#include "kernels/common/group.cuh"
#include "kernels/common/strided.cuh"
#include "kernels/linalg/large_dim.cuh"

namespace boltzkit::kernels {

/// *flag = 1 when some x(p, i) is NaN or ±∞ (a benign race: every writer writes 1).
template <class T>
__global__ void nonfinite_kernel(VectorRef<const T> x, std::int64_t npts, int n,
                                 std::int32_t* flag) {
  BOLTZKIT_GRID_STRIDE(e, npts * n) {
    const std::int64_t p = e / n;
    if (!isfinite(x(p, static_cast<int>(e - p * n)))) *flag = 1;
  }
}

/// Σ of every lane's s by a fixed-shape halving tree in red (blockDim.x doubles, a power of
/// two), the same order every call; every lane calls it and gets the total from lane 0's slot.
__device__ inline double block_tree_sum(double s, double* red) {
  const int t = static_cast<int>(threadIdx.x);
  red[t] = s;
  __syncthreads();
  for (int w = static_cast<int>(blockDim.x) / 2; w > 0; w >>= 1) {
    if (t < w) red[t] += red[t + w];
    __syncthreads();
  }
  return red[0];
}

/// |x_p − c|² in float64, summed in dimension order (as fit.cpp's squared_distance).
template <class T>
__device__ inline double kmeans_distance(VectorRef<const T> x, std::int64_t p, int n,
                                         const double* c) {
  double s = 0.0;
  for (int i = 0; i < n; ++i) {
    const double d = static_cast<double>(x(p, i)) - c[i];
    s += d * d;
  }
  return s;
}

/// k-means++ after centre c was chosen: dist[p] = min(dist[p], |x_p − c|²) (= |x_p − c|² when
/// `first`), and sums[r] = Σ dist over range r = [r·range, (r+1)·range). One block per range
/// (block-stride), a fixed-shape tree over the block's lanes: blockDim.x doubles of shared
/// memory, blockDim.x a power of two.
template <class T>
__global__ void kmeans_distance_kernel(VectorRef<const T> x, std::int64_t npts, int n,
                                       const double* c, int first, double* dist,
                                       std::int64_t range, double* sums) {
  double* red = reinterpret_cast<double*>(dynamic_shared_memory());
  const std::int64_t ranges = (npts + range - 1) / range;
  const int t = static_cast<int>(threadIdx.x);
  for (std::int64_t r = blockIdx.x; r < ranges; r += gridDim.x) {  // uniform over the block
    const std::int64_t lo = r * range, hi = lo + range < npts ? lo + range : npts;
    double s = 0.0;
    for (std::int64_t p = lo + t; p < hi; p += blockDim.x) {
      const double d = kmeans_distance(x, p, n, c);
      const double v = first ? d : (d < dist[p] ? d : dist[p]);
      dist[p] = v;
      s += v;
    }
    const double total = block_tree_sum(s, red);
    if (t == 0) sums[r] = total;
    __syncthreads();  // red is reused by the next range
  }
}

/// Shared memory of kmeans_pick_kernel for `threads` lanes.
constexpr std::size_t kmeans_pick_shared(int threads) {
  return sizeof(double) * (2 * static_cast<std::size_t>(threads) + 2) +
         sizeof(std::int64_t) * (static_cast<std::size_t>(threads) + 1);
}

/// Block-wide (every lane calls it): the first q in [0, count) with
/// offset + v[0] + … + v[q] > target and v[q] > 0, or −1; *before gets offset + v[0] + … +
/// v[q − 1] for that q (the whole sum when there is none). Lane t sums its run of ⌈count/B⌉
/// consecutive values in order, lane 0 scans the lanes' sums in lane order: one fixed order.
__device__ inline std::int64_t kmeans_first_crossing(const double* v, std::int64_t count,
                                                     double offset, double target,
                                                     double* before) {
  const int t = static_cast<int>(threadIdx.x), lanes = static_cast<int>(blockDim.x);
  double* start = reinterpret_cast<double*>(dynamic_shared_memory());  // lanes + 1
  double* at = start + lanes + 1;                                       // lanes + 1
  auto* found = reinterpret_cast<std::int64_t*>(at + lanes + 1);        // lanes + 1
  const std::int64_t per = (count + lanes - 1) / lanes;
  const std::int64_t lo = t * per < count ? t * per : count;
  const std::int64_t hi = lo + per < count ? lo + per : count;
  double s = 0.0;
  for (std::int64_t q = lo; q < hi; ++q) s += v[q];
  start[t] = s;
  __syncthreads();
  if (t == 0) {
    double run = offset;
    for (int l = 0; l < lanes; ++l) {
      const double add = start[l];
      start[l] = run;
      run += add;
    }
    start[lanes] = run;
  }
  __syncthreads();
  double run = start[t];
  found[t] = -1;
  for (std::int64_t q = lo; q < hi; ++q) {
    const double next = run + v[q];
    if (next > target && v[q] > 0.0) {
      found[t] = q;
      break;
    }
    run = next;
  }
  at[t] = run;
  __syncthreads();
  if (t == 0) {
    found[lanes] = -1;
    at[lanes] = start[lanes];
    for (int l = 0; l < lanes; ++l)
      if (found[l] >= 0) {
        found[lanes] = found[l];
        at[lanes] = at[l];
        break;
      }
  }
  __syncthreads();
  const std::int64_t result = found[lanes];
  *before = at[lanes];
  __syncthreads();  // the scratch is reused by the next call
  return result;
}

/// One block: centre ← x(pick) in float64, picks ← pick. first_pick ≥ 0 gives the point
/// (centre 0: ⌊u·N⌋); else the D² draw with u ∈ [0, 1): target = u · Σ dist, the range whose
/// running sum of `sums` passes the target, then the point in it — the first point whose running
/// sum passes the target with dist > 0, as fit.cpp. No crossing at all (every distance 0) gives
/// N − 1 as the CPU; a crossing of the range sums not found again inside the range (their sums
/// round differently) gives the range's last point.
template <class T>
__global__ void kmeans_pick_kernel(VectorRef<const T> x, std::int64_t npts, int n,
                                   const double* dist, const double* sums, std::int64_t range,
                                   double u, std::int64_t first_pick, double* centre,
                                   std::int64_t* pick) {
  if (blockIdx.x != 0) return;
  std::int64_t p = first_pick;
  if (p < 0) {
    const std::int64_t ranges = (npts + range - 1) / range;
    double total = 0.0, before = 0.0;
    kmeans_first_crossing(sums, ranges, 0.0, INFINITY, &total);
    const double target = u * total;
    const std::int64_t r = kmeans_first_crossing(sums, ranges, 0.0, target, &before);
    if (r < 0) {
      p = npts - 1;
    } else {
      const std::int64_t lo = r * range, count = lo + range < npts ? range : npts - lo;
      const std::int64_t q = kmeans_first_crossing(dist + lo, count, before, target, &before);
      p = q < 0 ? lo + count - 1 : lo + q;
    }
  }
  for (int i = static_cast<int>(threadIdx.x); i < n; i += blockDim.x)
    centre[i] = static_cast<double>(x(p, i));
  if (threadIdx.x == 0) *pick = p;
}

/// Lloyd assignment: labels[p] = argmin_k |x_p − c_k|², the first k on ties (as fit.cpp);
/// *changed = 1 when a label changes (benign race).
template <class T>
__global__ void kmeans_assign_kernel(VectorRef<const T> x, std::int64_t npts, int n,
                                     const double* centres, std::int64_t kk,
                                     std::int32_t* labels, std::int32_t* changed) {
  BOLTZKIT_GRID_STRIDE(p, npts) {
    std::int32_t best = 0;
    double best_d = INFINITY;
    for (std::int64_t k = 0; k < kk; ++k) {
      const double d = kmeans_distance(x, p, n, centres + k * n);
      if (d < best_d) {
        best_d = d;
        best = static_cast<std::int32_t>(k);
      }
    }
    if (labels[p] != best) {
      labels[p] = best;
      *changed = 1;
    }
  }
}

/// One warp per (range r, component k): partials[(r·K + k)·(n + 1) + i] = Σ x(p, i) over the
/// points p of range r labelled k (in point order), slot n their count. Lanes over dimensions.
template <class T>
__global__ void kmeans_partials_kernel(VectorRef<const T> x, std::int64_t npts, int n,
                                       const std::int32_t* labels, std::int64_t kk,
                                       std::int64_t range, double* partials) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * blockDim.x / warp_size;
  const int lane = static_cast<int>(threadIdx.x) % warp_size;
  const std::int64_t tasks = (npts + range - 1) / range * kk;
  for (std::int64_t task = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) /
                           warp_size;
       task < tasks; task += warps) {
    const std::int64_t r = task / kk, k = task - r * kk;
    const std::int64_t lo = r * range, hi = lo + range < npts ? lo + range : npts;
    double* out = partials + task * (n + 1);
    for (int i0 = 0; i0 <= n; i0 += warp_size) {
      const int i = i0 + lane;
      double s = 0.0;
      for (std::int64_t p = lo; p < hi; ++p)
        if (labels[p] == k && i <= n) s += i < n ? static_cast<double>(x(p, i)) : 1.0;
      if (i <= n) out[i] = s;
    }
  }
}

/// centres(k, i) = Σ_r partials / Σ_r counts in range order; an empty cluster keeps its centre.
/// A is the accumulator type (double; a template so that the header defines no plain kernel).
template <class A>
__global__ void kmeans_centres_kernel(const A* partials, std::int64_t ranges, std::int64_t kk,
                                      int n, A* centres) {
  BOLTZKIT_GRID_STRIDE(e, kk * n) {
    const std::int64_t k = e / n, i = e - k * n;
    A s = A(0), count = A(0);
    for (std::int64_t r = 0; r < ranges; ++r) {
      const A* row = partials + (r * kk + k) * (n + 1);
      s += row[i];
      count += row[n];
    }
    if (count > A(0)) centres[e] = s / count;
  }
}

/// out[b] = Σ v[e] in float64 over block b's grid-stride share, a fixed-shape tree over the
/// lanes (blockDim.x doubles of shared memory, a power of two): for a fixed launch shape the same
/// order every time. A second launch with one block over the partials gives the total.
template <class T>
__global__ void sum_kernel(const T* v, std::int64_t count, double* out) {
  double* red = reinterpret_cast<double*>(dynamic_shared_memory());
  const int t = static_cast<int>(threadIdx.x);
  double s = 0.0;
  BOLTZKIT_GRID_STRIDE(e, count) { s += static_cast<double>(v[e]); }
  const double total = block_tree_sum(s, red);
  if (t == 0) out[blockIdx.x] = total;
}

/// resp(p, k) = 1 when labels[p] = k, else 0 (the responsibilities of hard labels).
template <class T>
__global__ void one_hot_kernel(const std::int32_t* labels, std::int64_t npts, std::int64_t kk,
                               T* resp) {
  BOLTZKIT_GRID_STRIDE(e, npts * kk) {
    const std::int64_t p = e / kk;
    resp[e] = labels[p] == e - p * kk ? T(1) : T(0);
  }
}

}  // namespace boltzkit::kernels
