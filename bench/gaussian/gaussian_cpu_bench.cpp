// CPU cases of boltzkit_bench_gaussian (registered at static initialization, beside the GPU
// cases of gaussian_bench.cpp). Counter median_ms: median wall time of one call.
//
// gaussian_cpu/peers/<fp32|fp64>/D:<D>/B:<B>
//   The work of bench/peers/gaussian_cpu_peers.py: log p + ∂/∂μ + ∂/∂Σ of the covariance
//   parameterization, every row its own matrix, through the public API (the dispatch between
//   loops and blocked path included). D = 1 … 5000, B chosen so that a call takes ~0.1–1 s.
// gaussian_cpu/paths/<loops|blocked>/<fp32|fp64>/D:<D>/B:256
//   The same work through each CPU path directly: where they cross is
//   tuning::gaussian_cpu_blocked_min_dim.
// gaussian_cpu/rows/fp64/D:1000/B:<1|2>
//   B = 1 runs one element with OpenBLAS threads, B = 2 one element per OpenMP thread: per-row
//   time of the two is tuning::gaussian_cpu_row_parallel_max_dim's measurement.
// gaussian_cpu/cholesky/<loops|eigen_llt|openblas_potrf>/fp64/D:<D>
//   One factorization by the float64 loops, Eigen's blocked LLT and OpenBLAS potrf: the choice
//   of the library for the blocked path.
#include <benchmark/benchmark.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "bench/common/random_inputs.hpp"
#include "boltzkit/boltzkit.hpp"
#include "host/gaussian/backends.hpp"
#include "host/linalg/dense_spd.hpp"
#include "host/linalg/lapack.hpp"

namespace {

namespace gaussian = boltzkit::gaussian;
using boltzkit::matrix_batch;
using boltzkit::vector_batch;

enum class path { api, loops, blocked };

template <class T>
const char* type_name() {
  return sizeof(T) == 4 ? "fp32" : "fp64";
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

template <class F>
void time_calls(benchmark::State& state, F&& call) {
  std::vector<double> times;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    call();
    benchmark::ClobberMemory();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.counters["median_ms"] = median_of(times) * 1e3;
}

/// bench::make_gaussian_inputs's law and streams, with A Aᵀ by BLAS syrk from D = 256 on (its
/// plain loops would take minutes at D = 5000); one element per thread, so OpenBLAS runs
/// single-threaded inside.
template <class T>
boltzkit::bench::host_gaussian_inputs<T> make_inputs(std::int64_t n, std::int64_t batch,
                                                     std::uint64_t seed) {
  if (n < 256) return boltzkit::bench::make_gaussian_inputs<T>(n, batch, seed);
  boltzkit::bench::host_gaussian_inputs<T> h;
  h.x.resize(static_cast<std::size_t>(batch * n));
  h.mean.resize(h.x.size());
  h.cov.resize(static_cast<std::size_t>(batch * n * n));
  boltzkit::cpu::lapack::SingleThreadedBlas single;
#pragma omp parallel
  {
    std::vector<double> a(static_cast<std::size_t>(n * n)), c(a.size());
#pragma omp for schedule(dynamic)
    for (std::int64_t b = 0; b < batch; ++b) {
      boltzkit::bench::splitmix64 rng(seed * 0x2545f4914f6cdd1dULL +
                                      static_cast<std::uint64_t>(b) * 0x9e37ULL + 1);
      for (auto& v : a) v = rng.symmetric_unit();
      cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, static_cast<int>(n),
                  static_cast<int>(n), 1.0 / static_cast<double>(n), a.data(),
                  static_cast<int>(n), 0.0, c.data(), static_cast<int>(n));
      T* cov = h.cov.data() + b * n * n;
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j <= i; ++j) {
          const double v = c[i * n + j] + (i == j ? 0.5 : 0.0);
          cov[i * n + j] = static_cast<T>(v);
          cov[j * n + i] = static_cast<T>(v);
        }
      for (std::int64_t i = 0; i < n; ++i) {
        const double mu = rng.symmetric_unit();
        h.mean[static_cast<std::size_t>(b * n + i)] = static_cast<T>(mu);
        h.x[static_cast<std::size_t>(b * n + i)] = static_cast<T>(mu + 2.0 * rng.symmetric_unit());
      }
    }
  }
  return h;
}

