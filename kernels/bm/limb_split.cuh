#pragma once
// The couplings of the limb tile kernel (MATH.md §2.9): each grid value J̃ (§2.8) is split as
// J̃ = hi/σ + lo with σ = 2^e a power of two, hi = rint(J̃·σ) an integer of at most 24 bits held
// by three balanced int8 digits for the integer tensor cores, and lo the exact remainder. The
// chains' decisions use the fields of hi/σ, exact integers in int32, and the bound Σ_l |lo_il| of
// what they leave out; a decision that the bound cannot settle is taken on the exact field.
// Shared by the host prepare path, the GPU kernels and the tests.
#include <cmath>
#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/portable_exp.cuh"

namespace boltzkit::kernels {

/// Limbs (int8 digits) per coupling, rows and sites of one integer tensor-core tile
/// (mma.m16n8k32 .s8: D 16 × 8 += A 16 × 32 · B 32 × 8).
constexpr int bm_limb_count = 3;
constexpr int bm_limb_tile_rows = 16;
constexpr int bm_limb_tile_sites = 32;
/// The largest |hi| that three balanced base-256 digits in [−128, 127] hold: 127·(1 + 2^8 + 2^16).
constexpr std::int64_t bm_limb_digits_max = 8355711;

/// n rounded up to whole blocks of 32 sites (the planes' rows and columns).
BOLTZKIT_HD inline std::int64_t bm_limb_padded(std::int64_t n) { return (n + 31) / 32 * 32; }

/// The largest |hi| for np padded spins: three digits hold it, and (np + 65)·|hi| + 2^14 stays
/// below 2^31, so that no int32 partial sum of a field update overflows: a field is at most np·|hi|
/// and a block of 32 sites adds at most 64·(|hi| + 128) with Δs = ±2 (MATH.md §2.9).
BOLTZKIT_HD inline std::int64_t bm_limb_hi_max(std::int64_t np) {
  const std::int64_t by_sum = ((std::int64_t{1} << 31) - 1 - (std::int64_t{1} << 14)) / (np + 65);
  return by_sum < bm_limb_digits_max ? by_sum : bm_limb_digits_max;
}

/// e of σ = 2^e: the largest e with max_abs·2^e <= hi_max, so every |rint(J̃·σ)| <= hi_max
/// (0 for an all-zero J). max_abs = m·2^x and hi_max = m'·2^y with m, m' in [½, 1).
BOLTZKIT_HD inline int bm_limb_exponent(double max_abs, std::int64_t hi_max) {
  if (!(max_abs > 0.0)) return 0;
  int x = 0, y = 0;
  const double m = frexp(max_abs, &x), mh = frexp(static_cast<double>(hi_max), &y);
  return m <= mh ? y - x : y - x - 1;
}

/// One coupling split: hi = rint(j·2^e), hi_value = hi·2^-e and lo = j − hi_value, both exact
/// (powers of two scale exactly; j and hi_value are multiples of the grid step, so is lo).
struct BmLimbSplit {
  std::int32_t hi;
  double hi_value, lo;
};
BOLTZKIT_HD inline BmLimbSplit bm_limb_split(double j, int e) {
  const double hi = rint(ldexp(j, e));
  const double hv = ldexp(hi, -e);
  return {static_cast<std::int32_t>(hi), hv, rn_add(j, -hv)};
}

/// Digit l (0, 1, 2) of hi in balanced base 256: hi = d0 + 2^8·d1 + 2^16·d2, each in [−128, 127].
BOLTZKIT_HD inline std::int8_t bm_limb_digit(std::int32_t hi, int l) {
  for (int i = 0; i < l; ++i) hi = (hi - (((hi + 128) & 255) - 128)) / 256;
  return static_cast<std::int8_t>(((hi + 128) & 255) - 128);
}

/// Byte of digit `limb` of A(i, k) (coupling row i, site k) in the planes, which hold every tile's
/// A fragments in the order the warps load them: per (limb, row tile i/16, block of sites k/32),
/// 32 lanes × 16 bytes, lane 4·(i mod 8) + (k mod 16)/4, register (i mod 16)/8 + 2·((k mod 32)/16),
/// byte k mod 4 (the m16n8k32 .s8 A layout of the PTX ISA): one 16-byte load per lane and tile.
BOLTZKIT_HD inline std::int64_t bm_limb_offset(int limb, std::int64_t i, std::int64_t k, std::int64_t np) {
  const std::int64_t rt = i / bm_limb_tile_rows, kb = k / bm_limb_tile_sites;
  const std::int64_t r = i % bm_limb_tile_rows, c = k % bm_limb_tile_sites;
  const std::int64_t lane = (r % 8) * 4 + (c % 16) / 4, reg = r / 8 + 2 * (c / 16);
  const std::int64_t tile = (limb * (np / bm_limb_tile_rows) + rt) * (np / bm_limb_tile_sites) + kb;
  return (tile * 32 + lane) * 16 + reg * 4 + c % 4;
}

/// Bytes of the planes for np padded spins.
BOLTZKIT_HD inline std::int64_t bm_limb_plane_bytes(std::int64_t np) { return bm_limb_count * np * np; }

}  // namespace boltzkit::kernels
