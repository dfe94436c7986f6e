#pragma once
/// \file bm.hpp
/// Dense Boltzmann machines (MATH.md §2.1–2.3, §2.5, §2.7): C independent chains of an Ising
/// model with arbitrary symmetric couplings, sample statistics, exact enumeration, learning.
///
/// Model: s ∈ {−1,+1}^N, E(s) = −Σ_{k<l} J_kl s_k s_l − Σ_k h_k s_k, p(s) ∝ e^{−βE(s)};
/// J (N, N) row-major float64, the full symmetric matrix with a zero diagonal; h (N).
///
/// Bit-identical chains (MATH.md §2.7, §2.8, DESIGN.md §5): every decision is made by the same
/// host-device function (kernels/bm/chain_update.cuh) from the same Philox4x32-10 word, and the
/// chains use J and h rounded once to a fixed-point grid 2^-q (q from N and the largest row sum
/// Σ_l |J_kl| + |h_k|; at most 2^-(q+1) per entry, ~1e-14 relative for SK couplings), on which
/// every local field f_k = Σ_l J_kl s_l + h_k is an exact float64 whatever the summation order,
/// so the CPU and the GPU, scalar and blocked updates, produce the same chains. Energies,
/// enumeration and learning use J and h as given.
#include <cstdint>
#include <vector>

#include "boltzkit/context.hpp"

