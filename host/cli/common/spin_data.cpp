// NPY inputs of the Boltzmann-machine subcommands (spin_data.hpp).
#include "host/cli/common/spin_data.hpp"

#include "boltzkit/errors.hpp"
#include "host/io/npy.hpp"

namespace boltzkit::cli {

std::vector<double> load_numeric(const std::string& option, const std::string& path,
                                 std::vector<std::int64_t>& shape) {
  const io::NpyArray a = io::read_npy(path);
  shape = a.shape;
  if (a.dtype == "<f8") return a.to_vector<double>();
  if (a.dtype == "<f4") {
    const auto f = a.to_vector<float>();
    return {f.begin(), f.end()};
  }
  if (a.dtype == "<i4") {
    const auto i = a.to_vector<std::int32_t>();
    return {i.begin(), i.end()};
  }
  throw invalid_argument(option + " '" + path + "': dtype " + a.dtype + " is not float64, float32 or int32");
}

std::vector<std::int8_t> load_spins(const std::string& option, const std::string& path,
                                    std::int64_t& m, std::int64_t& n) {
  std::vector<std::int64_t> shape;
  const std::vector<double> values = load_numeric(option, path, shape);
  if (shape.size() != 2 || shape[0] < 1 || shape[1] < 1)
    throw invalid_argument(option + " '" + path + "': expected a 2-D array (M, N) with M, N >= 1");
  m = shape[0];
  n = shape[1];
  std::vector<std::int8_t> spins(values.size());
  for (std::size_t e = 0; e < values.size(); ++e) {
    if (values[e] != 1.0 && values[e] != -1.0)
      throw invalid_argument(option + " '" + path + "': entries must be -1 or +1; element " +
                             std::to_string(e) + " is " + std::to_string(values[e]));
    spins[e] = values[e] > 0 ? 1 : -1;
  }
  return spins;
}

}  // namespace boltzkit::cli
