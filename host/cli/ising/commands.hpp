#pragma once
// Registration of the `ising` subcommands (each in its own file).
#include "host/cli/commands.hpp"

namespace CLI {
class App;
}

namespace boltzkit::cli {

/// Registers `ising lattice` and `ising scan` under the `ising` subcommand.
void add_ising_lattice_command(CLI::App& ising, Action& action);
void add_ising_scan_command(CLI::App& ising, Action& action);

}  // namespace boltzkit::cli
