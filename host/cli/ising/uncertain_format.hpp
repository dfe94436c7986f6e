#pragma once
// value(error) formatting of Monte Carlo estimates.
#include <string>

#include "boltzkit/mc_statistics.hpp"

namespace boltzkit::cli {

/// "-1.4532(21)": the mean to the precision of its error, rounded to two significant digits.
/// Without a usable error (0, NaN) the mean alone with 6 significant digits; "nan" for NaN.
std::string fmt_uncertain(double mean, double error);
std::string fmt_uncertain(const mc::Estimate& e);

}  // namespace boltzkit::cli
