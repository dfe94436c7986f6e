#pragma once
// The resumable state of a lattice run and its checkpoint file.
#include <cstdint>
#include <vector>

#include "boltzkit/ising_simulation.hpp"

namespace boltzkit::ising::detail {

struct RunState {
  std::int64_t sweeps_done = 0;
  std::vector<std::size_t> slot_of_temperature;        // replica exchange permutation
  std::vector<std::vector<double>> energy, magnetization;  // per temperature, measured so far
  std::vector<std::int64_t> swap_attempts, swap_accepts;   // per neighbouring pair
  std::vector<std::int8_t> spins;                      // (replicas, sites), slot order
};

RunState fresh_state(const SimulationConfig& config, std::int64_t replicas);

/// Binary file: a header that must match the configuration (lattice, replicas, seed, betas,
/// algorithm, couplings), then the state. Written to a temporary file and renamed.
void save_checkpoint(const SimulationConfig& config, const RunState& state);
/// False when the file does not exist; throws invalid_argument when it does not match.
bool load_checkpoint(const SimulationConfig& config, RunState& state);

}  // namespace boltzkit::ising::detail
