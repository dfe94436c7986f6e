// The lattice Monte Carlo driver: the loop around sweep/measure, replica exchange and the
// statistics. Device memory is owned here for the GPU backend; lattices never leave the device
// except in a checkpoint and the final result.
#include "boltzkit/ising_simulation.hpp"

#include <chrono>
#include <cmath>

#include "kernels/common/philox.cuh"
#include "checkpoint.hpp"
#include "memory.hpp"
#include "host/core/validate.hpp"

namespace boltzkit::ising {

bool uses_packed_path(const SimulationConfig& c) {
  return c.packed && c.couplings == CouplingKind::uniform && c.h == 0.0 &&
         packed_supported(c.lattice);
}

double exchange_probability(double beta_i, double energy_i, double beta_j, double energy_j) {
  const double x = (beta_i - beta_j) * (energy_i - energy_j);
  return x >= 0 ? 1.0 : std::exp(x);
}

namespace {

void validate(const SimulationConfig& c) {
  using boltzkit::detail::require;
  require(!c.betas.empty(), "at least one beta (replica) is required");
  for (double b : c.betas) require(std::isfinite(b) && b >= 0, "beta must be finite and >= 0");
  require(c.sweeps >= 1, "sweeps must be >= 1");
  require(c.burn_in >= 0, "burn-in must be >= 0");
  require(c.exchange_every >= 1, "exchange interval must be >= 1");
  if (c.replica_exchange) {
    require(c.betas.size() >= 2, "replica exchange needs at least two betas");
    for (std::size_t k = 1; k < c.betas.size(); ++k)
      require(c.betas[k] > c.betas[k - 1], "replica exchange needs strictly ascending betas");
  }
}

/// Exchange attempts at sweep t: pairs (k, k+1) with k ≡ t (mod 2), random word from Philox
/// (counter: pair, 0, t, reserved replica index) so both backends decide alike.
void exchange(const SimulationConfig& c, std::uint64_t t, const std::vector<double>& energy_of_slot,
              double sites, detail::RunState& s) {
  const std::size_t temps = c.betas.size();
  for (std::size_t k = t % 2; k + 1 < temps; k += 2) {
    const std::size_t a = s.slot_of_temperature[k], b = s.slot_of_temperature[k + 1];
    const double p = exchange_probability(c.betas[k], energy_of_slot[a] * sites, c.betas[k + 1],
                                          energy_of_slot[b] * sites);
    const auto w = kernels::philox(c.seed, static_cast<std::uint32_t>(k), 0u,
                                   static_cast<std::uint32_t>(t), 0xfffffffdu);
    s.swap_attempts[k] += 1;
    if (static_cast<double>(w.w[0]) < std::ldexp(p, 32)) {
      s.swap_accepts[k] += 1;
      std::swap(s.slot_of_temperature[k], s.slot_of_temperature[k + 1]);
    }
  }
}

}  // namespace

SimulationResult simulate(Context& ctx, const SimulationConfig& c) {
  validate(c);
  const std::int64_t replicas = static_cast<std::int64_t>(c.betas.size());
  const std::int64_t sites = c.lattice.sites();
  const std::int64_t total = c.burn_in + c.sweeps;
  detail::RunMemory mem(ctx, c, replicas);  // spins, bonds, measurement buffers
  detail::RunState state = detail::fresh_state(c, replicas);
  if (!c.checkpoint.empty() && detail::load_checkpoint(c, state)) {
    mem.upload_spins(state.spins);
  } else {
    initialize(ctx, c.lattice, mem.spins(), c.seed, c.hot_start);
  }
  mem.sync_words_from_bytes(ctx);

  std::vector<double> beta_of_slot(static_cast<std::size_t>(replicas));
  const std::int64_t stop = c.stop_after >= 0 ? std::min(c.stop_after, total) : total;
  // Measurements wait on the device until the queue is full, an exchange needs the energies,
  // or the run stops; `recorded` says which queue entries are measurements (an exchange during
  // burn-in measures without recording).
  std::vector<double> fetched;
  std::vector<bool> recorded;
  auto drain = [&] {
    if (recorded.empty()) return;
    mem.fetch(static_cast<std::int64_t>(recorded.size()), fetched);
    for (std::size_t j = 0; j < recorded.size(); ++j) {
      if (!recorded[j]) continue;
      const double* e = fetched.data() + j * 2 * static_cast<std::size_t>(replicas);
      for (std::size_t k = 0; k < c.betas.size(); ++k) {
        const std::size_t slot = state.slot_of_temperature[k];
        state.energy[k].push_back(e[slot]);
        state.magnetization[k].push_back(e[static_cast<std::size_t>(replicas) + slot]);
      }
    }
  };
  const auto start = std::chrono::steady_clock::now();
  double sweep_seconds = 0;
  std::int64_t swept = 0;
  while (state.sweeps_done < stop) {
    for (std::size_t k = 0; k < c.betas.size(); ++k) beta_of_slot[state.slot_of_temperature[k]] = c.betas[k];
    const auto t0 = std::chrono::steady_clock::now();
    mem.sweep(ctx, c, beta_of_slot.data(), static_cast<std::uint64_t>(state.sweeps_done));
    const bool measuring = state.sweeps_done >= c.burn_in;
    const bool exchanging = c.replica_exchange && (state.sweeps_done + 1) % c.exchange_every == 0;
    const bool last = state.sweeps_done + 1 == stop;
    if (measuring || exchanging) {
      mem.measure_into(ctx, static_cast<std::int64_t>(recorded.size()));
      recorded.push_back(measuring);
    }
    const bool flush = !recorded.empty() &&
                       (exchanging || last ||
                        static_cast<std::int64_t>(recorded.size()) == mem.measure_slots());
    if (flush) {
      drain();  // synchronizes
    } else if (ctx.on_gpu() && (state.sweeps_done % 64 == 63)) {
      ctx.synchronize();  // keep the progress report (and the timing) honest
    }
    sweep_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++swept;
    if (exchanging) {
      // The energies of this sweep's measurement, the last queue entry.
      const std::vector<double> e(fetched.end() - 2 * replicas, fetched.end() - replicas);
      exchange(c, static_cast<std::uint64_t>(state.sweeps_done), e, static_cast<double>(sites), state);
    }
    if (flush) recorded.clear();
    ++state.sweeps_done;
    if (c.progress) c.progress(state.sweeps_done, total);
    if (state.sweeps_done < stop && c.stop_requested && c.stop_requested()) {
      // Queued measurements belong to sweeps already counted: keep them, as a stop_after does.
      drain();
      recorded.clear();
      break;
    }
  }
  const auto t_sync = std::chrono::steady_clock::now();
  ctx.synchronize();  // work after the last drain (a stop during burn-in)
  sweep_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t_sync).count();

