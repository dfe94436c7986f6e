#pragma once
// The bit-packed lattice fast path (uniform J, h = 0): one bit per spin (1 = up), the two
// checkerboard colours in separate arrays, 64 spins of one colour and one row per word. Shared
// verbatim by the GPU kernels and the CPU backend (BOLTZKIT_HD), so both give the same bits.
//
// Layout of one replica: colour c (0, 1) → rows (z, y) → words w → bits b. Bit b of word w in
// row (y, z) of colour c is the site x = 2j + ((x0 + y + z + c) & 1) with j = 64w + b, x0 = 0:
// the sites of colour c in that row, left to right. words_per_row = lx / 128.
//
// An update of 64 spins: count the anti-aligned neighbours of every bit with bit-sliced adders,
// then flip bit ℓ with probability q[k_ℓ] (k = anti-aligned count, 0..2d). The decision
// "u < q" for a uniform 32-bit u is made lazily one random bit-plane at a time, most significant
// bit first, so lanes stop consuming randomness as soon as they are decided (on average a few
// planes per word instead of 32 bits per spin). Random planes: Philox4x32-10 of counter
// (word lo32, (pair << 24) | (colour << 23) | word hi23, sweep, replica) gives planes 2·pair and
// 2·pair + 1.
#include <cstdint>
#include <type_traits>

#include "kernels/common/host_device.hpp"
#include "kernels/common/periodic.hpp"
#include "kernels/common/philox.cuh"

