#pragma once
// Writes a set of .npy outputs as one unit: every file is staged (fully written to a temporary
// name) before any is renamed into place. Failures that depend on the data (disk full, no
// permission) happen while staging and leave no new file behind; only the renames, which need
// no space, come after the first visible change.
#include <cstdint>
#include <string>
#include <vector>

namespace boltzkit::cli {

struct OutputFile {
  std::string name;  ///< file name inside the output directory, e.g. "logp.npy"
  std::string dtype;
  std::vector<std::int64_t> shape;
  const void* data;
};

/// Fails with invalid_argument when `dir` exists and is not a directory. Call it before any
/// expensive work so a bad --out is reported without computing anything.
void check_output_dir(const std::string& dir);

/// Creates `dir` if missing, then stages and commits every file.
void write_outputs(const std::string& dir, const std::vector<OutputFile>& files);

}  // namespace boltzkit::cli
