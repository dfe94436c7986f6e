// boltzkit_bench_ising: checkerboard sweeps of the lattice Ising model on the GPU and the CPU
// backend, on two paths:
//   bytes   ising::sweep, one int8 per spin, two half-sweep launches per sweep;
//   packed  ising::sweep_packed (boltzkit/ising_packed.hpp), one bit per spin, 64 spins per
//           word operation, uniform J and h = 0, lx a multiple of 128.
//
// GPU cases, J = 1, h = 0, each with Metropolis and heat bath:
//   bytes  (names ising/gpu/<algorithm>/L:<lx>x<ly>[x<lz>]/R:<replicas>/beta:<β>):
//     2D: 4096 replicas of 128², one 16384², one 65536² (4 GiB of int8 spins: skipped with a
//         message when cudaMemGetInfo reports too little free memory), at β = 1/1.5 (T = 1.5, the
//         temperature of docs/ANCHORS.md's NVIDIA figures) and β_c = 0.4406868;
//     3D: 512 replicas of 64³, one 1024³ (1 GiB), at β = 0.2216544 (critical) and 0.3.
//   packed (names ising/gpu/packed/<algorithm>/L:…/R:…/beta:…): the same targets, 65536² being
//     512 MiB of words; the many-small-3D target 512 × 64³ is registered too but skipped with a
//     message (packed_supported() needs lx % 128 == 0), and runs instead as 256 replicas of
//     128×64×64 (L:128x64x64/R:256: the same 2^27 spins, the same ly = lz = 64).
//   Order: bytes (all but 65536²), packed (all but 65536²), packed 65536², bytes 65536² (the
//   largest allocation last: a fault there cannot spoil the others).
// Per case: a hot start when the (algorithm, β) variant starts (bytes: ising::initialize;
// packed: random words made on the host from the seed and uploaded; every bit is a spin), a few
// warm-up sweeps, then CUDA events on ctx.stream() around batches of k sweeps, each batch one
// sweep call with n_sweeps = k (k chosen in warm-up so that a batch lasts ≥ ~10 ms, ≤ 64). The
// next batch is queued before the current one is waited for, so the host's work per call
// (acceptance/threshold tables, small copies, 2k launches) overlaps the GPU's and is not timed.
// One Google Benchmark iteration is one sweep (KeepRunningBatch(k), UseManualTime): real_time is
// the mean per sweep; median_ms (median over batches) is what the tables use.
// Counters (from the median sweep time):
//   flips_per_ns   attempted spin updates per ns = replicas · sites / (ns per sweep)
//   GBps           minimal traffic per sweep:
//                    bytes:  per half-sweep every spin is read once (the neighbours, ideally
//                            from cache) and half of them written, ~1.5 bytes per spin, so
//                            3 bytes per spin per sweep;
//                    packed: per half-sweep both colours' words are read once and one colour's
//                            written, 1.5 bits per spin, so 3 bits = 0.375 bytes per spin per
//                            sweep (at 3 TB/s the packed path tops out near 8000 flips/ns)
//   floor_ms, pct_of_floor, floor_bw_GBps: that traffic at BOLTZKIT_BW_BYTES_PER_S (default
//                  3.0e12, docs/ANCHORS.md's H100 copy bandwidth; "measured" probes the device)
//   energy_per_spin, abs_magnetization (replica means after the timed sweeps), check_bitwise.
// The share of the time spent on random numbers (packed path): the ising_rng_share/… cases of
// ising_rng_share.cpp, registered after these.
// Checks before timing: in the batched cases replica 0 after the warm-up must equal, bit for bit,
// the CPU backend run from the same start (the library's determinism contract: ising::sweep resp.
// ising::sweep_packed on Context(Backend::cpu)); on the packed path every replica's
// measure_packed E/N must also be finite and within [−d, d] after the warm-up; in every case the
// energy per spin must be finite and within [−d, d] and |m| ≤ 1 after the run.
// CPU cases time the CPU backend by wall clock and always run: bytes (ising/cpu/…: 64², 16
// replicas of 32², 8 replicas of 16³) and packed (ising/cpu/packed/…: 256², 16 replicas of 128²,
// 4 replicas of 128×16×16), at the critical β. Without a CUDA device the GPU cases report
// SkipWithError("no CUDA device"). Diagnostics go to stderr.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "bench/common/bench_environment.hpp"
#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising.hpp"
#include "boltzkit/ising_packed.hpp"
#include "bench/common/device_tools.hpp"
#include "bench/common/floors.hpp"
#include "ising_case_names.hpp"
#include "ising_rng_share.hpp"