namespace boltzkit::kernels {

struct PackedGeometry {
  std::int64_t lx, ly, lz;
  int dims;
  std::int64_t words_per_row;     // lx / 128
  std::int64_t words_per_colour;  // lz · ly · words_per_row
};

/// Flip thresholds per replica: q[k] as a 32-bit fraction (value in [0, 2^32]) for k = 0..2d.
/// Fill seed, keys and the fractional levels with prepare_packed_update, never by hand.
struct PackedUpdate {
  PackedGeometry g;
  const std::uint64_t* thresholds;  // replicas × (2d + 1)
  std::uint64_t seed;
  std::uint32_t sweep;
  // Philox key schedule of `seed`, computed once on the host: a kernel argument, so the plane
  // loop reads the round keys from the parameter bank instead of re-deriving them per call.
  PhiloxKeys keys;
  // The levels k whose q is fractional (0 < q < 2^32) in some replica, when there are at most
  // two of them (2D Metropolis: k = 0, 1); only those need per-plane threshold bits. -1: more
  // than two (heat bath, 3D Metropolis), the general plane loop.
  int fractional_a, fractional_b;
};

/// Calls f(std::bool_constant<Pair>{}) with Pair = (u.fractional_a >= 0): the launch sites pick
/// the update's plane loop with this.
template <class F>
inline void with_plane_mode(const PackedUpdate& u, F&& f) {
  if (u.fractional_a >= 0)
    f(std::true_type{});
  else
    f(std::false_type{});
}

/// Sets seed, key schedule and fractional levels of u from the host copy of the thresholds.
BOLTZKIT_HD inline void prepare_packed_update(PackedUpdate& u, std::uint64_t seed,
                                              const std::uint64_t* host_thresholds,
                                              std::int64_t replicas) {
  u.seed = seed;
  u.keys = philox_keys(seed);
  const int levels = 2 * u.g.dims + 1;
  int found[2] = {-1, -1}, count = 0;
  for (int k = 0; k < levels; ++k) {
    bool fractional = false;
    for (std::int64_t r = 0; r < replicas && !fractional; ++r) {
      const std::uint64_t q = host_thresholds[r * levels + k];
      fractional = q > 0 && q < (std::uint64_t{1} << 32);
    }
    if (fractional) {
      if (count < 2) found[count] = k;
      ++count;
    }
  }
  if (count > 2) {
    u.fractional_a = u.fractional_b = -1;
  } else {
    // Unused slots name a level too (any will do: no undecided lane is outside a and b).
    u.fractional_a = found[0] < 0 ? 0 : found[0];
    u.fractional_b = found[1] < 0 ? u.fractional_a : found[1];
  }
}

BOLTZKIT_HD inline int popcount64(std::uint64_t v) {
#if defined(__CUDA_ARCH__)
  return __popcll(v);
#else
  return __builtin_popcountll(v);
#endif
}

/// Neighbour words of word (colour c, z, y, w): vertical/depth ones are the other colour's words
/// at the same (w), the two horizontal ones are that row shifted by one bit either way.
/// Dims is a template parameter so that every array below lives in registers.
template <int Dims>
struct NeighbourWords {
  std::uint64_t n[2 * Dims];
};

template <int Dims>
BOLTZKIT_HD inline NeighbourWords<Dims> neighbour_words(const PackedGeometry& g,
                                                        const std::uint64_t* other,
                                                        std::int64_t z, std::int64_t y,
                                                        std::int64_t w, int colour) {
  NeighbourWords<Dims> out{};
  const std::int64_t W = g.words_per_row;
  auto row_of = [&](std::int64_t zz, std::int64_t yy) { return other + (zz * g.ly + yy) * W; };
  const std::uint64_t* row = row_of(z, y);
  const std::uint64_t same = row[w];
  // Offset o of this colour in this row: o = 0 → horizontal neighbours at j and j − 1;
  // o = 1 → at j and j + 1 (compressed indices of the other colour).
  const int o = static_cast<int>((y + z + colour) & 1);
  out.n[0] = same;
  out.n[1] = o == 0 ? (same << 1) | (row[previous_periodic(w, W)] >> 63)
                    : (same >> 1) | (row[next_periodic(w, W)] << 63);
  out.n[2] = row_of(z, next_periodic(y, g.ly))[w];
  out.n[3] = row_of(z, previous_periodic(y, g.ly))[w];
  if constexpr (Dims == 3) {
    out.n[4] = row_of(next_periodic(z, g.lz), y)[w];
    out.n[5] = row_of(previous_periodic(z, g.lz), y)[w];
  }
  return out;
}

/// The source of the random bit-planes: Philox4x32-10 of the word's counter. It is a policy only
/// so that the benchmark can time the same update with a cheap hash in its place and so bound
/// the share of the time spent on random numbers; the library uses nothing else.
struct PhiloxPlanes {
  BOLTZKIT_HD PhiloxWords operator()(const PackedUpdate& u, std::uint32_t c0, std::uint32_t c1,
                                     std::uint32_t c2, std::uint32_t c3) const {
    return philox(u.keys, c0, c1, c2, c3);
  }
};

/// All-ones where the anti-aligned count (c2 c1 c0) equals level k (k may be a runtime value).
BOLTZKIT_HD inline std::uint64_t level_lanes(std::uint64_t c0, std::uint64_t c1, std::uint64_t c2,
                                             int k) {
  const std::uint64_t f0 = (k & 1) ? 0 : ~std::uint64_t{0};
  const std::uint64_t f1 = (k & 2) ? 0 : ~std::uint64_t{0};
  const std::uint64_t f2 = (k & 4) ? 0 : ~std::uint64_t{0};
  return (c0 ^ f0) & (c1 ^ f1) & (c2 ^ f2);
}

/// All-ones if the top bit of v is set: the current plane's bit of a threshold kept shifted so
/// that this bit is on top.
BOLTZKIT_HD inline std::uint64_t top_bit_mask(std::uint32_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)) >> 31);
}

