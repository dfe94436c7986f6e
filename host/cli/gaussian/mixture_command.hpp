#pragma once
// The mixture family's subcommands of `boltzkit gaussian`: loglik and fit.
#include "host/cli/commands.hpp"

namespace CLI {
class App;
}

namespace boltzkit::cli {
void add_mixture_subcommands(CLI::App* gaussian, Action& action);
}  // namespace boltzkit::cli