namespace {

using boltzkit::Context;
using boltzkit::DeviceBuffer;
namespace ising = boltzkit::ising;
namespace bench = boltzkit::bench;
using bench::algorithm_name;
using bench::fmt_beta;
using bench::hot_words;
using bench::lattice_name;

constexpr double target_batch_seconds = 10e-3;  // one timed batch of sweeps lasts about this
constexpr std::int64_t max_sweeps_per_batch = 64;
constexpr std::int64_t warmup_sweeps = 3;
constexpr std::uint64_t seed = 0x15e9ULL;
// Free device memory kept beside the spins (context workspace, the runtime, measure's outputs).
constexpr std::size_t memory_margin_bytes = std::size_t{512} << 20;

constexpr double beta_2d_t15 = 1.0 / 1.5;
constexpr double beta_2d_critical = 0.4406868;
constexpr double beta_3d_critical = 0.2216544;
constexpr double beta_3d_ordered = 0.3;

enum class spin_path { bytes, packed };

/// Minimal traffic per spin per sweep (see the file comment): bytes 3 B, packed 3 bits.
double traffic_bytes_per_spin_sweep(spin_path p) { return p == spin_path::packed ? 0.375 : 3.0; }

struct lattice_case {
  ising::Lattice lattice;
  std::int64_t replicas = 1;
  std::int64_t spins() const { return replicas * lattice.sites(); }
};

/// The device spins of one (path, lattice, replicas), reused by its adjacent (algorithm, β)
/// variants. Only the buffer of its path is allocated.
struct gpu_lattice {
  lattice_case lc;
  spin_path path = spin_path::bytes;
  DeviceBuffer<std::int8_t> spins;    // bytes path: (R, sites)
  DeviceBuffer<std::uint64_t> words;  // packed path: (R, packed_words)
  std::string variant;                 // the variant the spins currently belong to
  std::uint64_t next_sweep = 0;        // sweep index of the next sweep (fresh random numbers)
  std::int64_t sweeps_per_batch = 0;
  int check_bitwise = 0;  // 1 checked equal to the CPU backend, 0 not checked
};

struct globals : bench::environment {
  std::unique_ptr<gpu_lattice> cached;
};
globals g;

/// bytes: ising/<backend>/<algorithm>/…; packed: ising/<backend>/packed/<algorithm>/….
std::string case_name(const char* backend, spin_path path, const lattice_case& lc,
                      ising::Algorithm a, double beta) {
  return std::string("ising/") + backend + "/" +
         (path == spin_path::packed ? "packed/" : "") + algorithm_name(a) + "/L:" +
         lattice_name(lc.lattice) + "/R:" + std::to_string(lc.replicas) + "/beta:" +
         fmt_beta(beta);
}

double gib(double bytes) { return bytes / double(std::size_t{1} << 30); }

std::size_t packed_word_count(const lattice_case& lc) {
  return static_cast<std::size_t>(lc.replicas * ising::packed_words(lc.lattice));
}

/// Why the packed path cannot run `lc`, or an empty string when it can.
std::string packed_unsupported_reason(const lattice_case& lc) {
  if (ising::packed_supported(lc.lattice)) return {};
  const ising::Lattice& l = lc.lattice;
  std::string why = "packed path unsupported for L:" + lattice_name(l) +
                    " (packed_supported() needs lx % 128 == 0 and even ly, lz >= 2)";
  if (l.dimensions() == 3 && l.lx == 64 && l.ly == 64 && l.lz == 64 && lc.replicas == 512)
    why += "; the same 2^27 spins run as ising/gpu/packed/<algorithm>/L:128x64x64/R:256";
  return why;
}

/// The device spins of `lc` on `path`, allocated on first use (the previous lattice is freed
/// first). Returns nullptr with the reason in `why` when the device lacks the memory.
gpu_lattice* get_gpu_lattice(const lattice_case& lc, spin_path path, std::string* why) {
  if (g.cached && g.cached->path == path && g.cached->lc.lattice.lx == lc.lattice.lx &&
      g.cached->lc.lattice.ly == lc.lattice.ly && g.cached->lc.lattice.lz == lc.lattice.lz &&
      g.cached->lc.replicas == lc.replicas)
    return g.cached.get();
  g.cached.reset();
  g.gpu->synchronize();
  std::size_t free_bytes = 0, total_bytes = 0;
  BOLTZKIT_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
  const std::size_t count =
      path == spin_path::packed ? packed_word_count(lc) : static_cast<std::size_t>(lc.spins());
  const std::size_t need =
      count * (path == spin_path::packed ? sizeof(std::uint64_t) : sizeof(std::int8_t));
  if (free_bytes < need + memory_margin_bytes) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "not enough device memory: %.2f GiB of %s (+%.2f GiB margin) needed, "
                  "cudaMemGetInfo reports %.2f GiB free of %.2f GiB",
                  gib(static_cast<double>(need)),
                  path == spin_path::packed ? "packed spin words" : "int8 spins",
                  gib(static_cast<double>(memory_margin_bytes)),
                  gib(static_cast<double>(free_bytes)), gib(static_cast<double>(total_bytes)));
    *why = buf;
    g.warn(buf);
    return nullptr;
  }
  auto c = std::make_unique<gpu_lattice>();
  c->lc = lc;
  c->path = path;
  if (path == spin_path::packed)
    c->words = DeviceBuffer<std::uint64_t>(count);
  else
    c->spins = DeviceBuffer<std::int8_t>(count);
  g.cached = std::move(c);
  return g.cached.get();
}

