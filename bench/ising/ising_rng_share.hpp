#pragma once
// The share of the packed sweep's time spent on random numbers (cases ising_rng_share/…).
#include "bench/common/bench_environment.hpp"

namespace boltzkit::bench {

/// Registers the ising_rng_share/<gpu|cpu>/<algorithm>/L:…/R:…/beta:… cases.
void register_rng_share_cases(environment& env);

}  // namespace boltzkit::bench
