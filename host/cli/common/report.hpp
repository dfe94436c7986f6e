#pragma once
// Small text helpers shared by the commands: the one-line error format and number formatting.
#include <cstdint>
#include <string>
#include <vector>

namespace boltzkit::cli {

/// Prints "boltzkit: error: <message>" on stderr.
void print_error(const std::string& message);

/// "(3, 4)", "(3,)" or "()" — NumPy's spelling, so messages match what users see in Python.
std::string shape_string(const std::vector<std::int64_t>& shape);

/// printf-style "%.<digits>g" / "%.<digits>e" without iostream state juggling.
std::string fmt_g(double value, int digits = 4);
std::string fmt_e(double value, int digits = 2);

}  // namespace boltzkit::cli
