#include "bench_environment.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>

#ifndef BOLTZKIT_BENCH_BUILD_COMMIT
#define BOLTZKIT_BENCH_BUILD_COMMIT "unknown"
#endif

namespace boltzkit::bench {

namespace {

constexpr std::size_t copy_probe_bytes = std::size_t{1} << 30;
constexpr int copy_probe_reps = 10;

std::string fmt_g6(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void environment::warn(const std::string& message) const {
  std::fprintf(stderr, "%s: %s\n", program_name.c_str(), message.c_str());
}

void environment::setup(const std::string& name, copy_probe when) {
  program_name = name;
  probe = when;
  cpu = std::make_unique<Context>(Backend::cpu);
  std::string warning;
  bw = bandwidth_from_env(&warning);
  if (!warning.empty()) warn(warning);
  if (!gpu_available()) return;
  try {
    gpu = std::make_unique<Context>(Backend::gpu, 0);
    facts = query_device(gpu->device());
    have_gpu = true;
    if (probe == copy_probe::always || bw.measure) {
      measured_copy_bw = measure_copy_bandwidth(gpu->stream(), copy_probe_bytes, copy_probe_reps);
      if (bw.measure && measured_copy_bw > 0) {
        bw.bytes_per_s = measured_copy_bw;
        bw.source = "measured";
      }
    }
  } catch (const std::exception& e) {
    have_gpu = false;
    gpu.reset();
    no_gpu_reason = std::string("no usable CUDA device: ") + e.what();
    warn(no_gpu_reason);
  }
}

void environment::add_context() const {
  benchmark::AddCustomContext("boltzkit_version", boltzkit::version);
  benchmark::AddCustomContext("build_commit", BOLTZKIT_BENCH_BUILD_COMMIT);
  if (const char* commit = std::getenv("BOLTZKIT_COMMIT"))
    benchmark::AddCustomContext("commit", commit);
  benchmark::AddCustomContext("gpu", have_gpu ? facts.name : "none (" + no_gpu_reason + ")");
  if (have_gpu) {
    benchmark::AddCustomContext("gpu_compute_capability",
                                std::to_string(facts.major) + "." + std::to_string(facts.minor));
    benchmark::AddCustomContext("gpu_sm_count", std::to_string(facts.sm_count));
    benchmark::AddCustomContext("gpu_l2_bytes", std::to_string(facts.l2_bytes));
    benchmark::AddCustomContext("gpu_memory_bytes", std::to_string(facts.global_bytes));
    if (probe == copy_probe::always || measured_copy_bw > 0)
      benchmark::AddCustomContext("measured_copy_bw_bytes_per_s", fmt_g6(measured_copy_bw));
  }
  benchmark::AddCustomContext("floor_bw_bytes_per_s", fmt_g6(bw.bytes_per_s));
  benchmark::AddCustomContext("floor_bw_source", bw.source);
}

bool environment::require_gpu(benchmark::State& state) const {
  if (!have_gpu) state.SkipWithError(no_gpu_reason.c_str());
  return have_gpu;
}

void set_floor_counters(benchmark::State& state, const std::vector<double>& times, double med,
                        double bytes, double bytes_per_s) {
  const double floor_s = bytes / bytes_per_s;
  state.counters["min_ms"] = *std::min_element(times.begin(), times.end()) * 1e3;
  state.counters["floor_ms"] = floor_s * 1e3;
  state.counters["pct_of_floor"] = med > 0 ? floor_s / med * 100.0 : 0.0;
  state.counters["floor_bw_GBps"] = bytes_per_s * 1e-9;
}

int run_program(int argc, char** argv, environment& env, const program& p) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  int rc = 0;
  try {
    env.setup(p.name, p.probe);
    env.add_context();
    if (p.add_context) p.add_context();
    p.register_all();
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", p.name.c_str(), e.what());
    rc = 1;
  }
  // Free device memory and the contexts while the CUDA runtime is still up.
  if (p.release) p.release();
  env.gpu.reset();
  env.cpu.reset();
  benchmark::Shutdown();
  return rc;
}

}  // namespace boltzkit::bench
