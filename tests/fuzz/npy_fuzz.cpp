// Any byte string given to read_npy either parses into an array consistent with its header or
// is rejected with boltzkit::invalid_argument; nothing else (crash, sanitizer report, other
// exception, huge allocation) is allowed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "boltzkit/errors.hpp"
#include "memory_file.hpp"
#include "npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const MemoryFile file(data, size);
  try {
    const boltzkit::io::NpyArray array = boltzkit::io::read_npy(file.path());
    const auto bytes = static_cast<std::size_t>(array.size()) * boltzkit::io::dtype_size(array.dtype);
    if (bytes != array.bytes.size() || bytes > size) std::abort();
  } catch (const boltzkit::invalid_argument&) {
  }
  return 0;
}
