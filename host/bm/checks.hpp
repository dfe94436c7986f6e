#pragma once
// Argument checks shared by the bm entry points (api.cpp, learn.cpp).
#include <cmath>
#include <cstdint>
#include <string>

#include "boltzkit/bm.hpp"
#include "host/bm/quantized.hpp"
#include "host/core/validate.hpp"

namespace boltzkit::bm::detail {

using boltzkit::detail::require;

inline void check_model_shape(const Model& m, const std::string& f) {
  require(m.n >= 1 && m.n <= max_spins, f + ": n must be in [1, " + std::to_string(max_spins) +
                                            "], got " + std::to_string(m.n));
  require(std::isfinite(m.beta) && m.beta >= 0.0,
          f + ": beta must be finite and >= 0, got " + std::to_string(m.beta));
  require(m.j != nullptr && m.h != nullptr, f + ": null J or h");
}

/// J finite, exactly symmetric, zero diagonal; h finite; the chains' grid exists (host memory).
inline void check_model_values(const Model& m, const std::string& f) {
  const std::int64_t n = m.n;
  for (std::int64_t k = 0; k < n; ++k) {
    require(std::isfinite(m.h[k]), f + ": h[" + std::to_string(k) + "] is not finite");
    require(m.j[k * n + k] == 0.0, f + ": J must have a zero diagonal, J[" + std::to_string(k) +
                                       "][" + std::to_string(k) + "] = " + std::to_string(m.j[k * n + k]));
    for (std::int64_t l = k + 1; l < n; ++l) {
      const double a = m.j[k * n + l], b = m.j[l * n + k];
      require(std::isfinite(a) && std::isfinite(b),
              f + ": J[" + std::to_string(k) + "][" + std::to_string(l) + "] is not finite");
      require(a == b, f + ": J must be symmetric, J[" + std::to_string(k) + "][" + std::to_string(l) +
                          "] != J[" + std::to_string(l) + "][" + std::to_string(k) + "]");
    }
  }
  check_grid(m, f);
}

/// FieldUpdate::blocked needs the sequential scan.
inline void check_update(const SweepOptions& o, const std::string& f) {
  require(!(o.update == FieldUpdate::blocked && o.scan == Scan::random),
          f + ": FieldUpdate::blocked needs the sequential scan (the random scan updates scalar)");
}

inline void check_chains(std::int64_t chains, const std::string& f) {
  require(chains >= 0 && chains <= (std::int64_t{1} << 32),
          f + ": chains must be in [0, 2^32], got " + std::to_string(chains));
}

inline void check_sweeps(std::uint64_t first, std::int64_t n, const std::string& f) {
  constexpr std::uint64_t two_32 = std::uint64_t{1} << 32;
  require(n >= 0, f + ": the number of sweeps must be >= 0");
  require(first < two_32 && static_cast<std::uint64_t>(n) <= two_32 - first,
          f + ": sweep indices must stay below 2^32");
}

inline void check_spins(const std::int8_t* s, std::int64_t count, const std::string& what) {
  for (std::int64_t e = 0; e < count; ++e)
    require(s[e] == 1 || s[e] == -1, what + ": entries must be -1 or +1, found " +
                                         std::to_string(static_cast<int>(s[e])) + " at index " +
                                         std::to_string(e));
}

}  // namespace boltzkit::bm::detail

namespace boltzkit::bm::detail {
/// n sweeps of host-resident chains on the context's backend (learn.cpp's PCD chains; on a GPU
/// context they travel up and down around the sweeps). Defined in api.cpp, the family's one
/// caller of backend::gpu. Arguments already validated.
void advance_chains(Context& ctx, const Model& host_model, std::int8_t* host_spins,
                    std::int64_t chains, std::uint64_t seed, std::uint64_t first_sweep,
                    std::int64_t n_sweeps, const SweepOptions& options,
                    const double* host_chain_beta = nullptr);
}  // namespace boltzkit::bm::detail
