#pragma once
// log(a/b) and log(x) in double that return the same bits on the host and on the GPU, the
// companions of portable_exp: exponent split through the bit patterns, a mantissa ratio m in
// about [√½, √2], s = (m − 1)/(m + 1) and log m = 2 atanh s = 2s + 2s³/3 + … + 2s²¹/21 (|s| <=
// 0.1716, so the next term is below 1e-17 relative), evaluated only with correctly rounded
// operations (rn_add, rn_mul, rn_fma, rn_div) so that neither compiler can contract or reorder
// them. Accuracy ~1 ulp.
#include <cstdint>
#include <cstring>

#include "host_device.hpp"
#include "portable_exp.cuh"

namespace boltzkit::kernels {

/// out[l] = log(a[l]/b[l]) for N pairs of positive, finite, normal a and b (callers guarantee
/// the range; no special cases), with one division each: a = ma·2^ea, b = mb·2^eb (ma, mb in
/// [1, 2) from the bit patterns); ma is halved or doubled (exact) into a' so that a'/mb lies in
/// about [√½, √2], k = ea − eb ± 1; then log(a/b) = k·ln 2 + 2 atanh(s), s = (a' − mb)/(a' + mb),
/// where a' − mb is exact (Sterbenz). The N evaluations run in lockstep, so a GPU loads each
/// constant once for all of them; every lane's bits are those of N = 1.
template <int N>
BOLTZKIT_HD inline void portable_log_ratio_n(const double (&a)[N], const double (&b)[N], double (&out)[N]) {
  constexpr double sqrt2 = 1.4142135623730951;
  double s[N], dk[N];
  for (int l = 0; l < N; ++l) {
    std::uint64_t ba, bb;
    std::memcpy(&ba, &a[l], sizeof ba);
    std::memcpy(&bb, &b[l], sizeof bb);
    int k = static_cast<int>((ba >> 52) & 0x7ffu) - static_cast<int>((bb >> 52) & 0x7ffu);
    ba = (ba & 0x000fffffffffffffull) | 0x3ff0000000000000ull;  // ma in [1, 2), exact
    bb = (bb & 0x000fffffffffffffull) | 0x3ff0000000000000ull;  // mb in [1, 2), exact
    double ma, mb;
    std::memcpy(&ma, &ba, sizeof ma);
    std::memcpy(&mb, &bb, sizeof mb);
    const bool high = ma > rn_mul(mb, sqrt2), low = rn_mul(ma, sqrt2) < mb;
    ma = rn_mul(ma, high ? 0.5 : low ? 2.0 : 1.0);  // exact
    k += high ? 1 : low ? -1 : 0;
    s[l] = rn_div(rn_add(ma, -mb), rn_add(ma, mb));
    dk[l] = static_cast<double>(k);
  }
  constexpr double ln2_hi = 6.93147180369123816490e-01;  // Cody–Waite split of ln 2: k·ln2_hi exact
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  double z[N], p[N];
  for (int l = 0; l < N; ++l) {
    z[l] = rn_mul(s[l], s[l]);
    p[l] = 2.0 / 21.0;
  }
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 19.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 17.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 15.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 13.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 11.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 9.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 7.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 5.0);
  for (int l = 0; l < N; ++l) p[l] = rn_fma(p[l], z[l], 2.0 / 3.0);
  for (int l = 0; l < N; ++l) {
    const double log_m = rn_fma(rn_mul(s[l], z[l]), p[l], rn_add(s[l], s[l]));
    out[l] = rn_add(rn_mul(dk[l], ln2_hi), rn_fma(dk[l], ln2_lo, log_m));
  }
}

/// log(a/b) for positive, finite, normal a and b: portable_log_ratio_n with N = 1.
BOLTZKIT_HD inline double portable_log_ratio(double a, double b) {
  const double as[1] = {a}, bs[1] = {b};
  double out[1];
  portable_log_ratio_n<1>(as, bs, out);
  return out[0];
}

/// Natural logarithm of a positive, finite, normal x: portable_log_ratio(x, 1).
BOLTZKIT_HD inline double portable_log(double x) { return portable_log_ratio(x, 1.0); }

}  // namespace boltzkit::kernels
