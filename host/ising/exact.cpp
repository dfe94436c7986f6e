// Exact Ising results: Onsager (infinite 2D), Kaufman (finite periodic 2D), enumeration (N ≤ 30).
#include "boltzkit/ising_exact.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "boltzkit/errors.hpp"

namespace boltzkit::ising::exact {
namespace {

constexpr double pi = 3.14159265358979323846;

void require(bool ok, const std::string& what) {
  if (!ok) throw boltzkit::invalid_argument("boltzkit::ising::exact: " + what);
}

void require_beta(double beta, double max_beta) {
  require(std::isfinite(beta) && beta >= 0 && beta <= max_beta,
          "beta must be finite and in [0, " + std::to_string(max_beta) + "], got " +
              std::to_string(beta));
}

// Complete elliptic integrals from the modulus k and the complementary modulus kc = √(1 − k²),
// both supplied exactly by the caller (no 1 − k² cancellation near k = 1), by the
// arithmetic–geometric mean. Returns
//   k_first   = K(k) = π / (2 AGM(1, kc)),
//   k_minus_1 = 2K/π − 1   (accurate as k → 0: the AGM is run on δ = 1 − a, 1 − b),
//   k_minus_e = K − E = K Σ_{n≥0} 2^{n−1} c_n²   (no cancellation as k → 0).
struct Elliptic {
  double k_first;
  double k_minus_1;
  double k_minus_e;
};

Elliptic elliptic_from_complement(double k, double kc) {
  const double inf = std::numeric_limits<double>::infinity();
  if (kc <= 0) return {inf, inf, inf};
  // a_n = 1 − da, b_n = 1 − db; a_{n+1} = (a+b)/2, b_{n+1} = √(ab), c_{n+1} = (a − b)/2.
  long double da = 0.0L;
  long double db = static_cast<long double>(k) * k / (1.0L + kc);  // 1 − kc, exactly
  long double c = k;
  long double sum = 0.5L * c * c;  // Σ 2^{n−1} c_n², n = 0 term
  long double power = 0.5L;
  for (int it = 0; it < 64; ++it) {
    const long double a = 1 - da, b = 1 - db;
    c = 0.5L * (db - da);  // (a − b)/2
    const long double one_minus_ab = da + db - da * db;
    const long double nda = 0.5L * (da + db);
    const long double ndb = one_minus_ab / (1 + std::sqrt(a * b));
    power *= 2;
    sum += power * c * c;
    da = nda;
    db = ndb;
    if (std::fabs(db - da) <= 1e-19L * std::max(da, db)) break;  // relative to δ itself
  }
  const long double agm = 1 - da;
  const long double kk = static_cast<long double>(pi) / (2 * agm);
  return {static_cast<double>(kk), static_cast<double>(da / agm), static_cast<double>(kk * sum)};
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// Onsager
// ----------------------------------------------------------------------------------------------

double onsager_magnetization(double beta) {
  require_beta(beta, std::numeric_limits<double>::max());
  if (beta <= critical_beta) return 0.0;
  const double s = std::sinh(2 * beta);
  const double one_minus = -std::expm1(-4 * std::log(s));  // 1 − sinh⁻⁴(2β)
  if (one_minus <= 0) return 0.0;
  return std::pow(one_minus, 0.125);
}

namespace {

// Below this β the Onsager functions use their high-temperature series
// u = −2β − (10/3)β³ + O(β⁵), c = 2β² + 10β⁴ + O(β⁶) (relative truncation error < 1e-22).
constexpr double onsager_series_beta = 1e-6;

// Shared pieces of u and du/dβ: t = tanh 2β, D = 2t² − 1, k = 2 sinh 2β / cosh² 2β
// = 2t sech 2β, and 1 − k² = D² exactly, so the complementary modulus is |D|.
struct OnsagerPieces {
  double t, coth2, sech2, d, one_plus_d, k;
  Elliptic ell;
};

OnsagerPieces onsager_pieces(double beta) {
  OnsagerPieces p{};
  p.t = std::tanh(2 * beta);
  p.coth2 = 1 / p.t;
  p.sech2 = 1 / std::cosh(2 * beta);
  p.one_plus_d = 2 * p.t * p.t;
  p.d = p.one_plus_d - 1;
  p.k = std::min(1.0, 2 * p.t * p.sech2);
  p.ell = elliptic_from_complement(p.k, std::fabs(p.d));
  return p;
}

// 1 + (2/π) D K = (1 + D) + D (2K/π − 1), free of cancellation at small β; 0·∞ at β_c is 0.
double onsager_bracket(const OnsagerPieces& p) {
  if (p.d == 0) return 1.0;
  return p.one_plus_d + p.d * p.ell.k_minus_1;
}

}  // namespace

double onsager_energy(double beta) {
  require_beta(beta, std::numeric_limits<double>::max());
  if (beta < onsager_series_beta) return -2 * beta - (10.0 / 3.0) * beta * beta * beta;
  const OnsagerPieces p = onsager_pieces(beta);
  return -p.coth2 * onsager_bracket(p);
}

double onsager_specific_heat(double beta) {
  require_beta(beta, std::numeric_limits<double>::max());
  if (beta < onsager_series_beta) {
    const double b2 = beta * beta;
    return 2 * b2 + 10 * b2 * b2;
  }
  const OnsagerPieces p = onsager_pieces(beta);
  const double kk = p.ell.k_first;
  if (!std::isfinite(kk)) return std::numeric_limits<double>::infinity();
  // du/dβ = (2/sinh² 2β)[1 + (2/π)DK] − coth 2β (2/π)[D'K + 2 coth 2β (D²K − E)],
  // D²K − E = (D² − 1)K + (K − E) = −4t² sech² 2β · K + (K − E).
  const double s = std::sinh(2 * beta);
  const double dprime = 8 * p.t * p.sech2 * p.sech2;
  const double d2k_minus_e = -4 * p.t * p.t * p.sech2 * p.sech2 * kk + p.ell.k_minus_e;
  const double du = (2 / s) * (onsager_bracket(p) / s) -
                    p.coth2 * (2 / pi) * (dprime * kk + 2 * p.coth2 * d2k_minus_e);
  return std::max(0.0, -beta * beta * du);
}

// ----------------------------------------------------------------------------------------------
// Kaufman
// ----------------------------------------------------------------------------------------------

namespace {

// Kaufman's formula is evaluated in long double (x87 extended precision where available): the
// energy and specific heat are small differences of O(N/β) pieces at high temperature.
using real = long double;
const real pi_l = 3.141592653589793238462643383279502884L;

// γ and its first two β-derivatives.
struct Gamma {
  real g, d1, d2;
};

// One of the four products: log|regular part| (+ the scale of the special factor) with its sign,
// d ln|R|/dβ and d² ln|R|/dβ² of the regular factors, and an optional special factor (the q = 0
// sinh factor, which vanishes at β_c) carried as S, S', S'' divided by e^{scale}.
struct Term {
  real log_abs = 0;
  int sign = 1;
  real g = 0;
  real h = 0;
  real sigma0 = 1, sigma1 = 0, sigma2 = 0;
};

// log(2 cosh y) and its β-derivatives, y = (m/2) γ.
void add_cosh_factor(Term& t, real half_m, const Gamma& gm) {
  const real y = half_m * gm.g;
  const real ay = std::fabs(y);
  const real e = std::exp(-2 * ay);
  const real th = std::tanh(y);
  const real sech2 = 4 * e / ((1 + e) * (1 + e));
  t.log_abs += ay + std::log1p(e);
  t.g += half_m * gm.d1 * th;
  t.h += half_m * gm.d2 * th + half_m * half_m * gm.d1 * gm.d1 * sech2;
}

// log|2 sinh y| and its β-derivatives; y must be nonzero.
void add_sinh_factor(Term& t, real half_m, const Gamma& gm) {
  const real y = half_m * gm.g;
  const real ay = std::fabs(y);
  const real em = std::expm1(-2 * ay);  // e^{−2|y|} − 1 ∈ (−1, 0)
  const real e = em + 1;
  const real coth = 1 / std::tanh(y);
  const real csch2 = 4 * e / (em * em);
  t.log_abs += ay + std::log(-em);
  if (y < 0) t.sign = -t.sign;
  t.g += half_m * gm.d1 * coth;
  t.h += half_m * gm.d2 * coth - half_m * half_m * gm.d1 * gm.d1 * csch2;
}

// The q = 0 sinh factor S = 2 sinh(m γ₀/2), scaled by e^{|y|}; finite through γ₀ = 0:
// S/e^{|y|} = sgn(1 − e^{−2|y|}), S'/e^{|y|} = m γ₀' (1 + e^{−2|y|})/2,
// S''/e^{|y|} = m γ₀'' (1 + e^{−2|y|})/2 + (m²/2) γ₀'² sgn(1 − e^{−2|y|})/2.
void set_special_sinh(Term& t, real m, const Gamma& gm) {
  const real y = m * gm.g / 2;
  const real ay = std::fabs(y);
  const real e = std::exp(-2 * ay);
  const real sgn = y < 0 ? -1 : 1;
  const real one_minus = -std::expm1(-2 * ay);
  t.log_abs += ay;
  t.sigma0 = sgn * one_minus;
  t.sigma1 = m * gm.d1 * (1 + e) / 2;
  t.sigma2 = m * gm.d2 * (1 + e) / 2 + m * m * gm.d1 * gm.d1 * sgn * one_minus / 4;
}

}  // namespace

FiniteLattice kaufman(double beta, int lx, int ly) {
  require(lx >= 2 && ly >= 2, "kaufman: lattice sizes must be >= 2, got " + std::to_string(lx) +
                                  "x" + std::to_string(ly));
  require_beta(beta, 300.0);
  const real n_sites = static_cast<real>(lx) * static_cast<real>(ly);
  FiniteLattice out;
  if (beta == 0) {
    out.log_z = static_cast<double>(n_sites * std::log(2.0L));
    return out;
  }
  const real b = beta;
  const real m = lx;  // the transfer direction multiplies γ
  const int n = ly;   // q runs over 0 … 2n−1
  const real half_m = m / 2;

  const real s = std::sinh(2 * b);
  const real ch = std::cosh(2 * b);
  const real coth = ch / s;
  // c(β) = cosh 2β coth 2β = s + 1/s; c − 2 = (s − 1)²/s; c' and c'' analytic.
  const real cm2 = (s - 1) * (1 - 1 / s);
  const real c1 = 2 * ch * (1 - 1 / (s * s));
  const real c2 = 4 * s - 4 / s + 8 * coth * coth / s;

  auto gamma_of = [&](int q) {
    Gamma gm{};
    if (q == 0) {
      // γ₀ = 2β + ln tanh β, signed; |γ₀| = acosh(1 + (s−1)²/s); γ₀' = 2 + 2/s,
      // γ₀'' = −4 coth 2β / s.
      const real x = cm2;
      const real sh = std::sqrt(x) * std::sqrt(x + 2);
      gm.g = (s < 1 ? -1 : 1) * std::log1p(x + sh);
      gm.d1 = 2 + 2 / s;
      gm.d2 = -4 * coth / s;
      return gm;
    }
    // cosh γ − 1 = (c − 2) + 2 sin²(πq/2n) > 0; γ' = c'/sinh γ, γ'' = (c'' − cosh γ γ'²)/sinh γ.
    const real sn = std::sin(pi_l * q / (2 * n));
    const real x = cm2 + 2 * sn * sn;
    const real sh = std::sqrt(x) * std::sqrt(x + 2);
    gm.g = std::log1p(x + sh);
    gm.d1 = c1 / sh;
    gm.d2 = (c2 - (1 + x) * gm.d1 * gm.d1) / sh;
    return gm;
  };

  // Terms: 0 = Π cosh odd, 1 = Π sinh odd, 2 = Π cosh even, 3 = Π sinh even.
  Term terms[4];
  for (int q = 0; q < 2 * n; ++q) {
    const Gamma gm = gamma_of(q);
    if (q % 2 == 1) {
      add_cosh_factor(terms[0], half_m, gm);
      add_sinh_factor(terms[1], half_m, gm);
    } else {
      add_cosh_factor(terms[2], half_m, gm);
      if (q == 0)
        set_special_sinh(terms[3], m, gm);
      else
        add_sinh_factor(terms[3], half_m, gm);
    }
  }

  // Factor out the largest term; centre the derivatives on the dominant term's slope g*:
  // with Ẑ = e^{−g*β} Z, d ln Z = g* + Ẑ'/Ẑ and d² ln Z = Ẑ''/Ẑ − (Ẑ'/Ẑ)² (small cancellation).
  int dom = 0;
  for (int i = 1; i < 4; ++i)
    if (terms[i].log_abs > terms[dom].log_abs) dom = i;
  const real lmax = terms[dom].log_abs;
  const real gstar = terms[dom].g;
  real s0 = 0, s1 = 0, s2 = 0;
  for (const Term& t : terms) {
    const real w = t.sign * std::exp(t.log_abs - lmax);
    const real gh = t.g - gstar;
    s0 += w * t.sigma0;
    s1 += w * (t.sigma1 + t.sigma0 * gh);
    s2 += w * (t.sigma2 + 2 * t.sigma1 * gh + t.sigma0 * (t.h + gh * gh));
  }
  require(s0 > 0, "kaufman: internal error, non-positive partition sum");
  const real r1 = s1 / s0;
  // Prefactor ½ (2 sinh 2β)^{N/2}: ln = −ln 2 + (N/2) ln(2s), d = N coth 2β, d² = −2N/s².
  const real log_z = -std::log(2.0L) + n_sites / 2 * std::log(2 * s) + lmax + std::log(s0);
  const real dlog = n_sites * coth + gstar + r1;
  const real d2log = -2 * n_sites / s / s + s2 / s0 - r1 * r1;
  out.log_z = static_cast<double>(log_z);
  out.energy = static_cast<double>(-dlog / n_sites);
  out.specific_heat = std::max(0.0, static_cast<double>(b * b * d2log / n_sites));
  return out;
}

// ----------------------------------------------------------------------------------------------
// Enumeration
// ----------------------------------------------------------------------------------------------

namespace {

/// Weight sums (w = Σ e^{−β(E−ref)}, e1 = Σ (E−ref)·…, e2 = Σ (E−ref)²·…) re-expressed about a
/// new reference `to`: the shift both accumulators of the enumeration need.
void shift_energy_moments(double& w, double& e1, double& e2, double delta, double r) {
  const double n1 = e1 + delta * w;
  const double n2 = e2 + 2 * delta * e1 + delta * delta * w;
  w *= r;
  e1 = r * n1;
  e2 = r * n2;
}

constexpr double rescale_threshold = 64.0;  // largest log-weight relative to the reference
constexpr int block_bits_max = 6;           // fastest spins accumulated per block
constexpr int refresh_bits = 10;             // exact recomputation of fields every 2^10 states

// Sums Σ w, Σ w(E−a), Σ w(E−a)², Σ w s, Σ w s sᵀ, Σ w |M|^p, weights w = exp(−β(E − a)).
struct Accumulator {
  bool empty = true;
  double ref = 0;  // a
  double m0 = 0, m1 = 0, m2 = 0;
  double abs_mag = 0, mag2 = 0, mag4 = 0;
  double emin = std::numeric_limits<double>::infinity();
  std::vector<double> s;   // N
  std::vector<double> ss;  // N×N, upper triangle k < l used

  // Re-express the sums relative to the reference `to` (factor r = exp(−β(a − to))).
  void move_ref(double to, double beta) {
    const double r = std::exp(-beta * (ref - to));
    shift_energy_moments(m0, m1, m2, ref - to, r);  // E − to = (E − ref) + (ref − to)
    abs_mag *= r;
    mag2 *= r;
    mag4 *= r;
    for (double& v : s) v *= r;
    for (double& v : ss) v *= r;
    ref = to;
  }

  void merge(Accumulator& other, double beta) {
    if (other.empty) return;
    if (empty) {
      *this = std::move(other);
      return;
    }
    // Keep the reference with the larger −βa so that both factors are ≤ 1.
    if (-beta * other.ref > -beta * ref)
      move_ref(other.ref, beta);
    else
      other.move_ref(ref, beta);
    m0 += other.m0;
    m1 += other.m1;
    m2 += other.m2;
    abs_mag += other.abs_mag;
    mag2 += other.mag2;
    mag4 += other.mag4;
    emin = std::min(emin, other.emin);
    for (std::size_t i = 0; i < s.size(); ++i) s[i] += other.s[i];
    for (std::size_t i = 0; i < ss.size(); ++i) ss[i] += other.ss[i];
  }
};

struct Problem {
  int n;
  const double* j;
  const double* h;  // may be null
  double beta;
  bool correlations;
  bool magnetization;
};

// Walks Gray-code indices t ∈ [t0, t0 + 2^chunk_bits) (t0 a multiple of 2^chunk_bits).
Accumulator walk_chunk(const Problem& p, std::uint64_t t0, int chunk_bits) {
  const int n = p.n;
  const int b = std::min(n, block_bits_max);
  const double beta = p.beta;
  Accumulator acc;
  acc.empty = false;
  if (p.correlations) {
    acc.s.assign(n, 0.0);
    acc.ss.assign(static_cast<std::size_t>(n) * n, 0.0);
  }
  std::vector<double> spin(n), field(n);
  const std::uint64_t g0 = t0 ^ (t0 >> 1);
  int mag = 0;
  for (int k = 0; k < n; ++k) {
    spin[k] = ((g0 >> k) & 1u) ? 1.0 : -1.0;
    mag += ((g0 >> k) & 1u) ? 1 : -1;
  }
  double energy = 0;
  // Exact local fields and energy of the current state, O(N²). Done at the chunk start and every
  // 2^refresh_bits states so that incremental rounding cannot accumulate (O(N²/1024) per state).
  auto recompute = [&]() {
    energy = 0;
    for (int k = 0; k < n; ++k) {
      const double hk = p.h ? p.h[k] : 0.0;
      double f = hk;
      const double* row = p.j + static_cast<std::size_t>(k) * n;
      for (int l = 0; l < n; ++l) f += row[l] * spin[l];
      field[k] = f;
      energy -= 0.5 * spin[k] * (f + hk);
    }
  };
  recompute();
  acc.ref = energy;

  // Block partial sums (same reference as acc).
  double bw = 0, b1 = 0, b2 = 0, bam = 0, bm2 = 0, bm4 = 0;
  double bs[block_bits_max] = {};
  double bss[block_bits_max][block_bits_max] = {};

  auto rescale_block = [&](double to) {
    const double r = std::exp(-beta * (acc.ref - to));
    shift_energy_moments(bw, b1, b2, acc.ref - to, r);
    bam *= r;
    bm2 *= r;
    bm4 *= r;
    for (int k = 0; k < b; ++k) {
      bs[k] *= r;
      for (int l = 0; l < b; ++l) bss[k][l] *= r;
    }
  };

  const std::uint64_t block_size = std::uint64_t{1} << b;
  const std::uint64_t refresh_mask = (std::uint64_t{1} << refresh_bits) - 1;
  const std::uint64_t nblocks = std::uint64_t{1} << (chunk_bits - b);
  for (std::uint64_t blk = 0; blk < nblocks; ++blk) {
    const std::uint64_t tb = t0 + blk * block_size;
    if (blk > 0) {
      // Transition into this block flips a high spin.
      const int jf = __builtin_ctzll(tb);
      const double snew = -spin[jf];
      energy += 2 * spin[jf] * field[jf];
      spin[jf] = snew;
      mag += snew > 0 ? 2 : -2;
      if ((tb & refresh_mask) == 0) {
        recompute();
      } else {
        const double* row = p.j + static_cast<std::size_t>(jf) * n;
        const double d = 2 * snew;
        for (int l = 0; l < n; ++l) field[l] += row[l] * d;
      }
    }
    for (std::uint64_t i = 0; i < block_size; ++i) {
      if (i > 0) {
        const int jf = __builtin_ctzll(i);
        const double snew = -spin[jf];
        energy += 2 * spin[jf] * field[jf];
        spin[jf] = snew;
        mag += snew > 0 ? 2 : -2;
        const double* row = p.j + static_cast<std::size_t>(jf) * n;
        const double d = 2 * snew;
        for (int l = 0; l < n; ++l) field[l] += row[l] * d;
      }
      acc.emin = std::min(acc.emin, energy);
      double x = -beta * (energy - acc.ref);
      if (x > rescale_threshold) {
        rescale_block(energy);
        acc.move_ref(energy, beta);
        x = 0;
      }
      const double w = std::exp(x);
      const double de = energy - acc.ref;
      bw += w;
      b1 += w * de;
      b2 += w * de * de;
      if (p.magnetization) {
        const double am = std::fabs(static_cast<double>(mag));
        const double m2 = am * am;
        bam += w * am;
        bm2 += w * m2;
        bm4 += w * m2 * m2;
      }
      if (p.correlations) {
        double ws[block_bits_max];
        for (int k = 0; k < b; ++k) {
          ws[k] = w * spin[k];
          bs[k] += ws[k];
        }
        for (int k = 0; k < b; ++k)
          for (int l = k + 1; l < b; ++l) bss[k][l] += ws[k] * spin[l];
      }
    }
    // Flush the block.
    acc.m0 += bw;
    acc.m1 += b1;
    acc.m2 += b2;
    acc.abs_mag += bam;
    acc.mag2 += bm2;
    acc.mag4 += bm4;
    if (p.correlations) {
      for (int k = 0; k < b; ++k) acc.s[k] += bs[k];
      for (int k = b; k < n; ++k) acc.s[k] += bw * spin[k];
      for (int k = 0; k < n; ++k) {
        double* row = acc.ss.data() + static_cast<std::size_t>(k) * n;
        if (k < b) {
          for (int l = k + 1; l < b; ++l) row[l] += bss[k][l];
          for (int l = std::max(b, k + 1); l < n; ++l) row[l] += bs[k] * spin[l];
        } else {
          const double wk = bw * spin[k];
          for (int l = k + 1; l < n; ++l) row[l] += wk * spin[l];
        }
      }
      for (int k = 0; k < b; ++k) {
        bs[k] = 0;
        for (int l = 0; l < b; ++l) bss[k][l] = 0;
      }
    }
    bw = b1 = b2 = bam = bm2 = bm4 = 0;
  }
  return acc;
}

Accumulator walk_all(const Problem& p) {
  const int n = p.n;
  const int b = std::min(n, block_bits_max);
  const int chunk_bits = n <= 16 ? n : std::max(b, std::min(22, n - 8));
  const std::int64_t nchunks = std::int64_t{1} << (n - chunk_bits);
  Accumulator total;
#pragma omp parallel
  {
    Accumulator local;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t c = 0; c < nchunks; ++c) {
      Accumulator part = walk_chunk(p, static_cast<std::uint64_t>(c) << chunk_bits, chunk_bits);
      local.merge(part, p.beta);
    }
#pragma omp critical(boltzkit_ising_exact_merge)
    total.merge(local, p.beta);
  }
  return total;
}

void validate_couplings(int n, const double* j, const double* h, double beta) {
  require(n >= 1 && n <= max_enumeration_spins,
          "enumerate: n must be in [1, 30], got " + std::to_string(n));
  require(j != nullptr, "enumerate: j must not be null");
  require(std::isfinite(beta), "enumerate: beta must be finite");
  for (int k = 0; k < n; ++k) {
    require(j[static_cast<std::size_t>(k) * n + k] == 0,
            "enumerate: j must have a zero diagonal (entry " + std::to_string(k) + ")");
    if (h) require(std::isfinite(h[k]), "enumerate: h must be finite");
    for (int l = 0; l < n; ++l) {
      const double a = j[static_cast<std::size_t>(k) * n + l];
      require(std::isfinite(a), "enumerate: j must be finite");
      require(a == j[static_cast<std::size_t>(l) * n + k],
              "enumerate: j must be exactly symmetric (entries " + std::to_string(k) + "," +
                  std::to_string(l) + ")");
    }
  }
}

}  // namespace

Enumeration enumerate(int n, const double* j, const double* h, double beta, bool correlations) {
  validate_couplings(n, j, h, beta);
  const Problem p{n, j, h, beta, correlations, false};
  const Accumulator acc = walk_all(p);
  Enumeration out;
  out.n = n;
  out.beta = beta;
  out.log_z = std::log(acc.m0) - beta * acc.ref;
  const double mean_shift = acc.m1 / acc.m0;
  out.energy_variance = std::max(0.0, acc.m2 / acc.m0 - mean_shift * mean_shift);
  out.mean_energy = acc.ref + mean_shift;
  out.mean_energy_squared = out.energy_variance + out.mean_energy * out.mean_energy;
  out.minimum_energy = acc.emin;
  if (correlations) {
    out.mean_spin.resize(n);
    out.correlation.assign(static_cast<std::size_t>(n) * n, 1.0);
    for (int k = 0; k < n; ++k) out.mean_spin[k] = acc.s[k] / acc.m0;
    for (int k = 0; k < n; ++k)
      for (int l = k + 1; l < n; ++l) {
        const double v = acc.ss[static_cast<std::size_t>(k) * n + l] / acc.m0;
        out.correlation[static_cast<std::size_t>(k) * n + l] = v;
        out.correlation[static_cast<std::size_t>(l) * n + k] = v;
      }
  }
  return out;
}

std::vector<double> periodic_lattice_couplings(const std::vector<int>& dims, double coupling) {
  require(!dims.empty(), "periodic lattice: dims must not be empty");
  require(std::isfinite(coupling), "periodic lattice: coupling must be finite");
  std::int64_t n = 1;
  for (int d : dims) {
    require(d >= 2, "periodic lattice: every size must be >= 2, got " + std::to_string(d));
    n *= d;
    require(n <= (std::int64_t{1} << 15), "periodic lattice: too many sites for a dense matrix");
  }
  std::vector<double> jm(static_cast<std::size_t>(n * n), 0.0);
  std::vector<int> x(dims.size());
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t rest = i;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      x[d] = static_cast<int>(rest % dims[d]);
      rest /= dims[d];
    }
    for (std::size_t d = 0; d < dims.size(); ++d) {
      for (int step : {-1, 1}) {
        std::int64_t nb = 0, stride = 1;
        for (std::size_t e = 0; e < dims.size(); ++e) {
          int xe = x[e];
          if (e == d) xe = (xe + step + dims[e]) % dims[e];
          nb += stride * xe;
          stride *= dims[e];
        }
        jm[static_cast<std::size_t>(i * n + nb)] += coupling;
      }
    }
  }
  return jm;
}

