// Exact Ising results (boltzkit::ising::exact) against docs/MATH.md §3 reference values, against each
// other (Kaufman vs enumeration vs Onsager), against finite differences, and against a naive sum.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "boltzkit/errors.hpp"
#include "boltzkit/ising_exact.hpp"

namespace boltzkit::testing {
namespace {

namespace ex = boltzkit::ising::exact;
constexpr double bc = ex::critical_beta;
constexpr double pi = 3.14159265358979323846;

// docs/MATH.md values are printed with 12 decimals: compare to 1e-11 absolute (well below 1e-9 relative).
constexpr double ref_tol = 1e-11;

// ---------------------------------------------------------------------------------------------
// Naive reference: direct sum over all 2^N states in long double with a max-shift.
// ---------------------------------------------------------------------------------------------
struct Naive {
  double log_z, mean_e, mean_e2, var_e, emin;
  std::vector<double> s, ss;
};

Naive naive_sum(int n, const std::vector<double>& j, const std::vector<double>& h, double beta) {
  const std::uint64_t states = std::uint64_t{1} << n;
  std::vector<long double> energy(states);
  std::vector<double> sp(n);
  for (std::uint64_t st = 0; st < states; ++st) {
    for (int k = 0; k < n; ++k) sp[k] = ((st >> k) & 1u) ? 1.0 : -1.0;
    long double e = 0;
    for (int k = 0; k < n; ++k) {
      if (!h.empty()) e -= h[k] * sp[k];
      for (int l = k + 1; l < n; ++l) e -= static_cast<long double>(j[k * n + l]) * sp[k] * sp[l];
    }
    energy[st] = e;
  }
  long double ref = energy[0], emin = energy[0];
  for (long double e : energy) {
    if (-beta * e > -beta * ref) ref = e;
    if (e < emin) emin = e;
  }
  long double z = 0, m1 = 0, m2 = 0;
  std::vector<long double> s(n, 0), ss(static_cast<std::size_t>(n) * n, 0);
  for (std::uint64_t st = 0; st < states; ++st) {
    const long double w = std::exp(-static_cast<long double>(beta) * (energy[st] - ref));
    const long double d = energy[st] - ref;
    z += w;
    m1 += w * d;
    m2 += w * d * d;
    for (int k = 0; k < n; ++k) {
      const int sk = ((st >> k) & 1u) ? 1 : -1;
      s[k] += w * sk;
      for (int l = 0; l < n; ++l) ss[k * n + l] += w * sk * (((st >> l) & 1u) ? 1 : -1);
    }
  }
  Naive out;
  out.log_z = static_cast<double>(std::log(z) - beta * ref);
  const long double mean_d = m1 / z;
  out.mean_e = static_cast<double>(ref + mean_d);
  out.var_e = static_cast<double>(m2 / z - mean_d * mean_d);
  out.mean_e2 = static_cast<double>(m2 / z - mean_d * mean_d + (ref + mean_d) * (ref + mean_d));
  out.emin = static_cast<double>(emin);
  for (long double v : s) out.s.push_back(static_cast<double>(v / z));
  for (long double v : ss) out.ss.push_back(static_cast<double>(v / z));
  return out;
}

// Sherrington–Kirkpatrick couplings J_kl ~ N(0, 1/N), fields h_k ~ N(0, h_scale²).
void random_sk(int n, std::uint64_t seed, double h_scale, std::vector<double>& j,
               std::vector<double>& h) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  j.assign(static_cast<std::size_t>(n) * n, 0.0);
  h.assign(n, 0.0);
  for (int k = 0; k < n; ++k) {
    h[k] = h_scale * normal(rng);
    for (int l = k + 1; l < n; ++l) j[k * n + l] = j[l * n + k] = normal(rng) / std::sqrt(n);
  }
}

void expect_matches_naive(const ex::Enumeration& r, const Naive& nv, double tol) {
  const int n = r.n;
  EXPECT_NEAR(r.log_z, nv.log_z, tol * std::max(1.0, std::fabs(nv.log_z)));
  EXPECT_NEAR(r.mean_energy, nv.mean_e, tol * std::max(1.0, std::fabs(nv.mean_e)));
  EXPECT_NEAR(r.mean_energy_squared, nv.mean_e2, tol * std::max(1.0, std::fabs(nv.mean_e2)));
  EXPECT_NEAR(r.energy_variance, nv.var_e, tol * std::max(1.0, std::fabs(nv.var_e)));
  EXPECT_NEAR(r.minimum_energy, nv.emin, tol * std::max(1.0, std::fabs(nv.emin)));
  ASSERT_EQ(r.mean_spin.size(), static_cast<std::size_t>(n));
  ASSERT_EQ(r.correlation.size(), static_cast<std::size_t>(n) * n);
  for (int k = 0; k < n; ++k) {
    EXPECT_NEAR(r.mean_spin[k], nv.s[k], tol) << "k=" << k;
    for (int l = 0; l < n; ++l)
      EXPECT_NEAR(r.correlation[k * n + l], nv.ss[k * n + l], tol) << "k=" << k << " l=" << l;
  }
}

// Five-point central difference f'(x) (error O(h⁴)).
template <class F>
double derivative5(F f, double x, double h) {
  return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h);
}

