#pragma once
// What boltzkit_bench_gaussian and boltzkit_bench_ising share around their cases: the CPU
// context and, when a usable CUDA device exists, the GPU context with its facts; the floor
// bandwidth (BOLTZKIT_BW_BYTES_PER_S, floors.hpp) and the device-to-device copy probe; the
// custom context of the JSON output; the floor counters of a GPU case; and main()'s frame.
// Diagnostics go to stderr, prefixed with the program's name.
#include <benchmark/benchmark.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "device_tools.hpp"
#include "floors.hpp"

namespace boltzkit::bench {

/// When the copy-bandwidth probe (1 GiB, median of 10) runs at start-up.
enum class copy_probe {
  always,     ///< whenever a GPU is usable; measured_copy_bw_bytes_per_s is always reported
  on_request  ///< only for BOLTZKIT_BW_BYTES_PER_S=measured; reported when it measured something
};

/// The devices and the floor bandwidth of one benchmark program. A program's globals derive
/// from it and add their cached case data.
struct environment {
  std::string program_name = "boltzkit_bench";  ///< prefix of the stderr diagnostics
  bool have_gpu = false;
  std::string no_gpu_reason = "no CUDA device";
  std::unique_ptr<Context> gpu, cpu;
  device_facts facts;
  bandwidth_setting bw;
  double measured_copy_bw = 0.0;  ///< bytes/s, 0 when not measured
  copy_probe probe = copy_probe::on_request;

  /// Makes the CPU context, reads the floor bandwidth, and makes the GPU context (device 0) when
  /// one is usable, probing the copy bandwidth as `probe` says. A GPU that fails here leaves
  /// have_gpu false with the reason in no_gpu_reason (also written to stderr).
  void setup(const std::string& name, copy_probe when);

  /// The custom context entries both programs write: version, commits, GPU facts, floor bandwidth.
  void add_context() const;

  /// Without a GPU: SkipWithError(no_gpu_reason) and false.
  bool require_gpu(benchmark::State& state) const;

  /// "<program>: <message>" on stderr.
  void warn(const std::string& message) const;
};

/// The floor counters of a GPU case from its per-call times, their median `med` (seconds), the
/// minimal traffic `bytes` of one call and the floor bandwidth: min_ms, floor_ms, pct_of_floor,
/// floor_bw_GBps.
void set_floor_counters(benchmark::State& state, const std::vector<double>& times, double med,
                        double bytes, double bytes_per_s);

/// A benchmark program: its name, its copy probe, and its hooks.
struct program {
  std::string name;
  copy_probe probe = copy_probe::on_request;
  std::function<void()> add_context;   ///< its own custom context, after the common entries
  std::function<void()> register_all;  ///< registers its benchmarks
  std::function<void()> release;       ///< frees its cached device data (before the contexts)
};

/// main(): initializes Google Benchmark, sets `env` up, writes the context, registers and runs
/// the benchmarks, then frees the cached data and the contexts while the CUDA runtime is still up.
/// Returns the exit status (1 for unrecognized arguments or an exception outside a case).
int run_program(int argc, char** argv, environment& env, const program& p);

}  // namespace boltzkit::bench
