#pragma once
// The boltzkit command line: every family's subcommand registered on one CLI11 app. main()
// parses and runs it; the libFuzzer target tests/fuzz/cli_args_fuzz.cpp parses arbitrary argument
// vectors with the very same app.
#include <memory>

#include "commands.hpp"

namespace boltzkit::cli {

/// A fresh app whose parse stores what to run in `action`.
std::unique_ptr<CLI::App> make_app(Action& action);

}  // namespace boltzkit::cli
