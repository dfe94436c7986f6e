#pragma once
// Small pieces both Ising benchmark files use: case-name parts and the packed hot start.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "boltzkit/ising.hpp"

namespace boltzkit::bench {

inline const char* algorithm_name(boltzkit::ising::Algorithm a) {
  return a == boltzkit::ising::Algorithm::metropolis ? "metropolis" : "heat_bath";
}

inline std::string fmt_beta(double beta) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", beta);
  return buf;
}

inline std::string lattice_name(const boltzkit::ising::Lattice& l) {
  std::string s = std::to_string(l.lx) + "x" + std::to_string(l.ly);
  if (l.dimensions() == 3) s += "x" + std::to_string(l.lz);
  return s;
}

/// A packed hot start: every bit (every bit is a spin) from a counter-based splitmix64 of
/// (seed, word index), so each spin is up with probability 1/2.
inline std::vector<std::uint64_t> hot_words(std::size_t count, std::uint64_t key) {
  std::vector<std::uint64_t> w(count);
  const std::uint64_t base = key * 0xd1342543de82ef95ULL;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t x = base + 0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(i) + 1);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    w[i] = x ^ (x >> 31);
  }
  return w;
}

}  // namespace boltzkit::bench
