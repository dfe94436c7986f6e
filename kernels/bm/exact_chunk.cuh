#pragma once
// One chunk of the Gray-code enumeration of a dense Boltzmann machine (MATH.md §2.5, §2.7),
// shared by the CPU backend and the GPU kernel (one chunk per thread) so both return the same
// bits. The chunk starts from fields computed directly, then flips one spin per state (O(N)).
// ⟨s_k s_l⟩ costs O(N) per state too: s_k s_l is constant between flips of k or l, so the
// weight accumulated since the later of their last flips is added only when k flips (and once
// at the end of the chunk); W is the running weight total, w_k its value at k's last flip.
#include <cstdint>

#include "kernels/bm/chain_update.cuh"

namespace boltzkit::kernels {

/// log₂ of the states per chunk: at most 2^14 chunks (the GPU's per-chunk outputs stay
/// ~122 MB at N = 30), at least 2^10 states per chunk unless N is smaller.
BOLTZKIT_HD inline int bm_exact_chunk_log2(std::int64_t n) {
  const int whole = static_cast<int>(n);
  const int at_least = whole < 10 ? whole : 10;
  return whole - 14 > at_least ? whole - 14 : at_least;
}

/// A state's weight may exceed e^64 relative to the chunk's reference before a rescale.
constexpr double bm_exact_rescale_exponent = 64.0;

BOLTZKIT_HD inline int bm_ctz(std::uint64_t t) {
#if defined(__CUDA_ARCH__)
  return __ffsll(static_cast<long long>(t)) - 1;
#else
  return __builtin_ctzll(t);
#endif
}

/// Scratch and outputs of one chunk: s, f, wk (n each) scratch; mean (n), corr (n, n; only
/// k < l written) and *ref, *z outputs. Sums are relative to e^{ref}: the chunk's partition
/// function is z·e^{ref}, Σ w s_k = mean_k·e^{ref}, Σ w s_k s_l = corr_kl·e^{ref}.
struct BmExactChunk {
  std::int8_t* s;
  double* f;
  double* wk;
  double* mean;
  double* corr;
  double* ref;
  double* z;
};

/// Gray-code states t0 … t0 + count − 1 (state G(t) = t ⊕ (t ≫ 1); bit k set means s_k = +1).
BOLTZKIT_HD inline void bm_exact_chunk(const double* j, const double* h, std::int64_t n, double beta,
                                       std::uint64_t t0, std::uint64_t count, const BmExactChunk& c) {
  const std::uint64_t g0 = t0 ^ (t0 >> 1);
  for (std::int64_t k = 0; k < n; ++k) {
    c.s[k] = ((g0 >> k) & 1u) != 0 ? std::int8_t{1} : std::int8_t{-1};
    c.wk[k] = 0.0;
    c.mean[k] = 0.0;
    for (std::int64_t l = k + 1; l < n; ++l) c.corr[k * n + l] = 0.0;
  }
  for (std::int64_t i = 0; i < n; ++i) c.f[i] = bm_field(j, h, c.s, n, i);
  double e = bm_energy(j, h, c.s, n);
  double x = rn_mul(-beta, e);
  double ref = x, w_total = 0.0;
  for (std::uint64_t t = t0; t < t0 + count; ++t) {
    if (t > t0) {
      const std::int64_t k = bm_ctz(t);
      const std::int8_t sk = c.s[k];
      const double wkk = c.wk[k];
      c.mean[k] = rn_add(c.mean[k], rn_mul(static_cast<double>(sk), rn_add(w_total, -wkk)));
      for (std::int64_t l = 0; l < n; ++l) {
        if (l == k) continue;
        const double since = rn_add(w_total, -(c.wk[l] > wkk ? c.wk[l] : wkk));
        double& a = l < k ? c.corr[l * n + k] : c.corr[k * n + l];
        a = rn_add(a, rn_mul(static_cast<double>(sk * c.s[l]), since));
      }
      c.wk[k] = w_total;
      e = rn_add(e, rn_mul(2.0 * static_cast<double>(sk), c.f[k]));
      c.s[k] = static_cast<std::int8_t>(-sk);
      const double d = sk > 0 ? -2.0 : 2.0;
      for (std::int64_t i = 0; i < n; ++i) c.f[i] = rn_add(c.f[i], rn_mul(d, j[k * n + i]));
      x = rn_mul(-beta, e);
    }
    if (rn_add(x, -ref) > bm_exact_rescale_exponent) {  // every sum moves to the new reference
      const double q = portable_exp(rn_add(ref, -x));
      w_total = rn_mul(w_total, q);
      for (std::int64_t k = 0; k < n; ++k) {
        c.wk[k] = rn_mul(c.wk[k], q);
        c.mean[k] = rn_mul(c.mean[k], q);
        for (std::int64_t l = k + 1; l < n; ++l) c.corr[k * n + l] = rn_mul(c.corr[k * n + l], q);
      }
      ref = x;
    }
    w_total = rn_add(w_total, portable_exp(rn_add(x, -ref)));
  }
  for (std::int64_t k = 0; k < n; ++k) {
    c.mean[k] = rn_add(c.mean[k], rn_mul(static_cast<double>(c.s[k]), rn_add(w_total, -c.wk[k])));
    for (std::int64_t l = k + 1; l < n; ++l) {
      const double since = rn_add(w_total, -(c.wk[l] > c.wk[k] ? c.wk[l] : c.wk[k]));
      c.corr[k * n + l] = rn_add(c.corr[k * n + l], rn_mul(static_cast<double>(c.s[k] * c.s[l]), since));
    }
  }
  *c.ref = ref;
  *c.z = w_total;
}

}  // namespace boltzkit::kernels
