#pragma once
// Each command registers its CLI11 subcommand here. Parsing only records what to run in
// `action`; main() runs it afterwards so that exceptions reach one place that maps them to
// exit codes (CLI11 would otherwise see them inside its own parse).
#include <functional>

namespace CLI {
class App;
}

namespace boltzkit::cli {

using Action = std::function<int()>;

void add_gaussian_command(CLI::App& app, Action& action);
void add_demo_command(CLI::App& app, Action& action);
void add_ising_command(CLI::App& app, Action& action);
void add_rbm_command(CLI::App& app, Action& action);
void add_bm_command(CLI::App& app, Action& action);

}  // namespace boltzkit::cli
