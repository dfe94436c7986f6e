#pragma once
/// \file boltzkit.hpp
/// Umbrella header: everything public in boltzkit.
#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "boltzkit/gaussian.hpp"
#include "boltzkit/linalg.hpp"
#include "boltzkit/rbm.hpp"
#include "boltzkit/version.hpp"
#include "boltzkit/views.hpp"
