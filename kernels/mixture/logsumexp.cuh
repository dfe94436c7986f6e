#pragma once
// Online log-sum-exp over the components of one point (MATH.md §1.7): the running maximum m and
// the sum s = Σ exp(a_k − m) are updated one term at a time, so K never needs a buffer and a
// component far from the others (a_k ≪ m, exp underflowing to 0) cannot overflow or give NaN.
// Shared by the CPU backend and the GPU kernels so both follow the same recurrence.
#include <cmath>

#include "kernels/common/host_device.hpp"

namespace boltzkit::kernels {

template <class A>
struct OnlineLogSumExp {
  A max = -INFINITY;
  A sum = 0;

  BOLTZKIT_HD void add(A a) {
    using std::exp;
    if (a != a) {  // NaN poisons the result: a failed component must not be hidden
      max = a;
      sum = A(1);
      return;
    }
    if (max != max || a == -INFINITY) return;  // already NaN, or a zero term
    if (a <= max) {
      sum += exp(a - max);
    } else {
      sum = sum * exp(max - a) + A(1);
      max = a;
    }
  }
  /// log Σ exp(a_k); −∞ when every term was −∞ (or none was added).
  BOLTZKIT_HD A value() const {
    using std::log;
    return max == -INFINITY ? max : max + log(sum);
  }
};

}  // namespace boltzkit::kernels