/// Checks that each replica is physical (E/N finite and within [−d, d], |m| ≤ 1) and averages
/// E/N and |m| over the replicas. Returns an empty string when all is well.
std::string check_physical(const lattice_case& lc, const std::vector<double>& e,
                           const std::vector<double>& m, const std::string& when,
                           double* energy_mean, double* abs_m_mean) {
  const double d = lc.lattice.dimensions();
  double se = 0.0, sm = 0.0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (!std::isfinite(e[i]) || std::abs(e[i]) > d + 1e-9 || !(std::abs(m[i]) <= 1.0 + 1e-12))
      return "replica " + std::to_string(i) + " is unphysical " + when + ": E/N = " +
             std::to_string(e[i]) + ", M/N = " + std::to_string(m[i]);
    se += e[i];
    sm += std::abs(m[i]);
  }
  const double r = e.empty() ? 1.0 : static_cast<double>(e.size());
  *energy_mean = se / r;
  *abs_m_mean = sm / r;
  return {};
}

/// The byte path on one context (ising::sweep, one int8 per spin, J = 1, h = 0). The benchmark
/// bodies below are written once for both paths against this and packed_path.
struct byte_path {
  using word = std::int8_t;
  using view = ising::Spins;
  static constexpr spin_path path = spin_path::bytes;
  static constexpr const char* label = "";         // in the bitwise-check message
  static constexpr const char* measure_note = "";  // in the measurement messages
  static constexpr bool checked_after_warmup = false;

  Context& ctx;
  const ising::Lattice& lattice;
  ising::Algorithm algorithm;
  view spins;

  void sweep(const double* betas, std::uint64_t first_sweep, std::int64_t n) const {
    ising::sweep(ctx, lattice, ising::Couplings{}, algorithm, spins, betas, seed, first_sweep, n);
  }
  void measure(double* energy, double* magnetization) const {
    ising::measure(ctx, lattice, ising::Couplings{}, spins, energy, magnetization);
  }

