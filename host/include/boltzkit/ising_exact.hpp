#pragma once
/// \file ising_exact.hpp
/// Exact results for the Ising model (docs/MATH.md §2–3), to test samplers against.
///
/// Conventions: spins s ∈ {−1,+1}^N, energy E(s) = −Σ_{k<l} J_kl s_k s_l − Σ_k h_k s_k,
/// p(s) ∝ exp(−βE(s)). Energies are in units of the coupling J (J = 1 for the lattice results),
/// β in units of 1/J; "per spin" means divided by the number of sites N. The specific heat is the
/// dimensionless c = β² (⟨E²⟩ − ⟨E⟩²) / N = (β²/N) ∂²ln Z/∂β² (k_B = 1).
///
/// Three families, all on the host, all in double precision (long double inside where a sum
/// cancels):
///  - Onsager: the infinite 2D square lattice (J = 1, h = 0).
///  - Kaufman: the finite periodic L_x × L_y square lattice (J = 1, h = 0), exact for any size.
///  - Enumeration: any couplings J, fields h for N ≤ 30 spins, by visiting all 2^N states.
/// Argument errors throw boltzkit::invalid_argument.
#include <vector>

namespace boltzkit::ising::exact {

/// Critical inverse temperature of the 2D square-lattice Ising model with J = 1:
/// β_c = ½ ln(1 + √2) (units of 1/J).
inline constexpr double critical_beta = 0.44068679350977151262;
/// Critical temperature T_c = 1/β_c = 2/ln(1 + √2) (units of J/k_B).
inline constexpr double critical_temperature = 2.26918531421302196812;

// ---------------------------------------------------------------------------------------------
// Infinite 2D square lattice (Onsager), J = 1, h = 0.
// ---------------------------------------------------------------------------------------------

/// Spontaneous magnetization per spin of the infinite 2D square lattice (Onsager–Yang):
/// M(β) = [1 − sinh⁻⁴(2β)]^{1/8} for β > β_c, and 0 for 0 ≤ β ≤ β_c.
/// Units: magnetization per spin, dimensionless, in [0, 1). Validity: β ≥ 0 (finite); throws
/// otherwise. Near β_c, M ∝ (β − β_c)^{1/8}. Complexity O(1).
double onsager_magnetization(double beta);

/// Internal energy per spin of the infinite 2D square lattice (Onsager):
/// u(β) = −coth(2β) [1 + (2/π)(2 tanh²(2β) − 1) K(k)], k = 2 sinh 2β / cosh² 2β,
/// K the complete elliptic integral of the first kind (modulus k, as std::comp_ellint_1 takes).
/// Units: J per spin. Validity: β ≥ 0 (finite; throws otherwise); continuous at β_c, where
/// u(β_c) = −√2; u → −2 as β → ∞. Implementation: K is evaluated by the arithmetic–geometric
/// mean from the complementary modulus k' = |2 tanh²(2β) − 1|, which is exact in closed form, so
/// full double accuracy is kept as k → 1 (std::comp_ellint_1(k) loses digits there because
/// 1 − k² cancels; away from β_c the two agree to rounding), and the bracket is evaluated as
/// 2 tanh² 2β + D (2K/π − 1) so that small β does not cancel; below β = 1e-6 the series
/// u = −2β − (10/3)β³ is used. Accuracy ~1e-15 relative everywhere. Complexity O(1).
double onsager_energy(double beta);

/// Specific heat per spin of the infinite 2D square lattice, c(β) = −β² du/dβ, from the exact
/// analytic derivative of onsager_energy (no finite differences):
///   du/dβ = (2/sinh² 2β)[1 + (2/π) D K] − coth 2β (2/π)[D' K + 2 coth 2β (D² K − E)],
/// with D = 2 tanh² 2β − 1, D' = 8 tanh 2β / cosh² 2β, K = K(k), E = E(k) the complete elliptic
/// integrals of the first and second kind (k as in onsager_energy). The (1 − k²) denominators
/// of dK/dk cancel analytically against D dk/dβ, and D²K − E is evaluated as
/// −4 tanh² 2β sech² 2β · K + (K − E) with K − E from the AGM series, so nothing cancels.
/// Only the D'K term is singular: c diverges logarithmically at β_c,
/// c ≈ −(8/π) β_c² ln|1 − β/β_c| + const; at β equal to β_c in double precision the result is a
/// large finite number (≈ 17.6) or +inf. Below β = 1e-6 the series c = 2β² + 10β⁴ is used.
/// Units: dimensionless (k_B = 1), per spin. Validity: β ≥ 0 (finite; c(0) = 0); throws
/// otherwise. Accuracy ~1e-14 relative away from β_c. Complexity O(1).
double onsager_specific_heat(double beta);

// ---------------------------------------------------------------------------------------------
// Finite periodic 2D square lattice (Kaufman 1949), J = 1, h = 0.
// ---------------------------------------------------------------------------------------------

/// ln Z and its first two β-derivatives, per spin, for one finite lattice at one β.
struct FiniteLattice {
  double log_z = 0;          ///< ln Z (total, not per spin).
  double energy = 0;         ///< e = ⟨E⟩/N = −(1/N) ∂ln Z/∂β, J per spin.
  double specific_heat = 0;  ///< c = (β²/N) ∂²ln Z/∂β² = β² (⟨E²⟩ − ⟨E⟩²)/N, per spin.
};

/// Exact ln Z, energy and specific heat per spin of the periodic lx × ly square lattice
/// (N = lx·ly sites, 2N bonds, J = 1, h = 0) from Kaufman's formula (docs/MATH.md §3):
///   Z = ½ (2 sinh 2β)^{N/2} [Π cosh_odd + Π sinh_odd + Π cosh_even + Π sinh_even],
/// products over q of 2cosh(lx γ_q/2) or 2sinh(lx γ_q/2), q = 1,3,…,2ly−1 (odd) or
/// q = 0,2,…,2ly−2 (even), cosh γ_q = cosh 2β coth 2β − cos(πq/ly), γ₀ = 2β + ln tanh β
/// (signed: negative for β < β_c, which makes the even sinh product negative).
/// Everything is done with logarithms (each product is kept as sign × exp(log), the largest
/// term is factored out), so there is no overflow for any size. The derivatives are analytic
/// (exact derivatives of every γ_q and of every factor, no finite differences); the vanishing
/// factor sinh(lx γ₀/2) at β_c is differentiated as a product, not through its logarithm.
/// A dimension of size 2 counts its bond twice (the wrap-around bond and the direct bond join
/// the same pair), exactly like a periodic checkerboard simulation and enumerate_square_lattice.
/// Units: as in FiniteLattice. Validity: lx, ly ≥ 2 (odd sizes included), 0 ≤ β ≤ 300
/// (β = 0 gives the limit N ln 2, 0, 0); throws otherwise. Symmetric in lx ↔ ly.
/// Accuracy: computed in long double (80-bit x87 on x86-64; where long double is plain double
/// the β-dependent errors below are ~2000× larger). e and c are ~1e-14 relative for
/// 1e-2 ≤ β ≤ 3 and L ≤ 4096 (checked against enumeration and finite differences); at high
/// temperature they are small differences of O(N/β) pieces, relative error ≈ 1e-19/β²
/// (≤ 1e-9 for β ≥ 1e-5); at low temperature c ~ 64β² e^{−8β} is returned with an absolute error
/// ≈ 1e-19·β² (and clamped at 0). Complexity O(ly) time, O(1) memory.
FiniteLattice kaufman(double beta, int lx, int ly);

/// Square L × L case of kaufman(beta, lx, ly). Complexity O(L).
inline FiniteLattice kaufman(double beta, int l) { return kaufman(beta, l, l); }

// ---------------------------------------------------------------------------------------------
// Exact enumeration, arbitrary couplings, N ≤ 30.
// ---------------------------------------------------------------------------------------------

/// Largest N accepted by enumerate (2^30 ≈ 1.07e9 states).
inline constexpr int max_enumeration_spins = 30;

/// Exact thermal averages of a general Ising model from enumeration of all 2^N states.
struct Enumeration {
  int n = 0;                         ///< Number of spins N.
  double beta = 0;                   ///< The β it was computed at.
  double log_z = 0;                  ///< ln Z, Z = Σ_s exp(−βE(s)).
  double mean_energy = 0;            ///< ⟨E⟩ (total, not per spin).
  double mean_energy_squared = 0;    ///< ⟨E²⟩.
  double energy_variance = 0;        ///< ⟨E²⟩ − ⟨E⟩², accumulated centred (no cancellation).
  double minimum_energy = 0;         ///< min_s E(s) over all states (ground-state energy).
  std::vector<double> mean_spin;     ///< ⟨s_k⟩, N entries (empty if not requested).
  std::vector<double> correlation;   ///< ⟨s_k s_l⟩, N×N row-major, diagonal 1 (empty if not
                                     ///< requested).
};

/// Exact ln Z, ⟨E⟩, ⟨E²⟩, ⟨s_k⟩ and ⟨s_k s_l⟩ for N spins with symmetric couplings `j`
/// (N×N, row-major, zero diagonal, E = −Σ_{k<l} J_kl s_k s_l − Σ h_k s_k) and fields `h`
/// (N entries; nullptr means h = 0), at inverse temperature `beta`.
/// Method: Gray-code walk over all 2^N states, one spin flip per state with an O(N) update of
/// the local fields f = J s + h (ΔE = 2 s_k f_k). Weights exp(−β(E − a)) are taken relative to
/// a running reference energy a, lowered (and the sums rescaled) whenever a state would weigh
/// more than e^64, so nothing overflows or underflows harmfully at any β; energy moments are
/// accumulated about a, so the variance does not cancel. Correlations are accumulated in blocks
/// of the 6 fastest spins (O(N) amortized work per state). Split over OpenMP threads.
/// Units: energies in the units of J and h; β their inverse. Validity: 1 ≤ n ≤ 30; j non-null
/// with finite entries, exactly symmetric, zero diagonal; h finite; β finite (any sign).
/// Throws boltzkit::invalid_argument otherwise. Accuracy: the fields and energy are recomputed
/// exactly every 1024 states, so non-integer couplings carry only ~30ε relative rounding into
/// each energy (integer couplings: exact); sums are blocked, results ~1e-14 relative (⟨s_k⟩ at
/// h = 0 is 0 to ~1e-15). Complexity O(2^N · N) time (plus O(2^N N²/1024) for the refreshes),
/// O(N²) memory per thread; about 0.6 s for N = 24 and 40 s for N = 30 on 2 cores with
/// correlations.
/// If `correlations` is false, mean_spin and correlation are left empty (a little faster).
Enumeration enumerate(int n, const double* j, const double* h, double beta,
                      bool correlations = true);

/// Per-spin exact averages of a uniform periodic lattice, from enumerate_periodic_lattice.
struct LatticeEnumeration {
  int sites = 0;                     ///< N.
  double log_z = 0;                  ///< ln Z (total).
  double energy = 0;                 ///< e = ⟨E⟩/N.
  double specific_heat = 0;          ///< c = β² N (⟨e²⟩ − ⟨e⟩²) = β² Var(E)/N.
  double abs_magnetization = 0;      ///< ⟨|m|⟩, m = (1/N) Σ s_k.
  double magnetization_squared = 0;  ///< ⟨m²⟩.
  double magnetization_fourth = 0;   ///< ⟨m⁴⟩.
};

/// Coupling matrix (N×N, row-major, N = Π dims) of the periodic hyper-cubic lattice with sizes
/// `dims` (1–3 entries used in practice; any number accepted) and uniform coupling J = `coupling`.
/// Site index: i = x₀ + d₀(x₁ + d₁(x₂ + …)) (first dimension fastest).
/// J_ij = coupling × (number of the 2·dims.size() neighbour slots of i that land on j): the
/// local field is f_i = J Σ over the neighbour slots, as a checkerboard simulation with periodic
/// wrap computes it. Hence in a dimension of size 2 the ±1 neighbours are the same site and the
/// coupling to it is 2J (the bond is counted twice); sizes ≥ 3 give J. The number of bonds is
/// always d·N. Validity: every size ≥ 2 and N ≤ 2^15 (the matrix is dense). Complexity O(N²).
std::vector<double> periodic_lattice_couplings(const std::vector<int>& dims, double coupling = 1.0);

/// Exact per-spin e, c, ⟨|m|⟩, ⟨m²⟩, ⟨m⁴⟩ (and ln Z) of the periodic lattice with sizes `dims`,
/// uniform coupling `coupling`, h = 0, by enumeration (couplings from periodic_lattice_couplings).
/// Validity: sizes ≥ 2, N = Π dims ≤ 30, β finite. Complexity O(2^N · N).
LatticeEnumeration enumerate_periodic_lattice(const std::vector<int>& dims, double beta,
                                              double coupling = 1.0);

/// 2D periodic lx × ly lattice by enumeration (see enumerate_periodic_lattice); N = lx·ly ≤ 30.
inline LatticeEnumeration enumerate_square_lattice(int lx, int ly, double beta,
                                                   double coupling = 1.0) {
  return enumerate_periodic_lattice({lx, ly}, beta, coupling);
}

/// 3D periodic lx × ly × lz lattice by enumeration (see enumerate_periodic_lattice);
/// N = lx·ly·lz ≤ 30.
inline LatticeEnumeration enumerate_cubic_lattice(int lx, int ly, int lz, double beta,
                                                  double coupling = 1.0) {
  return enumerate_periodic_lattice({lx, ly, lz}, beta, coupling);
}

}  // namespace boltzkit::ising::exact
