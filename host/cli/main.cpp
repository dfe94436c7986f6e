// The boltzkit command. Exit codes: 0 success, 2 bad usage or input (CLI parse errors and
// boltzkit::invalid_argument, reported before any output is written), 1 anything else.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "boltzkit/errors.hpp"
#include "boltzkit/version.hpp"
#include "commands.hpp"
#include "host/cli/common/report.hpp"

namespace {

/// The same exit-code scheme is printed under every command's --help.
void set_exit_code_footer(CLI::App& app) {
  app.footer(
      "Exit codes: 0 success; 2 bad arguments or input (one line on stderr, checked before "
      "anything is computed, nothing written); 1 internal, CUDA or I/O error.");
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    set_exit_code_footer(*sub);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace boltzkit::cli;
  CLI::App app{"Gaussian log-densities and gradients, and Ising lattice Monte Carlo, on GPU "
               "and CPU.",
               "boltzkit"};
  app.set_version_flag("--version", std::string("boltzkit ") + boltzkit::version);
  app.require_subcommand(1);
  Action action;
  add_gaussian_command(app, action);
  add_demo_command(app, action);
  add_ising_command(app, action);
  add_rbm_command(app, action);
  add_bm_command(app, action);
  set_exit_code_footer(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help / --version
  } catch (const CLI::ParseError& e) {
    print_error(std::string(e.what()) + " (see --help)");
    return 2;
  }

  try {
    return action();
  } catch (const boltzkit::invalid_argument& e) {
    print_error(e.what());
    return 2;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  }
}