template <class T>
void bm_evaluate(benchmark::State& state, std::int64_t dim, std::int64_t batch, path p) {
  const auto h = make_inputs<T>(dim, batch, 0x5eed + dim * 31 + batch);
  std::vector<T> log_prob(batch), grad_mean(batch * dim), grad_cov(batch * dim * dim);
  std::vector<std::int32_t> info(batch);
  gaussian::Inputs<T> in;
  in.x = vector_batch<const T>::packed(h.x.data(), batch, dim);
  in.mean = vector_batch<const T>::packed(h.mean.data(), batch, dim);
  in.matrix = matrix_batch<const T>::packed(h.cov.data(), batch, dim);
  gaussian::Outputs<T> out;
  out.log_prob = log_prob.data();
  out.info = info.data();
  out.grad_mean = vector_batch<T>::packed(grad_mean.data(), batch, dim);
  out.grad_matrix = matrix_batch<T>::packed(grad_cov.data(), batch, dim);
  boltzkit::Context ctx(boltzkit::Backend::cpu);
  auto call = [&] {
    if (p == path::api) gaussian::evaluate(ctx, in, out);
    if (p == path::loops) gaussian::backend::cpu::evaluate_loops(in, out);
    if (p == path::blocked) gaussian::backend::cpu::evaluate_blocked(in, out);
  };
  if (dim < 1000) call();  // warm-up (page faults, thread pools); large cases are one call anyway
  time_calls(state, call);
  if (std::any_of(info.begin(), info.end(), [](std::int32_t v) { return v != 0; }))
    state.SkipWithError("an element failed (info != 0)");
  state.counters["D"] = static_cast<double>(dim);
  state.counters["B"] = static_cast<double>(batch);
}

enum class factorizer { loops, eigen_llt, openblas_potrf };

void bm_cholesky(benchmark::State& state, std::int64_t dim, factorizer f) {
  const auto h = make_inputs<double>(dim, 1, 0xc401 + dim);
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  std::vector<double> work;
  time_calls(state, [&] {
    work = h.cov;
    if (f == factorizer::loops) boltzkit::cpu::cholesky_in_place(work, dim);
    if (f == factorizer::openblas_potrf) boltzkit::cpu::lapack::potrf_lower(dim, work.data(), dim);
    if (f == factorizer::eigen_llt) {
      Eigen::Map<RowMajor> m(work.data(), dim, dim);
      Eigen::LLT<Eigen::Ref<RowMajor>> llt(m);  // in place
      benchmark::DoNotOptimize(llt.info());
    }
    benchmark::DoNotOptimize(work.data());
  });
}

std::string size_name(std::int64_t dim, std::int64_t batch) {
  return "D:" + std::to_string(dim) + "/B:" + std::to_string(batch);
}

template <class T>
void register_evaluate(const std::string& group, std::int64_t dim, std::int64_t batch, path p) {
  benchmark::RegisterBenchmark(
      ("gaussian_cpu/" + group + type_name<T>() + "/" + size_name(dim, batch)).c_str(),
      [=](benchmark::State& st) { bm_evaluate<T>(st, dim, batch, p); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

/// (D, B) of the peer comparison: B so that one call of the slowest peer stays near a second;
/// the environment variable BOLTZKIT_CPU_PEER_SIZES ("D:B,D:B,...", as the peer script's
/// --sizes) replaces the list.
std::vector<std::pair<std::int64_t, std::int64_t>> peer_sizes() {
  std::vector<std::pair<std::int64_t, std::int64_t>> sizes = {
      {1, 262144}, {4, 65536}, {16, 16384}, {64, 2048}, {256, 64}, {1000, 4}, {5000, 2}};
  if (const char* env = std::getenv("BOLTZKIT_CPU_PEER_SIZES")) {
    sizes.clear();
    std::istringstream list(env);
    std::string item;
    while (std::getline(list, item, ','))
      if (const auto colon = item.find(':'); colon != std::string::npos)
        sizes.emplace_back(std::stoll(item.substr(0, colon)), std::stoll(item.substr(colon + 1)));
  }
  return sizes;
}

bool register_cpu_cases() {
  for (auto [dim, batch] : peer_sizes()) {
    register_evaluate<float>("peers/", dim, batch, path::api);
    register_evaluate<double>("peers/", dim, batch, path::api);
  }
  for (std::int64_t dim : {16, 24, 32, 40, 48, 64, 96, 128}) {
    register_evaluate<double>("paths/loops/", dim, 256, path::loops);
    register_evaluate<double>("paths/blocked/", dim, 256, path::blocked);
    register_evaluate<float>("paths/loops/", dim, 256, path::loops);
    register_evaluate<float>("paths/blocked/", dim, 256, path::blocked);
  }
  register_evaluate<double>("rows/", 1000, 1, path::api);
  register_evaluate<double>("rows/", 1000, 2, path::api);
  for (std::int64_t dim : {64, 256, 1000, 2000}) {
    for (auto [f, name] : {std::pair{factorizer::loops, "loops"},
                           std::pair{factorizer::eigen_llt, "eigen_llt"},
                           std::pair{factorizer::openblas_potrf, "openblas_potrf"}}) {
      if (f == factorizer::loops && dim > 1000) continue;  // minutes, and long lost
      benchmark::RegisterBenchmark(
          (std::string("gaussian_cpu/cholesky/") + name + "/fp64/D:" + std::to_string(dim)).c_str(),
          [=](benchmark::State& st) { bm_cholesky(st, dim, f); })
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}

const bool registered = register_cpu_cases();

}  // namespace
