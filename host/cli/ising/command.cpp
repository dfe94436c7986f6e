// `boltzkit ising`: lattice Monte Carlo (`lattice`) and temperature scans (`scan`).
#include <CLI/CLI.hpp>

#include "host/cli/commands.hpp"
#include "commands.hpp"

namespace boltzkit::cli {

void add_ising_command(CLI::App& app, Action& action) {
  CLI::App* ising = app.add_subcommand("ising", "Lattice Ising model Monte Carlo");
  ising->require_subcommand(1);
  add_ising_lattice_command(*ising, action);
  add_ising_scan_command(*ising, action);
}

}  // namespace boltzkit::cli
