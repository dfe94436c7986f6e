#include "progress.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace boltzkit::cli {

namespace {

using clock = std::chrono::steady_clock;

constexpr auto quiet_time = std::chrono::seconds(2);  // nothing printed before this
constexpr auto report_every = std::chrono::seconds(2);
constexpr double chunk_flops = 4e9;  // a chunk's work: about a second on one core or less

/// Rows per chunk: ~chunk_flops of work and at least one row per thread. A broadcast matrix is
/// factorized once per chunk, so its chunks are long enough (≥ 10·D rows of O(D²)) that the
/// O(D³) factorization is at most a tenth of a chunk.
std::int64_t chunk_rows(const RunnerShape& s) {
  const double d = static_cast<double>(s.dim);
  double rows;
  if (s.matrix_shared) {
    rows = std::max(chunk_flops / (6.0 * d * d), 10.0 * d);
  } else {
    const double per_row = (s.grad_matrix ? 1.0 : 1.0 / 3.0) * d * d * d + 6.0 * d * d;
    rows = chunk_flops / per_row;
  }
  const auto threads = static_cast<double>(omp_get_max_threads());
  return static_cast<std::int64_t>(
      std::clamp(rows, threads, std::max(1.0, static_cast<double>(s.batch))));
}

/// A thread that, once the run has lasted quiet_time, prints the rows done so far every
/// report_every until stopped. A chunk of few large rows can take long, so the line is printed
/// on time even when no row has finished since the last one.
class ProgressReporter {
 public:
  ProgressReporter(std::int64_t batch, std::int64_t dim, const char* backend)
      : batch_(batch), dim_(dim), backend_(backend), start_(clock::now()),
        thread_([this] { loop(); }) {}
  ~ProgressReporter() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void set_done(std::int64_t rows) { done_.store(rows); }
  double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    auto next = start_ + quiet_time;
    while (!wake_.wait_until(lock, next, [this] { return stop_; })) {
      const std::int64_t done = done_.load();
      std::fprintf(stderr, "boltzkit gaussian logpdf: %lld/%lld rows done (D = %lld, %s), %.0f s\n",
                   static_cast<long long>(done), static_cast<long long>(batch_),
                   static_cast<long long>(dim_), backend_, seconds());
      next += report_every;
    }
  }

  std::int64_t batch_, dim_;
  const char* backend_;
  clock::time_point start_;
  std::atomic<std::int64_t> done_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once every member above is ready
};

}  // namespace

template <class T>
void run_with_progress(GaussianRunner<T>& runner, bool on_gpu, bool report_time,
                       std::int64_t rows_per_chunk) {
  const std::int64_t batch = runner.shape().batch;
  double seconds = 0.0;
  {
    ProgressReporter progress(batch, runner.shape().dim, on_gpu ? "gpu" : "cpu");
    if (on_gpu || batch == 0) {
      runner.run();
    } else {
      const std::int64_t step = rows_per_chunk > 0 ? rows_per_chunk : chunk_rows(runner.shape());
      for (std::int64_t first = 0; first < batch; first += step) {
        runner.run(first, std::min(step, batch - first));
        progress.set_done(std::min(batch, first + step));
      }
    }
    runner.fetch();
    seconds = progress.seconds();
  }
  if (report_time)
    std::fprintf(stderr, "boltzkit gaussian logpdf: %lld rows, D = %lld, on the %s in %.3f s\n",
                 static_cast<long long>(batch), static_cast<long long>(runner.shape().dim),
                 on_gpu ? "gpu" : "cpu", seconds);
}

template void run_with_progress<float>(GaussianRunner<float>&, bool, bool, std::int64_t);
template void run_with_progress<double>(GaussianRunner<double>&, bool, bool, std::int64_t);

}  // namespace boltzkit::cli
