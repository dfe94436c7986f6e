#pragma once
// Launch constants of the bm kernels. Provenance: device, date, benchmark case, or "predicted".
#include <cstddef>

namespace boltzkit::bm::tuning {

/// Chains (warps) per block of the chain kernel. predicted (no GPU yet): 4 warps share one J
/// copy in shared memory for small N and leave room for several blocks per H100 SM.
inline constexpr int chains_per_block = 4;

/// Shared memory a block of the chain kernel may hold with J resident. predicted: 48 KB, the
/// default limit without opt-in, so J (float64) is shared up to N ≈ 72 at 4 chains per block;
/// larger J is read through L2 (an SK N = 256 J is 512 KB, well inside H100's 50 MB L2).
inline constexpr std::size_t shared_j_bytes = 48 * 1024;

/// Largest dynamic shared memory of one block (H100: 227 KB opt-in). Bounds N·(8 + 1) bytes of
/// fields and spins per chain, so N <= ~25000 at one chain per block (bm::max_spins = 16384).
inline constexpr std::size_t shared_bytes_max = 227 * 1024;

}  // namespace boltzkit::bm::tuning
