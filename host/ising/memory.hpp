#pragma once
// Buffers of one lattice run in the Context's memory space: spins, per-bond couplings and a
// queue of per-replica measurements, so that the host fetches them in batches instead of
// waiting for the device after every sweep.
#include <cstdint>
#include <vector>

#include "boltzkit/ising_packed.hpp"
#include "boltzkit/ising_simulation.hpp"

namespace boltzkit::ising::detail {

class RunMemory {
 public:
  RunMemory(Context& ctx, const SimulationConfig& config, std::int64_t replicas);
  ~RunMemory();
  RunMemory(const RunMemory&) = delete;
  RunMemory& operator=(const RunMemory&) = delete;

  Spins spins() const { return {spins_, replicas_}; }
  PackedSpins packed() const { return {words_, replicas_}; }
  bool is_packed() const { return words_ != nullptr; }
  /// One sweep of every replica on whichever path this run uses.
  void sweep(Context& ctx, const SimulationConfig& config, const double* betas,
             std::uint64_t sweep_index);
  /// Byte spins → packed words (after initialization or a restore); no-op on the byte path.
  void sync_words_from_bytes(Context& ctx);
  const Couplings& couplings() const { return couplings_; }
  /// Measurements the device queue holds (>= 1).
  std::int64_t measure_slots() const { return slots_; }
  /// Queues the energy and magnetization per spin of every replica into queue entry `slot`
  /// (asynchronous on the GPU).
  void measure_into(Context& ctx, std::int64_t slot);
  /// The first `count` queue entries on the host (synchronizes): entry j is 2·R doubles,
  /// energies of replica slots 0..R−1, then their magnetizations.
  void fetch(std::int64_t count, std::vector<double>& out) const;
  void upload_spins(const std::vector<std::int8_t>& host);
  std::vector<std::int8_t> download_spins() const;

 private:
  void* allocate(std::size_t bytes);
  void copy(void* dst, const void* src, std::size_t bytes, bool to_device) const;
  Context& ctx_;
  Lattice lattice_;
  std::int64_t replicas_, sites_;
  bool gpu_;
  std::int8_t* spins_ = nullptr;
  float* bonds_ = nullptr;
  std::uint64_t* words_ = nullptr;  // packed path only
  std::int64_t slots_ = 1;
  double* measured_ = nullptr;  // slots_ × 2 × replicas
  Couplings couplings_;
  std::vector<void*> owned_;
};

}  // namespace boltzkit::ising::detail
