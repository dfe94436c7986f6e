#include "app.hpp"

#include <CLI/CLI.hpp>
#include <string>

#include "boltzkit/version.hpp"

namespace boltzkit::cli {

std::unique_ptr<CLI::App> make_app(Action& action) {
  auto app = std::make_unique<CLI::App>(
      "Gaussian log-densities and gradients, and Ising lattice Monte Carlo, on GPU and CPU.",
      "boltzkit");
  app->set_version_flag("--version", std::string("boltzkit ") + boltzkit::version);
  app->require_subcommand(1);
  add_gaussian_command(*app, action);
  add_demo_command(*app, action);
  add_ising_command(*app, action);
  add_rbm_command(*app, action);
  return app;
}

}  // namespace boltzkit::cli