  static std::string unsupported(const lattice_case&) { return {}; }
  static DeviceBuffer<word>& buffer(gpu_lattice& c) { return c.spins; }
  /// Hot start on the device (ising::initialize); replica 0's start into `replica0` when there
  /// are several replicas.
  static void hot_start_gpu(Context& ctx, const lattice_case& lc, DeviceBuffer<word>& spins,
                            std::vector<word>* replica0) {
    ising::initialize(ctx, lc.lattice, view{spins.data(), lc.replicas}, seed, /*hot=*/true);
    if (lc.replicas > 1) {  // replica 0 is small: follow it on the CPU backend too
      ctx.synchronize();
      *replica0 = spins.download(static_cast<std::size_t>(lc.lattice.sites()));
    }
  }
  static std::vector<word> hot_start_cpu(Context& ctx, const lattice_case& lc) {
    std::vector<word> host(static_cast<std::size_t>(lc.spins()));
    ising::initialize(ctx, lc.lattice, view{host.data(), lc.replicas}, seed, /*hot=*/true);
    return host;
  }
  static std::string where(std::size_t i, const std::vector<word>&, const std::vector<word>&) {
    return "site " + std::to_string(i);
  }
};

/// The packed path on one context (ising::sweep_packed, one bit per spin, J = 1, h = 0).
struct packed_path {
  using word = std::uint64_t;
  using view = ising::PackedSpins;
  static constexpr spin_path path = spin_path::packed;
  static constexpr const char* label = "packed ";
  static constexpr const char* measure_note = " (measure_packed)";
  static constexpr bool checked_after_warmup = true;  // every replica's E/N after the warm-up
  static constexpr double J = 1.0;

  Context& ctx;
  const ising::Lattice& lattice;
  ising::Algorithm algorithm;
  view words;

  void sweep(const double* betas, std::uint64_t first_sweep, std::int64_t n) const {
    ising::sweep_packed(ctx, lattice, J, algorithm, words, betas, seed, first_sweep, n);
  }
  void measure(double* energy, double* magnetization) const {
    ising::measure_packed(ctx, lattice, J, words, energy, magnetization);
  }

  static std::string unsupported(const lattice_case& lc) { return packed_unsupported_reason(lc); }
  static DeviceBuffer<word>& buffer(gpu_lattice& c) { return c.words; }
  /// Hot start made on the host (hot_words) and uploaded; replica 0's start into `replica0`
  /// when there are several replicas.
  static void hot_start_gpu(Context& ctx, const lattice_case& lc, DeviceBuffer<word>& words,
                            std::vector<word>* replica0) {
    const auto per_replica = static_cast<std::size_t>(ising::packed_words(lc.lattice));
    std::vector<word> start = hot_words(words.size(), seed);
    ctx.synchronize();  // nothing of an earlier variant may still use the words
    words.upload(start);
    // A pageable cudaMemcpy may return before its DMA lands, and ctx.stream() does not wait
    // for the legacy stream: finish the upload before the sweeps are queued.
    BOLTZKIT_CUDA(cudaDeviceSynchronize());
    if (lc.replicas > 1)  // replica 0 is small: follow it on the CPU backend too
      replica0->assign(start.begin(), start.begin() + static_cast<std::ptrdiff_t>(per_replica));
  }
  static std::vector<word> hot_start_cpu(Context&, const lattice_case& lc) {
    return hot_words(packed_word_count(lc), seed);
  }
  static std::string where(std::size_t i, const std::vector<word>& gpu0,
                           const std::vector<word>& cpu0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, ": GPU %016llx, CPU %016llx",
                  static_cast<unsigned long long>(gpu0[i]),
                  static_cast<unsigned long long>(cpu0[i]));
    return "word " + std::to_string(i) + " of " + std::to_string(gpu0.size()) + buf;
  }
};

