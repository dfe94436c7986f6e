#pragma once
// The --size option: "16x16" / "16x16x16" to and from ising::Lattice.
#include <cstdint>
#include <string>
#include <vector>

#include "boltzkit/ising.hpp"

namespace boltzkit::cli {

/// "16x16" (2D) or "16x16x16" (3D): every extent even and >= 2. Throws invalid_argument naming
/// `option` for anything else (zero, odd, missing or non-numeric extents, "4by4", "16X16", ...).
ising::Lattice parse_lattice_size(const std::string& text, const char* option = "--size");

/// "16x16" / "16x16x16".
std::string lattice_size_string(const ising::Lattice& lattice);
/// [16, 16] / [16, 16, 16].
std::vector<std::int64_t> lattice_extents(const ising::Lattice& lattice);

}  // namespace boltzkit::cli
