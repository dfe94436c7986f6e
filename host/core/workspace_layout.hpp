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

/// Batch elements per chunk so that a chunk's workspace stays within `budget` bytes.
inline std::int64_t chunk_size(std::int64_t batch, std::size_t bytes_per_element,
                               std::size_t budget = tuning::library_chunk_bytes) {
  std::int64_t chunk = static_cast<std::int64_t>(budget / (bytes_per_element + 1));
  chunk = chunk < 1 ? 1 : chunk;
  chunk = chunk > batch ? batch : chunk;
  return chunk > 0x7fffffff ? 0x7fffffff : chunk;  // cuSOLVER/cuBLAS batch counts are int
}

}  // namespace boltzkit::gpu