namespace boltzkit::bm {

/// Parameters of one model. Pointers in the Context's memory space for sweep() and energy();
/// host memory for everything else.
struct Model {
  const double* j = nullptr;  ///< (n, n) row-major, symmetric, zero diagonal
  const double* h = nullptr;  ///< n fields
  std::int64_t n = 0;
  double beta = 1.0;  ///< inverse temperature, finite and >= 0
};

enum class Algorithm { heat_bath, metropolis };
enum class Scan { sequential, random };

/// How the local fields follow the flips (MATH.md §2.8). Both give the same chains bit for bit.
/// scalar: every accepted flip adds ∓2 J_k to the N fields at once. blocked (sequential scan
/// only): the sites are decided in blocks with an exact in-block correction, then the fields get
/// J[:, block]·ΔS: on the GPU up to N = 2048 inside one kernel per call that keeps a tile of
/// chains' fields in shared memory, above that (and on the CPU) as one GEMM over all chains per
/// block of 64 sites (cuBLAS DGEMM / OpenBLAS). automatic: blocked for the sequential scan on the
/// GPU from N = 64 on, scalar otherwise (and on the CPU).
enum class FieldUpdate { automatic, scalar, blocked };

struct SweepOptions {
  Algorithm algorithm = Algorithm::heat_bath;
  Scan scan = Scan::sequential;
  FieldUpdate update = FieldUpdate::automatic;
};

/// Largest N accepted by the chains (fields of one chain stay in a GPU block's shared memory).
inline constexpr std::int64_t max_spins = 16384;

/// Checks a model held in host memory: n in [1, max_spins], finite β >= 0, J finite, exactly
/// symmetric with a zero diagonal, h finite, and the largest row sum Σ_l |J_kl| + |h_k| below
/// 2^1020 (the chains' grid, MATH.md §2.8). Throws invalid_argument naming the first fault.
void validate(const Model& host_model);

/// Random ±1 starting states, spins (chains, n) int8 in the Context's memory space; counter
/// (spin group, chain, 0, initial stream) (DESIGN.md §5). Asynchronous on the GPU.
void initial_spins(Context& ctx, std::int8_t* spins, std::int64_t chains, std::int64_t n,
                   std::uint64_t seed);

/// n_sweeps sweeps of every chain; spins (chains, n) int8 ±1 read and overwritten. A sweep is N
/// single-spin updates: sites 0 … N−1 in order (sequential) or N sites drawn uniformly
/// (random); each update is a heat-bath draw or a Metropolis flip (MATH.md §2.2) with the
/// quantized J and h (MATH.md §2.8). The local fields are built once per call (O(N²) per chain)
/// and updated after each accepted flip (scalar, O(N)) or per block of 64 sites by a GEMM over
/// all chains (blocked, options.update); the fields are exact, so the chains do not depend on
/// the update or on how the sweeps are split into calls. Randomness: Philox4x32-10 keyed by seed, counter (update group, chain, sweep, 0)
/// with sweep = first_sweep + t (DESIGN.md §5). Throws invalid_argument before any launch for
/// bad sizes, null pointers, β not finite or negative, chains > 2^32, sweep indices ≥ 2^32,
/// FieldUpdate::blocked with the random scan; on a CPU context also for J/h values (validate)
/// and spins not ±1 (a GPU context's device values are not inspected: there the grid is chosen
/// on the device). Asynchronous on the GPU. Work: O(chains · N · (N + accepted · N)).
void sweep(Context& ctx, const Model& model, std::int8_t* spins, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
           const SweepOptions& options = {});

/// E(s) of each of `chains` rows of spins, in the Context's memory space. Same checks as sweep().
void energy(Context& ctx, const Model& model, const std::int8_t* spins, std::int64_t chains,
            double* out);

struct SampleOptions {
  std::int64_t chains = 1024;
  std::int64_t sweeps = 100;   ///< measured sweeps (one sample per chain after each)
  std::int64_t burn_in = 100;  ///< sweeps before the first measurement
  std::uint64_t seed = 0;
  SweepOptions sweep;
};

/// Sample statistics over chains and measured sweeps. Host memory.
struct Statistics {
  std::int64_t n = 0, chains = 0, sweeps = 0;
  std::vector<double> mean;         ///< ⟨s_k⟩, n
  std::vector<double> stderr_mean;  ///< standard error of ⟨s_k⟩ from the spread of the chains'
                                    ///< time averages (chains are independent); NaN if chains < 2
  std::vector<double> corr;         ///< ⟨s_k s_l⟩, (n, n), unit diagonal
  std::vector<double> stderr_corr;  ///< batch means over `groups` blocks of chains; empty when
                                    ///< groups < 2 (one chain) or n > max_corr_error_spins
  std::int64_t groups = 0;
  std::vector<double> energy;       ///< E of every chain's final state, chains
  std::vector<std::int8_t> spins;   ///< final states, (chains, n)
};

/// Largest n for which sample() also estimates the correlations' standard errors.
inline constexpr std::int64_t max_corr_error_spins = 512;
/// Chain blocks of the correlation error estimate (fewer when there are fewer chains).
inline constexpr std::int64_t corr_error_groups = 16;

/// Starts `chains` chains from initial_spins(seed), runs burn_in sweeps, then `sweeps` sweeps
/// with one measurement after each; the correlation matrix is summed by SYRK on the GPU. Model
/// in host memory (uploaded on a GPU context). Both backends give the same bits. Throws
/// invalid_argument (validate, chains >= 1, sweeps >= 1, burn_in >= 0, sweep indices < 2^32).
Statistics sample(Context& ctx, const Model& host_model, const SampleOptions& options);

struct ExchangeOptions {
  std::vector<double> betas;        ///< the ladder, strictly increasing, finite, >= 0
  std::int64_t rounds = 1000;       ///< exchange rounds
  std::int64_t sweeps_per_round = 1;
  std::uint64_t seed = 0;
  SweepOptions sweep;
};

struct ExchangeResult {
  std::vector<std::int64_t> attempts, accepted;  ///< per neighbouring pair (k, k+1), R − 1
  std::vector<double> acceptance;                ///< accepted / attempts (NaN if none)
  std::vector<std::int8_t> spins;  ///< final configurations ordered by β, (R, n)
  std::vector<double> energy;      ///< their energies, R
};

/// Replica exchange (parallel tempering) over a β ladder (MATH.md §2.6): one chain per β, each
/// round `sweeps_per_round` sweeps of every replica (at its current β), then swap attempts of
/// the pairs (k, k+1) with k ≡ round (mod 2), accepted with min(1, e^{(β_k − β_{k+1})(E_k −
/// E_{k+1})}) from the word of Philox counter (k, round, 0, exchange stream); a swap exchanges
/// the temperatures of two replicas, not their spins. Model in host memory (its β is unused);
/// the sweeps run on the Context's backend, the same bits on both. Throws invalid_argument
/// (validate, fewer than 2 β, ladder not increasing, rounds < 0, sweep indices >= 2^32).
ExchangeResult replica_exchange(Context& ctx, const Model& host_model, const ExchangeOptions& options);

/// Exact results by enumeration (MATH.md §2.5). Host memory.
namespace exact {

struct Result {
  double log_z = 0;
  std::vector<double> mean;  ///< ⟨s_k⟩
  std::vector<double> corr;  ///< ⟨s_k s_l⟩ (n, n), unit diagonal
};

/// Largest N on each backend (2^N states).
inline constexpr std::int64_t max_spins_cpu = 26;
inline constexpr std::int64_t max_spins_gpu = 32;

/// log Z, ⟨s⟩, ⟨ss⟩ over all 2^N states in Gray-code order, O(N) per state (correlations are
/// accumulated lazily per run of constant s_k s_l), in chunks merged by log-sum-exp. The GPU
/// walks one chunk per thread from directly computed chunk-start fields and returns the same
/// bits as the CPU. Throws invalid_argument (validate, n <= max_spins_cpu/gpu).
Result enumerate(Context& ctx, const Model& host_model);

}  // namespace exact

struct LearnOptions {
  std::int64_t epochs = 100;
  double learning_rate = 0.1;
  bool exact = false;          ///< model moments by enumeration (n <= exact::max_spins_cpu)
  std::int64_t chains = 256;   ///< persistent chains (PCD) when not exact
  std::int64_t sweeps_per_epoch = 1;
  std::uint64_t seed = 0;
  double beta = 1.0;
  SweepOptions sweep;
};

struct EpochRecord {
  std::int64_t epoch;  ///< 1-based, after the update
  double nll;          ///< log Z − β(Σ_{k<l} J_kl C_kl + Σ h_k m_k) = KL + H(data); NaN unless exact
  double pseudo_log_likelihood;  ///< (1/M) Σ_rows Σ_k log σ(2β s_k f_k); NaN without data rows
  double gradient_norm;          ///< ‖(g_J upper triangle, g_h)‖₂ of the step taken
};

/// Ascent on the average log-likelihood from data moments (MATH.md §2.3):
/// J_kl ← J_kl + η β(C_kl,data − C_kl,model), h_k ← h_k + η β(m_k,data − m_k,model), J kept
/// symmetric with a zero diagonal. mean (n), corr (n, n) data moments; j (n, n), h (n) host
/// memory, read as the start and overwritten. Throws invalid_argument before any work.
std::vector<EpochRecord> learn_moments(Context& ctx, const double* mean, const double* corr,
                                       std::int64_t n, double* j, double* h,
                                       const LearnOptions& options);

/// As learn_moments, with the moments of `data` (m, n) int8 ±1 (host), and the
/// pseudo-log-likelihood of the data in the trace. Entries not ±1: invalid_argument.
std::vector<EpochRecord> learn(Context& ctx, const std::int8_t* data, std::int64_t m,
                               std::int64_t n, double* j, double* h, const LearnOptions& options);

}  // namespace boltzkit::bm
