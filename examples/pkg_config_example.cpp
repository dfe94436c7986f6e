// boltzkit from a build that knows nothing of CMake: compiled and linked with the flags of
// `pkg-config --cflags --libs boltzkit` (examples/check_installed.sh does exactly that):
//
//   c++ -std=c++17 pkg_config_example.cpp $(pkg-config --cflags --libs boltzkit) -o example
//
// The exact mean energy per spin of a periodic 4 × 4 Ising lattice, two ways that must agree:
// Kaufman's closed form and the enumeration of all 2^16 states.
#include <boltzkit/boltzkit.hpp>

#include <cmath>
#include <cstdio>

int main() {
  const double beta = 0.4;
  const double kaufman = boltzkit::ising::exact::kaufman(beta, 4).energy;
  const double enumerated = boltzkit::ising::exact::enumerate_square_lattice(4, 4, beta).energy;
  std::printf("boltzkit %s: 4x4 Ising at beta = %.2f: u = %.12f (Kaufman), %.12f (all states)\n",
              boltzkit::version, beta, kaufman, enumerated);
  return std::abs(kaufman - enumerated) <= 1e-10 ? 0 : 1;
}
