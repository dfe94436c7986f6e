// boltzkit_bench_gaussian: batched Gaussian log p (+ ∂/∂μ, ∂/∂Σ) on the GPU and the CPU backend.
//
// GPU cases (docs/ANCHORS.md sizes, fp32 and fp64, "full" = log p + grad_mean + grad_matrix of the
// covariance parameterization, "logp" = log p alone; info is always written):
//   D ∈ {4, 8, 16, 32, 64, 128} with B = {1048576, 1048576, 262144, 65536, 16384, 4096},
//   fp64 also at D = 16, B = 65536 and D = 64, B = 4096 (docs/ANCHORS.md's PyTorch float64 sizes),
//   plus D = 256, B = 1024 (fp32: the block kernel's largest size; fp64: the library path) and
//   the library path D = 384, B = 512 (fp32) and D = 512, B = 256 (fp32 and fp64).
// Which kernel runs is gaussian::evaluate's dispatch (host/gaussian/gpu.cu, tuning.hpp): D = 4
// and 8 the register kernel (packed inputs and outputs: the staged, coalesced I/O), D = 16 and 32
// the row-register kernel, D = 64 the group-tile kernel, D = 128 and 256 the block-per-matrix
// kernel in fp32 (D = 128 in fp64), larger D the library path (potrfBatched, then W = L^-1 and
// W^T W on triangular blocks; host/linalg/triangular_blocks.hpp).
// Inputs are fresh random SPD matrices, means and points made on the host and copied once;
// enough independent sets are rotated that they exceed twice the L2. Timing: CUDA events on
// ctx.stream() around a batch of k back-to-back calls of gaussian::evaluate (k chosen in warm-up
// so that a batch lasts ≥ ~1 ms, which hides the host launch cost the way Triton's do_bench
// does); with KeepRunningBatch(k) and UseManualTime one iteration is one call, so Google
// Benchmark's time is the mean per call; median_ms is the median over batches.
// Before timing, every set runs once and set 0 is checked: all info = 0, finite outputs, and
// its first elements agree with the CPU backend.
// Without a CUDA device the GPU cases report SkipWithError("no CUDA device"); the CPU cases
// (D = 4, 16, 64, B = 4096) always run. Counters: see floors.hpp and bench/results/README.md.
// Diagnostics go to stderr so that --benchmark_format=json keeps stdout clean.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "bench/common/bench_environment.hpp"
#include "boltzkit/boltzkit.hpp"
#include "bench/common/device_tools.hpp"
#include "bench/common/floors.hpp"
#include "bench/common/random_inputs.hpp"

