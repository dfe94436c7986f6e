#pragma once
// Tuning constants shared by every family's GPU launches, each with where it comes from. None
// has been measured on a GPU yet (no GPU has been lent to this project so far): every value is
// "predicted" until bench/run_gpu.sh confirms or replaces it, and then the provenance line says
// which run.
#include <cstddef>
#include <cstdint>

namespace boltzkit::tuning {

/// Blocks per SM at most for grid-stride loops (grid_for). Predicted: 32 blocks of 256 threads
/// is 4 waves of a full H100 SM (2048 threads), enough to hide tail effects without paying
/// for launching idle blocks.
constexpr std::int64_t grid_blocks_per_sm = 32;

/// Workspace bytes one chunk of the library (cuSOLVER/cuBLAS) paths may use. Predicted: 512 MiB
/// keeps a chunk's factor + right-hand sides far below an H100's 80 GB while large enough that
/// a chunk is thousands of matrices at D = 128..512 (launch overhead amortized).
constexpr std::size_t library_chunk_bytes = std::size_t{512} << 20;

/// Pinned staging buffers of Context::upload. Predicted: 8 lets the host run up to 8 sweep
/// calls ahead of the device before an upload waits (the simulation driver queues at most a
/// few per measurement), at 8 small pinned allocations.
constexpr int upload_staging_slots = 8;

}  // namespace boltzkit::tuning
