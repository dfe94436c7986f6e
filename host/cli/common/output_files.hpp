#pragma once
// The .npy outputs of a command, written as one unit through io::StagedDirectory: every file is
// complete in the staging folder before any is moved into --out.
#include <cstdint>
#include <string>
#include <vector>

#include "host/io/staged_directory.hpp"

namespace boltzkit::cli {

struct OutputFile {
  std::string name;  ///< file name inside the output directory, e.g. "logp.npy"
  std::string dtype;
  std::vector<std::int64_t> shape;
  const void* data;
};

/// Fails with invalid_argument (exit 2) when `dir` cannot receive output (see
/// io::check_output_directory). Call it before any expensive work.
void check_output_dir(const std::string& dir, const std::string& option = "--out");

/// Writes every file completely into the staging folder of `dir` (not yet visible in --out).
void stage_outputs(const io::StagedDirectory& dir, const std::vector<OutputFile>& files);

}  // namespace boltzkit::cli