// ---------------------------------------------------------------------------------------------
// Onsager
// ---------------------------------------------------------------------------------------------

TEST(IsingExactOnsager, CriticalPoint) {
  EXPECT_NEAR(ex::critical_beta, 0.5 * std::log(1 + std::sqrt(2.0)), 1e-16);
  EXPECT_NEAR(ex::critical_beta, 0.440686793509772, 1e-15);
  EXPECT_NEAR(ex::critical_temperature, 2.269185314213022, 1e-15);
  EXPECT_NEAR(ex::critical_temperature * ex::critical_beta, 1.0, 1e-15);
}

TEST(IsingExactOnsager, ReferenceValues) {
  EXPECT_NEAR(ex::onsager_magnetization(0.5), 0.911319377877, ref_tol);
  EXPECT_NEAR(ex::onsager_energy(0.5), -1.745564575313, ref_tol);
}

TEST(IsingExactOnsager, MagnetizationShape) {
  for (double b : {0.0, 0.1, 0.3, 0.44, bc}) EXPECT_EQ(ex::onsager_magnetization(b), 0.0) << b;
  double previous = 0;
  for (double b : {bc * (1 + 1e-9), 0.45, 0.5, 0.7, 1.0, 3.0}) {
    const double m = ex::onsager_magnetization(b);
    EXPECT_GT(m, previous) << b;
    EXPECT_LT(m, 1.0) << b;
    previous = m;
  }
  EXPECT_EQ(ex::onsager_magnetization(50.0), 1.0);
  // Critical exponent 1/8: M ≈ A (β − β_c)^{1/8}; the local slope of ln M vs ln(β − β_c).
  const double d1 = 1e-8, d2 = 1e-10;
  const double slope = std::log(ex::onsager_magnetization(bc + d1) /
                                ex::onsager_magnetization(bc + d2)) /
                       std::log(d1 / d2);
  EXPECT_NEAR(slope, 0.125, 1e-6);
}

TEST(IsingExactOnsager, EnergyMatchesStdEllipticAwayFromCriticalPoint) {
  for (double b : {0.05, 0.2, 0.35, 0.42, 0.46, 0.5, 0.8, 1.5}) {
    const double s = std::sinh(2 * b), c = std::cosh(2 * b), t = std::tanh(2 * b);
    const double k = 2 * s / (c * c);
    const double u = -c / s * (1 + (2 / pi) * (2 * t * t - 1) * std::comp_ellint_1(k));
    EXPECT_NEAR(ex::onsager_energy(b), u, 1e-13 * std::fabs(u)) << b;
  }
}

