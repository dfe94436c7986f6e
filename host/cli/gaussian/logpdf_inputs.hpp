#pragma once
// Reading and checking the inputs of `boltzkit gaussian logpdf`: one dtype for all three,
// x (B, D), mean (D,) or (B, D), matrix (D, D) or (B, D, D). A 1-D mean or 2-D matrix is
// shared by every row (the broadcast the library expresses with batch_stride 0).
#include <cstdint>
#include <string>

#include "boltzkit/gaussian.hpp"
#include "host/io/npy.hpp"

namespace boltzkit::cli {

struct NamedInput {
  std::string option;  ///< "--x", "--mean", "--cov", ...
  std::string path;
  io::NpyArray array;
};

struct LogpdfInputs {
  NamedInput x, mean, matrix;
  gaussian::Parameterization parameterization = gaussian::Parameterization::covariance;
  std::string dtype;  ///< "<f4" or "<f8"
  std::int64_t batch = 0;
  std::int64_t dim = 0;
  bool mean_shared = false;
  bool matrix_shared = false;
};

/// Reads the three files and checks dtypes and shapes; throws invalid_argument naming the
/// option and file at fault.
LogpdfInputs load_logpdf_inputs(const std::string& x_path, const std::string& mean_path,
                                const std::string& matrix_option, const std::string& matrix_path);

}  // namespace boltzkit::cli
