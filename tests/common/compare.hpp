#pragma once
// Comparisons that report the first offending index, with norm-wise relative tolerances.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "problems.hpp"
#include "reference.hpp"

namespace boltzkit::testing {

/// ‖a − b‖ / max(‖b‖, floor) over a span; both as double.
template <class A, class B>
double relative_error(const A* a, const B* b, std::int64_t n, double floor = 1.0) {
  double diff = 0, ref = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(a[i]), y = static_cast<double>(b[i]);
    diff += (x - y) * (x - y);
    ref += y * y;
  }
  return std::sqrt(diff) / std::max(std::sqrt(ref), floor);
}

/// Every element of got within tol·max(1, max |want|) of want (an absolute tolerance at the
/// scale of the result), a NaN in want only by a NaN; stops at the first mismatch, naming
/// what[index].
template <class T>
void expect_close_at_scale(const std::vector<T>& got, const std::vector<T>& want, double tol,
                           const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  double scale = 1.0;
  for (const T v : want) scale = std::max(scale, std::abs(static_cast<double>(v)));
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(static_cast<double>(want[i]))) {
      ASSERT_TRUE(std::isnan(static_cast<double>(got[i]))) << what << "[" << i << "]";
      continue;
    }
    ASSERT_NEAR(static_cast<double>(got[i]), static_cast<double>(want[i]), tol * scale)
        << what << "[" << i << "]";
  }
}

template <class T>
::testing::AssertionResult all_nan(const T* p, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    if (!std::isnan(p[i])) return ::testing::AssertionFailure() << "element " << i << " = " << p[i];
  return ::testing::AssertionSuccess();
}

/// No tolerance may approach the scale of the result it judges: at 2 % relative error an output
/// of all zeros (relative error 1) or one off by a factor still fails, however large D·cond·ε
/// grows (it passes 1 for float at cond 1e3, or cond² for cholesky_inverse at n >= 32).
constexpr double max_relative_tolerance = 0.02;

inline double bounded_tolerance(double tol) { return std::min(tol, max_relative_tolerance); }

/// Library outputs against the Eigen reference. Each element's info must equal the reference's
/// (0, or the 1-based pivot where the factorization of the given matrix fails); failed elements
/// must be NaN throughout; a NaN log p is accepted only where the reference's is NaN (NaN/Inf in
/// x or the mean). Poisoned (unwritten) elements always fail.
template <class T>
::testing::AssertionResult matches_reference(const Problem<T>& p, const HostOutputs<T>& out,
                                             double tol) {
  const int n = p.dim;
  for (std::int64_t b = 0; b < p.batch; ++b) {
    std::ostringstream where;
    where << "element " << b << " (D=" << n << "): ";
    if (is_poison(out.log_prob[b])) return ::testing::AssertionFailure() << where.str() << "log_prob unwritten";
    const std::int32_t expected_info = reference_info(p, b);
    if (out.info[b] != expected_info)
      return ::testing::AssertionFailure() << where.str() << "info " << out.info[b] << ", reference " << expected_info;
    if (out.info[b] != 0) {
      if (!std::isnan(out.log_prob[b])) return ::testing::AssertionFailure() << where.str() << "info " << out.info[b] << " but log_prob " << out.log_prob[b];
      if (!out.grad_mean.empty()) {
        if (auto r = all_nan(out.grad_mean.data() + b * n, n); !r) return ::testing::AssertionFailure() << where.str() << "failed element, grad_mean " << r.message();
        if (auto r = all_nan(out.grad_matrix.data() + b * n * n, static_cast<std::int64_t>(n) * n); !r)
          return ::testing::AssertionFailure() << where.str() << "failed element, grad_matrix " << r.message();
      }
      continue;
    }
    const ReferenceResult r = reference_element(p, b);
    if (std::isnan(r.log_prob) != std::isnan(out.log_prob[b]))
      return ::testing::AssertionFailure() << where.str() << "log_prob " << out.log_prob[b] << " vs reference " << r.log_prob << " (NaN pattern differs)";
    if (std::isnan(r.log_prob)) continue;
    const double e_lp = std::abs(out.log_prob[b] - r.log_prob) / std::max(1.0, std::abs(r.log_prob));
    if (!(e_lp <= tol))
      return ::testing::AssertionFailure() << where.str() << "log_prob " << out.log_prob[b] << " vs " << r.log_prob << " (rel " << e_lp << ", tol " << tol << ")";
    if (out.grad_mean.empty()) continue;
    const T* gm = out.grad_mean.data() + b * n;
    const T* gx = out.grad_x.data() + b * n;
    const double e_gm = relative_error(gm, r.grad_mean.data(), n, 1e-300);
    if (!(e_gm <= tol)) return ::testing::AssertionFailure() << where.str() << "grad_mean rel error " << e_gm << " (tol " << tol << ")";
    for (int i = 0; i < n; ++i)
      if (!(gx[i] == -gm[i])) return ::testing::AssertionFailure() << where.str() << "grad_x[" << i << "] != -grad_mean";
    const T* gs = out.grad_matrix.data() + b * n * n;
    const double e_gs = relative_error(gs, r.grad_matrix.data(), static_cast<std::int64_t>(n) * n, 1e-300);
    if (!(e_gs <= tol)) return ::testing::AssertionFailure() << where.str() << "grad_matrix rel error " << e_gs << " (tol " << tol << ")";
  }
  return ::testing::AssertionSuccess();
}