TEST(IsingExactOnsager, EnergyLimits) {
  EXPECT_EQ(ex::onsager_energy(0.0), 0.0);
  EXPECT_NEAR(ex::onsager_energy(bc), -std::sqrt(2.0), 1e-14);
  EXPECT_NEAR(ex::onsager_energy(40.0), -2.0, 1e-15);
  // High-temperature series u = −2β − (10/3)β³ + O(β⁵), on both sides of the switch at 1e-6.
  for (double b : {1e-8, 1e-6, 1e-5, 1e-4}) {
    const double series = -2 * b - (10.0 / 3.0) * b * b * b;
    EXPECT_NEAR(ex::onsager_energy(b), series, 1e-14 * std::fabs(series)) << b;
  }
  // Monotone increasing in T (decreasing in β).
  double previous = 0;
  for (double b = 0.05; b < 2; b += 0.05) {
    const double u = ex::onsager_energy(b);
    EXPECT_LT(u, previous) << b;
    previous = u;
  }
}

TEST(IsingExactOnsager, SpecificHeatIsMinusBetaSquaredDuDBeta) {
  for (double b : {0.05, 0.2, 0.3, 0.4, 0.43, 0.45, 0.48, 0.6, 1.0, 2.0}) {
    const double h = 1e-4 * std::min(1.0, std::fabs(b - bc) * 10);
    const double fd =
        -b * b * derivative5([](double x) { return ex::onsager_energy(x); }, b, h);
    const double c = ex::onsager_specific_heat(b);
    EXPECT_NEAR(c, fd, 1e-8 * c + 1e-10) << b;  // the FD of u has ~1e-11 rounding
  }
}

TEST(IsingExactOnsager, SpecificHeatLimitsAndLogDivergence) {
  EXPECT_EQ(ex::onsager_specific_heat(0.0), 0.0);
  for (double b : {1e-8, 1e-6, 1e-5, 1e-4}) {
    const double series = 2 * b * b + 10 * b * b * b * b;
    EXPECT_NEAR(ex::onsager_specific_heat(b), series, 1e-13 * series) << b;
  }
  // Low temperature: c ≈ 64 β² e^{−8β}, returned with a tiny absolute error.
  EXPECT_NEAR(ex::onsager_specific_heat(4.0), 64 * 16 * std::exp(-32.0), 1e-3 * 64 * 16 * std::exp(-32.0));
  EXPECT_LT(ex::onsager_specific_heat(10.0), 1e-25);
  // c + (8/π) β_c² ln|1 − β/β_c| tends to a constant (the same on both sides at leading order).
  auto regular = [](double delta) {
    const double b = bc * (1 + delta);
    return ex::onsager_specific_heat(b) +
           (8 / pi) * bc * bc * std::log(std::fabs(delta));
  };
  EXPECT_NEAR(regular(1e-7), regular(1e-10), 1e-5);
  EXPECT_NEAR(regular(-1e-7), regular(-1e-10), 1e-5);
  EXPECT_NEAR(regular(1e-10), regular(-1e-10), 1e-5);
  EXPECT_GT(ex::onsager_specific_heat(bc), 15.0);
}

