#include "lattice_size.hpp"

#include "boltzkit/errors.hpp"

namespace boltzkit::cli {

namespace {

/// Largest extent accepted; keeps sites (and the byte-per-spin lattice) far from overflow.
constexpr std::int64_t max_extent = 1 << 16;

std::int64_t parse_extent(const std::string& text, const std::string& part, const char* option) {
  const std::string usage = std::string(option) + " '" + text +
                            "': expected LXxLY or LXxLYxLZ with even extents >= 2, e.g. 16x16";
  if (part.empty() || part.size() > 9) throw invalid_argument(usage);
  std::int64_t v = 0;
  for (char ch : part) {
    if (ch < '0' || ch > '9') throw invalid_argument(usage);
    v = v * 10 + (ch - '0');
  }
  if (v < 2 || v % 2 != 0)
    throw invalid_argument(std::string(option) + " '" + text + "': every extent must be even " +
                           "and >= 2 (periodic checkerboard lattice), got " + part);
  if (v > max_extent)
    throw invalid_argument(std::string(option) + " '" + text + "': extent " + part +
                           " is larger than " + std::to_string(max_extent));
  return v;
}

}  // namespace

ising::Lattice parse_lattice_size(const std::string& text, const char* option) {
  std::vector<std::string> parts(1);
  for (char ch : text) {
    if (ch == 'x')
      parts.emplace_back();
    else
      parts.back() += ch;
  }
  if (parts.size() != 2 && parts.size() != 3)
    throw invalid_argument(std::string(option) + " '" + text +
                           "': expected LXxLY or LXxLYxLZ with even extents >= 2, e.g. 16x16");
  std::vector<std::int64_t> extents;
  for (const std::string& p : parts) extents.push_back(parse_extent(text, p, option));
  ising::Lattice lattice;
  lattice.lx = extents[0];
  lattice.ly = extents[1];
  lattice.lz = extents.size() == 3 ? extents[2] : 1;
  if (lattice.sites() > (std::int64_t{1} << 32))
    throw invalid_argument(std::string(option) + " '" + text + "': more than 2^32 sites");
  return lattice;
}

std::string lattice_size_string(const ising::Lattice& lattice) {
  std::string s = std::to_string(lattice.lx) + "x" + std::to_string(lattice.ly);
  if (lattice.dimensions() == 3) s += "x" + std::to_string(lattice.lz);
  return s;
}

std::vector<std::int64_t> lattice_extents(const ising::Lattice& lattice) {
  if (lattice.dimensions() == 3) return {lattice.lx, lattice.ly, lattice.lz};
  return {lattice.lx, lattice.ly};
}

}  // namespace boltzkit::cli
