// boltzkit_bench_mixture: many points against K Gaussians (docs/ANCHORS.md, issue 12 sizes).
//
// GPU cases (fp32):
//   mixture/gpu/single/D:{16,64,256}/N:{4194304,1048576,262144}  log p + score + summed ∂/∂Σ
//   mixture/gpu/single_tf32/D:{64,256}/...                       the same with allow_tf32
//   mixture/gpu/estep/D:32/N:262144/K:64                          mix log p + responsibilities
//   mixture/gpu/em_iter/D:32/N:262144/K:64                        one EM iteration: the time of
//                                                                 fit with max_iter = 2 minus
//                                                                 max_iter = 1 (same given start):
//                                                                 one E-step with statistics +
//                                                                 M-step, its download and wait
//   mixture/gpu/fit/D:32/N:262144/K:64                            one whole fit: k-means++ and
//                                                                 Lloyd on the device, then EM
//                                                                 to tol 1e-3 (counter em_iters)
// CPU cases (fp64, always run; compare with bench/peers/mixture_peers.py on the same machine):
//   mixture/cpu/single/D:16/N:65536, mixture/cpu/estep/D:8/N:16384/K:8,
//   mixture/cpu/em_iter/D:8/N:16384/K:8 (fit with max_iter = 1, as scikit-learn's peer),
//   mixture/cpu/fit/D:8/N:16384/K:8
// GPU timing: CUDA events on ctx.stream() around 5 back-to-back calls (UseManualTime); one
// untimed call first, whose log p is checked finite (a whole fit: 1 call per iteration, not 5). Counters: GB/s, floor_ms (max of the
// memory floor at BOLTZKIT_BW_BYTES_PER_S, default 3.0e12, and the fp32 arithmetic floor; the
// EM iteration's: mixture_em_bytes / mixture_em_flops), pct_of_floor (GPU, not for a whole fit). Without a CUDA device the GPU cases report SkipWithError("no CUDA device").
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "bench/common/bench_environment.hpp"
#include "bench/common/device_tools.hpp"
#include "bench/common/floors.hpp"
#include "boltzkit/boltzkit.hpp"

namespace {

using boltzkit::Context;
using boltzkit::DeviceBuffer;
using boltzkit::matrix_batch;
using boltzkit::vector_batch;
namespace mixture = boltzkit::mixture;
namespace bench = boltzkit::bench;

bench::environment environment;  // contexts, GPU facts and the floor bandwidth

/// Points around K means spread by 3, unit-ish covariances (diagonal 1 + 0.1·off-diagonal).
template <class T>
struct Data {
  std::int64_t n, d, k;
  std::vector<T> x, mean, cov, weights;
  Data(std::int64_t n_, std::int64_t d_, std::int64_t k_) : n(n_), d(d_), k(k_) {
    std::mt19937_64 rng(12);
    std::normal_distribution<double> normal;
    for (std::int64_t j = 0; j < k * d; ++j) mean.push_back(static_cast<T>(3 * normal(rng)));
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t r = 0; r < d; ++r)
        for (std::int64_t c = 0; c < d; ++c)
          cov.push_back(static_cast<T>(r == c ? 1.0 : (std::abs(r - c) == 1 ? 0.1 : 0.0)));
    weights.assign(k, static_cast<T>(1.0 / k));
    x.resize(n * d);
    for (std::int64_t p = 0; p < n; ++p)
      for (std::int64_t i = 0; i < d; ++i)
        x[p * d + i] = static_cast<T>(mean[(p % k) * d + i] + normal(rng));
  }
};

enum class Kind { single, estep, em_iter, fit };

void report(benchmark::State& state, std::int64_t n, std::int64_t d, std::int64_t k, Kind kind,
            std::size_t scalar, bool gpu) {
  const bool single = kind == Kind::single, em = kind == Kind::em_iter;
  const double bytes = em ? bench::mixture_em_bytes(scalar, n, d)
                          : bench::mixture_bytes(scalar, n, d, k, single);
  const double flops = em ? bench::mixture_em_flops(n, d, k) : bench::mixture_flops(n, d, k, single);
  const double bw = environment.bw.bytes_per_s;
  const double floor_s = std::max(bytes / bw, flops / bench::fp32_peak_flops_per_s);
  state.counters["GB/s"] = benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["floor_ms"] = floor_s * 1e3;
  if (gpu && state.iterations() > 0 && kind != Kind::fit)
    state.counters["pct_of_floor"] = benchmark::Counter(
        100.0 * floor_s * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate);  // floor time / measured time per call, in %
  state.counters["bytes"] = bytes;
  state.counters["flops"] = flops;
  state.SetItemsProcessed(state.iterations() * n);
}

