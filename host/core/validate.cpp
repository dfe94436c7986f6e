#include "validate.hpp"

#include <algorithm>

namespace boltzkit::detail {

namespace {
bool intersect(const Span& a, const Span& b) {
  return a.begin < a.end && b.begin < b.end && a.begin < b.end && b.begin < a.end;
}
bool is_allowed(const Span& a, const Span& b,
                const std::vector<std::pair<std::string, std::string>>& allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const auto& p) {
    return (p.first == a.name && p.second == b.name) || (p.first == b.name && p.second == a.name);
  });
}
}  // namespace

void require_disjoint(const std::vector<Span>& outputs, const std::vector<Span>& inputs,
                      const std::vector<std::pair<std::string, std::string>>& allowed) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = i + 1; j < outputs.size(); ++j) {
      if (intersect(outputs[i], outputs[j]) && !is_allowed(outputs[i], outputs[j], allowed))
        fail("outputs " + outputs[i].name + " and " + outputs[j].name + " overlap in memory");
    }
    for (const Span& in : inputs) {
      if (intersect(outputs[i], in) && !is_allowed(outputs[i], in, allowed))
        fail("output " + outputs[i].name + " overlaps input " + in.name);
    }
  }
}

}  // namespace boltzkit::detail
