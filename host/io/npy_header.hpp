#pragma once
// The .npy header is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// These functions parse and produce exactly that subset (strings, booleans, int tuples).
#include <cstdint>
#include <string>
#include <vector>

namespace boltzkit::io::detail {

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

/// Parses the dict; throws std::runtime_error describing what is malformed (the caller adds
/// the file name).
NpyHeader parse_npy_header(const std::string& text);

/// The dict text without padding or the final newline.
std::string format_npy_header(const NpyHeader& header);

}  // namespace boltzkit::io::detail