/// Returns the EM iterations of a fit (0 for the other kinds). em_iter: a fit of `em_iters`
/// iterations (max_iter) from the given start.
template <class T>
std::int64_t run_once(Context& ctx, const Data<T>& data, const T* x, const T* mean, const T* cov,
                      const T* w, T* a, T* b, T* c, T* e, Kind kind, bool tf32 = false,
                      int em_iters = 1) {
  const std::int64_t n = data.n, d = data.d, k = data.k;
  mixture::Components<T> comp;
  comp.mean = vector_batch<const T>(mean, k, d, d);
  comp.cov = matrix_batch<const T>(cov, k, d, d * d, d);
  mixture::Outputs<T> out;
  if (kind == Kind::single) {
    out.log_prob = a;
    out.score = vector_batch<T>(b, n, d, d);
    out.sum_grad_cov = matrix_batch<T>(c, 1, d, d * d, d);
  } else {
    comp.weights = w;
    out.mix_log_prob = a;
    out.resp = e;
  }
  if (kind == Kind::em_iter) {
    mixture::FitOptions o;
    o.components = k;
    o.max_iter = em_iters;
    o.tol = 0.0;  // both fits run their max_iter iterations
    o.init = mixture::Init::given;
    o.init_weights.assign(data.weights.begin(), data.weights.end());
    o.init_means.assign(data.mean.begin(), data.mean.end());
    o.init_covs.assign(data.cov.begin(), data.cov.end());
    return mixture::fit(ctx, vector_batch<const T>(x, n, d, d), o).iterations;
  }
  if (kind == Kind::fit) {  // the default start: k-means++ (seed 0) refined by Lloyd
    mixture::FitOptions o;
    o.components = k;
    return mixture::fit(ctx, vector_batch<const T>(x, n, d, d), o).iterations;
  }
  mixture::EvaluateOptions options;
  options.allow_tf32 = tf32;
  mixture::evaluate(ctx, vector_batch<const T>(x, n, d, d), comp, out, options);
  return 0;
}

void gpu_case(benchmark::State& state, std::int64_t n, std::int64_t d, std::int64_t k, Kind kind,
              bool tf32 = false) {
  if (!boltzkit::gpu_available()) {
    state.SkipWithError("no CUDA device");
    return;
  }
  using T = float;
  const Data<T> data(n, d, k);
  Context ctx(boltzkit::Backend::gpu);
  DeviceBuffer<T> x(data.x), mean(data.mean), cov(data.cov), w(data.weights), a(n), b(n * d),
      c(d * d), e(n * k);
  const std::int64_t em_iters = run_once(ctx, data, x.data(), mean.data(), cov.data(), w.data(),
                                         a.data(), b.data(), c.data(), e.data(), kind, tf32);
  ctx.synchronize();
  if (kind != Kind::em_iter && kind != Kind::fit)
    for (const T v : a.download(16))
      if (!std::isfinite(v)) {
        state.SkipWithError("non-finite log p in the checked call");
        return;
      }
  bench::event_pair ev;
  const int calls = kind == Kind::fit ? 1 : 5;
  for (auto _ : state) {
    // em_iter: fits of 2 and of 1 iteration; the difference is one EM iteration (its E-step with
    // statistics, download, wait and host M-step), without the fit's checks and last E-step.
    double other = 0.0;
    if (kind == Kind::em_iter) {
      ev.start(ctx.stream());
      for (int i = 0; i < calls; ++i)
        run_once(ctx, data, x.data(), mean.data(), cov.data(), w.data(), a.data(), b.data(),
                 c.data(), e.data(), kind, tf32, 1);
      ev.stop(ctx.stream());
      other = ev.seconds();
    }
    ev.start(ctx.stream());
    for (int i = 0; i < calls; ++i)
      run_once(ctx, data, x.data(), mean.data(), cov.data(), w.data(), a.data(), b.data(),
               c.data(), e.data(), kind, tf32, 2);
    ev.stop(ctx.stream());
    state.SetIterationTime(std::max(ev.seconds() - other, 0.0) / calls);
  }
  report(state, n, d, k, kind, sizeof(T), true);
  if (kind == Kind::fit) state.counters["em_iters"] = static_cast<double>(em_iters);
}