/// Energy per spin and |m| averaged over the replicas of `p` (measured on its context),
/// checked to be physical. Returns an empty string when all is well.
template <class Path>
std::string measure_state(const Path& p, const lattice_case& lc, const std::string& when,
                          double* energy_mean, double* abs_m_mean) {
  const auto r = static_cast<std::size_t>(lc.replicas);
  std::vector<double> e(r), m(r);
  if (p.ctx.on_gpu()) {
    DeviceBuffer<double> de(r), dm(r);
    p.measure(de.data(), dm.data());
    p.ctx.synchronize();  // measure ran on the context's stream; the copies use the legacy one
    e = de.download(r);
    m = dm.download(r);
  } else {
    p.measure(e.data(), m.data());
  }
  return check_physical(lc, e, m, when + Path::measure_note, energy_mean, abs_m_mean);
}

/// measure_state; a problem is reported with SkipWithError and false returned.
template <class Path>
bool measure_or_skip(benchmark::State& state, const Path& p, const lattice_case& lc,
                     const char* when, double* energy, double* abs_m) {
  const std::string problem = measure_state(p, lc, when, energy, abs_m);
  if (problem.empty()) return true;
  state.SkipWithError(problem.c_str());
  return false;
}

void set_common_counters(benchmark::State& state, const lattice_case& lc, spin_path path,
                         double beta, double med) {
  const double flips = static_cast<double>(lc.spins());
  const double bytes = traffic_bytes_per_spin_sweep(path) * flips;
  state.SetItemsProcessed(state.iterations() * lc.spins());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["replicas"] = static_cast<double>(lc.replicas);
  state.counters["sites"] = static_cast<double>(lc.lattice.sites());
  state.counters["dims"] = lc.lattice.dimensions();
  state.counters["beta"] = beta;
  state.counters["packed"] = path == spin_path::packed ? 1.0 : 0.0;
  state.counters["traffic_bytes_per_spin"] = traffic_bytes_per_spin_sweep(path);
  state.counters["median_ms"] = med * 1e3;
  state.counters["flips_per_ns"] = med > 0 ? flips / med * 1e-9 : 0.0;
  state.counters["GBps"] = med > 0 ? bytes / med * 1e-9 : 0.0;
}

/// Sweeps per timed batch from the time of one sweep (`run(1)` between events on `stream`).
template <class Run>
std::int64_t pick_sweeps_per_batch(cudaStream_t stream, Run&& run) {
  bench::event_pair ev;
  ev.start(stream);
  run(1);
  ev.stop(stream);
  const double single = std::max(ev.seconds(), 1e-7);
  return static_cast<std::int64_t>(std::clamp(std::ceil(target_batch_seconds / single), 1.0,
                                              static_cast<double>(max_sweeps_per_batch)));
}

/// The timed loop: batch i+1 is queued before batch i is waited for, so the host's work of a
/// call overlaps the GPU's and the GPU never waits for the host inside a timed batch (except
/// batch 0). Returns the per-sweep time of each batch; the stream is idle afterwards.
template <class Run>
std::vector<double> time_batches(benchmark::State& state, Context& ctx, std::int64_t k,
                                 Run&& run) {
  cudaStream_t stream = ctx.stream();
  bench::event_pair ev[2];
  auto enqueue = [&](int slot) {
    ev[slot].start(stream);
    run(k);
    ev[slot].stop(stream);
  };
  std::vector<double> times;
  int slot = 0;
  enqueue(slot);
  while (state.KeepRunningBatch(k)) {
    enqueue(1 - slot);
    const double batch_seconds = ev[slot].seconds();
    state.SetIterationTime(batch_seconds);
    times.push_back(batch_seconds / static_cast<double>(k));
    slot = 1 - slot;
  }
  ctx.synchronize();  // the extra batch
  return times;
}