namespace {

using boltzkit::Context;
using boltzkit::matrix_batch;
using boltzkit::vector_batch;
using boltzkit::DeviceBuffer;
using boltzkit::bench::gaussian_outputs;
namespace gaussian = boltzkit::gaussian;
namespace bench = boltzkit::bench;

constexpr double target_batch_seconds = 1e-3;  // one timed batch of calls lasts about this long
constexpr int max_calls_per_batch = 64;
constexpr std::int64_t checked_elements = 16;  // set 0's first elements compared with the CPU

struct case_base {
  virtual ~case_base() = default;
};

/// One independent input set with its outputs, on the device.
template <class T>
struct device_set {
  DeviceBuffer<T> x, mean, cov;                   // (B, D), (B, D), (B, D, D)
  DeviceBuffer<T> log_prob, grad_mean, grad_cov;  // (B,), (B, D), (B, D, D)
  DeviceBuffer<std::int32_t> info;                // (B,)
};

template <class T>
struct gpu_case : case_base {
  std::int64_t dim = 0, batch = 0;
  std::vector<device_set<T>> sets;
  bench::host_gaussian_inputs<T> head;  // set 0's first `checked_elements` elements, on the host
  bool checked_full = false, checked_logp = false;
  double max_rel_err = 0.0;
};

template <class T>
struct cpu_case : case_base {
  std::int64_t dim = 0, batch = 0;
  bench::host_gaussian_inputs<T> in;
  std::vector<T> log_prob, grad_mean, grad_cov;
  std::vector<std::int32_t> info;
};

struct globals : bench::environment {
  std::unique_ptr<case_base> gpu_cached, cpu_cached;  // the last case's data, reused by variants
};
globals g;

template <class T>
const char* type_name() {
  return sizeof(T) == 4 ? "fp32" : "fp64";
}

template <class T>
gaussian::Inputs<T> make_inputs(const T* x, const T* mean, const T* cov, std::int64_t dim,
                                std::int64_t batch) {
  gaussian::Inputs<T> in;
  in.x = vector_batch<const T>::packed(x, batch, dim);
  in.mean = vector_batch<const T>::packed(mean, batch, dim);
  in.matrix = matrix_batch<const T>::packed(cov, batch, dim);
  in.parameterization = gaussian::Parameterization::covariance;
  return in;
}

template <class T>
gaussian::Outputs<T> make_outputs(T* log_prob, T* grad_mean, T* grad_cov, std::int32_t* info,
                                  std::int64_t dim, std::int64_t batch, gaussian_outputs o) {
  gaussian::Outputs<T> out;
  out.log_prob = log_prob;
  out.info = info;
  if (o == gaussian_outputs::full) {
    out.grad_mean = vector_batch<T>::packed(grad_mean, batch, dim);
    out.grad_matrix = matrix_batch<T>::packed(grad_cov, batch, dim);
  }
  return out;
}

template <class T>
gaussian::Inputs<T> inputs_of(const device_set<T>& s, std::int64_t dim, std::int64_t batch) {
  return make_inputs<T>(s.x.data(), s.mean.data(), s.cov.data(), dim, batch);
}

template <class T>
gaussian::Outputs<T> outputs_of(const device_set<T>& s, std::int64_t dim, std::int64_t batch,
                                gaussian_outputs o) {
  return make_outputs<T>(s.log_prob.data(), s.grad_mean.data(), s.grad_cov.data(), s.info.data(),
                         dim, batch, o);
}

std::uint64_t seed_for(std::int64_t dim, std::int64_t batch, std::size_t set, bool fp64) {
  return 0x5eedULL + static_cast<std::uint64_t>(dim) * 1000003ULL +
         static_cast<std::uint64_t>(batch) * 7919ULL + set * 104729ULL + (fp64 ? 17 : 0);
}

/// The device data of (T, D, B), made on first use; the previous case is freed first.
template <class T>
gpu_case<T>& get_gpu_case(std::int64_t dim, std::int64_t batch) {
  if (auto* c = dynamic_cast<gpu_case<T>*>(g.gpu_cached.get()))
    if (c->dim == dim && c->batch == batch) return *c;
  g.gpu_cached.reset();
  auto c = std::make_unique<gpu_case<T>>();
  c->dim = dim;
  c->batch = batch;
  const std::size_t vec = static_cast<std::size_t>(batch * dim);
  const std::size_t mat = static_cast<std::size_t>(batch * dim * dim);
  const double set_bytes =
      static_cast<double>(sizeof(T) * (3 * vec + 2 * mat + static_cast<std::size_t>(batch)) +
                          sizeof(std::int32_t) * static_cast<std::size_t>(batch));
  std::size_t free_bytes = 0, total_bytes = 0;
  BOLTZKIT_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
  const double rotate_bytes =
      2.0 * static_cast<double>(std::max<std::int64_t>(g.facts.l2_bytes, std::int64_t{50} << 20));
  std::size_t n_sets = static_cast<std::size_t>(std::ceil(rotate_bytes / set_bytes));
  n_sets = std::clamp<std::size_t>(n_sets, 1, 64);
  const auto fit = static_cast<std::size_t>(0.5 * static_cast<double>(free_bytes) / set_bytes);
  if (fit < 1)
    throw std::runtime_error("not enough device memory for one input set (" +
                             std::to_string(set_bytes / 1e9) + " GB)");
  n_sets = std::min(n_sets, fit);
  for (std::size_t s = 0; s < n_sets; ++s) {
    const auto host =
        bench::make_gaussian_inputs<T>(dim, batch, seed_for(dim, batch, s, sizeof(T) == 8));
    device_set<T> d;
    d.x = DeviceBuffer<T>(vec);
    d.mean = DeviceBuffer<T>(vec);
    d.cov = DeviceBuffer<T>(mat);
    d.log_prob = DeviceBuffer<T>(static_cast<std::size_t>(batch));
    d.grad_mean = DeviceBuffer<T>(vec);
    d.grad_cov = DeviceBuffer<T>(mat);
    d.info = DeviceBuffer<std::int32_t>(static_cast<std::size_t>(batch));
    d.x.upload(host.x);
    d.mean.upload(host.mean);
    d.cov.upload(host.cov);
    // Poison the outputs (NaN bytes, nonzero info) so that anything unwritten is caught.
    BOLTZKIT_CUDA(cudaMemset(d.log_prob.data(), 0xff, d.log_prob.bytes()));
    BOLTZKIT_CUDA(cudaMemset(d.grad_mean.data(), 0xff, d.grad_mean.bytes()));
    BOLTZKIT_CUDA(cudaMemset(d.grad_cov.data(), 0xff, d.grad_cov.bytes()));
    BOLTZKIT_CUDA(cudaMemset(d.info.data(), 0x7f, d.info.bytes()));
    if (s == 0) {
      const std::int64_t m = std::min(batch, checked_elements);
      c->head.x.assign(host.x.begin(), host.x.begin() + m * dim);
      c->head.mean.assign(host.mean.begin(), host.mean.begin() + m * dim);
      c->head.cov.assign(host.cov.begin(), host.cov.begin() + m * dim * dim);
    }
    c->sets.push_back(std::move(d));
  }
  // The copies and memsets ran on the legacy default stream, which the context's non-blocking
  // stream does not wait for: finish them before any evaluate.
  BOLTZKIT_CUDA(cudaDeviceSynchronize());
  auto& ref = *c;
  g.gpu_cached = std::move(c);
  return ref;
}

template <class T>
void accumulate_error(double& worst, const std::vector<T>& got, const std::vector<T>& want) {
  for (std::size_t i = 0; i < want.size() && i < got.size(); ++i) {
    const double w = static_cast<double>(want[i]);
    const double e = std::abs(static_cast<double>(got[i]) - w) / (1.0 + std::abs(w));
    worst = std::isfinite(e) ? std::max(worst, e) : INFINITY;
  }
}

template <class T>
std::int64_t count_bad(const std::vector<T>& v) {
  return std::count_if(v.begin(), v.end(), [](T a) { return !std::isfinite(a); });
}

/// After warm-up: set 0 has info = 0 everywhere, finite outputs, and agrees with the CPU
/// backend on its first elements. Returns an empty string when all is well.
template <class T>
std::string check_set0(gpu_case<T>& c, gaussian_outputs o) {
  const std::int64_t dim = c.dim, batch = c.batch;
  const device_set<T>& s = c.sets.front();
  const auto info = s.info.download(static_cast<std::size_t>(batch));
  const auto failed =
      std::count_if(info.begin(), info.end(), [](std::int32_t v) { return v != 0; });
  if (failed > 0) return std::to_string(failed) + " elements with info != 0 after warm-up";
  std::int64_t bad = count_bad(s.log_prob.download(static_cast<std::size_t>(batch)));
  if (o == gaussian_outputs::full) {
    bad += count_bad(s.grad_mean.download(std::size_t{1} << 20));
    bad += count_bad(s.grad_cov.download(std::size_t{1} << 22));
  }
  if (bad > 0) return std::to_string(bad) + " non-finite outputs after warm-up";

  // The CPU backend (float64 accumulation) on the same first elements.
  const std::int64_t m = std::min(batch, checked_elements);
  std::vector<T> lp(static_cast<std::size_t>(m)), gm(static_cast<std::size_t>(m * dim)),
      gc(static_cast<std::size_t>(m * dim * dim));
  std::vector<std::int32_t> inf(static_cast<std::size_t>(m));
  gaussian::evaluate<T>(
      *g.cpu, make_inputs<T>(c.head.x.data(), c.head.mean.data(), c.head.cov.data(), dim, m),
      make_outputs<T>(lp.data(), gm.data(), gc.data(), inf.data(), dim, m, o));
  double worst = 0.0;
  accumulate_error(worst, s.log_prob.download(lp.size()), lp);
  if (o == gaussian_outputs::full) {
    accumulate_error(worst, s.grad_mean.download(gm.size()), gm);
    accumulate_error(worst, s.grad_cov.download(gc.size()), gc);
  }
  c.max_rel_err = std::max(c.max_rel_err, worst);
  const double tolerance = sizeof(T) == 4 ? 1e-2 : 1e-7;
  if (!(worst <= tolerance))
    return "GPU and CPU disagree after warm-up: max |gpu-cpu|/(1+|cpu|) = " + std::to_string(worst);
  return {};
}

/// items_per_second and bytes_per_second (Google Benchmark's, from the mean time) plus plain
/// counters from the median per-call time `med` (seconds): elements_per_s, GBps, GFLOPs.
void set_common_counters(benchmark::State& state, std::int64_t dim, std::int64_t batch,
                         double bytes, double flops, double med) {
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["D"] = static_cast<double>(dim);
  state.counters["B"] = static_cast<double>(batch);
  state.counters["median_ms"] = med * 1e3;
  state.counters["elements_per_s"] = med > 0 ? static_cast<double>(batch) / med : 0.0;
  state.counters["GBps"] = med > 0 ? bytes / med * 1e-9 : 0.0;
  state.counters["GFLOPs"] = med > 0 ? flops / med * 1e-9 : 0.0;
}

template <class T>
void bm_gaussian_gpu(benchmark::State& state, std::int64_t dim, std::int64_t batch,
                     gaussian_outputs o) {
  if (!g.require_gpu(state)) return;
  try {
    auto& c = get_gpu_case<T>(dim, batch);
    Context& ctx = *g.gpu;
    cudaStream_t stream = ctx.stream();
    const std::size_t n_sets = c.sets.size();
    auto call = [&](std::size_t k) {
      const auto& s = c.sets[k % n_sets];
      gaussian::evaluate<T>(ctx, inputs_of(s, dim, batch), outputs_of(s, dim, batch, o));
    };
    // Warm-up: every set once (creates handles, grows the workspace), then check set 0.
    for (std::size_t k = 0; k < n_sets; ++k) call(k);
    ctx.synchronize();
    bool& checked = o == gaussian_outputs::full ? c.checked_full : c.checked_logp;
    if (!checked) {
      const std::string problem = check_set0(c, o);
      if (!problem.empty()) {
        state.SkipWithError(problem.c_str());
        return;
      }
      checked = true;
    }
    bench::event_pair ev;
    ev.start(stream);
    call(0);
    ev.stop(stream);
    const double single = std::max(ev.seconds(), 1e-7);
    const int per_batch = static_cast<int>(std::clamp(std::ceil(target_batch_seconds / single), 1.0,
                                                      static_cast<double>(max_calls_per_batch)));

    // One benchmark iteration = one call; a batch of `per_batch` calls shares one event pair,
    // and its total time is credited to the batch (so Google Benchmark's time is per call).
    std::vector<double> times;  // per-call time of each batch
    std::size_t next = 0;
    while (state.KeepRunningBatch(per_batch)) {
      ev.start(stream);
      for (int r = 0; r < per_batch; ++r) call(next++);
      ev.stop(stream);
      const double batch_seconds = ev.seconds();
      state.SetIterationTime(batch_seconds);
      times.push_back(batch_seconds / per_batch);
    }

    if (times.empty()) return;
    const double bytes = bench::gaussian_bytes(sizeof(T), dim, batch, o);
    const double flops = bench::gaussian_flops(dim, batch, o);
    const double med = bench::median(times);
    set_common_counters(state, dim, batch, bytes, flops, med);
    bench::set_floor_counters(state, times, med, bytes, g.bw.bytes_per_s);
    state.counters["sets"] = static_cast<double>(n_sets);
    state.counters["calls_per_batch"] = per_batch;
    state.counters["check_max_rel_err"] = c.max_rel_err;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

template <class T>
cpu_case<T>& get_cpu_case(std::int64_t dim, std::int64_t batch) {
  if (auto* c = dynamic_cast<cpu_case<T>*>(g.cpu_cached.get()))
    if (c->dim == dim && c->batch == batch) return *c;
  g.cpu_cached.reset();
  auto c = std::make_unique<cpu_case<T>>();
  c->dim = dim;
  c->batch = batch;
  c->in = bench::make_gaussian_inputs<T>(dim, batch, seed_for(dim, batch, 0, sizeof(T) == 8));
  c->log_prob.assign(static_cast<std::size_t>(batch), T(0));
  c->grad_mean.assign(static_cast<std::size_t>(batch * dim), T(0));
  c->grad_cov.assign(static_cast<std::size_t>(batch * dim * dim), T(0));
  c->info.assign(static_cast<std::size_t>(batch), 0);
  auto& ref = *c;
  g.cpu_cached = std::move(c);
  return ref;
}

template <class T>
void bm_gaussian_cpu(benchmark::State& state, std::int64_t dim, std::int64_t batch,
                     gaussian_outputs o) {
  try {
    auto& c = get_cpu_case<T>(dim, batch);
    const auto in = make_inputs<T>(c.in.x.data(), c.in.mean.data(), c.in.cov.data(), dim, batch);
    const auto out = make_outputs<T>(c.log_prob.data(), c.grad_mean.data(), c.grad_cov.data(),
                                     c.info.data(), dim, batch, o);
    gaussian::evaluate<T>(*g.cpu, in, out);  // warm-up
    const auto failed =
        std::count_if(c.info.begin(), c.info.end(), [](std::int32_t v) { return v != 0; });
    if (failed > 0) {
      state.SkipWithError((std::to_string(failed) + " elements with info != 0").c_str());
      return;
    }
    std::vector<double> times;
    for (auto _ : state) {
      const auto start = std::chrono::steady_clock::now();
      gaussian::evaluate<T>(*g.cpu, in, out);
      benchmark::DoNotOptimize(c.log_prob.data());
      benchmark::ClobberMemory();
      times.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    set_common_counters(state, dim, batch, bench::gaussian_bytes(sizeof(T), dim, batch, o),
                        bench::gaussian_flops(dim, batch, o), bench::median(times));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

/// Device-to-device copy bandwidth, bytes read + written (the memory floor's reference).
void bm_device_copy(benchmark::State& state, std::size_t bytes) {
  if (!g.require_gpu(state)) return;
  try {
    cudaStream_t stream = g.gpu->stream();
    DeviceBuffer<unsigned char> src(bytes), dst(bytes);
    BOLTZKIT_CUDA(cudaMemsetAsync(src.data(), 0x5a, bytes, stream));
    bench::event_pair ev;
    for (int r = 0; r < 3; ++r) {
      ev.start(stream);
      BOLTZKIT_CUDA(cudaMemcpyAsync(dst.data(), src.data(), bytes, cudaMemcpyDeviceToDevice, stream));
      ev.stop(stream);
      ev.seconds();
    }
    std::vector<double> times;
    for (auto _ : state) {
      ev.start(stream);
      BOLTZKIT_CUDA(cudaMemcpyAsync(dst.data(), src.data(), bytes, cudaMemcpyDeviceToDevice, stream));
      ev.stop(stream);
      const double s = ev.seconds();
      state.SetIterationTime(s);
      times.push_back(s);
    }
    const double moved = 2.0 * static_cast<double>(bytes);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(moved));
    const double med = bench::median(times);
    state.counters["median_ms"] = med * 1e3;
    state.counters["GBps"] = med > 0 ? moved / med * 1e-9 : 0.0;
    state.counters["bw_bytes_per_s"] = med > 0 ? moved / med : 0.0;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

std::string size_name(std::int64_t dim, std::int64_t batch) {
  return "D:" + std::to_string(dim) + "/B:" + std::to_string(batch);
}

template <class T>
void register_gpu(std::int64_t dim, std::int64_t batch, gaussian_outputs o) {
  const std::string name = std::string("gaussian/gpu/") + type_name<T>() + "/" +
                           bench::outputs_name(o) + "/" + size_name(dim, batch);
  benchmark::RegisterBenchmark(name.c_str(),
                               [=](benchmark::State& st) { bm_gaussian_gpu<T>(st, dim, batch, o); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

template <class T>
void register_cpu(std::int64_t dim, std::int64_t batch, gaussian_outputs o) {
  const std::string name = std::string("gaussian/cpu/") + type_name<T>() + "/" +
                           bench::outputs_name(o) + "/" + size_name(dim, batch);
  benchmark::RegisterBenchmark(name.c_str(),
                               [=](benchmark::State& st) { bm_gaussian_cpu<T>(st, dim, batch, o); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

void register_all() {
  const std::size_t copy_bytes = std::size_t{1} << 30;
  benchmark::RegisterBenchmark(("device/copy/bytes:" + std::to_string(copy_bytes)).c_str(),
                               [=](benchmark::State& st) { bm_device_copy(st, copy_bytes); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);

  // docs/ANCHORS.md sizes. Variants of one (type, D, B) are adjacent so they share the device data.
  const std::int64_t dims[] = {4, 8, 16, 32, 64, 128};
  const std::int64_t batches[] = {1048576, 1048576, 262144, 65536, 16384, 4096};
  for (int i = 0; i < 6; ++i) {
    register_gpu<float>(dims[i], batches[i], gaussian_outputs::full);
    register_gpu<float>(dims[i], batches[i], gaussian_outputs::log_prob_only);
    register_gpu<double>(dims[i], batches[i], gaussian_outputs::full);
    register_gpu<double>(dims[i], batches[i], gaussian_outputs::log_prob_only);
  }
  // fp64 at the sizes docs/ANCHORS.md gives PyTorch's float64 times for.
  register_gpu<double>(16, 65536, gaussian_outputs::full);
  register_gpu<double>(64, 4096, gaussian_outputs::full);
  // Past the fused kernels: D = 256 is the fp32 block kernel's last size and the library path in
  // fp64; D = 384 and 512 run the library path in both (tuning::gaussian_block_max_dim<T>).
  register_gpu<float>(256, 1024, gaussian_outputs::full);
  register_gpu<float>(256, 1024, gaussian_outputs::log_prob_only);
  register_gpu<double>(256, 1024, gaussian_outputs::full);
  register_gpu<float>(384, 512, gaussian_outputs::full);
  register_gpu<float>(384, 512, gaussian_outputs::log_prob_only);
  register_gpu<float>(512, 256, gaussian_outputs::full);
  register_gpu<float>(512, 256, gaussian_outputs::log_prob_only);
  register_gpu<double>(512, 256, gaussian_outputs::full);

  // The CPU reference backend at small sizes: runs everywhere.
  for (std::int64_t dim : {4, 16, 64}) {
    register_cpu<float>(dim, 4096, gaussian_outputs::full);
    register_cpu<float>(dim, 4096, gaussian_outputs::log_prob_only);
    register_cpu<double>(dim, 4096, gaussian_outputs::full);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::program p;
  p.name = "boltzkit_bench_gaussian";
  p.probe = bench::copy_probe::always;  // measured_copy_bw_bytes_per_s is always in the context
  p.register_all = register_all;
  p.release = [] {
    g.gpu_cached.reset();
    g.cpu_cached.reset();
  };
  return bench::run_program(argc, argv, g, p);
}
