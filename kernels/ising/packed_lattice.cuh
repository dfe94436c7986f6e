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
#include "kernels/common/philox.cuh"

namespace boltzkit::kernels {

struct PackedGeometry {
  std::int64_t lx, ly, lz;
  int dims;
  std::int64_t words_per_row;     // lx / 128
  std::int64_t words_per_colour;  // lz · ly · words_per_row
};

/// How the plane loop builds a plane's threshold bits (see updated_word). All of them decide
/// exactly what the plain integer-threshold rule decides; they differ only in cost.
enum class PlaneMode : int {
  general = 0,        // every level's threshold bit, every plane
  pair = 1,           // at most two fractional levels (2D Metropolis: k = 0, 1)
  mirror_pair = 2,    // mirror-exact table (heat bath), at most two fractional levels below d
  triple = 3,         // at most three fractional levels (3D Metropolis: k = 0, 1, 2)
  mirror_triple = 4,  // mirror-exact table, at most three fractional levels below d (3D)
};

/// Fractional levels whose threshold bits a mode selects per plane (0: all levels).
constexpr int selected_levels(PlaneMode m) {
  return m == PlaneMode::pair || m == PlaneMode::mirror_pair
             ? 2
             : (m == PlaneMode::triple || m == PlaneMode::mirror_triple ? 3 : 0);
}
/// Whether a mode folds the levels above d onto those below (mirror-exact tables).
constexpr bool mirrored_mode(PlaneMode m) {
  return m == PlaneMode::mirror_pair || m == PlaneMode::mirror_triple;
}

/// Flip thresholds per replica: q[k] as a 32-bit fraction (value in [0, 2^32]) for k = 0..2d.
/// Fill seed, keys, mode and the fractional levels with prepare_packed_update, never by hand.
struct PackedUpdate {
  PackedGeometry g;
  const std::uint64_t* thresholds;  // replicas × (2d + 1)
  std::uint64_t seed;
  std::uint32_t sweep;
  // Philox key schedule of `seed`, computed once on the host: a kernel argument, so the plane
  // loop reads the round keys from the parameter bank instead of re-deriving them per call.
  PhiloxKeys keys;
  PlaneMode mode;
  // pair / triple: the levels k whose q is fractional (0 < q < 2^32) in some replica, in
  // increasing order, -1 for unused slots. mirror_pair / mirror_triple: the same among the levels
  // k < d, the table being mirror-exact in every replica (T(2d − k) = 2^32 − T(k),
  // T(d) = 2^31: heat bath). Unused in general mode.
  int fractional[3];
};

/// Calls f(std::integral_constant<PlaneMode, u.mode>{}): the launch sites pick the update's
/// plane loop with this.
template <class F>
inline void with_plane_mode(const PackedUpdate& u, F&& f) {
  switch (u.mode) {
    case PlaneMode::pair: f(std::integral_constant<PlaneMode, PlaneMode::pair>{}); break;
    case PlaneMode::mirror_pair:
      f(std::integral_constant<PlaneMode, PlaneMode::mirror_pair>{});
      break;
    case PlaneMode::triple: f(std::integral_constant<PlaneMode, PlaneMode::triple>{}); break;
    case PlaneMode::mirror_triple:
      f(std::integral_constant<PlaneMode, PlaneMode::mirror_triple>{});
      break;
    default: f(std::integral_constant<PlaneMode, PlaneMode::general>{}); break;
  }
}

/// Whether every replica's table is mirror-exact: T(2d − k) + T(k) = 2^32 for k < d and
/// T(d) = 2^31 (host/ising/thresholds.cpp makes heat bath tables so; Metropolis has T(d) = 2^32).
BOLTZKIT_HD inline bool mirror_exact(const std::uint64_t* host_thresholds, std::int64_t replicas,
                                     int dims) {
  const int levels = 2 * dims + 1;
  for (std::int64_t r = 0; r < replicas; ++r) {
    const std::uint64_t* t = host_thresholds + r * levels;
    if (t[dims] != (std::uint64_t{1} << 31)) return false;
    for (int k = 0; k < dims; ++k)
      if (t[k] > (std::uint64_t{1} << 32) || t[k] + t[2 * dims - k] != (std::uint64_t{1} << 32))
        return false;
  }
  return true;
}

/// Sets seed, key schedule, plane mode and fractional levels of u from the host copy of the
/// thresholds.
BOLTZKIT_HD inline void prepare_packed_update(PackedUpdate& u, std::uint64_t seed,
                                              const std::uint64_t* host_thresholds,
                                              std::int64_t replicas) {
  u.seed = seed;
  u.keys = philox_keys(seed);
  const int levels = 2 * u.g.dims + 1;
  const bool mirror = mirror_exact(host_thresholds, replicas, u.g.dims);
  // Mirror-exact tables: only the levels below d can be fractional for the folded loop (the
  // levels above are their mirrors, d itself is q = 1/2, decided by the first plane).
  const int candidates = mirror ? u.g.dims : levels;
  int count = 0;
  u.fractional[0] = u.fractional[1] = u.fractional[2] = -1;
  for (int k = 0; k < candidates; ++k) {
    bool fractional = false;
    for (std::int64_t r = 0; r < replicas && !fractional; ++r) {
      const std::uint64_t q = host_thresholds[r * levels + k];
      fractional = q > 0 && q < (std::uint64_t{1} << 32);
    }
    if (fractional) {
      if (count < 3) u.fractional[count] = k;
      ++count;
    }
  }
  if (count <= 2)
    u.mode = mirror ? PlaneMode::mirror_pair : PlaneMode::pair;
  else if (count == 3)
    u.mode = mirror ? PlaneMode::mirror_triple : PlaneMode::triple;
  else
    u.mode = PlaneMode::general;
  if (u.mode == PlaneMode::general) u.fractional[0] = u.fractional[1] = u.fractional[2] = -1;
}

BOLTZKIT_HD inline int popcount64(std::uint64_t v) {
#if defined(__CUDA_ARCH__)
  return __popcll(v);
#else
  return __builtin_popcountll(v);
#endif
}

/// Offset of word (z, y, w) in its colour's array (below 2^32: the host checks words_per_colour).
BOLTZKIT_HD inline std::uint32_t packed_offset(const PackedGeometry& g, std::int64_t z,
                                               std::int64_t y, std::int64_t w) {
  return (static_cast<std::uint32_t>(z) * static_cast<std::uint32_t>(g.ly) + static_cast<std::uint32_t>(y)) *
             static_cast<std::uint32_t>(g.words_per_row) +
         static_cast<std::uint32_t>(w);
}

/// Neighbour words of word (colour c, z, y, w): vertical/depth ones are the other colour's words
/// at the same (w), the two horizontal ones are that row shifted by one bit either way.
/// Dims is a template parameter so that every array below lives in registers.
template <int Dims>
struct NeighbourWords {
  std::uint64_t n[2 * Dims];
};

/// Offsets are 32-bit (words_per_colour < 2^32, checked by the host before any launch), so the
/// addressing costs one 32-bit multiply-add per load instead of 64-bit products.
template <int Dims>
BOLTZKIT_HD inline NeighbourWords<Dims> neighbour_words(const PackedGeometry& g,
                                                        const std::uint64_t* other,
                                                        std::int64_t z, std::int64_t y,
                                                        std::int64_t w, int colour) {
  NeighbourWords<Dims> out{};
  const auto W = static_cast<std::uint32_t>(g.words_per_row);
  const auto ly = static_cast<std::uint32_t>(g.ly);
  const auto z32 = static_cast<std::uint32_t>(z), y32 = static_cast<std::uint32_t>(y);
  const auto w32 = static_cast<std::uint32_t>(w);
  const std::uint32_t row = (z32 * ly + y32) * W;
  const std::uint64_t same = other[row + w32];
  // Offset o of this colour in this row: o = 0 → horizontal neighbours at j and j − 1;
  // o = 1 → at j and j + 1 (compressed indices of the other colour).
  const bool o = ((y32 + z32 + static_cast<std::uint32_t>(colour)) & 1) != 0;
  const std::uint32_t side = o ? (w32 + 1 == W ? 0 : w32 + 1) : (w32 == 0 ? W - 1 : w32 - 1);
  const std::uint64_t beside = other[row + side];
  out.n[0] = same;
  out.n[1] = o ? (same >> 1) | (beside << 63) : (same << 1) | (beside >> 63);
  const std::uint32_t wrap_y = (ly - 1) * W;
  out.n[2] = other[(y32 + 1 == ly ? row - wrap_y : row + W) + w32];
  out.n[3] = other[(y32 == 0 ? row + wrap_y : row - W) + w32];
  if constexpr (Dims == 3) {
    const auto lz = static_cast<std::uint32_t>(g.lz);
    const std::uint32_t plane = ly * W, wrap_z = (lz - 1) * plane;
    out.n[4] = other[(z32 + 1 == lz ? row - wrap_z : row + plane) + w32];
    out.n[5] = other[(z32 == 0 ? row + wrap_z : row - plane) + w32];
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

/// The top bit of v (0 or 1). On the GPU a multiply-high by 2, which issues on the FMA pipe
/// like the multiply-adds that use it (PlaneDecisions::plane): the integer ALU is the busy pipe
/// of the plane loop, and a shift would go there.
BOLTZKIT_HD inline std::uint32_t top_bit(std::uint32_t v) {
#if defined(__CUDA_ARCH__)
  return __umulhi(v, 2u);
#else
  return v >> 31;
#endif
}

/// The 64 random bits of plane 2·call + half from the words of Philox call `call`.
BOLTZKIT_HD inline std::uint64_t plane_bits(const PhiloxWords& rw, int half) {
  return (static_cast<std::uint64_t>(rw.w[2 * half + 1]) << 32) | rw.w[2 * half];
}

/// The lazy comparisons "u < q" of one word's 64 spins, one random bit-plane at a time (see
/// updated_word), with the threshold bits built as Mode says.
template <int Dims, PlaneMode Mode>
struct PlaneDecisions {
  static constexpr int levels = 2 * Dims + 1;
  static constexpr int selected = selected_levels(Mode);
  std::uint64_t accept = 0, undecided = 0;
  // Selected modes: lanes_sel[j] the lanes at (folded) fractional level j, disjoint, the last
  // one the complement of the others; q_sel[j] its threshold, kept shifted so that the plane's
  // bit is on top. mirror modes: `mirror` = the lanes at a level above d.
  std::uint64_t lanes_sel[selected > 0 ? selected : 1];
  std::uint32_t q_sel[selected > 0 ? selected : 1];
  std::uint64_t mirror = 0;
  // general: every level's lanes and threshold.
  std::uint64_t lanes_of[selected > 0 ? 1 : levels];
  std::uint32_t q_bits[selected > 0 ? 1 : levels];

  /// Plane p (0 = most significant) with its random bits.
  BOLTZKIT_HD void plane(std::uint64_t random, int p) {
    std::uint64_t t = 0;
    if constexpr (selected == 0) {
      const int bit = 31 - p;
      for (int k = 0; k < levels; ++k)
        t |= lanes_of[k] & (std::uint64_t{0} - ((q_bits[k] >> bit) & 1u));
    } else {
      // Σ_j lanes_j · bit_j over disjoint lane sets and bits 0 or 1 is the select of each
      // lane's threshold bit: one multiply-add per level and 32-bit half, on the FMA pipe (the
      // integer ALU is the busy pipe of this loop).
      std::uint32_t lo = 0, hi = 0;
      for (int j = 0; j < selected; ++j) {
        const std::uint32_t bit = top_bit(q_sel[j]);
        lo += static_cast<std::uint32_t>(lanes_sel[j]) * bit;
        hi += static_cast<std::uint32_t>(lanes_sel[j] >> 32) * bit;
        q_sel[j] <<= 1;
      }
      t = (static_cast<std::uint64_t>(hi) << 32) | lo;
    }
    if constexpr (mirrored_mode(Mode)) {
      // A lane at level 2d − k flips iff u < 2^32 − T(k), i.e. iff not (~u < T(k)): it runs
      // the comparison of level k on the complemented bits, and its result is inverted
      // (accept starts at 1 on these lanes and is toggled where ~u < T(k) is decided, which
      // also leaves a full tie ~u = T(k) accepted, as u ≤ ~T(k) requires).
      random ^= mirror;
      accept ^= undecided & ~random & t;
    } else {
      // u < q is decided at the first differing bit: u 0, q 1 → accept; u 1, q 0 → reject.
      accept |= undecided & ~random & t;
    }
    undecided &= ~(random ^ t);
  }
};

/// New value of word (colour, z, y, w) of replica r. `self` is this colour's array and `other`
/// the other colour's, both of that replica. Dims must equal u.g.dims; Mode must be u.mode.
///
/// Every spin's decision is "u < q" for its 32-bit uniform u, whose bits come one plane at a
/// time, most significant first, from the word's Philox counters; it is decided at the first bit
/// where u and q differ. How the q bits of a plane are assembled (all levels, only the two or
/// three fractional ones, or the fractional ones below d with the levels above d folded onto
/// them) does not change which random bits are drawn or what is decided: the stream and the
/// spins are those of the plain integer-threshold rule (docs/MATH.md §3.2).
template <int Dims, class Planes = PhiloxPlanes, PlaneMode Mode = PlaneMode::general>
BOLTZKIT_HD inline std::uint64_t updated_word(const PackedUpdate& u, const std::uint64_t* self,
                                              const std::uint64_t* other, std::int64_t z,
                                              std::int64_t y, std::int64_t w, int colour,
                                              std::int64_t r) {
  constexpr int levels = 2 * Dims + 1;
  constexpr bool mirrored = mirrored_mode(Mode);
  const std::uint32_t index = packed_offset(u.g, z, y, w);
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
  const std::uint64_t* q = u.thresholds + r * levels;
  PlaneDecisions<Dims, Mode> d;
  constexpr int selected = PlaneDecisions<Dims, Mode>::selected;
  // q ≤ 2^32: q = 2^32 (certain) exactly when the high word is 1, and 0 < q < 2^32 exactly when
  // the low word is not 0; masks from the two 32-bit words, no 64-bit comparisons.
  std::uint64_t half = 0;  // mirror modes: the lanes at level d (q = 1/2)
  // Mirror modes: the folded levels k < d (with their mirrors 2d − k), lanes and thresholds,
  // kept so that the selected ones are picked by (warp-uniform) comparisons rather than by
  // runtime level masks and reloads; with 2d + 1 unfolded candidates that costs more than it
  // saves, so the other modes build the selected levels' masks directly.
  std::uint64_t lanes_of_candidate[Dims];
  std::uint32_t q_of_candidate[Dims];
  if constexpr (mirrored) {
    // Levels k and 2d − k together from T(k) alone (T(2d − k) = 2^32 − T(k)).
    for (int k = 0; k < Dims; ++k) {
      const std::uint64_t below = level_lanes(c0, c1, c2, k);
      const std::uint64_t above = level_lanes(c0, c1, c2, 2 * Dims - k);
      const std::uint64_t qk = q[k];
      const std::uint64_t certain = std::uint64_t{0} - (qk >> 32);
      const std::uint64_t fractional =
          std::uint64_t{0} - static_cast<std::uint64_t>(static_cast<std::uint32_t>(qk) != 0);
      d.accept |= (below & certain) | (above & ~(certain | fractional));
      d.undecided |= (below | above) & fractional;
      lanes_of_candidate[k] = below | above;
      q_of_candidate[k] = static_cast<std::uint32_t>(qk);
    }
    half = level_lanes(c0, c1, c2, Dims);
    d.mirror = Dims == 2 ? (c2 | (c1 & c0)) : c2;  // k > d: k ≥ 3 of 4, k ≥ 4 of 6
    d.accept |= d.mirror & d.undecided;  // inverted comparisons start accepted (see plane)
  } else {
    for (int k = 0; k < levels; ++k) {
      const std::uint64_t m = level_lanes(c0, c1, c2, k);
      const std::uint64_t qk = q[k];
      if constexpr (selected == 0) {
        d.lanes_of[k] = m;
        d.q_bits[k] = static_cast<std::uint32_t>(qk);
      }
      d.accept |= m & (std::uint64_t{0} - (qk >> 32));
      d.undecided |= m & (std::uint64_t{0} - static_cast<std::uint64_t>(static_cast<std::uint32_t>(qk) != 0));
    }
  }
  if constexpr (selected > 0) {
    // The undecided lanes all lie on the selected levels (folded: k or 2d − k), so the last
    // level may take every lane the others leave.
    std::uint64_t others = 0;
    for (int j = 0; j < selected; ++j) {
      const int f = u.fractional[j];
      std::uint64_t lanes = 0;
      std::uint32_t qf = 0;
      if constexpr (mirrored) {
        for (int k = 0; k < Dims; ++k) {
          const bool hit = f == k;  // warp-uniform
          lanes = hit ? lanes_of_candidate[k] : lanes;
          qf = hit ? q_of_candidate[k] : qf;
        }
      } else if (f >= 0) {
        lanes = level_lanes(c0, c1, c2, f);
        qf = static_cast<std::uint32_t>(q[f]);
      }
      d.lanes_sel[j] = j + 1 < selected ? lanes : ~others;
      d.q_sel[j] = qf;
      others |= lanes;
    }
  }
  // Counter word 1 is (call << 24) | (colour << 23) | (bits 32.. of the word index), and the
  // index is below 2^32 here. The first call is peeled off the loop: it also decides the
  // q = 1/2 lanes, and its counter is known.
  const std::uint32_t counter_hi = static_cast<std::uint32_t>(colour) << 23;
  const auto replica = static_cast<std::uint32_t>(r);
  if ((d.undecided | half) != 0) {
    const PhiloxWords first = Planes{}(u, index, counter_hi, u.sweep, replica);
    // q = 2^31: u < q exactly when the top bit of u (plane 0) is 0.
    if constexpr (mirrored) d.accept |= half & ~plane_bits(first, 0);
    d.plane(plane_bits(first, 0), 0);
    d.plane(plane_bits(first, 1), 1);
    // Calls 1..15, the counter word carried (call << 24 | counter_hi) rather than rebuilt.
    const std::uint32_t last = counter_hi | (15u << 24);
    for (std::uint32_t counter = counter_hi | (1u << 24); d.undecided != 0; counter += 1u << 24) {
      const PhiloxWords rw = Planes{}(u, index, counter, u.sweep, replica);
      const auto call = static_cast<int>(counter >> 24);
      d.plane(plane_bits(rw, 0), 2 * call);
      d.plane(plane_bits(rw, 1), 2 * call + 1);
      if (counter == last) break;
    }
  }
  return s ^ d.accept;
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

/// Position of a word in the grid-stride loop of the half-sweep kernel: (replica, z, y, w) with
/// 32-bit coordinates (extents below 2^32).
struct PackedCursor {
  std::int64_t r;
  std::uint32_t z, y, w;
};

/// Cursor of word e < 2^32 (a thread index or a grid stride): 32-bit divisions, which the GPU
/// does in a few instructions where a 64-bit one is a subroutine call.
BOLTZKIT_HD inline PackedCursor packed_cursor(const PackedGeometry& g, std::uint32_t e) {
  const auto per_colour = static_cast<std::uint32_t>(g.words_per_colour);
  const auto per_row = static_cast<std::uint32_t>(g.words_per_row);
  const auto ly = static_cast<std::uint32_t>(g.ly);
  const std::uint32_t r = e / per_colour;
  const std::uint32_t rest = e - r * per_colour;
  const std::uint32_t row = rest / per_row;
  const std::uint32_t w = rest - row * per_row;
  const std::uint32_t z = g.lz == 1 ? 0 : row / ly;
  return {r, z, row - z * ly, w};
}

/// p ← the word `step` further on, step being a word offset split like an index
/// (packed_cursor(g, offset)): the grid-stride loop carries from w to y to z to r instead of
/// dividing every index. Each field of step is below its extent, so each carry is 0 or 1.
BOLTZKIT_HD inline void advance_cursor(const PackedGeometry& g, PackedCursor& p,
                                       const PackedCursor& step) {
  const auto W = static_cast<std::uint32_t>(g.words_per_row);
  const auto ly = static_cast<std::uint32_t>(g.ly), lz = static_cast<std::uint32_t>(g.lz);
  p.w += step.w;
  const std::uint32_t carry_w = p.w >= W ? 1 : 0;
  p.w -= carry_w * W;
  p.y += step.y + carry_w;
  const std::uint32_t carry_y = p.y >= ly ? 1 : 0;
  p.y -= carry_y * ly;
  p.z += step.z + carry_y;
  const std::uint32_t carry_z = p.z >= lz ? 1 : 0;
  p.z -= carry_z * lz;
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
