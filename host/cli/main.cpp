// The boltzkit command. Exit codes: 0 success, 2 bad usage or input (CLI parse errors and
// boltzkit::invalid_argument, reported before any output is written), 130 interrupted by
// SIGINT/SIGTERM (no partial output; a lattice run leaves its checkpoint), 1 anything else.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "app.hpp"
#include "boltzkit/errors.hpp"
#include "host/cli/common/interrupt.hpp"
#include "host/cli/common/report.hpp"

int main(int argc, char** argv) {
  using namespace boltzkit::cli;
  Action action;
  const std::unique_ptr<CLI::App> app = make_app(action);

  try {
    app->parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app->exit(e);  // --help / --version
  } catch (const CLI::ParseError& e) {
    print_error(std::string(e.what()) + " (see --help)");
    return 2;
  }

  install_interrupt_handlers();
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