/// New value of word (colour, z, y, w) of replica r. `self` is this colour's array and `other`
/// the other colour's, both of that replica. Dims must equal u.g.dims; Pair must be
/// (u.fractional_a >= 0).
///
/// Every spin's decision is "u < q" for its 32-bit uniform u, whose bits come one plane at a
/// time, most significant first, from the word's Philox counters; it is decided at the first bit
/// where u and q differ. How the q bits of a plane are assembled (all levels, or only the two
/// fractional ones) does not change which random bits are drawn or what is decided: the stream
/// and the spins are those of the plain integer-threshold rule.
template <int Dims, class Planes = PhiloxPlanes, bool Pair = false>
BOLTZKIT_HD inline std::uint64_t updated_word(const PackedUpdate& u, const std::uint64_t* self,
                                              const std::uint64_t* other, std::int64_t z,
                                              std::int64_t y, std::int64_t w, int colour,
                                              std::int64_t r) {
  constexpr int levels = 2 * Dims + 1;
  const std::int64_t index = (z * u.g.ly + y) * u.g.words_per_row + w;
  const std::uint64_t s = self[index];
  const NeighbourWords<Dims> nb = neighbour_words<Dims>(u.g, other, z, y, w, colour);
  // Bit-sliced count of anti-aligned neighbours: k = 4·c2 + 2·c1 + c0.
  std::uint64_t c0 = 0, c1 = 0, c2 = 0;
  for (int a = 0; a < 2 * Dims; ++a) {
    const std::uint64_t x = s ^ nb.n[a];
    const std::uint64_t carry0 = c0 & x;
    c0 ^= x;
    const std::uint64_t carry1 = c1 & carry0;
    c1 ^= carry0;
    c2 |= carry1;
  }
  // Lanes that are certain (q = 1) or undecided (0 < q < 1).
  const std::uint64_t* q = u.thresholds + r * levels;
  std::uint64_t accept = 0, undecided = 0;
  std::uint64_t lanes_of[Pair ? 1 : levels];
  std::uint32_t q_bits[Pair ? 1 : levels];
  for (int k = 0; k < levels; ++k) {
    const std::uint64_t m = level_lanes(c0, c1, c2, k);
    const std::uint64_t qk = q[k];
    if constexpr (!Pair) {
      lanes_of[k] = m;
      q_bits[k] = static_cast<std::uint32_t>(qk);
    }
    if (qk >= (std::uint64_t{1} << 32))
      accept |= m;
    else if (qk > 0)
      undecided |= m;
  }
  // Pair: the undecided lanes are at level a or b, so a plane's threshold bits on them are
  // (lanes_a & bit_a) | (~lanes_a & bit_b); the two q's are kept shifted so the plane's bit is
  // on top.
  const std::uint64_t lanes_a = Pair ? level_lanes(c0, c1, c2, u.fractional_a) : 0;
  std::uint32_t qa = Pair ? static_cast<std::uint32_t>(q[Pair ? u.fractional_a : 0]) : 0;
  std::uint32_t qb = Pair ? static_cast<std::uint32_t>(q[Pair ? u.fractional_b : 0]) : 0;
  const std::uint64_t word_index = static_cast<std::uint64_t>(index);
  const std::uint32_t counter_hi =
      (static_cast<std::uint32_t>(colour) << 23) | static_cast<std::uint32_t>((word_index >> 32) & 0x7fffff);
  for (int plane = 0; plane < 32 && undecided != 0; plane += 2) {
    const PhiloxWords rw = Planes{}(u, static_cast<std::uint32_t>(word_index),
                                    (static_cast<std::uint32_t>(plane / 2) << 24) | counter_hi,
                                    u.sweep, static_cast<std::uint32_t>(r));
    for (int half = 0; half < 2; ++half) {
      const std::uint64_t random = (static_cast<std::uint64_t>(rw.w[2 * half + 1]) << 32) | rw.w[2 * half];
      std::uint64_t threshold_bits = 0;
      if constexpr (Pair) {
        threshold_bits = (lanes_a & top_bit_mask(qa)) | (~lanes_a & top_bit_mask(qb));
        qa <<= 1;
        qb <<= 1;
      } else {
        const int bit = 31 - (plane + half);  // most significant first
        for (int k = 0; k < levels; ++k)
          threshold_bits |= lanes_of[k] & (std::uint64_t{0} - ((q_bits[k] >> bit) & 1u));
      }
      // u < q is decided at the first differing bit: u 0, q 1 → accept; u 1, q 0 → reject.
      accept |= undecided & ~random & threshold_bits;
      undecided &= ~(random ^ threshold_bits);
    }
  }
  return s ^ accept;
}

/// Word e of the flattened (replica, z, y, w) range of one colour.
struct PackedWordIndex {
  std::int64_t r, z, y, w;
};
BOLTZKIT_HD inline PackedWordIndex packed_word_index(const PackedGeometry& g, std::int64_t e) {
  const std::int64_t r = e / g.words_per_colour;
  std::int64_t rest = e - r * g.words_per_colour;
  const std::int64_t row = rest / g.words_per_row;
  const std::int64_t w = rest - row * g.words_per_row;
  const std::int64_t z = g.lz == 1 ? 0 : row / g.ly;
  return {r, z, row - z * g.ly, w};
}

