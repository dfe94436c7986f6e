// boltzkit_bench_bm: dense Boltzmann machine chains (bm::sweep, one warp per chain on the GPU)
// on SK couplings, and exact enumeration (bm::exact::enumerate). The cases: SK N = 256
// with 4096 chains, N = 1024 and 4096; enumeration at N = 24 … 30. Peer: bench/peers/bm_peers.py.
// Names: bm/<gpu|cpu>/<heatbath|metropolis>[/blocked]/N:<n>/C:<chains>/beta:<β> (without
// "/blocked": the scalar field updates, FieldUpdate::scalar; with it: the blocked path of MATH.md
// §2.8, decision kernel + DGEMM on the GPU, OpenBLAS on the CPU; the same chains bit for bit) and
// bm/<gpu|cpu>/exact/N:<n>.
// GPU sweep cases check 8 chains against the CPU backend bit for bit before timing; without a
// device they SkipWithError. Counters: flips_per_ns (attempted single-spin updates per ns, the
// unit of docs/ANCHORS.md), states_per_s for enumeration.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench_environment.hpp"
#include "boltzkit/bm.hpp"

namespace boltzkit {
namespace {

bench::environment g;

struct Sk {
  std::vector<double> j, h;
};

/// SK couplings J_kl ~ N(0, 1/N), h = 0 (the benchmark model of the issue).
Sk make_sk(std::int64_t n) {
  std::mt19937_64 gen(11);
  std::normal_distribution<double> normal(0.0, 1.0 / std::sqrt(static_cast<double>(n)));
  Sk m{std::vector<double>(static_cast<std::size_t>(n * n), 0.0), std::vector<double>(static_cast<std::size_t>(n), 0.0)};
  for (std::int64_t k = 0; k < n; ++k)
    for (std::int64_t l = k + 1; l < n; ++l)
      m.j[static_cast<std::size_t>(k * n + l)] = m.j[static_cast<std::size_t>(l * n + k)] = normal(gen);
  return m;
}

void set_flip_counters(benchmark::State& st, std::int64_t n, std::int64_t chains, std::int64_t sweeps_per_iter) {
  st.counters["flips_per_ns"] = benchmark::Counter(
      1e-9 * static_cast<double>(n * chains * sweeps_per_iter) * static_cast<double>(st.iterations()),
      benchmark::Counter::kIsRate);
}

bm::SweepOptions options(bm::Algorithm a, bool blocked) {
  return {a, bm::Scan::sequential, blocked ? bm::FieldUpdate::blocked : bm::FieldUpdate::scalar};
}

void sweep_cpu(benchmark::State& st, std::int64_t n, std::int64_t chains, double beta, bm::Algorithm a,
               bool blocked) {
  const Sk m = make_sk(n);
  std::vector<std::int8_t> spins(static_cast<std::size_t>(n * chains));
  bm::initial_spins(*g.cpu, spins.data(), chains, n, 1);
  std::uint64_t sweep = 0;
  const std::int64_t per_call = 10;  // amortizes the O(N²) field build of each call
  for (auto _ : st) {
    bm::sweep(*g.cpu, {m.j.data(), m.h.data(), n, beta}, spins.data(), chains, 1, sweep, per_call,
              options(a, blocked));
    sweep += per_call;
    benchmark::DoNotOptimize(spins.data());
  }
  set_flip_counters(st, n, chains, per_call);
}

void sweep_gpu(benchmark::State& st, std::int64_t n, std::int64_t chains, double beta, bm::Algorithm a,
               bool blocked) {
  if (!g.require_gpu(st)) return;
  try {
    Context& ctx = *g.gpu;
    const Sk m = make_sk(n);
    DeviceBuffer<double> j(m.j), h(m.h);
    const bm::Model dm{j.data(), h.data(), n, beta}, hm{m.j.data(), m.h.data(), n, beta};
    const bm::SweepOptions o = options(a, blocked);
    DeviceBuffer<std::int8_t> spins(static_cast<std::size_t>(n * chains));
    bm::initial_spins(ctx, spins.data(), chains, n, 1);
    {  // correctness before timing: chains 0 … 7 equal the CPU backend's bit for bit
      const std::int64_t few = std::min<std::int64_t>(8, chains);
      std::vector<std::int8_t> cpu(static_cast<std::size_t>(few * n));
      bm::initial_spins(*g.cpu, cpu.data(), few, n, 1);
      bm::sweep(*g.cpu, hm, cpu.data(), few, 1, 0, 2, o);
      DeviceBuffer<std::int8_t> gpu(static_cast<std::size_t>(few * n));
      bm::initial_spins(ctx, gpu.data(), few, n, 1);
      bm::sweep(ctx, dm, gpu.data(), few, 1, 0, 2, o);
      ctx.synchronize();
      if (gpu.download() != cpu) {
        st.SkipWithError("GPU chains differ from the CPU backend");
        return;
      }
    }
    const std::int64_t per_batch = n >= 4096 ? 1 : 5;
    bench::event_pair ev;
    std::uint64_t sweep = 0;
    while (st.KeepRunningBatch(1)) {
      ev.start(ctx.stream());
      bm::sweep(ctx, dm, spins.data(), chains, 1, sweep, per_batch, o);
      ev.stop(ctx.stream());
      sweep += static_cast<std::uint64_t>(per_batch);
      st.SetIterationTime(ev.seconds());
    }
    set_flip_counters(st, n, chains, per_batch);
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
  }
}

void exact_case(benchmark::State& st, bool gpu, std::int64_t n) {
  if (gpu && !g.require_gpu(st)) return;
  try {
    Context& ctx = gpu ? *g.gpu : *g.cpu;
    const Sk m = make_sk(n);
    const bm::Model hm{m.j.data(), m.h.data(), n, 1.0};
    double log_z = 0.0;
    for (auto _ : st) {
      log_z = bm::exact::enumerate(ctx, hm).log_z;
      benchmark::DoNotOptimize(log_z);
    }
    st.counters["states_per_s"] = benchmark::Counter(
        std::ldexp(1.0, static_cast<int>(n)) * static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
    st.counters["log_z"] = log_z;
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
  }
}

std::string sweep_name(const char* where, bm::Algorithm a, bool blocked, std::int64_t n, std::int64_t c,
                       double beta) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", beta);
  return std::string("bm/") + where + (a == bm::Algorithm::heat_bath ? "/heatbath" : "/metropolis") +
         (blocked ? "/blocked" : "") + "/N:" + std::to_string(n) + "/C:" + std::to_string(c) + "/beta:" + b;
}

void register_all() {
  struct Shape {
    std::int64_t n, c;
  };
  for (const auto a : {bm::Algorithm::heat_bath, bm::Algorithm::metropolis})
    for (const Shape s : {Shape{256, 4096}, Shape{1024, 4096}, Shape{4096, 1024}})
      benchmark::RegisterBenchmark(sweep_name("gpu", a, false, s.n, s.c, 1.0).c_str(),
                                   [=](benchmark::State& st) { sweep_gpu(st, s.n, s.c, 1.0, a, false); })
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
  for (const auto a : {bm::Algorithm::heat_bath, bm::Algorithm::metropolis})
    for (const std::int64_t n : {256, 1024, 4096})  // the static model's blocked rows
      benchmark::RegisterBenchmark(sweep_name("gpu", a, true, n, 4096, 1.0).c_str(),
                                   [=](benchmark::State& st) { sweep_gpu(st, n, 4096, 1.0, a, true); })
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
  for (const std::int64_t n : {24, 26, 28, 30})
    benchmark::RegisterBenchmark(("bm/gpu/exact/N:" + std::to_string(n)).c_str(),
                                 [=](benchmark::State& st) { exact_case(st, true, n); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  for (const auto a : {bm::Algorithm::heat_bath, bm::Algorithm::metropolis})
    for (const Shape s : {Shape{64, 256}, Shape{256, 64}, Shape{256, 1024}})
      for (const bool blocked : {false, true})
        benchmark::RegisterBenchmark(sweep_name("cpu", a, blocked, s.n, s.c, 1.0).c_str(),
                                     [=](benchmark::State& st) { sweep_cpu(st, s.n, s.c, 1.0, a, blocked); })
            ->UseRealTime()  // OpenMP threads: rates per wall-clock second
            ->Unit(benchmark::kMillisecond);
  for (const std::int64_t n : {16, 20})
    benchmark::RegisterBenchmark(("bm/cpu/exact/N:" + std::to_string(n)).c_str(),
                                 [=](benchmark::State& st) { exact_case(st, false, n); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace boltzkit

int main(int argc, char** argv) {
  boltzkit::bench::program p;
  p.name = "boltzkit_bench_bm";
  p.probe = boltzkit::bench::copy_probe::on_request;
  p.add_context = [] {
    benchmark::AddCustomContext("bm_work_model", "N·C attempted single-spin updates per sweep; 2^N states per enumeration");
    benchmark::AddCustomContext("bm_precision", "float64 couplings and fields, Philox4x32-10 decisions");
  };
  p.register_all = boltzkit::register_all;
  p.release = [] {};
  return boltzkit::bench::run_program(argc, argv, boltzkit::g, p);
}