void set_gpu_counters(benchmark::State& state, const gpu_lattice& c, double beta,
                      const std::vector<double>& times, double energy, double abs_m) {
  const double med = bench::median(times);
  set_common_counters(state, c.lc, c.path, beta, med);
  bench::set_floor_counters(state, times, med,
                            traffic_bytes_per_spin_sweep(c.path) * static_cast<double>(c.lc.spins()),
                            g.bw.bytes_per_s);
  state.counters["sweeps_per_batch"] = static_cast<double>(c.sweeps_per_batch);
  state.counters["batches"] = static_cast<double>(times.size());
  state.counters["energy_per_spin"] = energy;
  state.counters["abs_magnetization"] = abs_m;
  state.counters["check_bitwise"] = c.check_bitwise;
}

/// Replica 0 on the GPU after the warm-up against the CPU backend run `warmup_sweeps` from the
/// same start `replica0` (the determinism contract). Returns an empty string when bit-identical.
template <class Path>
std::string compare_replica0(const lattice_case& lc, ising::Algorithm algorithm, double beta,
                             const DeviceBuffer<typename Path::word>& gpu_buffer,
                             std::vector<typename Path::word>& replica0) {
  const Path cpu{*g.cpu, lc.lattice, algorithm, typename Path::view{replica0.data(), 1}};
  cpu.sweep(&beta, 0, warmup_sweeps);
  const auto gpu0 = gpu_buffer.download(replica0.size());
  const auto differ = std::mismatch(gpu0.begin(), gpu0.end(), replica0.begin());
  if (differ.first == gpu0.end()) return {};
  const auto i = static_cast<std::size_t>(differ.first - gpu0.begin());
  return std::string("GPU ") + Path::label + "replica 0 differs from the CPU backend after " +
         std::to_string(warmup_sweeps) + " sweeps, first at " + Path::where(i, gpu0, replica0);
}

/// Whether `Path` can run `lc`; if not, SkipWithError with the reason and false.
template <class Path>
bool runs_or_skip(benchmark::State& state, const lattice_case& lc) {
  const std::string unsupported = Path::unsupported(lc);
  if (unsupported.empty()) return true;
  state.SkipWithError(unsupported.c_str());
  return false;
}

