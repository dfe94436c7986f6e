#pragma once
// The lattice Ising family's case table: the lattices, algorithms, couplings and replica counts
// that the emulation tests (device code on the warp emulator, bit-identical to the CPU) and the
// GPU tests (the real device against the CPU) both run. Sizes are small so the emulator stays
// fast; the GPU tests add their large lattices to these. Each row names why it is there.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "boltzkit/ising.hpp"

namespace boltzkit::testing {

struct LatticeCase {
  ising::Lattice lattice;
  ising::Algorithm algorithm;
  bool per_bond;  // random ±J bonds (byte path only)
  std::int64_t replicas;
  const char* why;
};

/// Byte-per-spin path.
inline const std::vector<LatticeCase>& byte_path_cases() {
  static const std::vector<LatticeCase> cases = {
      {{8, 6, 1}, ising::Algorithm::metropolis, false, 3, "2D_metropolis_replicas"},
      {{8, 6, 1}, ising::Algorithm::heat_bath, false, 2, "2D_heatbath"},
      {{4, 4, 6}, ising::Algorithm::metropolis, false, 2, "3D_metropolis"},
      {{2, 4, 2}, ising::Algorithm::heat_bath, false, 1, "3D_extent_2_wraps_onto_itself"},
      {{6, 4, 1}, ising::Algorithm::metropolis, true, 2, "2D_per_bond"},
      {{4, 4, 4}, ising::Algorithm::heat_bath, true, 2, "3D_per_bond"},
  };
  return cases;
}

/// Bit-packed path (lx a multiple of 128, uniform J, h = 0).
inline const std::vector<LatticeCase>& packed_path_cases() {
  static const std::vector<LatticeCase> cases = {
      {{128, 4, 1}, ising::Algorithm::metropolis, false, 2, "2D_one_word_pair_per_row"},
      {{256, 6, 1}, ising::Algorithm::heat_bath, false, 1, "2D_two_words_per_colour_row"},
      {{128, 2, 4}, ising::Algorithm::metropolis, false, 2, "3D_metropolis"},
      {{384, 2, 2}, ising::Algorithm::heat_bath, false, 3, "3D_odd_word_count"},
  };
  return cases;
}

/// How gtest prints a row (instead of a dump of its bytes, padding included).
inline void PrintTo(const LatticeCase& c, std::ostream* os) {
  *os << c.lattice.lx << "x" << c.lattice.ly << "x" << c.lattice.lz << " "
      << (c.algorithm == ising::Algorithm::metropolis ? "metropolis" : "heat bath")
      << (c.per_bond ? " per-bond" : "") << " R=" << c.replicas;
}

/// gtest name of a row: its `why`, readable in ctest output.
inline std::string lattice_case_name(const ::testing::TestParamInfo<LatticeCase>& info) {
  return info.param.why;
}

}  // namespace boltzkit::testing
