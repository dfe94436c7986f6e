#include "checkpoint.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>

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
template <class T>
void get_vector(std::ifstream& in, std::vector<T>& v, const std::string& path) {
  std::uint64_t n = 0;
  get(in, &n, 1, path);
  boltzkit::detail::require(n < (std::uint64_t{1} << 40), "checkpoint " + path + " is corrupt");
  v.resize(n);
  get(in, v.data(), n, path);
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
  get(in, &s.sweeps_done, 1, path);
  std::vector<std::uint64_t> slots;
  get_vector(in, slots, path);
  boltzkit::detail::require(slots.size() == c.betas.size(), "checkpoint " + path + " is corrupt");
  s.slot_of_temperature.assign(slots.begin(), slots.end());
  for (std::size_t k = 0; k < c.betas.size(); ++k) {
    get_vector(in, s.energy[k], path);
    get_vector(in, s.magnetization[k], path);
  }
  get_vector(in, s.swap_attempts, path);
  get_vector(in, s.swap_accepts, path);
  get_vector(in, s.spins, path);
  boltzkit::detail::require(
      static_cast<std::int64_t>(s.spins.size()) == c.lattice.sites() * static_cast<std::int64_t>(c.betas.size()),
      "checkpoint " + path + ": wrong lattice size");
  return true;
}

}  // namespace boltzkit::ising::detail
