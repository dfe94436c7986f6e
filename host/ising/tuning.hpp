#pragma once
// Tuning of the lattice Ising paths, each constant with where it comes from.
#include <cstdint>

namespace boltzkit::tuning {

/// CPU backend: below this many site updates per half-sweep the byte path runs without an
/// OpenMP team. Measured on the 2-core build machine (session of 2026-11-23): small lattices run
/// thousands of half-sweeps and starting a team for each cost more than the update itself.
constexpr std::int64_t ising_parallel_sites = std::int64_t{1} << 14;

/// CPU backend: the same threshold for the packed path, counted in 64-spin words (each word is
/// ~16x the work of a site update of the byte path, hence a 16x smaller count).
constexpr std::int64_t ising_parallel_words = std::int64_t{1} << 10;

/// Simulation driver: measurements queued on the device before the host fetches them, at most,
/// and the device memory the queue may take. Predicted: 256 entries make the fetch rare (one
/// per 256 sweeps) while 64 MiB keeps the queue small next to the spins.
constexpr std::int64_t ising_measurement_queue_max = 256;
constexpr std::int64_t ising_measurement_queue_bytes = std::int64_t{64} << 20;

}  // namespace boltzkit::tuning
