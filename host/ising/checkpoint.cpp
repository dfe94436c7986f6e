#include "checkpoint.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <algorithm>
#include <numeric>

#include "boltzkit/errors.hpp"
#include "host/core/validate.hpp"

namespace boltzkit::ising::detail {

namespace {

constexpr char magic[8] = {'B', 'K', 'I', 'S', 'I', 'N', 'G', '1'};

/// Everything the state depends on; a checkpoint only resumes the very same run.
std::vector<double> fingerprint(const SimulationConfig& c) {
  std::vector<double> f{static_cast<double>(c.lattice.lx), static_cast<double>(c.lattice.ly),
                        static_cast<double>(c.lattice.lz), c.J, c.h,
                        static_cast<double>(c.couplings), static_cast<double>(c.disorder_seed),
                        static_cast<double>(c.disorder_per_replica),
                        static_cast<double>(c.algorithm), static_cast<double>(c.replica_exchange),
                        static_cast<double>(c.exchange_every), static_cast<double>(c.burn_in),
                        static_cast<double>(c.seed >> 32), static_cast<double>(c.seed & 0xffffffffu),
                        static_cast<double>(c.hot_start),
                        static_cast<double>(uses_packed_path(c))};
  f.insert(f.end(), c.betas.begin(), c.betas.end());
  return f;
}

template <class T>
void put(std::ofstream& out, const T* p, std::size_t n) {
  out.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n * sizeof(T)));
}
template <class T>
void get(std::ifstream& in, T* p, std::size_t n, const std::string& path) {
  in.read(reinterpret_cast<char*>(p), static_cast<std::streamsize>(n * sizeof(T)));
  boltzkit::detail::require(static_cast<bool>(in), "checkpoint " + path + " is truncated");
}
template <class T>
void put_vector(std::ofstream& out, const std::vector<T>& v) {
  const std::uint64_t n = v.size();
  put(out, &n, 1);
  put(out, v.data(), v.size());
}
/// Bytes left between the read position and the end of the file.
std::uint64_t bytes_left(std::ifstream& in) {
  const std::streampos here = in.tellg();
  in.seekg(0, std::ios::end);
  const std::streampos end = in.tellg();
  in.seekg(here);
  return end > here ? static_cast<std::uint64_t>(end - here) : 0;
}

template <class T>
void get_vector(std::ifstream& in, std::vector<T>& v, const std::string& path) {
  std::uint64_t n = 0;
  get(in, &n, 1, path);
  // The length is checked against the file before allocating, so that a corrupt length cannot
  // ask for terabytes (tests/fuzz/checkpoint_fuzz.cpp keeps it so).
  boltzkit::detail::require(n <= bytes_left(in) / sizeof(T), "checkpoint " + path + " is truncated");
  v.resize(n);
  get(in, v.data(), n, path);
}

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw invalid_argument("checkpoint " + path + " is corrupt: " + what);
}

}  // namespace

RunState fresh_state(const SimulationConfig& c, std::int64_t replicas) {
  RunState s;
  s.slot_of_temperature.resize(static_cast<std::size_t>(replicas));
  std::iota(s.slot_of_temperature.begin(), s.slot_of_temperature.end(), std::size_t{0});
  s.energy.assign(c.betas.size(), {});
  s.magnetization.assign(c.betas.size(), {});
  s.swap_attempts.assign(c.betas.size(), 0);
  s.swap_accepts.assign(c.betas.size(), 0);
  return s;
}

void save_checkpoint(const SimulationConfig& c, const RunState& s) {
  const std::string tmp = c.checkpoint + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    boltzkit::detail::require(static_cast<bool>(out), "cannot write checkpoint " + tmp);
    out.write(magic, sizeof magic);
    put_vector(out, fingerprint(c));
    put(out, &s.sweeps_done, 1);
    std::vector<std::uint64_t> slots(s.slot_of_temperature.begin(), s.slot_of_temperature.end());
    put_vector(out, slots);
    for (std::size_t k = 0; k < c.betas.size(); ++k) {
      put_vector(out, s.energy[k]);
      put_vector(out, s.magnetization[k]);
    }
    put_vector(out, s.swap_attempts);
    put_vector(out, s.swap_accepts);
    put_vector(out, s.spins);
    boltzkit::detail::require(static_cast<bool>(out), "writing checkpoint " + tmp + " failed");
  }
  boltzkit::detail::require(std::rename(tmp.c_str(), c.checkpoint.c_str()) == 0,
                            "cannot rename checkpoint to " + c.checkpoint);
}

bool load_checkpoint(const SimulationConfig& c, RunState& s) {
  std::ifstream in(c.checkpoint, std::ios::binary);
  if (!in) return false;
  const std::string& path = c.checkpoint;
  char head[sizeof magic];
  get(in, head, sizeof head, path);
  boltzkit::detail::require(std::memcmp(head, magic, sizeof magic) == 0,
                            "checkpoint " + path + ": not a boltzkit lattice checkpoint");
  std::vector<double> f;
  get_vector(in, f, path);
  boltzkit::detail::require(f == fingerprint(c), "checkpoint " + path +
                                                     " belongs to a different configuration");
  // Everything read is checked before the run uses it: slots index arrays, counts bound loops.
  const std::size_t replicas = c.betas.size();
  get(in, &s.sweeps_done, 1, path);
  if (s.sweeps_done < 0 || s.sweeps_done > c.burn_in + c.sweeps) corrupt(path, "sweep count");
  std::vector<std::uint64_t> slots;
  get_vector(in, slots, path);
  std::vector<bool> seen(replicas, false);
  if (slots.size() != replicas) corrupt(path, "replica count");
  for (const std::uint64_t slot : slots) {
    if (slot >= replicas || seen[slot]) corrupt(path, "replica order is not a permutation");
    seen[slot] = true;
  }
  s.slot_of_temperature.assign(slots.begin(), slots.end());
  const auto measured = static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.sweeps_done - c.burn_in));
  for (std::size_t k = 0; k < replicas; ++k) {
    get_vector(in, s.energy[k], path);
    get_vector(in, s.magnetization[k], path);
    if (s.energy[k].size() != s.magnetization[k].size() || s.energy[k].size() > measured)
      corrupt(path, "measurement series length");
  }
  get_vector(in, s.swap_attempts, path);
  get_vector(in, s.swap_accepts, path);
  if (s.swap_attempts.size() != replicas || s.swap_accepts.size() != replicas)
    corrupt(path, "swap counters");
  get_vector(in, s.spins, path);
  boltzkit::detail::require(
      static_cast<std::int64_t>(s.spins.size()) == c.lattice.sites() * static_cast<std::int64_t>(replicas),
      "checkpoint " + path + ": wrong lattice size");
  for (const std::int8_t spin : s.spins)
    if (spin != 1 && spin != -1) corrupt(path, "a spin is not +1 or -1");
  if (in.peek() != std::ifstream::traits_type::eof()) corrupt(path, "bytes after the state");
  return true;
}

}  // namespace boltzkit::ising::detail
