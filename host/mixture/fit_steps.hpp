#pragma once
// mixture::fit's device steps besides the E-step and statistics (gpu_steps.hpp), written against
// an executor, so the same code runs on the GPU (gpu.cu) and on the warp emulator
// (tests/mixture): the finiteness check of x, k-means++ seeding and Lloyd iterations with the
// CPU k-means' rules (fit.cpp), the one-hot responsibilities of its labels, and the sum of the
// per-point log-likelihoods. Nothing of size N leaves the device: one int32 comes back per check
// and per Lloyd iteration (has a label changed?), one double per sum; sum_to reads nothing back
// (the EM step's sum stays on the device for its single download, fit_runner.hpp).
//
// Executor interface (E), on top of gpu_steps.hpp's: zero(int32*, count), and
// fetch(const U* p) -> U: one value read back (the GPU synchronizes the stream).
#include <algorithm>
#include <cstdint>

#include "boltzkit/mixture.hpp"
#include "host/mixture/kmeans_draw.hpp"
#include "kernels/mixture/estep.cuh"
#include "kernels/mixture/kmeans.cuh"

namespace boltzkit::mixture::fit_steps {

namespace k = boltzkit::kernels;

/// Device buffers of run_kmeans.
struct Buffers {
  double *centres, *dist, *sums, *partials;  // (K, D), (N,), (ranges,), (partial ranges, K, D + 1)
  std::int32_t *labels, *flag;               // (N,), (1,)
  std::int64_t* picks;                       // (K,): the seeded points
};

struct Plan {
  std::int64_t range = k::kmeans_range_points;  // points per range of the D² draw
  std::int64_t partial_range = k::kmeans_range_points;  // points per range of the label sums
  int threads = k::kmeans_threads;              // lanes of the distance and pick blocks
  int blocks = 1;                               // blocks of the distance kernel (block-stride)
  int max_iter = 100;                           // Lloyd iterations at most (fit.cpp)
};

inline std::int64_t ranges_of(std::int64_t npts, std::int64_t range) {
  return (npts + range - 1) / range;
}

/// Doubles of Buffers::partials: ranges × K × (D + 1).
inline std::int64_t partial_doubles(std::int64_t npts, std::int64_t kk, std::int64_t n,
                                    const Plan& plan) {
  return ranges_of(npts, plan.partial_range) * kk * (n + 1);
}

/// Whether every entry of x is finite: one reduction, one int32 back.
template <class T, class E>
bool all_finite(E& ex, vector_batch<const T> x, std::int32_t* flag) {
  ex.zero(flag, 1);
  if (x.batch > 0)
    ex.launch(k::nonfinite_kernel<T>, x.batch * x.dim, k::VectorRef<const T>{x.data, x.batch_stride},
              x.batch, static_cast<int>(x.dim), flag);
  return ex.fetch(static_cast<const std::int32_t*>(flag)) == 0;
}

/// k-means++ seeding (draw j of init `init` under `seed`, kmeans_draw.hpp) and Lloyd iterations
/// until no label changes (≤ plan.max_iter), as fit.cpp's kmeans_labels; the labels end in
/// w.labels, the centres in w.centres. Returns the Lloyd iterations run.
template <class T, class E>
int run_kmeans(E& ex, vector_batch<const T> x, std::int64_t kk, std::uint64_t seed,
               std::int64_t init, const Plan& plan, const Buffers& w) {
  const std::int64_t npts = x.batch;
  const int n = static_cast<int>(x.dim);
  const k::VectorRef<const T> xr{x.data, x.batch_stride};
  const std::size_t red_shared = sizeof(double) * static_cast<std::size_t>(plan.threads);
  for (std::int64_t j = 0; j < kk; ++j) {
    const double u = detail::kmeans_uniform(seed, j, init);
    const std::int64_t first = j == 0 ? detail::kmeans_first_pick(u, npts) : -1;
    ex.launch_shared(k::kmeans_pick_kernel<T>, 1, plan.threads, k::kmeans_pick_shared(plan.threads),
                     xr, npts, n, static_cast<const double*>(w.dist),
                     static_cast<const double*>(w.sums), plan.range, u, first, w.centres + j * n,
                     w.picks + j);
    if (j + 1 < kk)  // the last centre's distances are never drawn from
      ex.launch_shared(k::kmeans_distance_kernel<T>, plan.blocks, plan.threads, red_shared, xr,
                       npts, n, static_cast<const double*>(w.centres + j * n),
                       static_cast<int>(j == 0), w.dist, plan.range, w.sums);
  }
  ex.launch(k::fill_kernel<std::int32_t>, npts, w.labels, npts, std::int32_t{-1});
  const std::int64_t pranges = ranges_of(npts, plan.partial_range);
  int it = 0;
  while (it < plan.max_iter) {
    ++it;
    ex.zero(w.flag, 1);
    ex.launch(k::kmeans_assign_kernel<T>, npts, xr, npts, n,
              static_cast<const double*>(w.centres), kk, w.labels, w.flag);
    if (ex.fetch(static_cast<const std::int32_t*>(w.flag)) == 0) break;
    ex.launch_warps(k::kmeans_partials_kernel<T>, pranges * kk, xr, npts, n,
                    static_cast<const std::int32_t*>(w.labels), kk, plan.partial_range,
                    w.partials);
    ex.launch(k::kmeans_centres_kernel<double>, kk * n, static_cast<const double*>(w.partials),
              pranges, kk, n, w.centres);
  }
  return it;
}

/// Σ v in float64 by two fixed-shape passes (sum_kernel): sum_blocks partials, then their sum
/// into *out (device memory), nothing read back: an EM step downloads it with its other
/// results (fit_runner.hpp). `partials` holds blocks doubles.
template <class T, class E>
void sum_to(E& ex, const T* v, std::int64_t count, double* partials, int blocks, int threads,
            double* out) {
  const std::size_t shared = sizeof(double) * static_cast<std::size_t>(threads);
  ex.launch_shared(k::sum_kernel<T>, blocks, threads, shared, v, count, partials);
  ex.launch_shared(k::sum_kernel<double>, 1, threads, shared,
                   static_cast<const double*>(partials), static_cast<std::int64_t>(blocks), out);
}

/// resp (N, K) = the one-hot rows of w.labels.
template <class T, class E>
void one_hot(E& ex, const std::int32_t* labels, std::int64_t npts, std::int64_t kk, T* resp) {
  ex.launch(k::one_hot_kernel<T>, npts * kk, labels, npts, kk, resp);
}

}  // namespace boltzkit::mixture::fit_steps