TEST(IsingExactOnsager, RejectsBadBeta) {
  EXPECT_THROW(ex::onsager_energy(-0.1), boltzkit::invalid_argument);
  EXPECT_THROW(ex::onsager_specific_heat(std::nan("")), boltzkit::invalid_argument);
  EXPECT_THROW(ex::onsager_magnetization(std::numeric_limits<double>::infinity()),
               boltzkit::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Kaufman (finite periodic lattice)
// ---------------------------------------------------------------------------------------------

TEST(IsingExactKaufman, ReferenceValues) {
  const ex::FiniteLattice l4 = ex::kaufman(bc, 4);
  EXPECT_NEAR(l4.energy, -1.565623787638, ref_tol);
  EXPECT_NEAR(l4.specific_heat, 0.783266825929, ref_tol);
  const ex::FiniteLattice l32 = ex::kaufman(bc, 32);
  EXPECT_NEAR(l32.energy, -1.433658466146, ref_tol);
  EXPECT_NEAR(l32.specific_heat, 1.846767590040, ref_tol);
}

TEST(IsingExactKaufman, AgreesWithEnumeration) {
  const std::vector<std::pair<int, int>> sizes = {{2, 2}, {4, 4}, {2, 4}, {4, 2},
                                                  {3, 3}, {3, 5}, {2, 3}, {4, 5}};
  for (auto [lx, ly] : sizes)
    for (double b : {0.05, 0.3, 0.42, bc, 0.46, 0.6, 1.2}) {
      const ex::FiniteLattice k = ex::kaufman(b, lx, ly);
      const ex::LatticeEnumeration e = ex::enumerate_square_lattice(lx, ly, b);
      const std::string where = std::to_string(lx) + "x" + std::to_string(ly) +
                                " beta=" + std::to_string(b);
      EXPECT_NEAR(k.log_z, e.log_z, 1e-13 * e.log_z) << where;
      EXPECT_NEAR(k.energy, e.energy, 1e-12) << where;
      EXPECT_NEAR(k.specific_heat, e.specific_heat, 1e-12) << where;
    }
}

TEST(IsingExactKaufman, RectanglesAreSymmetric) {
  for (auto [lx, ly] : std::vector<std::pair<int, int>>{{2, 7}, {5, 12}, {16, 64}, {3, 100}})
    for (double b : {0.2, bc, 0.7}) {
      const ex::FiniteLattice a = ex::kaufman(b, lx, ly), c = ex::kaufman(b, ly, lx);
      EXPECT_NEAR(a.log_z, c.log_z, 1e-13 * a.log_z);
      EXPECT_NEAR(a.energy, c.energy, 1e-12);
      EXPECT_NEAR(a.specific_heat, c.specific_heat, 1e-11);
    }
}

TEST(IsingExactKaufman, DerivativesMatchFiniteDifferences) {
  // e = −(1/N) d ln Z/dβ and c = −β² de/dβ, including exactly at β_c (where one Kaufman factor
  // vanishes) and on both sides of it.
  for (int l : {6, 16, 64})
    for (double b : {0.25, bc - 1e-3, bc, bc + 1e-3, 0.55}) {
      const double n = static_cast<double>(l) * l;
      const double h = 1e-4;
      const ex::FiniteLattice k = ex::kaufman(b, l);
      const double e_fd =
          -derivative5([l](double x) { return ex::kaufman(x, l).log_z; }, b, h) / n;
      const double c_fd =
          -b * b * derivative5([l](double x) { return ex::kaufman(x, l).energy; }, b, h / 10);
      EXPECT_NEAR(k.energy, e_fd, 1e-8) << "L=" << l << " beta=" << b;
      EXPECT_NEAR(k.specific_heat, c_fd, 1e-7 * k.specific_heat) << "L=" << l << " beta=" << b;
    }
}

TEST(IsingExactKaufman, LargeLatticeApproachesOnsager) {
  for (double b : {0.3, 0.6}) {
    const ex::FiniteLattice k = ex::kaufman(b, 256);
    EXPECT_NEAR(k.energy, ex::onsager_energy(b), 1e-4) << b;
    // Away from β_c the finite-size corrections are exponentially small in L.
    EXPECT_NEAR(k.energy, ex::onsager_energy(b), 1e-12) << b;
    EXPECT_NEAR(k.specific_heat, ex::onsager_specific_heat(b), 1e-10) << b;
  }
  // At β_c the energy converges like 1/L and c grows like (8/π) β_c² ln L.
  const double c1024 = ex::kaufman(bc, 1024).specific_heat;
  const double c4096 = ex::kaufman(bc, 4096).specific_heat;
  EXPECT_NEAR(c4096 - c1024, (8 / pi) * bc * bc * std::log(4.0), 1e-3);
  EXPECT_NEAR(ex::kaufman(bc, 4096).energy, -std::sqrt(2.0), 1e-3);
}

TEST(IsingExactKaufman, Limits) {
  const ex::FiniteLattice zero = ex::kaufman(0.0, 5, 7);
  EXPECT_NEAR(zero.log_z, 35 * std::log(2.0), 1e-13);
  EXPECT_EQ(zero.energy, 0.0);
  EXPECT_EQ(zero.specific_heat, 0.0);
  // High temperature (L ≥ 5, where windings enter at O(t^L)): e = −2β − (10/3)β³ + O(β⁵),
  // c = 2β² + 10β⁴ + O(β⁶).
  for (double b : {1e-5, 1e-4, 1e-3}) {
    const ex::FiniteLattice k = ex::kaufman(b, 8);
    EXPECT_NEAR(k.energy, -2 * b - 10.0 / 3 * b * b * b, 1e-9 * b) << b;
    EXPECT_NEAR(k.specific_heat, 2 * b * b + 10 * b * b * b * b, 1e-9 * b * b) << b;
  }
  // Low temperature: two ground states of energy −2N.
  for (int l : {2, 5, 64}) {
    const ex::FiniteLattice k = ex::kaufman(30.0, l);
    const double n = static_cast<double>(l) * l;
    EXPECT_NEAR(k.log_z, 2 * n * 30.0 + std::log(2.0), 1e-15 * k.log_z);
    EXPECT_NEAR(k.energy, -2.0, 1e-15);
    EXPECT_GE(k.specific_heat, 0.0);
    EXPECT_LT(k.specific_heat, 1e-12);
  }
  const ex::FiniteLattice big = ex::kaufman(300.0, 10);
  EXPECT_TRUE(std::isfinite(big.log_z));
  EXPECT_NEAR(big.energy, -2.0, 1e-15);
}

TEST(IsingExactKaufman, RejectsBadArguments) {
  EXPECT_THROW(ex::kaufman(0.3, 1, 4), boltzkit::invalid_argument);
  EXPECT_THROW(ex::kaufman(0.3, 4, 0), boltzkit::invalid_argument);
  EXPECT_THROW(ex::kaufman(-0.3, 4), boltzkit::invalid_argument);
  EXPECT_THROW(ex::kaufman(301.0, 4), boltzkit::invalid_argument);
  EXPECT_THROW(ex::kaufman(std::nan(""), 4), boltzkit::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Enumeration
// ---------------------------------------------------------------------------------------------

TEST(IsingExactEnumeration, SherringtonKirkpatrickMatchesNaiveSum) {
  const int n = 10;
  std::vector<double> j, h;
  random_sk(n, 2024, 0.5, j, h);
  for (double b : {0.0, 0.3, 1.0, 3.0, -0.7}) {
    SCOPED_TRACE(b);
    const ex::Enumeration r = ex::enumerate(n, j.data(), h.data(), b);
    expect_matches_naive(r, naive_sum(n, j, h, b), 1e-12);
  }
}

TEST(IsingExactEnumeration, ManyChunksMatchNaiveSum) {
  // n > 16 takes the multi-chunk (OpenMP) path with per-chunk references merged at the end.
  const int n = 18;
  std::vector<double> j, h;
  random_sk(n, 7, 0.3, j, h);
  const ex::Enumeration r = ex::enumerate(n, j.data(), h.data(), 1.3);
  expect_matches_naive(r, naive_sum(n, j, h, 1.3), 1e-11);
}

TEST(IsingExactEnumeration, LargeBetaDoesNotOverflow) {
  const int n = 12;
  std::vector<double> j, h;
  random_sk(n, 99, 0.2, j, h);
  for (double b : {50.0, 500.0, 5000.0}) {
    SCOPED_TRACE(b);
    const ex::Enumeration r = ex::enumerate(n, j.data(), h.data(), b);
    const Naive nv = naive_sum(n, j, h, b);
    ASSERT_TRUE(std::isfinite(r.log_z));
    EXPECT_NEAR(r.log_z, nv.log_z, 1e-12 * std::fabs(nv.log_z));
    EXPECT_NEAR(r.mean_energy, nv.mean_e, 1e-12);
    EXPECT_NEAR(r.energy_variance, nv.var_e, 1e-12);
    EXPECT_GE(r.energy_variance, 0.0);
    for (int k = 0; k < n; ++k) EXPECT_NEAR(r.mean_spin[k], nv.s[k], 1e-12);
  }
}

TEST(IsingExactEnumeration, ZeroFieldSymmetry) {
  const int n = 13;
  std::vector<double> j, h;
  random_sk(n, 5, 0.0, j, h);
  for (double b : {0.2, 1.0, 4.0}) {
    const ex::Enumeration r = ex::enumerate(n, j.data(), nullptr, b);
    const ex::Enumeration r0 = ex::enumerate(n, j.data(), h.data(), b);  // h = 0 explicitly
    EXPECT_DOUBLE_EQ(r.log_z, r0.log_z);
    for (int k = 0; k < n; ++k) {
      EXPECT_NEAR(r.mean_spin[k], 0.0, 1e-14) << k;
      EXPECT_DOUBLE_EQ(r.correlation[k * n + k], 1.0);
      for (int l = 0; l < n; ++l) {
        EXPECT_EQ(r.correlation[k * n + l], r.correlation[l * n + k]);
        EXPECT_LE(std::fabs(r.correlation[k * n + l]), 1.0 + 1e-14);
      }
    }
  }
}

TEST(IsingExactEnumeration, FieldReversalSymmetry) {
  const int n = 11;
  std::vector<double> j, h;
  random_sk(n, 17, 0.7, j, h);
  std::vector<double> minus_h(h);
  for (double& v : minus_h) v = -v;
  const ex::Enumeration a = ex::enumerate(n, j.data(), h.data(), 0.9);
  const ex::Enumeration b = ex::enumerate(n, j.data(), minus_h.data(), 0.9);
  EXPECT_NEAR(a.log_z, b.log_z, 1e-13 * std::fabs(a.log_z));
  EXPECT_NEAR(a.mean_energy, b.mean_energy, 1e-13);
  for (int k = 0; k < n; ++k) {
    EXPECT_NEAR(a.mean_spin[k], -b.mean_spin[k], 1e-13);
    for (int l = 0; l < n; ++l)
      EXPECT_NEAR(a.correlation[k * n + l], b.correlation[k * n + l], 1e-13);
  }
}

TEST(IsingExactEnumeration, CorrelationsOptional) {
  const int n = 9;
  std::vector<double> j, h;
  random_sk(n, 3, 0.4, j, h);
  const ex::Enumeration with = ex::enumerate(n, j.data(), h.data(), 0.8, true);
  const ex::Enumeration without = ex::enumerate(n, j.data(), h.data(), 0.8, false);
  EXPECT_TRUE(without.mean_spin.empty());
  EXPECT_TRUE(without.correlation.empty());
  EXPECT_DOUBLE_EQ(with.log_z, without.log_z);
  EXPECT_DOUBLE_EQ(with.mean_energy, without.mean_energy);
  EXPECT_DOUBLE_EQ(with.energy_variance, without.energy_variance);
}

TEST(IsingExactEnumeration, TinySystems) {
  // One spin in a field: Z = 2 cosh βh, ⟨s⟩ = tanh βh.
  const double j1 = 0.0, h1 = 0.7, b = 1.3;
  const ex::Enumeration one = ex::enumerate(1, &j1, &h1, b);
  EXPECT_NEAR(one.log_z, std::log(2 * std::cosh(b * h1)), 1e-15);
  EXPECT_NEAR(one.mean_spin[0], std::tanh(b * h1), 1e-15);
  EXPECT_NEAR(one.mean_energy, -h1 * std::tanh(b * h1), 1e-15);
  // Two coupled spins: ⟨s₀s₁⟩ = tanh βJ.
  const double j2[4] = {0, 0.9, 0.9, 0};
  const ex::Enumeration two = ex::enumerate(2, j2, nullptr, b);
  EXPECT_NEAR(two.correlation[1], std::tanh(b * 0.9), 1e-15);
  EXPECT_NEAR(two.log_z, std::log(4 * std::cosh(b * 0.9)), 1e-15);
}

TEST(IsingExactEnumeration, RejectsBadArguments) {
  std::vector<double> j(9, 0.0);
  EXPECT_THROW(ex::enumerate(0, j.data(), nullptr, 1.0), boltzkit::invalid_argument);
  EXPECT_THROW(ex::enumerate(31, j.data(), nullptr, 1.0), boltzkit::invalid_argument);
  EXPECT_THROW(ex::enumerate(3, nullptr, nullptr, 1.0), boltzkit::invalid_argument);
  EXPECT_THROW(ex::enumerate(3, j.data(), nullptr, std::nan("")), boltzkit::invalid_argument);
  j[1] = 1.0;  // J_01 ≠ J_10
  EXPECT_THROW(ex::enumerate(3, j.data(), nullptr, 1.0), boltzkit::invalid_argument);
  j[3] = 1.0;
  j[4] = 0.5;  // nonzero diagonal
  EXPECT_THROW(ex::enumerate(3, j.data(), nullptr, 1.0), boltzkit::invalid_argument);
  const std::vector<double> h = {0, std::numeric_limits<double>::infinity(), 0};
  j[4] = 0;
  EXPECT_THROW(ex::enumerate(3, j.data(), h.data(), 1.0), boltzkit::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Periodic lattices by enumeration
// ---------------------------------------------------------------------------------------------

TEST(IsingExactLattice, ReferenceValues4x4) {
  const ex::LatticeEnumeration r = ex::enumerate_square_lattice(4, 4, bc);
  EXPECT_EQ(r.sites, 16);
  EXPECT_NEAR(r.energy, -1.565623787638, ref_tol);
  EXPECT_NEAR(r.specific_heat, 0.783266825929, ref_tol);
  EXPECT_NEAR(r.abs_magnetization, 0.843860444813, ref_tol);
  EXPECT_NEAR(r.magnetization_squared, 0.761358908569, ref_tol);
  EXPECT_GT(r.magnetization_fourth, r.magnetization_squared * r.magnetization_squared);
  EXPECT_LT(r.magnetization_fourth, r.magnetization_squared);
}

TEST(IsingExactLattice, CouplingMatrix) {
  // 3×3: four distinct neighbours, coupling J each.
  const std::vector<double> j3 = ex::periodic_lattice_couplings({3, 3}, 0.5);
  for (int i = 0; i < 9; ++i) {
    int count = 0;
    double sum = 0;
    for (int k = 0; k < 9; ++k) {
      EXPECT_EQ(j3[i * 9 + k], j3[k * 9 + i]);
      if (j3[i * 9 + k] != 0) ++count;
      sum += j3[i * 9 + k];
    }
    EXPECT_EQ(count, 4);
    EXPECT_DOUBLE_EQ(sum, 2.0);
    EXPECT_EQ(j3[i * 9 + i], 0.0);
  }
  // 2×3: the size-2 dimension's two neighbour slots hit the same site → coupling 2J.
  const std::vector<double> j23 = ex::periodic_lattice_couplings({2, 3}, 1.0);
  EXPECT_EQ(j23[0 * 6 + 1], 2.0);  // (0,0)–(1,0) along the size-2 dimension
  EXPECT_EQ(j23[0 * 6 + 2], 1.0);  // (0,0)–(0,1)
  EXPECT_EQ(j23[0 * 6 + 4], 1.0);  // (0,0)–(0,2) by wrap
  EXPECT_EQ(j23[0 * 6 + 3], 0.0);
  // Every site's local field sums 2d neighbour slots: row sums are 2d·J.
  const std::vector<double> j222 = ex::periodic_lattice_couplings({2, 2, 2}, 1.0);
  for (int i = 0; i < 8; ++i) {
    double sum = 0;
    for (int k = 0; k < 8; ++k) sum += j222[i * 8 + k];
    EXPECT_DOUBLE_EQ(sum, 6.0);
  }
  EXPECT_THROW(ex::periodic_lattice_couplings({1, 4}), boltzkit::invalid_argument);
  EXPECT_THROW(ex::periodic_lattice_couplings({}), boltzkit::invalid_argument);
}

TEST(IsingExactLattice, CubicMatchesGeneralEnumeration) {
  for (auto dims : std::vector<std::vector<int>>{{2, 2, 2}, {2, 2, 3}, {3, 2, 2}})
    for (double b : {0.1, 0.22165, 0.5}) {
      const ex::LatticeEnumeration r = ex::enumerate_cubic_lattice(dims[0], dims[1], dims[2], b);
      const std::vector<double> j = ex::periodic_lattice_couplings(dims, 1.0);
      const int n = r.sites;
      const Naive nv = naive_sum(n, j, {}, b);
      EXPECT_NEAR(r.log_z, nv.log_z, 1e-13 * nv.log_z);
      EXPECT_NEAR(r.energy, nv.mean_e / n, 1e-13);
      EXPECT_NEAR(r.specific_heat, b * b * nv.var_e / n, 1e-12);
      // ⟨m²⟩ = (1/N²) Σ_kl ⟨s_k s_l⟩.
      double m2 = 0;
      for (double v : nv.ss) m2 += v;
      EXPECT_NEAR(r.magnetization_squared, m2 / (n * n), 1e-13);
      // Ground state: 3N bonds (size-2 dimensions count their bond twice).
      EXPECT_NEAR(nv.emin, -3.0 * n, 1e-12);
    }
}

TEST(IsingExactLattice, LowAndHighTemperature) {
  const ex::LatticeEnumeration cold = ex::enumerate_square_lattice(4, 4, 50.0);
  EXPECT_NEAR(cold.energy, -2.0, 1e-15);
  EXPECT_NEAR(cold.abs_magnetization, 1.0, 1e-15);
  EXPECT_NEAR(cold.magnetization_fourth, 1.0, 1e-15);
  EXPECT_NEAR(cold.log_z, 2 * 16 * 50.0 + std::log(2.0), 1e-12);
  EXPECT_LT(cold.specific_heat, 1e-12);
  const ex::LatticeEnumeration hot = ex::enumerate_square_lattice(4, 4, 0.0);
  EXPECT_NEAR(hot.log_z, 16 * std::log(2.0), 1e-13);
  EXPECT_EQ(hot.energy, 0.0);
  EXPECT_NEAR(hot.magnetization_squared, 1.0 / 16, 1e-15);        // ⟨m²⟩ = 1/N
  EXPECT_NEAR(hot.magnetization_fourth, (3.0 * 16 * 16 - 2 * 16) / (16.0 * 16 * 16 * 16), 1e-15);
  // Scaled coupling: J = 2 at β equals J = 1 at 2β.
  const ex::LatticeEnumeration j2 = ex::enumerate_square_lattice(3, 3, 0.2, 2.0);
  const ex::LatticeEnumeration b2 = ex::enumerate_square_lattice(3, 3, 0.4, 1.0);
  EXPECT_NEAR(j2.log_z, b2.log_z, 1e-13);
  EXPECT_NEAR(j2.energy, 2 * b2.energy, 1e-13);
  EXPECT_NEAR(j2.specific_heat, b2.specific_heat, 1e-13);
  EXPECT_NEAR(j2.abs_magnetization, b2.abs_magnetization, 1e-13);
  EXPECT_THROW(ex::enumerate_cubic_lattice(4, 4, 2, 0.3), boltzkit::invalid_argument);  // N = 32
}

}  // namespace
}  // namespace boltzkit::testing
