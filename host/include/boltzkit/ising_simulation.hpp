#pragma once
/// \file ising_simulation.hpp
/// A complete lattice Monte Carlo run: initialization, burn-in, measured sweeps, optional
/// replica exchange over a β ladder, statistics with error bars, and checkpoint/restore.
/// The state of a run is (spins, sweep counter, temperature assignment, measured series): a run
/// resumed from a checkpoint is bit-identical to an uninterrupted one.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "boltzkit/context.hpp"
#include "boltzkit/ising.hpp"
#include "boltzkit/mc_statistics.hpp"

namespace boltzkit::ising {

enum class CouplingKind { uniform, plus_minus, gaussian };

struct SimulationConfig {
  Lattice lattice;
  double J = 1.0, h = 0.0;
  CouplingKind couplings = CouplingKind::uniform;  ///< plus_minus/gaussian: per-bond J·(±1 or N(0,1))
  std::uint64_t disorder_seed = 1;
  bool disorder_per_replica = false;  ///< each replica its own bond set (else one shared set)
  Algorithm algorithm = Algorithm::metropolis;
  std::vector<double> betas;          ///< one per replica; ascending when exchanging
  bool replica_exchange = false;
  std::int64_t exchange_every = 1;    ///< sweeps between exchange attempts
  std::int64_t burn_in = 0;
  std::int64_t sweeps = 0;            ///< measured sweeps (one measurement per sweep)
  std::uint64_t seed = 0;
  bool hot_start = true;
  std::string checkpoint;             ///< resumed from if it exists; written at the end
  std::int64_t stop_after = -1;       ///< stop (and checkpoint) after this many sweeps in total
  /// Use the bit-packed fast path when the run allows it (uniform couplings, h = 0, lx a
  /// multiple of 128). The two paths draw different random streams: same statistics, other bits.
  bool packed = true;
  std::function<void(std::int64_t done, std::int64_t total)> progress;
  /// Polled after every sweep; when it returns true the run stops there as if stop_after had
  /// been reached (measurements drained, checkpoint written, finished = false). The CLI sets it
  /// from SIGINT/SIGTERM so that an interrupted run leaves a checkpoint it can resume from.
  std::function<bool()> stop_requested;
};

struct ReplicaResult {
  double beta = 0;
  mc::LatticeObservables observables;
  std::vector<double> energy, magnetization;  ///< per-spin series at this β
  double swap_acceptance = -1;  ///< exchange with the next β; −1 when not exchanging / last
};

struct SimulationResult {
  std::vector<ReplicaResult> replicas;  ///< in the order of config.betas
  std::vector<std::int8_t> spins;       ///< final lattices, replica slot order
  std::int64_t sweeps_done = 0;         ///< burn-in included
  bool finished = false;                ///< false when stopped early (stop_after, stop_requested)
  double seconds = 0;
  /// Attempted spin updates per ns of the sweep loop of this call (the per-sweep measurements
  /// and their device-to-host copies included; use the benchmarks for kernel throughput).
  double flips_per_ns = 0;
  std::string backend;
  std::string path;                     ///< "packed" or "bytes"
};

/// Whether simulate() runs this configuration on the bit-packed path.
bool uses_packed_path(const SimulationConfig& config);

/// Runs (or resumes) a simulation. Throws invalid_argument for a bad configuration and for a
/// checkpoint that does not match the configuration.
SimulationResult simulate(Context& ctx, const SimulationConfig& config);

/// Probability of swapping neighbours (β_i, E_i) and (β_j, E_j): min(1, exp((β_i−β_j)(E_i−E_j)))
/// with E the total energy.
double exchange_probability(double beta_i, double energy_i, double beta_j, double energy_j);

}  // namespace boltzkit::ising
