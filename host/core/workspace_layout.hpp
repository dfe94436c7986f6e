#pragma once
// Carves one Context workspace into typed, 256-byte aligned buffers: plan the sizes first,
// take the workspace once, then hand out the pieces.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tuning.hpp"

namespace boltzkit::gpu {

class WorkspaceLayout {
 public:
  /// Reserves `count` objects of T; returns the slot to pass to get<T>() later.
  template <class T>
  int reserve(std::int64_t count) {
    offsets_.push_back(bytes_);
    bytes_ += (static_cast<std::size_t>(count) * sizeof(T) + 255) / 256 * 256;
    return static_cast<int>(offsets_.size()) - 1;
  }
  std::size_t bytes() const { return bytes_; }
  void bind(void* base) { base_ = static_cast<unsigned char*>(base); }
  template <class T>
  T* get(int slot) const {
    return reinterpret_cast<T*>(base_ + offsets_[static_cast<std::size_t>(slot)]);
  }

 private:
  std::vector<std::size_t> offsets_;
  std::size_t bytes_ = 0;
  unsigned char* base_ = nullptr;
};

/// The buffers every library-path chunk needs: column-major factors, right-hand sides, the two
/// pointer arrays cuBLAS/cuSOLVER take, and per-element info.
template <class T>
struct LibraryChunkSlots {
  int factor, rhs, pointers, info;
  LibraryChunkSlots(WorkspaceLayout& ws, std::int64_t chunk, std::int64_t n, std::int64_t rhs_stride)
      : factor(ws.reserve<T>(chunk * n * n)),
        rhs(ws.reserve<T>(chunk * rhs_stride)),
        pointers(ws.reserve<T*>(2 * chunk)),
        info(ws.reserve<std::int32_t>(chunk)) {}
};

/// Batch elements per chunk so that a chunk's workspace stays within `budget` bytes, balanced:
/// the fewest chunks that fit, all of (nearly) equal size. Filling the budget first and leaving
/// the remainder would split B = 4096 into 3993 + 103 at D = 128 fp32, and the second library
/// call would run on an almost idle GPU for the fixed cost of a whole call.
inline std::int64_t chunk_size(std::int64_t batch, std::size_t bytes_per_element,
                               std::size_t budget = tuning::library_chunk_bytes) {
  if (batch <= 0) return 1;
  std::int64_t largest = static_cast<std::int64_t>(budget / (bytes_per_element + 1));
  largest = largest < 1 ? 1 : largest;
  largest = largest > 0x7fffffff ? 0x7fffffff : largest;  // cuSOLVER/cuBLAS batch counts are int
  const std::int64_t chunks = (batch + largest - 1) / largest;
  return (batch + chunks - 1) / chunks;
}

}  // namespace boltzkit::gpu
