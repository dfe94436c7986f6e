#pragma once
// One chain of a dense Boltzmann machine (MATH.md §2.2, §2.7), shared by the CPU backend and the
// GPU kernel so that a seed gives the same chain on both: the same Philox words, the same
// decisions (thresholds by portable_log, rn_*: correctly rounded only), and the same sequence of
// additions into every local field. The field update after a flip is split over `stride`
// workers (the lanes of a warp on the GPU, one worker on the CPU); each field is touched by one
// worker in flip order, so the split does not change any bit.
#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/philox.cuh"
#include "kernels/common/portable_exp.cuh"
#include "kernels/common/portable_log.cuh"

namespace boltzkit::kernels {

/// c₃ word of every bm Philox counter (DESIGN.md §5).
enum BmStream : std::uint32_t {
  bm_sweep_stream = 0,     // (update group, chain, sweep, 0)
  bm_initial_stream = 1,   // (spin group, chain, 0, 1)
  bm_exchange_stream = 2,  // (pair, exchange round, 0, 2)
};

enum BmAlgorithm : int { bm_heat_bath = 0, bm_metropolis = 1 };
enum BmScan : int { bm_sequential = 0, bm_random = 1 };

struct BmChainParams {
  const double* j;  // (n, n) row-major, symmetric, zero diagonal
  const double* h;  // n
  std::int64_t n;
  double beta;
  std::uint64_t seed;
  int algorithm;  // BmAlgorithm
  int scan;       // BmScan
  const double* chain_beta;  // per-chain β (replica exchange), or null: every chain at `beta`
};

/// Updates drawn per Philox call: 4 words, one per update (sequential) or two (site, accept).
BOLTZKIT_HD inline int bm_updates_per_draw(int scan) { return scan == bm_random ? 2 : 4; }

/// Random ±1 start of spin i of chain c: top bit of one word of (i/4, c, 0, initial stream).
BOLTZKIT_HD inline std::int8_t bm_initial_spin(std::uint64_t seed, std::int64_t c, std::int64_t i) {
  const PhiloxWords w = philox(seed, static_cast<std::uint32_t>(i / 4), static_cast<std::uint32_t>(c),
                               0u, bm_initial_stream);
  return (w.w[i % 4] >> 31) != 0 ? std::int8_t{1} : std::int8_t{-1};
}

/// f_i = Σ_l J_il s_l + h_i, summed l = 0 … n−1 and h last (the order both backends use).
BOLTZKIT_HD inline double bm_field(const double* j, const double* h, const std::int8_t* s,
                                   std::int64_t n, std::int64_t i) {
  double acc = 0.0;
  for (std::int64_t l = 0; l < n; ++l)
    acc = rn_add(acc, rn_mul(j[i * n + l], static_cast<double>(s[l])));
  return rn_add(acc, h[i]);
}

/// 1/(2β), the factor of every threshold of a chain at inverse temperature β (+inf at β = 0).
BOLTZKIT_HD inline double bm_threshold_scale(double beta) { return rn_div(0.5, beta); }

/// The field threshold of one uniform 32-bit word (MATH.md §2.7 "Decisions by thresholds"), with
/// x = (word + ½)/2³² in (0, 1) and scale = bm_threshold_scale(β):
/// heat bath t = logit(x)/(2β) = log(x/(1 − x))·scale (the new spin is +1 iff f > t);
/// Metropolis t = log(x)/(2β) = log(x)·scale < 0 (a flip iff −s·f > t).
/// It does not depend on the field, so a kernel computes the thresholds of a whole block of
/// sites in parallel before the (serial) decisions. Every operation is correctly rounded.
/// bm_thresholds: N words at once in lockstep (the same bits as N calls of bm_threshold).
template <int N>
BOLTZKIT_HD inline void bm_thresholds(const std::uint32_t* words, double scale, int algorithm,
                                      double (&t)[N]) {
  double a[N], b[N];
  for (int l = 0; l < N; ++l) {
    a[l] = rn_add(static_cast<double>(words[l]), 0.5);  // exact
    // log(x/(1 − x)) = log(a/(2³² − a)) and log(x) = log(a/2³²); 2³² − a is exact
    b[l] = algorithm == bm_heat_bath ? rn_add(4294967296.0, -a[l]) : 4294967296.0;
  }
  portable_log_ratio_n<N>(a, b, t);
  for (int l = 0; l < N; ++l) t[l] = rn_mul(t[l], scale);
}

BOLTZKIT_HD inline double bm_threshold(std::uint32_t word, double scale, int algorithm) {
  double t[1];
  bm_thresholds<1>(&word, scale, algorithm, t);
  return t[0];
}

/// True iff spin s (±1) with local field f flips at threshold t = bm_threshold(...): heat bath
/// sets the spin to +1 iff f > t (a flip iff that differs from s); Metropolis flips iff −s·f > t,
/// i.e. ΔE = 2sf < −log(x)/β (always when ΔE <= 0, since t < 0). Ties (f = t) go to −1 / no flip.
BOLTZKIT_HD inline bool bm_flips_at(double f, std::int8_t s, double t, int algorithm) {
  if (algorithm == bm_heat_bath) return (f > t) != (s > 0);
  return (s > 0 ? -f : f) > t;
}

/// Site of a random-scan update: ⌊word · n / 2³²⌋ (exact integer arithmetic).
BOLTZKIT_HD inline std::int64_t bm_random_site(std::uint32_t word, std::int64_t n) {
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(word) * static_cast<std::uint64_t>(n)) >> 32);
}

