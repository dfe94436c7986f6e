#include "logpdf_inputs.hpp"

#include "boltzkit/errors.hpp"
#include "host/cli/common/report.hpp"

namespace boltzkit::cli {

namespace {

NamedInput load(const std::string& option, const std::string& path) {
  try {
    return {option, path, io::read_npy(path, {"<f4", "<f8"})};
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

  in.dtype = in.x.array.dtype;
  for (const NamedInput* f : {&in.mean, &in.matrix}) {
    if (f->array.dtype != in.dtype)
      throw invalid_argument(f->option + " '" + f->path + "': dtype " +
                             io::dtype_name(f->array.dtype) + " differs from --x's " +
                             io::dtype_name(in.dtype) + " (inputs must share one dtype)");
  }

  // Ranks first, then D and B by agreement: when two inputs agree and one differs, the message
  // names the one that differs (a wrong D in --x is blamed on --x, not on --mean).
  const auto& xs = in.x.array.shape;
  const auto& ms = in.mean.array.shape;
  const auto& cs = in.matrix.array.shape;
  if (xs.size() != 2 || xs[1] < 1) bad_shape(in.x, "(B, D) with D >= 1");
  if (ms.size() != 1 && ms.size() != 2) bad_shape(in.mean, "(D,) or (B, D)");
  if ((cs.size() != 2 && cs.size() != 3) || cs[cs.size() - 1] != cs[cs.size() - 2])
    bad_shape(in.matrix, "(D, D) or (B, D, D)");
  const std::int64_t dx = xs[1], dm = ms.back(), dc = cs.back();
  if (dx != dm || dx != dc) {
    const NamedInput& odd = dm == dc ? in.x : dx == dc ? in.mean : in.matrix;
    throw invalid_argument(odd.option + " '" + odd.path + "': D disagrees with the other inputs (" +
                           "--x " + shape_string(xs) + ", --mean " + shape_string(ms) + ", " +
                           in.matrix.option + " " + shape_string(cs) + ")");
  }
  in.mean_shared = ms.size() == 1;
  in.matrix_shared = cs.size() == 2;
  const std::int64_t bx = xs[0];
  const std::int64_t bm = in.mean_shared ? bx : ms[0], bc = in.matrix_shared ? bx : cs[0];
  if (bx != bm || bx != bc) {
    const NamedInput& odd = bm == bc ? in.x : bx == bc ? in.mean : in.matrix;
    throw invalid_argument(odd.option + " '" + odd.path + "': B disagrees with the other inputs (" +
                           "--x " + shape_string(xs) + ", --mean " + shape_string(ms) + ", " +
                           in.matrix.option + " " + shape_string(cs) + ")");
  }
  in.batch = bx;
  in.dim = dx;
  return in;
}

}  // namespace boltzkit::cli
