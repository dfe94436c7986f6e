#include "uncertain_format.hpp"

#include <cmath>
#include <cstdio>

#include "host/cli/common/report.hpp"

namespace boltzkit::cli {

std::string fmt_uncertain(double mean, double error) {
  if (std::isnan(mean)) return "nan";
  if (std::isinf(mean)) return mean > 0 ? "inf" : "-inf";
  if (!(error > 0) || !std::isfinite(error)) return fmt_g(mean, 6);
  int decimals = 1 - static_cast<int>(std::floor(std::log10(error)));
  double digits = std::round(error * std::pow(10.0, decimals));
  if (digits >= 100) {  // 0.0996 rounds to 10.0 at two significant digits
    --decimals;
    digits = std::round(error * std::pow(10.0, decimals));
  }
  if (decimals < 0) {
    decimals = 0;
    digits = std::round(error);
  }
  if (decimals > 12) {  // an error far below the mean's own digits (or both tiny)
    if (error <= 1e-9 * std::fabs(mean)) return fmt_g(mean, 6);
    return fmt_g(mean, 4) + "+-" + fmt_e(error, 1);
  }
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%.*f(%.0f)", decimals, mean, digits);
  return buffer;
}

std::string fmt_uncertain(const mc::Estimate& e) { return fmt_uncertain(e.mean, e.error); }

}  // namespace boltzkit::cli
