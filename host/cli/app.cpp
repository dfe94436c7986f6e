#include "app.hpp"

#include <CLI/CLI.hpp>
#include <string>

#include "boltzkit/version.hpp"

namespace boltzkit::cli {

namespace {

/// The same exit-code scheme is printed under every command's --help.
void set_exit_code_footer(CLI::App& app) {
  app.footer(
      "Exit codes: 0 success; 2 bad arguments or input (one line on stderr, checked before "
      "anything is computed, nothing written); 1 internal, CUDA or I/O error; 130 interrupted "
      "(SIGINT/SIGTERM: no partial output; a lattice run keeps its checkpoint).");
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    set_exit_code_footer(*sub);
}

}  // namespace

std::unique_ptr<CLI::App> make_app(Action& action) {
  auto app = std::make_unique<CLI::App>(
      "Gaussian log-densities, mixtures and gradients; Ising lattices and Boltzmann machines; "
      "on GPU and CPU.",
      "boltzkit");
  app->set_version_flag("--version", std::string("boltzkit ") + boltzkit::version);
  app->require_subcommand(1);
  add_gaussian_command(*app, action);
  add_demo_command(*app, action);
  add_ising_command(*app, action);
  add_rbm_command(*app, action);
  add_bm_command(*app, action);
  set_exit_code_footer(*app);
  return app;
}

}  // namespace boltzkit::cli
