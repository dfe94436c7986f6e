// D > tuning::gaussian_block_max_dim<T>(): factor with cuSOLVER potrfBatched; the matrix
// gradient's Sigma^-1 (or Sigma for the precision parameterization) from W = L^-1 (leaf kernel +
// level-batched cuBLAS trsmBatched) and W^T W (gemmStridedBatched per block row), with no
// identity right-hand side (host/linalg/triangular_blocks.hpp); vectors and log p by small
// kernels or one-column trsm (large_chunk.hpp). The batch runs in balanced chunks that bound the
// workspace.
#include "host/linalg/cuda_executor.cuh"
#include "large.hpp"
#include "large_chunk.hpp"
#include "host/core/workspace_layout.hpp"

namespace boltzkit::gpu {

template <class T>
void gaussian_evaluate_large(Context& ctx, const gaussian::Inputs<T>& in,
                             const gaussian::Outputs<T>& out) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const LargePlan p = LargePlan::make(in, out);
  const std::int64_t batch = in.x.batch;
  const std::int64_t chunk = chunk_size(batch, p.bytes_per_element<T>());
  WorkspaceLayout ws;
  const LibraryChunkSlots<T> slots(ws, chunk, p.n, p.rhs_stride());
  const int s_vectors = ws.reserve<T>(3 * chunk * p.n);
  const int s_blocks = ws.reserve<T*>(chunk * p.block_pointers());
  ws.bind(ctx.workspace(ws.bytes()));
  CudaExecutor ex(ctx);
  for (std::int64_t first = 0; first < batch; first += chunk) {
    const std::int64_t count = std::min(chunk, batch - first);
    T** ptrs = ws.get<T*>(slots.pointers);
    const LargeBuffers<T> buffers{ws.get<T>(slots.factor),          ws.get<T>(slots.rhs),
                                  ws.get<T>(s_vectors),             ptrs,
                                  ptrs + count,                     ws.get<std::int32_t>(slots.info),
                                  ws.get<T*>(s_blocks)};
    run_large_chunk(ex, in, out, p, first, count, buffers);
  }
}

template void gaussian_evaluate_large<float>(Context&, const gaussian::Inputs<float>&,
                                             const gaussian::Outputs<float>&);
template void gaussian_evaluate_large<double>(Context&, const gaussian::Inputs<double>&,
                                              const gaussian::Outputs<double>&);

}  // namespace boltzkit::gpu
