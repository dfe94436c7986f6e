#pragma once
// The fixed-point grid of the chains' couplings (MATH.md §2.8). J and h are rounded once to
// multiples of 2^-q, q chosen from the largest row bound R = max_i (Σ_l |J_il| + |h_i|) so that
// every partial sum the chains form (a field, a field plus any subset of ±2·J terms: at most 3R)
// stays below 2^52 · 2^-q. Then every sum of them is exact in float64 and any summation order
// (incremental, blocked, a GEMM on tensor cores) gives the same bits. Shared by the CPU backend
// and the GPU kernels so that both pick the same q and the same grid values.
#include <cmath>
#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/portable_exp.cuh"

namespace boltzkit::kernels {

/// The bound R·2^q stays below 2^bm_grid_bits: 3R·2^q < 2^52 with margin for the rounding of R.
constexpr int bm_grid_bits = 50;
/// Finest grid 2^-1000 (k·2^-q stays a normal double for every integer k); only models with
/// R < 2^-950 are held to it.
constexpr int bm_grid_shift_max = 1000;
/// Largest accepted bound exponent: R < 2^1020 keeps 3R and the grid step finite.
constexpr int bm_bound_exponent_max = 1020;

/// Σ_l |J_il| + |h_i|, summed l = 0 … n−1 then |h_i| (the order both backends use).
BOLTZKIT_HD inline double bm_row_bound(const double* j, const double* h, std::int64_t n, std::int64_t i) {
  double acc = 0.0;
  for (std::int64_t l = 0; l < n; ++l) acc = rn_add(acc, fabs(j[i * n + l]));
  return rn_add(acc, fabs(h[i]));
}

/// True iff a model with largest row bound `bound` has a grid (finite, below 2^1020).
BOLTZKIT_HD inline bool bm_grid_representable(double bound) {
  if (!(bound >= 0.0) || !(bound < HUGE_VAL)) return false;
  int e = 0;
  frexp(bound, &e);
  return bound == 0.0 || e <= bm_bound_exponent_max;
}

/// q for the largest row bound: bound = m·2^e with m in [0.5, 1), so bound·2^(50−e) < 2^50.
/// An all-zero model gets q = 0 (every value is 0 on any grid).
BOLTZKIT_HD inline int bm_grid_shift(double bound) {
  if (!(bound > 0.0) || !(bound < HUGE_VAL)) return 0;
  int e = 0;
  frexp(bound, &e);
  const int q = bm_grid_bits - e;
  return q < bm_grid_shift_max ? q : bm_grid_shift_max;
}

/// x rounded to the nearest multiple of 2^-q (ties to even): both scalings are exact.
BOLTZKIT_HD inline double bm_quantize(double x, int q) { return ldexp(rint(ldexp(x, q)), -q); }

}  // namespace boltzkit::kernels
