// The argument layer of the boltzkit command: the input, split at NUL bytes, is an argument
// vector parsed by the command's own CLI11 app. Parsing may accept or reject it (CLI::Error),
// never crash. The parsed action is not run: it would compute and write files.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/cli/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"boltzkit"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  if (!current.empty()) args.push_back(current);
  if (args.size() > 64) return 0;  // long vectors only repeat what short ones exercise
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());

  boltzkit::cli::Action action;
  const std::unique_ptr<CLI::App> app = boltzkit::cli::make_app(action);
  try {
    app->parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::Error&) {
  }
  return 0;
}