LatticeEnumeration enumerate_periodic_lattice(const std::vector<int>& dims, double beta,
                                              double coupling) {
  std::int64_t n = 1;
  for (int d : dims) {
    require(d >= 2, "periodic lattice: every size must be >= 2, got " + std::to_string(d));
    n *= d;
    require(n <= max_enumeration_spins, "periodic lattice: at most 30 sites can be enumerated");
  }
  require(std::isfinite(beta), "periodic lattice: beta must be finite");
  const std::vector<double> jm = periodic_lattice_couplings(dims, coupling);
  const int ni = static_cast<int>(n);
  validate_couplings(ni, jm.data(), nullptr, beta);
  const Problem p{ni, jm.data(), nullptr, beta, false, true};
  const Accumulator acc = walk_all(p);
  LatticeEnumeration out;
  const double nd = static_cast<double>(n);
  out.sites = ni;
  out.log_z = std::log(acc.m0) - beta * acc.ref;
  const double mean_shift = acc.m1 / acc.m0;
  const double var = std::max(0.0, acc.m2 / acc.m0 - mean_shift * mean_shift);
  out.energy = (acc.ref + mean_shift) / nd;
  out.specific_heat = beta * beta * var / nd;
  out.abs_magnetization = acc.abs_mag / acc.m0 / nd;
  out.magnetization_squared = acc.mag2 / acc.m0 / (nd * nd);
  out.magnetization_fourth = acc.mag4 / acc.m0 / (nd * nd * nd * nd);
  return out;
}

}  // namespace boltzkit::ising::exact
