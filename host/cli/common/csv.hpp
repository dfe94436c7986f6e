#pragma once
// Numbers in the trace CSVs the commands write (rbm train, bm learn, gaussian fit): every digit
// a double needs to read back exactly, and an empty field for a value not computed (NaN).
#include <cmath>
#include <cstdio>
#include <string>

namespace boltzkit::cli {

inline std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace boltzkit::cli
