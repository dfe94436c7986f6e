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

/// GPU packed measurement (energy and magnetization counts): blocks per SM the launch aims at,
/// summed over all replicas, and the fewest words a thread counts. Predicted (no GPU yet): 8
/// blocks of 256 threads are the 2048 threads an H100 SM holds, so one 65536^2 lattice spreads
/// over all 132 SMs (it had 64 blocks before: half the GPU idle); 4 words per thread was the
/// previous per-block granularity (words_per_colour / 1024 blocks, at most 64 per replica).
/// Measure on the first GPU run (bench_ising with measurements) and record here.
constexpr std::int64_t ising_measure_blocks_per_sm = 8;
constexpr std::int64_t ising_measure_words_per_thread = 4;

/// Simulation driver: measurements queued on the device before the host fetches them, at most,
/// and the device memory the queue may take. Predicted: 256 entries make the fetch rare (one
/// per 256 sweeps) while 64 MiB keeps the queue small next to the spins.
constexpr std::int64_t ising_measurement_queue_max = 256;
constexpr std::int64_t ising_measurement_queue_bytes = std::int64_t{64} << 20;

}  // namespace boltzkit::tuning
