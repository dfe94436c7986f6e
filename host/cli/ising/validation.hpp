#pragma once
// The --algorithm option and the checks of a run's parameters that the library leaves to its
// callers (each message names the option at fault).
#include <cstdint>
#include <string>

#include "boltzkit/ising.hpp"

namespace boltzkit::cli {

/// "metropolis" or "heatbath" (CLI11 restricts the spelling before this is reached).
ising::Algorithm parse_algorithm(const std::string& name);
const char* algorithm_name(ising::Algorithm algorithm);

/// β must be finite and >= 0 (the message names the option).
void check_beta(double beta, const char* option);
/// sweeps >= 2 (error bars need two measurements), burn-in >= 0, and sweep indices below the
/// library's 2^32 − 1 limit.
void check_run_length(std::int64_t sweeps, std::int64_t burn_in);

/// Refuses checkerboard Metropolis on a lattice with an extent of 2: there the two neighbours
/// along that axis coincide, states where every spin sees ΔE = 0 flip back and forth forever,
/// and the chain is not ergodic (a wrong answer with no warning). Heat bath is fine there.
void check_algorithm_fits(ising::Algorithm algorithm, const ising::Lattice& lattice);

}  // namespace boltzkit::cli
