// A lattice checkpoint is resumed only when it is a valid state of the very same run: any byte
// string is either loaded into a state the run can use (permutation of slots, ±1 spins, series
// no longer than the sweeps done) or rejected with boltzkit::invalid_argument.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "boltzkit/errors.hpp"
#include "host/ising/checkpoint.hpp"
#include "memory_file.hpp"

namespace {

boltzkit::ising::SimulationConfig fuzz_config(const std::string& path) {
  // Small and fixed: the fuzzer mutates the corpus checkpoints written for this configuration.
  boltzkit::ising::SimulationConfig c;
  c.lattice = {4, 4, 1};
  c.betas = {0.3, 0.4};
  c.replica_exchange = true;
  c.burn_in = 2;
  c.sweeps = 6;
  c.seed = 7;
  c.checkpoint = path;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const MemoryFile file(data, size);
  const boltzkit::ising::SimulationConfig config = fuzz_config(file.path());
  boltzkit::ising::detail::RunState state = boltzkit::ising::detail::fresh_state(config, 2);
  try {
    if (!boltzkit::ising::detail::load_checkpoint(config, state)) std::abort();  // file exists
    std::vector<bool> seen(2, false);
    for (const std::size_t slot : state.slot_of_temperature) {
      if (slot >= 2 || seen[slot]) std::abort();
      seen[slot] = true;
    }
    if (state.spins.size() != 32) std::abort();
  } catch (const boltzkit::invalid_argument&) {
  }
  return 0;
}
