#pragma once
// exp(x) in double that returns the same bits on the host and on the GPU: Cody–Waite reduction
// and a degree-11 Taylor polynomial evaluated only with correctly rounded operations (fma, and
// add/mul as explicit round-to-nearest intrinsics on the device so nvcc cannot contract them).
// Accuracy ~1 ulp; used where an acceptance probability depends on a continuous coupling.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "host_device.hpp"

namespace boltzkit::kernels {

#if defined(__CUDA_ARCH__)
__device__ inline double rn_add(double a, double b) { return __dadd_rn(a, b); }
__device__ inline double rn_mul(double a, double b) { return __dmul_rn(a, b); }
__device__ inline double rn_fma(double a, double b, double c) { return __fma_rn(a, b, c); }
__device__ inline double rn_div(double a, double b) { return __ddiv_rn(a, b); }
#else
inline double rn_add(double a, double b) { return a + b; }
inline double rn_mul(double a, double b) { return a * b; }
inline double rn_fma(double a, double b, double c) { return std::fma(a, b, c); }
inline double rn_div(double a, double b) { return a / b; }
#endif

BOLTZKIT_HD inline double portable_exp(double x) {
  if (!(x < 709.0)) return x != x ? x : HUGE_VAL;  // NaN stays NaN; overflow to +inf
  if (x < -745.0) return 0.0;
  const double log2e = 1.4426950408889634;
  const double ln2_hi = 6.93147180369123816490e-01;  // Cody–Waite split of ln 2
  const double ln2_lo = 1.90821492927058770002e-10;
  const double k = rint(rn_mul(x, log2e));
  // r = x − k ln2, in two exact-ish steps
  const double r = rn_fma(-k, ln2_lo, rn_fma(-k, ln2_hi, x));
  // Taylor series of e^r on |r| <= ~0.35, Horner with fma
  double p = 1.0 / 39916800.0;
  p = rn_fma(p, r, 1.0 / 3628800.0);
  p = rn_fma(p, r, 1.0 / 362880.0);
  p = rn_fma(p, r, 1.0 / 40320.0);
  p = rn_fma(p, r, 1.0 / 5040.0);
  p = rn_fma(p, r, 1.0 / 720.0);
  p = rn_fma(p, r, 1.0 / 120.0);
  p = rn_fma(p, r, 1.0 / 24.0);
  p = rn_fma(p, r, 1.0 / 6.0);
  p = rn_fma(p, r, 0.5);
  p = rn_fma(p, r, 1.0);
  p = rn_fma(p, r, 1.0);
  // scale by 2^k through the exponent field (two steps so subnormal results stay exact)
  const int ki = static_cast<int>(k);
  const int k1 = ki / 2, k2 = ki - k1;
  auto pow2 = [](int e) {
    const std::uint64_t bits = static_cast<std::uint64_t>(e + 1023) << 52;
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  };
  return rn_mul(rn_mul(p, pow2(k1)), pow2(k2));
}

}  // namespace boltzkit::kernels
