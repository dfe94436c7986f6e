// boltzkit_bench_rbm: one CD-k gradient step of a ±1 RBM (rbm::gradient: k block-Gibbs steps of
// DGEMM + fused sampling, then the data and model statistics by DGEMM/DGEMV), the case
// being 784 × 512 with batch 1024 and k = 1, against PyTorch (bench/peers/rbm_peers.py).
// Names: rbm/<gpu|cpu>/cd<k>/V:<V>/H:<H>/B:<B>. GPU cases time batches of calls with CUDA events
// on the context's stream after checking one call against the CPU backend; without a device
// they SkipWithError. Counters: steps/s, GFLOP/s (work model rbm_cd_flops).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench_environment.hpp"
#include "boltzkit/rbm.hpp"

namespace boltzkit {
namespace {

bench::environment g;

/// Floating-point work of one CD-k gradient, leading terms: per Gibbs step two GEMMs
/// (hidden and visible pre-activations, 2·B·V·H flops each), then the hidden means of the data
/// and of the chains (two GEMMs) and the two outer-product accumulations (two GEMMs).
double rbm_cd_flops(std::int64_t v, std::int64_t h, std::int64_t b, int k) {
  return 2.0 * static_cast<double>(b) * static_cast<double>(v) * static_cast<double>(h) * (2.0 * k + 4.0);
}

struct Problem {
  std::vector<double> w, b, c;
  std::vector<std::int8_t> data;
};

Problem make_problem(std::int64_t nv, std::int64_t nh, std::int64_t batch) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal(0.0, 0.01);
  Problem p{std::vector<double>(static_cast<std::size_t>(nv * nh)),
            std::vector<double>(static_cast<std::size_t>(nv), 0.0),
            std::vector<double>(static_cast<std::size_t>(nh), 0.0),
            std::vector<std::int8_t>(static_cast<std::size_t>(batch * nv))};
  for (double& x : p.w) x = normal(gen);
  rbm::snap_to_grid(p.w.data(), nv * nh);
  for (auto& s : p.data) s = (gen() >> 63) != 0 ? 1 : -1;
  return p;
}

void set_counters(benchmark::State& st, std::int64_t nv, std::int64_t nh, std::int64_t b, int k) {
  st.counters["steps_per_s"] = benchmark::Counter(static_cast<double>(st.iterations()),
                                                  benchmark::Counter::kIsRate);
  st.counters["GFLOPs"] = benchmark::Counter(
      1e-9 * rbm_cd_flops(nv, nh, b, k) * static_cast<double>(st.iterations()),
      benchmark::Counter::kIsRate);
}

void bm_cpu(benchmark::State& st, std::int64_t nv, std::int64_t nh, std::int64_t b, int k) {
  const Problem p = make_problem(nv, nh, b);
  const rbm::Model m{p.w.data(), p.b.data(), p.c.data(), nv, nh, 1.0};
  std::vector<double> gw(p.w.size()), gb(p.b.size()), gc(p.c.size());
  std::uint64_t step = 0;
  for (auto _ : st) {
    rbm::gradient(*g.cpu, m, p.data.data(), b, nullptr, 0, k, 1, step, gw.data(), gb.data(), gc.data());
    step += static_cast<std::uint64_t>(k);
    benchmark::DoNotOptimize(gw.data());
  }
  set_counters(st, nv, nh, b, k);
}

void bm_gpu(benchmark::State& st, std::int64_t nv, std::int64_t nh, std::int64_t b, int k) {
  if (!g.require_gpu(st)) return;
  try {
    Context& ctx = *g.gpu;
    const Problem p = make_problem(nv, nh, b);
    DeviceBuffer<double> w(p.w), bias_v(p.b), bias_h(p.c), gw(p.w.size()), gb(p.b.size()),
        gc(p.c.size());
    DeviceBuffer<std::int8_t> data(p.data);
    const rbm::Model m{w.data(), bias_v.data(), bias_h.data(), nv, nh, 1.0};
    // Correctness before timing: the same gradient as the CPU backend (float64 rounding).
    {
      const rbm::Model hm{p.w.data(), p.b.data(), p.c.data(), nv, nh, 1.0};
      std::vector<double> cw(p.w.size()), cb(p.b.size()), cc(p.c.size());
      rbm::gradient(*g.cpu, hm, p.data.data(), b, nullptr, 0, k, 1, 0, cw.data(), cb.data(), cc.data());
      rbm::gradient(ctx, m, data.data(), b, nullptr, 0, k, 1, 0, gw.data(), gb.data(), gc.data());
      ctx.synchronize();
      const auto dw = gw.download();
      double worst = 0.0;
      for (std::size_t e = 0; e < cw.size(); ++e) worst = std::max(worst, std::fabs(dw[e] - cw[e]));
      if (!(worst < 1e-9)) {
        st.SkipWithError(("GPU gradient differs from the CPU backend by " + std::to_string(worst)).c_str());
        return;
      }
    }
    const int per_batch = 10;
    bench::event_pair ev;
    std::uint64_t step = 1;
    while (st.KeepRunningBatch(per_batch)) {
      ev.start(ctx.stream());
      for (int i = 0; i < per_batch; ++i, step += static_cast<std::uint64_t>(k))
        rbm::gradient(ctx, m, data.data(), b, nullptr, 0, k, 1, step, gw.data(), gb.data(), gc.data());
      ev.stop(ctx.stream());
      st.SetIterationTime(ev.seconds());
    }
    set_counters(st, nv, nh, b, k);
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
  }
}

std::string case_name(const char* where, std::int64_t nv, std::int64_t nh, std::int64_t b, int k) {
  return std::string("rbm/") + where + "/cd" + std::to_string(k) + "/V:" + std::to_string(nv) +
         "/H:" + std::to_string(nh) + "/B:" + std::to_string(b);
}

void register_all() {
  struct Shape {
    std::int64_t nv, nh, b;
    int k;
  };
  for (const Shape s : {Shape{784, 512, 1024, 1}, Shape{784, 512, 1024, 10}, Shape{784, 512, 128, 1}})
    benchmark::RegisterBenchmark(case_name("gpu", s.nv, s.nh, s.b, s.k).c_str(),
                                 [=](benchmark::State& st) { bm_gpu(st, s.nv, s.nh, s.b, s.k); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  // The CPU backend: the shape at a smaller batch, and a small model.
  for (const Shape s : {Shape{784, 512, 64, 1}, Shape{64, 32, 256, 1}})
    benchmark::RegisterBenchmark(case_name("cpu", s.nv, s.nh, s.b, s.k).c_str(),
                                 [=](benchmark::State& st) { bm_cpu(st, s.nv, s.nh, s.b, s.k); })
        ->UseRealTime()  // OpenMP threads: rates per wall-clock second
        ->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace boltzkit

int main(int argc, char** argv) {
  boltzkit::bench::program p;
  p.name = "boltzkit_bench_rbm";
  p.probe = boltzkit::bench::copy_probe::on_request;
  p.add_context = [] {
    benchmark::AddCustomContext("rbm_work_model", "2·B·V·H·(2k + 4) flops per CD-k gradient");
    benchmark::AddCustomContext("rbm_precision", "float64 parameters and GEMMs (cuBLAS DGEMM)");
  };
  p.register_all = boltzkit::register_all;
  p.release = [] {};
  return boltzkit::bench::run_program(argc, argv, boltzkit::g, p);
}
