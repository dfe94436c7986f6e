#include "validation.hpp"

#include <cmath>

#include "boltzkit/errors.hpp"
#include "host/cli/common/report.hpp"
#include "lattice_size.hpp"

namespace boltzkit::cli {

ising::Algorithm parse_algorithm(const std::string& name) {
  if (name == "metropolis") return ising::Algorithm::metropolis;
  if (name == "heatbath") return ising::Algorithm::heat_bath;
  throw invalid_argument("--algorithm '" + name + "': expected metropolis or heatbath");
}

const char* algorithm_name(ising::Algorithm algorithm) {
  return algorithm == ising::Algorithm::heat_bath ? "heatbath" : "metropolis";
}

void check_beta(double beta, const char* option) {
  if (!std::isfinite(beta) || beta < 0)
    throw invalid_argument(std::string(option) + " must be finite and >= 0, got " + fmt_g(beta, 6));
}

void check_run_length(std::int64_t sweeps, std::int64_t burn_in) {
  if (sweeps < 2)
    throw invalid_argument(
        "--sweeps must be at least 2 (one measurement per sweep; error bars "
        "need two), got " +
        std::to_string(sweeps));
  if (burn_in < 0) throw invalid_argument("--burn-in must be >= 0, got " + std::to_string(burn_in));
  constexpr std::int64_t limit = 0xfffffffeLL;  // sweep indices stay below 2^32 − 1
  if (sweeps > limit || burn_in > limit - sweeps)
    throw invalid_argument("--burn-in + --sweeps must be below 2^32 - 1 (4294967294)");
}

void check_algorithm_fits(ising::Algorithm algorithm, const ising::Lattice& lattice) {
  if (algorithm != ising::Algorithm::metropolis) return;
  for (const std::int64_t extent : lattice_extents(lattice))
    if (extent == 2)
      throw invalid_argument("--algorithm metropolis on --size " + lattice_size_string(lattice) +
                             ": checkerboard Metropolis is not ergodic on an extent of 2 (it "
                             "would give wrong averages); use --algorithm heatbath");
}

}  // namespace boltzkit::cli
