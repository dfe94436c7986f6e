#pragma once
// log(x) in double that returns the same bits on the host and on the GPU, the companion of
// portable_exp: exponent split through the bit pattern, m in [√½, √2), s = (m − 1)/(m + 1) and
// log m = 2 atanh s = 2s + 2s³/3 + … + 2s²¹/21 (|s| <= 0.1716, so the next term is below 1e-17
// relative), evaluated only with correctly rounded operations (rn_add, rn_mul, rn_fma, rn_div) so
// that neither compiler can contract or reorder them. Accuracy ~1 ulp.
#include <cstdint>
#include <cstring>

#include "host_device.hpp"
#include "portable_exp.cuh"

namespace boltzkit::kernels {

/// Natural logarithm of a positive, finite, normal x (callers guarantee the range; no special
/// cases are handled).
BOLTZKIT_HD inline double portable_log(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>((bits >> 52) & 0x7ffu) - 1023;
  bits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;  // m in [1, 2), exact
  double m;
  std::memcpy(&m, &bits, sizeof m);
  if (m > 1.4142135623730951) {  // m in (√2, 2) -> (√½, 1): exact halving
    m = rn_mul(m, 0.5);
    ++e;
  }
  const double s = rn_div(rn_add(m, -1.0), rn_add(m, 1.0));  // m − 1 exact (Sterbenz)
  const double z = rn_mul(s, s);
  double p = 2.0 / 21.0;
  p = rn_fma(p, z, 2.0 / 19.0);
  p = rn_fma(p, z, 2.0 / 17.0);
  p = rn_fma(p, z, 2.0 / 15.0);
  p = rn_fma(p, z, 2.0 / 13.0);
  p = rn_fma(p, z, 2.0 / 11.0);
  p = rn_fma(p, z, 2.0 / 9.0);
  p = rn_fma(p, z, 2.0 / 7.0);
  p = rn_fma(p, z, 2.0 / 5.0);
  p = rn_fma(p, z, 2.0 / 3.0);
  const double log_m = rn_fma(rn_mul(s, z), p, rn_add(s, s));
  const double ln2_hi = 6.93147180369123816490e-01;  // Cody–Waite split of ln 2: e·ln2_hi exact
  const double ln2_lo = 1.90821492927058770002e-10;
  const double de = static_cast<double>(e);
  return rn_add(rn_mul(de, ln2_hi), rn_fma(de, ln2_lo, log_m));
}

}  // namespace boltzkit::kernels
