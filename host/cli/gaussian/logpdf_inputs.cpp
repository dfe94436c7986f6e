#include "logpdf_inputs.hpp"

#include "boltzkit/errors.hpp"
#include "host/cli/common/report.hpp"

namespace boltzkit::cli {

namespace {

NamedInput load(const std::string& option, const std::string& path) {
  try {
    return {option, path, io::read_npy(path)};
  } catch (const invalid_argument& e) {
    throw invalid_argument(option + " " + e.what());  // read_npy's message names the file
  }
}

[[noreturn]] void bad_shape(const NamedInput& in, const std::string& expected) {
  throw invalid_argument(in.option + " '" + in.path + "': expected shape " + expected + ", got " +
                         shape_string(in.array.shape));
}

gaussian::Parameterization parameterization_of(const std::string& option) {
  if (option == "--precision") return gaussian::Parameterization::precision;
  if (option == "--chol") return gaussian::Parameterization::cholesky;
  return gaussian::Parameterization::covariance;
}

}  // namespace

LogpdfInputs load_logpdf_inputs(const std::string& x_path, const std::string& mean_path,
                                const std::string& matrix_option, const std::string& matrix_path) {
  LogpdfInputs in;
  in.x = load("--x", x_path);
  in.mean = load("--mean", mean_path);
  in.matrix = load(matrix_option, matrix_path);
  in.parameterization = parameterization_of(matrix_option);

  for (const NamedInput* f : {&in.x, &in.mean, &in.matrix}) {
    if (f->array.dtype != "<f4" && f->array.dtype != "<f8")
      throw invalid_argument(f->option + " '" + f->path + "': dtype " +
                             io::dtype_name(f->array.dtype) +
                             " is not supported (expected "
                             "float32 or float64)");
  }
  in.dtype = in.x.array.dtype;
  for (const NamedInput* f : {&in.mean, &in.matrix}) {
    if (f->array.dtype != in.dtype)
      throw invalid_argument("inputs must share one dtype: --x is " + io::dtype_name(in.dtype) +
                             ", " + f->option + " is " + io::dtype_name(f->array.dtype));
  }

  const auto& xs = in.x.array.shape;
  if (xs.size() != 2 || xs[1] < 1) bad_shape(in.x, "(B, D) with D >= 1");
  in.batch = xs[0];
  in.dim = xs[1];
  const std::int64_t b = in.batch, d = in.dim;
  const std::string dims = " (B = " + std::to_string(b) + ", D = " + std::to_string(d) + ")";

  const auto& ms = in.mean.array.shape;
  in.mean_shared = ms.size() == 1;
  if (ms != std::vector<std::int64_t>{d} && ms != std::vector<std::int64_t>{b, d})
    bad_shape(in.mean, "(D,) or (B, D)" + dims);

  const auto& cs = in.matrix.array.shape;
  in.matrix_shared = cs.size() == 2;
  if (cs != std::vector<std::int64_t>{d, d} && cs != std::vector<std::int64_t>{b, d, d})
    bad_shape(in.matrix, "(D, D) or (B, D, D)" + dims);
  return in;
}

}  // namespace boltzkit::cli