/// The same for an index below 2^32 (every grid index of a launch on the lattices that fit in
/// memory up to ~34 GB of spins): 32-bit divisions, which the GPU does in a few instructions
/// where a 64-bit one is a subroutine call.
BOLTZKIT_HD inline PackedWordIndex packed_word_index_small(const PackedGeometry& g, std::uint32_t e) {
  const std::uint32_t per_colour = static_cast<std::uint32_t>(g.words_per_colour);
  const std::uint32_t per_row = static_cast<std::uint32_t>(g.words_per_row);
  const std::uint32_t r = e / per_colour;
  const std::uint32_t rest = e - r * per_colour;
  const std::uint32_t row = rest / per_row;
  const std::uint32_t w = rest - row * per_row;
  const std::uint32_t z = g.lz == 1 ? 0 : row / static_cast<std::uint32_t>(g.ly);
  return {r, z, row - z * static_cast<std::uint32_t>(g.ly), w};
}

/// Index of word e for any e: the 32-bit divisions where the index and the divisors fit.
BOLTZKIT_HD inline PackedWordIndex packed_word_index_fast(const PackedGeometry& g, std::int64_t e) {
  return e <= 0xffffffffLL && g.words_per_colour <= 0xffffffffLL
             ? packed_word_index_small(g, static_cast<std::uint32_t>(e))
             : packed_word_index(g, e);
}

/// p ← the word `step` further on, step being a word offset split like an index
/// (packed_word_index(g, offset)): the grid-stride loops carry from w to y to z to r instead of
/// dividing every index. Each field of step is below its extent, so each carry is 0 or 1.
BOLTZKIT_HD inline void advance_word_index(const PackedGeometry& g, PackedWordIndex& p,
                                           const PackedWordIndex& step) {
  p.w += step.w;
  const bool carry_w = p.w >= g.words_per_row;
  if (carry_w) p.w -= g.words_per_row;
  p.y += step.y + carry_w;
  const bool carry_y = p.y >= g.ly;
  if (carry_y) p.y -= g.ly;
  p.z += step.z + carry_y;
  const bool carry_z = p.z >= g.lz;
  if (carry_z) p.z -= g.lz;
  p.r += step.r + carry_z;
}

/// Site index of bit b of word w in row (z, y) of colour c.
BOLTZKIT_HD inline std::int64_t packed_site(const PackedGeometry& g, std::int64_t z,
                                            std::int64_t y, std::int64_t w, int b, int colour) {
  const std::int64_t j = 64 * w + b;
  const std::int64_t x = 2 * j + ((y + z + colour) & 1);
  return (z * g.ly + y) * g.lx + x;
}

/// Anti-aligned bonds touching colour-0 word (z, y, w): every bond has exactly one colour-0 end,
/// so summing this over colour-0 words counts each anti-aligned bond once.
template <int Dims>
BOLTZKIT_HD inline int anti_aligned_bonds(const PackedGeometry& g, const std::uint64_t* colour0,
                                          const std::uint64_t* colour1, std::int64_t z,
                                          std::int64_t y, std::int64_t w) {
  const std::uint64_t s = colour0[(z * g.ly + y) * g.words_per_row + w];
  const NeighbourWords<Dims> nb = neighbour_words<Dims>(g, colour1, z, y, w, 0);
  // The horizontal bond to the same-index word is the x+1 or x−1 bond, the shifted one the
  // other: each of the 2d neighbour slots is a distinct bond.
  int anti = 0;
  for (int a = 0; a < 2 * Dims; ++a) anti += popcount64(s ^ nb.n[a]);
  return anti;
}

BOLTZKIT_HD inline int anti_aligned_bonds(const PackedGeometry& g, const std::uint64_t* colour0,
                                          const std::uint64_t* colour1, std::int64_t z,
                                          std::int64_t y, std::int64_t w) {
  return g.dims == 3 ? anti_aligned_bonds<3>(g, colour0, colour1, z, y, w)
                     : anti_aligned_bonds<2>(g, colour0, colour1, z, y, w);
}

}  // namespace boltzkit::kernels
