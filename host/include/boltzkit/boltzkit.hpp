#pragma once
/// \file boltzkit.hpp
/// Umbrella header: every public header of boltzkit. Each family adds its own line here.

// Core: contexts and backends, views over strided batches, errors, version.
#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "boltzkit/version.hpp"
#include "boltzkit/views.hpp"

// Batched Cholesky building blocks.
#include "boltzkit/linalg.hpp"

// Multivariate Gaussians: log-densities and gradients.
#include "boltzkit/gaussian.hpp"

// Lattice Ising models: byte and bit-packed paths, whole runs, exact results.
#include "boltzkit/ising.hpp"
#include "boltzkit/ising_exact.hpp"
#include "boltzkit/ising_packed.hpp"
#include "boltzkit/ising_simulation.hpp"

// Statistics of Monte Carlo time series.
#include "boltzkit/mc_statistics.hpp"

// Restricted Boltzmann machines: block Gibbs, CD-k / PCD gradients, training, exact results.
#include "boltzkit/rbm.hpp"
#include "boltzkit/bm.hpp"

// Many points against K Gaussians: mixtures, summed gradients, EM, KL.
#include "boltzkit/mixture.hpp"
