#pragma once
// Runs `gaussian logpdf`'s evaluation so that a long run is not silent: once it has lasted 2 s,
// a line on stderr every 2 s says how many rows are done. On the CPU the batch is evaluated in
// chunks of rows (about a second of work each, one row per thread at least) so that the count
// moves; on the GPU it is one asynchronous call.
#include "runner.hpp"

namespace boltzkit::cli {

/// Evaluates the runner's whole batch (run() + fetch()); with `report_time`, one line on stderr
/// with the backend, the rows and the seconds taken. `rows_per_chunk` 0 sizes the CPU chunks
/// by their work; a positive value fixes it (for tests).
template <class T>
void run_with_progress(GaussianRunner<T>& runner, bool on_gpu, bool report_time,
                       std::int64_t rows_per_chunk = 0);

}  // namespace boltzkit::cli