/// No-op barrier for one worker (the CPU backend).
struct BmNoSync {
  BOLTZKIT_HD void operator()() const {}
};

/// n_sweeps sweeps of chain `chain` whose spins are s (n) and whose fields f (n) this function
/// builds first. Worker `lane` of `stride` builds and updates fields i ≡ lane (mod stride);
/// worker 0 writes the spins; sync() is a barrier of all workers (all take the same branches:
/// every decision reads only values all of them see).
template <class Sync>
BOLTZKIT_HD void bm_chain_sweeps(const BmChainParams& p, std::int8_t* s, double* f,
                                 std::uint32_t chain, std::uint32_t first_sweep,
                                 std::int64_t n_sweeps, int lane, int stride, Sync sync) {
  const std::int64_t n = p.n;
  const double scale = bm_threshold_scale(p.chain_beta != nullptr ? p.chain_beta[chain] : p.beta);
  for (std::int64_t i = lane; i < n; i += stride) f[i] = bm_field(p.j, p.h, s, n, i);
  sync();
  const int per = bm_updates_per_draw(p.scan);
  for (std::int64_t t = 0; t < n_sweeps; ++t) {
    const auto sweep = static_cast<std::uint32_t>(first_sweep + static_cast<std::uint32_t>(t));
    PhiloxWords w{};
    for (std::int64_t u = 0; u < n; ++u) {
      const int q = static_cast<int>(u % per);
      if (q == 0) w = philox(p.seed, static_cast<std::uint32_t>(u / per), chain, sweep, bm_sweep_stream);
      const std::int64_t k = p.scan == bm_random ? bm_random_site(w.w[2 * q], n) : u;
      const std::uint32_t word = p.scan == bm_random ? w.w[2 * q + 1] : w.w[q];
      const std::int8_t old = s[k];
      if (!bm_flips_at(f[k], old, bm_threshold(word, scale, p.algorithm), p.algorithm)) continue;
      sync();  // every worker has read s[k] and f[k]
      const double d = old > 0 ? -2.0 : 2.0;  // s_new − s_old; J symmetric: row k is column k
      const double* jk = p.j + k * n;
      for (std::int64_t i = lane; i < n; i += stride) f[i] = rn_add(f[i], rn_mul(d, jk[i]));
      if (lane == 0) s[k] = static_cast<std::int8_t>(-old);
      sync();
    }
  }
}

/// Replica exchange (MATH.md §2.6): swap the configurations at β_a and β_b, energies e_a and
/// e_b, iff x = (β_a − β_b)(e_a − e_b) >= 0 or word < e^{x}·2³².
BOLTZKIT_HD inline bool bm_swap_accepted(double beta_a, double beta_b, double e_a, double e_b,
                                         std::uint32_t word) {
  const double x = rn_mul(rn_add(beta_a, -beta_b), rn_add(e_a, -e_b));
  if (!(x < 0.0)) return true;
  return static_cast<double>(word) < rn_mul(portable_exp(x), 4294967296.0);
}

/// E(s) = −½ Σ_k s_k (f_k − h_k) − Σ_k h_k s_k = −Σ_k s_k (½ Σ_l J_kl s_l + h_k), summed in order.
BOLTZKIT_HD inline double bm_energy(const double* j, const double* h, const std::int8_t* s,
                                    std::int64_t n) {
  double e = 0.0;
  for (std::int64_t k = 0; k < n; ++k) {
    double c = 0.0;
    for (std::int64_t l = 0; l < n; ++l) c = rn_add(c, rn_mul(j[k * n + l], static_cast<double>(s[l])));
    e = rn_add(e, rn_mul(static_cast<double>(s[k]), rn_add(rn_mul(0.5, c), h[k])));
  }
  return -e;
}

}  // namespace boltzkit::kernels