template <class Path>
void bm_ising_gpu(benchmark::State& state, lattice_case lc, ising::Algorithm algorithm,
                  double beta) {
  if (!runs_or_skip<Path>(state, lc)) return;
  if (!g.require_gpu(state)) return;
  try {
    std::string why;
    gpu_lattice* c = get_gpu_lattice(lc, Path::path, &why);
    if (c == nullptr) {
      state.SkipWithError(why.c_str());
      return;
    }
    Context& ctx = *g.gpu;
    auto& buffer = Path::buffer(*c);
    const std::vector<double> betas(static_cast<std::size_t>(lc.replicas), beta);
    const Path p{ctx, lc.lattice, algorithm, typename Path::view{buffer.data(), lc.replicas}};
    auto run = [&](std::int64_t n) {
      p.sweep(betas.data(), c->next_sweep, n);
      c->next_sweep += static_cast<std::uint64_t>(n);
    };

    const std::string variant = std::string(algorithm_name(algorithm)) + "/" + fmt_beta(beta);
    if (c->variant != variant) {  // first entry of this variant: hot start, checks, pick k
      c->variant.clear();
      c->next_sweep = 0;
      c->sweeps_per_batch = 0;
      c->check_bitwise = 0;
      std::vector<typename Path::word> replica0;
      Path::hot_start_gpu(ctx, lc, buffer, &replica0);
      run(warmup_sweeps);
      ctx.synchronize();
      if (lc.replicas > 1) {
        const std::string problem = compare_replica0<Path>(lc, algorithm, beta, buffer, replica0);
        if (!problem.empty()) {
          state.SkipWithError(problem.c_str());
          return;
        }
        c->check_bitwise = 1;
      }
      double e0 = 0.0, m0 = 0.0;
      if (Path::checked_after_warmup &&
          !measure_or_skip(state, p, lc, "after the warm-up", &e0, &m0))
        return;
      c->sweeps_per_batch = pick_sweeps_per_batch(ctx.stream(), run);
      c->variant = variant;
    } else {
      run(warmup_sweeps);
    }

    const std::vector<double> times = time_batches(state, ctx, c->sweeps_per_batch, run);
    if (times.empty()) return;

    double energy = 0.0, abs_m = 0.0;
    if (!measure_or_skip(state, p, lc, "after the sweeps", &energy, &abs_m)) return;
    set_gpu_counters(state, *c, beta, times, energy, abs_m);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

/// Wall-clock timing of `run(k)` on the CPU backend; returns the per-sweep time of each batch.
template <class Run>
std::vector<double> time_cpu_batches(benchmark::State& state, std::int64_t k, const void* data,
                                     Run&& run) {
  std::vector<double> times;
  while (state.KeepRunningBatch(k)) {
    const auto start = std::chrono::steady_clock::now();
    run(k);
    benchmark::DoNotOptimize(data);
    benchmark::ClobberMemory();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(s);
    times.push_back(s / static_cast<double>(k));
  }
  return times;
}

constexpr std::int64_t cpu_sweeps_per_batch = 10;

template <class Path>
void bm_ising_cpu(benchmark::State& state, lattice_case lc, ising::Algorithm algorithm,
                  double beta) {
  if (!runs_or_skip<Path>(state, lc)) return;
  try {
    Context& ctx = *g.cpu;
    std::vector<typename Path::word> host = Path::hot_start_cpu(ctx, lc);
    const std::vector<double> betas(static_cast<std::size_t>(lc.replicas), beta);
    const Path p{ctx, lc.lattice, algorithm, typename Path::view{host.data(), lc.replicas}};
    std::uint64_t next_sweep = 0;
    auto run = [&](std::int64_t n) {
      p.sweep(betas.data(), next_sweep, n);
      next_sweep += static_cast<std::uint64_t>(n);
    };
    run(warmup_sweeps);
    double e0 = 0.0, m0 = 0.0;
    if (Path::checked_after_warmup && !measure_or_skip(state, p, lc, "after the warm-up", &e0, &m0))
      return;
    const std::vector<double> times =
        time_cpu_batches(state, cpu_sweeps_per_batch, host.data(), run);
    if (times.empty()) return;
    double energy = 0.0, abs_m = 0.0;
    if (!measure_or_skip(state, p, lc, "after the sweeps", &energy, &abs_m)) return;
    set_common_counters(state, lc, Path::path, beta, bench::median(times));
    state.counters["sweeps_per_batch"] = static_cast<double>(cpu_sweeps_per_batch);
    state.counters["energy_per_spin"] = energy;
    state.counters["abs_magnetization"] = abs_m;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

template <class Path>
benchmark::internal::Benchmark* register_path(const std::string& name, bool gpu,
                                              const lattice_case& lc, ising::Algorithm a,
                                              double beta) {
  if (gpu)
    return benchmark::RegisterBenchmark(
        name.c_str(), [=](benchmark::State& st) { bm_ising_gpu<Path>(st, lc, a, beta); });
  return benchmark::RegisterBenchmark(
      name.c_str(), [=](benchmark::State& st) { bm_ising_cpu<Path>(st, lc, a, beta); });
}

void register_case(bool gpu, spin_path path, const lattice_case& lc, ising::Algorithm a,
                   double beta) {
  const std::string name = case_name(gpu ? "gpu" : "cpu", path, lc, a, beta);
  benchmark::internal::Benchmark* b = path == spin_path::bytes
                                          ? register_path<byte_path>(name, gpu, lc, a, beta)
                                          : register_path<packed_path>(name, gpu, lc, a, beta);
  b->UseManualTime()->Unit(gpu ? benchmark::kMillisecond : benchmark::kMicrosecond);
}

lattice_case square(std::int64_t l, std::int64_t replicas) {
  return {ising::Lattice{l, l, 1}, replicas};
}
lattice_case cube(std::int64_t l, std::int64_t replicas) {
  return {ising::Lattice{l, l, l}, replicas};
}
lattice_case box(std::int64_t lx, std::int64_t ly, std::int64_t lz, std::int64_t replicas) {
  return {ising::Lattice{lx, ly, lz}, replicas};
}

void register_all() {
  const ising::Algorithm algorithms[] = {ising::Algorithm::metropolis,
                                         ising::Algorithm::heat_bath};
  // Variants of one lattice are adjacent so that they share the device spins.
  struct entry {
    spin_path path;
    lattice_case lc;
    double betas[2];
  };
  constexpr spin_path bytes = spin_path::bytes, packed = spin_path::packed;
  const entry gpu_cases[] = {
      {bytes, square(128, 4096), {beta_2d_t15, beta_2d_critical}},
      {bytes, square(16384, 1), {beta_2d_t15, beta_2d_critical}},
      {bytes, cube(64, 512), {beta_3d_critical, beta_3d_ordered}},
      {bytes, cube(1024, 1), {beta_3d_critical, beta_3d_ordered}},
      {packed, square(128, 4096), {beta_2d_t15, beta_2d_critical}},
      {packed, square(16384, 1), {beta_2d_t15, beta_2d_critical}},
      // The 512 × 64³ target: lx = 64 is not a multiple of 128, so packed_supported()
      // rejects it (skipped with that message); the next entry is its packed stand-in, 256
      // replicas of 128×64×64 (the same 2^27 spins).
      {packed, cube(64, 512), {beta_3d_critical, beta_3d_ordered}},
      {packed, box(128, 64, 64, 256), {beta_3d_critical, beta_3d_ordered}},
      {packed, cube(1024, 1), {beta_3d_critical, beta_3d_ordered}},
      // Largest last: packed 65536² (512 MiB of words), then the byte path's 4 GiB.
      {packed, square(65536, 1), {beta_2d_t15, beta_2d_critical}},
      {bytes, square(65536, 1), {beta_2d_t15, beta_2d_critical}},
  };
  for (const entry& e : gpu_cases)
    for (ising::Algorithm a : algorithms)
      for (double beta : e.betas) register_case(true, e.path, e.lc, a, beta);

  // The CPU backend at small sizes: runs everywhere.
  struct cpu_entry {
    spin_path path;
    lattice_case lc;
    double beta;
  };
  const cpu_entry cpu_cases[] = {
      {bytes, square(64, 1), beta_2d_critical},
      {bytes, square(32, 16), beta_2d_critical},
      {bytes, cube(16, 8), beta_3d_critical},
      {packed, square(256, 1), beta_2d_critical},
      {packed, square(128, 16), beta_2d_critical},
      {packed, box(128, 16, 16, 4), beta_3d_critical},
  };
  for (const cpu_entry& e : cpu_cases)
    for (ising::Algorithm a : algorithms) register_case(false, e.path, e.lc, a, e.beta);

  bench::register_rng_share_cases(g);
}

/// The Ising program's own context entries (after bench::environment's).
void add_ising_context() {
  benchmark::AddCustomContext("ising_path",
                              "bytes: int8 per spin (ising::sweep); packed: 1 bit per spin "
                              "(ising::sweep_packed, names …/packed/…); two half-sweep launches "
                              "per sweep on both");
  benchmark::AddCustomContext("ising_traffic_model",
                              "bytes: 3 bytes per spin per sweep; packed: 0.375 bytes (3 bits) "
                              "per spin per sweep");
  benchmark::AddCustomContext("ising_seed", std::to_string(seed));
}

}  // namespace

int main(int argc, char** argv) {
  bench::program p;
  p.name = "boltzkit_bench_ising";
  // The copy-bandwidth probe only for BOLTZKIT_BW_BYTES_PER_S=measured.
  p.probe = bench::copy_probe::on_request;
  p.add_context = add_ising_context;
  p.register_all = register_all;
  p.release = [] { g.cached.reset(); };
  return bench::run_program(argc, argv, g, p);
}
