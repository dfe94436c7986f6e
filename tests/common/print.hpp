#pragma once
// How GoogleTest prints the library's enums and structs in test names and messages. Without
// these it prints raw bytes ("4-byte object <01-00 00-00>"), and for structs with padding the
// bytes are uninitialised, so a test's name could change between runs.
#include <ostream>

#include "boltzkit/bm.hpp"
#include "boltzkit/gaussian.hpp"
#include "boltzkit/ising.hpp"

namespace boltzkit::gaussian {

inline void PrintTo(Parameterization p, std::ostream* os) {
  switch (p) {
    case Parameterization::covariance: *os << "covariance"; break;
    case Parameterization::precision: *os << "precision"; break;
    case Parameterization::cholesky: *os << "cholesky"; break;
    default: *os << "parameterization " << static_cast<int>(p);
  }
}

}  // namespace boltzkit::gaussian

namespace boltzkit::ising {

inline void PrintTo(Algorithm a, std::ostream* os) {
  *os << (a == Algorithm::heat_bath ? "heatbath" : "metropolis");
}

inline void PrintTo(const Lattice& l, std::ostream* os) {
  *os << l.lx << "x" << l.ly;
  if (l.dimensions() == 3) *os << "x" << l.lz;
}

}  // namespace boltzkit::ising

namespace boltzkit::bm {

inline void PrintTo(Algorithm a, std::ostream* os) {
  *os << (a == Algorithm::heat_bath ? "heatbath" : "metropolis");
}

inline void PrintTo(Scan s, std::ostream* os) { *os << (s == Scan::sequential ? "sequential" : "random"); }

}  // namespace boltzkit::bm
