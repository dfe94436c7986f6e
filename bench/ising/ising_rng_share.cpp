// Cases ising_rng_share/<gpu|cpu>/<algorithm>/L:<lattice>/R:<replicas>/beta:<β>: the packed
// update (ising::sweep_packed's kernel, launched the same way) timed with its Philox4x32-10
// planes and with counter_hash_planes in their place (packed_planes.hpp). Batches of k sweeps of
// each alternate on one lattice, so both see statistically alike configurations; k makes a Philox
// batch last about 10 ms (GPU: CUDA events on ctx.stream(); CPU: wall clock).
// One Google Benchmark iteration is one Philox sweep (real_time). Counters, from the medians:
//   philox_ms, hash_ms          time per sweep with each plane source
//   flips_per_ns, flips_per_ns_hash
//   rng_share_lower_bound       1 − hash_ms / philox_ms: the hash costs something too, so the
//                               true share of Philox in the sweep is somewhat larger
//   philox_calls_per_word       Philox4x32-10 calls per 64-spin word update (2 planes each),
//                               counted on the CPU backend over 2 more sweeps from the final
//                               state (same bits as the GPU), once per case; up to 2^26 spins
#include "ising_rng_share.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include "boltzkit/ising_packed.hpp"
#include "bench/common/device_tools.hpp"
#include "ising_case_names.hpp"
#include "packed_planes.hpp"

