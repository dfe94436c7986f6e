#pragma once
// Backend entry points of boltzkit::bm (arguments validated by host/bm/api.cpp).
#include <cstdint>
#include <vector>

#include "boltzkit/bm.hpp"
#include "host/bm/tuning.hpp"
#include "kernels/bm/chain_update.cuh"

namespace boltzkit::bm::backend {

/// The kernel-side parameters of a validated model and options.
inline kernels::BmChainParams chain_params(const Model& m, std::uint64_t seed, const SweepOptions& o) {
  return {m.j, m.h, m.n, m.beta, seed,
          o.algorithm == Algorithm::metropolis ? kernels::bm_metropolis : kernels::bm_heat_bath,
          o.scan == Scan::random ? kernels::bm_random : kernels::bm_sequential, nullptr};
}

/// Whether a sweep takes the blocked field updates (MATH.md §2.8); both paths give the same bits.
/// automatic: blocked on the GPU from tuning::blocked_min_spins on; the CPU stays scalar (measured:
/// its blocked path is not faster, see tuning.hpp). The GEMMs take int sizes: 2^31 chains and
/// more stay scalar.
inline bool uses_blocked_update(const SweepOptions& o, std::int64_t n, std::int64_t chains, bool gpu) {
  if (o.scan != Scan::sequential || o.update == FieldUpdate::scalar) return false;
  if (chains >= (std::int64_t{1} << 31)) return false;
  return o.update == FieldUpdate::blocked || (gpu && n >= tuning::blocked_min_spins);
}

/// Raw sums of sample(): integers stored in doubles, so any summation order gives the same bits.
struct RawStatistics {
  std::vector<double> chain_sums;  ///< (chains, n): Σ over measured sweeps of s
  std::vector<double> group_corr;  ///< (groups, n, n): Σ s_k s_l over the group's samples; k <= l
  std::vector<double> energy;      ///< chains
  std::vector<std::int8_t> spins;  ///< (chains, n)
};

/// First chain of group g of `groups` blocks of `chains` chains.
inline std::int64_t group_begin(std::int64_t g, std::int64_t groups, std::int64_t chains) {
  return g * chains / groups;
}

/// Per-chunk results of the enumeration (kernels/bm/exact_chunk.cuh), merged by merge_chunks.
struct ExactChunks {
  std::int64_t chunks = 0;
  std::vector<double> ref, z, mean, corr;  // chunks; chunks; (chunks, n); (chunks, n, n)
};
exact::Result merge_chunks(const ExactChunks& c, std::int64_t n);

namespace cpu {
void initial_spins(std::int8_t* spins, std::int64_t chains, std::int64_t n, std::uint64_t seed);
void sweep(const Model& model, std::int8_t* spins, std::int64_t chains, std::uint64_t seed,
           std::uint64_t first_sweep, std::int64_t n_sweeps, const SweepOptions& options,
           const double* chain_beta = nullptr);
void energy(const Model& model, const std::int8_t* spins, std::int64_t chains, double* out);
RawStatistics sample(const Model& model, const SampleOptions& options, std::int64_t groups);
ExactChunks enumerate(const Model& model);
}  // namespace cpu

namespace gpu {
/// Only enqueue work on ctx.stream() (sample and enumerate synchronize to return host data).
void initial_spins(Context& ctx, std::int8_t* spins, std::int64_t chains, std::int64_t n,
                   std::uint64_t seed);
void sweep(Context& ctx, const Model& model, std::int8_t* spins, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_sweep, std::int64_t n_sweeps,
           const SweepOptions& options);
void energy(Context& ctx, const Model& model, const std::int8_t* spins, std::int64_t chains,
            double* out);
RawStatistics sample(Context& ctx, const Model& host_model, const SampleOptions& options,
                     std::int64_t groups);
ExactChunks enumerate(Context& ctx, const Model& host_model);
/// Uploads host chains, sweeps them, downloads them (synchronizes).
void advance_host_chains(Context& ctx, const Model& host_model, std::int8_t* host_spins,
                         std::int64_t chains, std::uint64_t seed, std::uint64_t first_sweep,
                         std::int64_t n_sweeps, const SweepOptions& options,
                         const double* host_chain_beta);
}  // namespace gpu

}  // namespace boltzkit::bm::backend
