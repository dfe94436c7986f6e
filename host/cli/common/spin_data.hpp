#pragma once
// NPY inputs shared by the Boltzmann-machine subcommands (rbm, bm): numeric arrays of any of
// the dtypes the CLI accepts, and ±1 data sets.
#include <cstdint>
#include <string>
#include <vector>

namespace boltzkit::cli {

/// The array at `path` as float64 (dtype <f8, <f4 or <i4) and its shape; `option` names the
/// flag in messages. Not a numeric NPY file: invalid_argument.
std::vector<double> load_numeric(const std::string& option, const std::string& path,
                                 std::vector<std::int64_t>& shape);

/// A 2-D data set (M, N), M, N >= 1, of -1/+1 entries as int8; anything else: invalid_argument.
std::vector<std::int8_t> load_spins(const std::string& option, const std::string& path,
                                    std::int64_t& m, std::int64_t& n);

}  // namespace boltzkit::cli