void cpu_case(benchmark::State& state, std::int64_t n, std::int64_t d, std::int64_t k, Kind kind) {
  using T = double;
  const Data<T> data(n, d, k);
  Context ctx(boltzkit::Backend::cpu);
  std::vector<T> a(n), b(n * d), c(d * d), e(n * k);
  std::int64_t em_iters = 0;
  for (auto _ : state)
    em_iters = run_once(ctx, data, data.x.data(), data.mean.data(), data.cov.data(),
                        data.weights.data(), a.data(), b.data(), c.data(), e.data(), kind);
  report(state, n, d, k, kind, sizeof(T), false);
  if (kind == Kind::fit) state.counters["em_iters"] = static_cast<double>(em_iters);
}

void register_all() {
  for (const auto& [d, n] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {16, 4194304}, {64, 1048576}, {256, 262144}})
    benchmark::RegisterBenchmark(
        ("mixture/gpu/single/D:" + std::to_string(d) + "/N:" + std::to_string(n)).c_str(),
        [d, n](benchmark::State& s) { gpu_case(s, n, d, 1, Kind::single); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  for (const auto& [d, n] : std::vector<std::pair<std::int64_t, std::int64_t>>{{64, 1048576},
                                                                              {256, 262144}})
    benchmark::RegisterBenchmark(
        ("mixture/gpu/single_tf32/D:" + std::to_string(d) + "/N:" + std::to_string(n)).c_str(),
        [d, n](benchmark::State& s) { gpu_case(s, n, d, 1, Kind::single, true); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mixture/gpu/estep/D:32/N:262144/K:64",
                               [](benchmark::State& s) { gpu_case(s, 262144, 32, 64, Kind::estep); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mixture/gpu/em_iter/D:32/N:262144/K:64",
                               [](benchmark::State& s) { gpu_case(s, 262144, 32, 64, Kind::em_iter); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mixture/gpu/fit/D:32/N:262144/K:64",
                               [](benchmark::State& s) { gpu_case(s, 262144, 32, 64, Kind::fit); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3);  // a whole fit is long; three timed fits
  benchmark::RegisterBenchmark("mixture/cpu/single/D:16/N:65536",
                               [](benchmark::State& s) { cpu_case(s, 65536, 16, 1, Kind::single); })
      ->UseRealTime()  // OpenMP threads: rates per wall-clock second
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mixture/cpu/estep/D:8/N:16384/K:8",
                               [](benchmark::State& s) { cpu_case(s, 16384, 8, 8, Kind::estep); })
      ->UseRealTime()  // OpenMP threads: rates per wall-clock second
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mixture/cpu/em_iter/D:8/N:16384/K:8",
                               [](benchmark::State& s) { cpu_case(s, 16384, 8, 8, Kind::em_iter); })
      ->UseRealTime()  // OpenMP threads: rates per wall-clock second
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mixture/cpu/fit/D:8/N:16384/K:8",
                               [](benchmark::State& s) { cpu_case(s, 16384, 8, 8, Kind::fit); })
      ->UseRealTime()  // OpenMP threads: rates per wall-clock second
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  bench::program p;
  p.name = "boltzkit_bench_mixture";
  p.probe = bench::copy_probe::on_request;
  p.add_context = [] {
    benchmark::AddCustomContext("mixture_work_model",
                                "single: 3·N·D² flops, s·N·(2D+1) bytes; estep: N·K·(D²+3D) "
                                "flops, s·N·(D+1+K) bytes; em_iter: N·K·(2D²+6D+1) flops, "
                                "s·N·D bytes (bench/common/floors.hpp)");
  };
  p.register_all = register_all;
  p.release = [] {};
  return bench::run_program(argc, argv, environment, p);
}