/// Tolerance for a float type at a condition number: rounding grows like D·cond·ε.
template <class T>
double tolerance_for(int dim, double cond) {
  const double eps = std::numeric_limits<T>::epsilon();
  return bounded_tolerance(20.0 * std::max(1, dim) * std::max(1.0, cond) * eps);
}

/// Outputs of another backend (GPU, or the emulated GPU kernels) against the CPU float64 reference: identical info, NaN where it failed, and a
/// norm-wise relative error under `tol` everywhere else.
template <class T>
::testing::AssertionResult matches_cpu_outputs(const Problem<T>& p, const HostOutputs<T>& gpu,
                                           const HostOutputs<T>& cpu, double tol) {
  const int n = p.dim;
  for (std::int64_t b = 0; b < p.batch; ++b) {
    auto fail = [&]() { return ::testing::AssertionFailure() << "element " << b << " (D=" << n << "): "; };
    if (gpu.info[b] != cpu.info[b]) return fail() << "info gpu " << gpu.info[b] << " cpu " << cpu.info[b];
    if (is_poison(gpu.log_prob[b])) return fail() << "log_prob unwritten";
    const bool failed = cpu.info[b] != 0;
    auto check = [&](const T* g, const T* c, std::int64_t count, const char* name) -> ::testing::AssertionResult {
      for (std::int64_t i = 0; i < count; ++i) {
        if (is_poison(g[i])) return fail() << name << "[" << i << "] unwritten";
        if (failed && !std::isnan(g[i])) return fail() << name << "[" << i << "] not NaN";
      }
      if (failed) return ::testing::AssertionSuccess();
      const double e = relative_error(g, c, count, name[0] == 'l' ? 1.0 : 1e-30);
      if (!(e <= tol)) return fail() << name << " relative error " << e << " > " << tol;
      return ::testing::AssertionSuccess();
    };
    auto r = check(&gpu.log_prob[b], &cpu.log_prob[b], 1, "log_prob");
    if (!r) return r;
    if (gpu.grad_mean.empty()) continue;
    if (!(r = check(gpu.grad_mean.data() + b * n, cpu.grad_mean.data() + b * n, n, "grad_mean"))) return r;
    if (!(r = check(gpu.grad_x.data() + b * n, cpu.grad_x.data() + b * n, n, "grad_x"))) return r;
    if (!(r = check(gpu.grad_matrix.data() + b * n * n, cpu.grad_matrix.data() + b * n * n,
                    static_cast<std::int64_t>(n) * n, "grad_matrix")))
      return r;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace boltzkit::testing