namespace boltzkit::bench {

namespace {

constexpr std::uint64_t seed = 0x5eedULL;
constexpr std::int64_t warmup_sweeps = 3;
constexpr std::int64_t counted_sweeps = 2;
constexpr std::int64_t max_counted_spins = std::int64_t{1} << 26;
constexpr double target_batch_seconds = 10e-3;
constexpr std::int64_t max_sweeps_per_batch = 64;

struct rng_case {
  ising::Lattice lattice;
  std::int64_t replicas;
  ising::Algorithm algorithm;
  double beta;
  std::int64_t spins() const { return replicas * lattice.sites(); }
};

std::string name_of(bool gpu, const rng_case& c) {
  return std::string("ising_rng_share/") + (gpu ? "gpu/" : "cpu/") + algorithm_name(c.algorithm) +
         "/L:" + lattice_name(c.lattice) + "/R:" + std::to_string(c.replicas) +
         "/beta:" + fmt_beta(c.beta);
}

/// Seconds per sweep of k sweeps from `source`, numbered from `next` (advanced).
double time_sweeps(Context& ctx, const packed_variant& v, std::uint64_t* words,
                   std::uint64_t& next, std::int64_t k, plane_source source) {
  double seconds = 0.0;
  if (ctx.on_gpu()) {
    event_pair ev;
    ev.start(ctx.stream());
    v.sweeps(words, next, k, source);
    ev.stop(ctx.stream());
    seconds = ev.seconds();
  } else {
    const auto start = std::chrono::steady_clock::now();
    v.sweeps(words, next, k, source);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  next += static_cast<std::uint64_t>(k);
  return seconds / static_cast<double>(k);
}

void bm_rng_share(benchmark::State& state, environment& env, bool gpu, const rng_case& c) {
  if (gpu && !env.require_gpu(state)) return;
  try {
    Context& ctx = gpu ? *env.gpu : *env.cpu;
    const auto count = static_cast<std::size_t>(c.replicas * ising::packed_words(c.lattice));
    std::vector<std::uint64_t> host = hot_words(count, seed);
    DeviceBuffer<std::uint64_t> device;
    std::uint64_t* words = host.data();
    if (gpu) {
      device = DeviceBuffer<std::uint64_t>(count);
      device.upload(host);
      BOLTZKIT_CUDA(cudaDeviceSynchronize());  // the pageable upload lands before ctx.stream() runs
      words = device.data();
    }
    const packed_variant v(ctx, c.lattice, c.algorithm, c.beta, c.replicas, seed);
    std::uint64_t next = 0;
    time_sweeps(ctx, v, words, next, warmup_sweeps, plane_source::philox);
    time_sweeps(ctx, v, words, next, 1, plane_source::counter_hash);  // loads its kernel too
    const double one = time_sweeps(ctx, v, words, next, 1, plane_source::philox);
    const auto k = static_cast<std::int64_t>(
        std::clamp(std::ceil(target_batch_seconds / std::max(one, 1e-7)), 1.0,
                   static_cast<double>(max_sweeps_per_batch)));
    std::vector<double> philox_times, hash_times;
    while (state.KeepRunningBatch(k)) {
      const double tp = time_sweeps(ctx, v, words, next, k, plane_source::philox);
      hash_times.push_back(time_sweeps(ctx, v, words, next, k, plane_source::counter_hash));
      philox_times.push_back(tp);
      state.SetIterationTime(tp * static_cast<double>(k));
    }
    if (philox_times.empty()) return;
    const double tp = median(philox_times), th = median(hash_times);
    const double flips = static_cast<double>(c.spins());
    state.SetItemsProcessed(state.iterations() * c.spins());
    state.counters["replicas"] = static_cast<double>(c.replicas);
    state.counters["sites"] = static_cast<double>(c.lattice.sites());
    state.counters["dims"] = c.lattice.dimensions();
    state.counters["beta"] = c.beta;
    state.counters["sweeps_per_batch"] = static_cast<double>(k);
    state.counters["philox_ms"] = tp * 1e3;
    state.counters["hash_ms"] = th * 1e3;
    state.counters["flips_per_ns"] = flips / tp * 1e-9;
    state.counters["flips_per_ns_hash"] = flips / th * 1e-9;
    state.counters["rng_share_lower_bound"] = 1.0 - th / tp;
    // Google Benchmark may call a case several times: count once per case.
    static std::map<std::string, double> calls_per_word;
    const std::string name = name_of(gpu, c);
    if (c.spins() <= max_counted_spins && calls_per_word.count(name) == 0) {
      if (gpu) {
        ctx.synchronize();
        host = device.download(count);
      }
      const packed_variant counter(*env.cpu, c.lattice, c.algorithm, c.beta, c.replicas, seed);
      calls_per_word[name] = counter.philox_calls_per_word(host.data(), next, counted_sweeps);
    }
    if (calls_per_word.count(name) != 0)
      state.counters["philox_calls_per_word"] = calls_per_word[name];
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace

void register_rng_share_cases(environment& env) {
  using ising::Algorithm;
  const double beta_t15 = 1.0 / 1.5, beta_c2 = 0.4406868, beta_c3 = 0.2216544;
  const ising::Lattice big{16384, 16384, 1}, small{128, 128, 1}, box{128, 64, 64};
  const rng_case gpu_cases[] = {
      {big, 1, Algorithm::metropolis, beta_t15},  {big, 1, Algorithm::metropolis, beta_c2},
      {big, 1, Algorithm::heat_bath, beta_t15},   {big, 1, Algorithm::heat_bath, beta_c2},
      {small, 4096, Algorithm::metropolis, beta_t15},
      {small, 4096, Algorithm::metropolis, beta_c2},
      {box, 256, Algorithm::metropolis, beta_c3},
  };
  const rng_case cpu_cases[] = {
      {ising::Lattice{256, 256, 1}, 1, Algorithm::metropolis, beta_c2},
      {ising::Lattice{256, 256, 1}, 1, Algorithm::heat_bath, beta_c2},
  };
  auto add = [&env](bool gpu, const rng_case& c) {
    benchmark::RegisterBenchmark(name_of(gpu, c).c_str(),
                                 [&env, gpu, c](benchmark::State& st) {
                                   bm_rng_share(st, env, gpu, c);
                                 })
        ->UseManualTime()
        ->Unit(gpu ? benchmark::kMillisecond : benchmark::kMicrosecond);
  };
  for (const rng_case& c : gpu_cases) add(true, c);
  for (const rng_case& c : cpu_cases) add(false, c);
}

}  // namespace boltzkit::bench
