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
struct PackedUpdate {
  PackedGeometry g;
  const std::uint64_t* thresholds;  // replicas × (2d + 1)
  std::uint64_t seed;
  std::uint32_t sweep;
};

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
  BOLTZKIT_HD PhiloxWords operator()(std::uint64_t seed, std::uint32_t c0, std::uint32_t c1,
                                     std::uint32_t c2, std::uint32_t c3) const {
    return philox(seed, c0, c1, c2, c3);
  }
};

/// New value of word (colour, z, y, w) of replica r. `self` is this colour's array and `other`
/// the other colour's, both of that replica. Dims must equal u.g.dims.
template <int Dims, class Planes = PhiloxPlanes>
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
  // Lanes by count, and the lanes that are certain (q = 1) or impossible (q = 0); the
  // fractional bits of q in registers for the plane loop.
  const std::uint64_t* q = u.thresholds + r * levels;
  std::uint64_t lanes_of[levels];
  std::uint32_t q_bits[levels];
  std::uint64_t accept = 0, undecided = 0;
  for (int k = 0; k < levels; ++k) {
    const std::uint64_t m = ((k & 1) ? c0 : ~c0) & ((k & 2) ? c1 : ~c1) & ((k & 4) ? c2 : ~c2);
    const std::uint64_t qk = q[k];
    lanes_of[k] = m;
    q_bits[k] = static_cast<std::uint32_t>(qk);
    if (qk >= (std::uint64_t{1} << 32))
      accept |= m;
    else if (qk > 0)
      undecided |= m;
  }
  const std::uint64_t word_index = static_cast<std::uint64_t>(index);
  for (int plane = 0; plane < 32 && undecided != 0; plane += 2) {
    const PhiloxWords rw = Planes{}(
        u.seed, static_cast<std::uint32_t>(word_index),
        static_cast<std::uint32_t>((static_cast<std::uint64_t>(plane / 2) << 24) |
                                   (static_cast<std::uint64_t>(colour) << 23) |
                                   ((word_index >> 32) & 0x7fffff)),
        u.sweep, static_cast<std::uint32_t>(r));
    for (int half = 0; half < 2; ++half) {
      const int bit = 31 - (plane + half);  // most significant first
      const std::uint64_t random = (static_cast<std::uint64_t>(rw.w[2 * half + 1]) << 32) | rw.w[2 * half];
      std::uint64_t threshold_bits = 0;
      for (int k = 0; k < levels; ++k)
        threshold_bits |= lanes_of[k] & (std::uint64_t{0} - ((q_bits[k] >> bit) & 1u));
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