  SimulationResult result;
  result.backend = backend_name(ctx.backend());
  result.path = mem.is_packed() ? "packed" : "bytes";
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.flips_per_ns = sweep_seconds > 0 ? static_cast<double>(replicas) * sites * swept / (sweep_seconds * 1e9) : 0;
  result.sweeps_done = state.sweeps_done;
  result.finished = state.sweeps_done >= total;
  state.spins = mem.download_spins();
  if (!c.checkpoint.empty()) detail::save_checkpoint(c, state);
  result.spins = state.spins;
  for (std::size_t k = 0; k < c.betas.size(); ++k) {
    ReplicaResult r;
    r.beta = c.betas[k];
    r.energy = state.energy[k];
    r.magnetization = state.magnetization[k];
    if (r.energy.size() >= 2)
      r.observables = mc::analyze_lattice_series(r.energy.data(), r.magnetization.data(),
                                                 r.energy.size(), r.beta, static_cast<double>(sites));
    if (c.replica_exchange && k + 1 < c.betas.size() && state.swap_attempts[k] > 0)
      r.swap_acceptance = static_cast<double>(state.swap_accepts[k]) / state.swap_attempts[k];
    result.replicas.push_back(std::move(r));
  }
  return result;
}

}  // namespace boltzkit::ising
