#include "signal_cleanup.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>

namespace boltzkit::io {

namespace {

// A lock-free table: a signal may arrive while another thread registers a path, and a handler
// may not take a lock. 256 slots: more than any command stages at once.
std::array<std::atomic<const char*>, 256> registered{};

}  // namespace

bool register_temporary_path(const char* path) noexcept {
  for (auto& slot : registered) {
    const char* expected = nullptr;
    if (slot.compare_exchange_strong(expected, path)) return true;
  }
  return false;
}

void unregister_temporary_path(const char* path) noexcept {
  for (auto& slot : registered) {
    const char* expected = path;
    if (slot.compare_exchange_strong(expected, nullptr)) return;
  }
}

void remove_registered_paths() noexcept {
  const int saved_errno = errno;
  for (auto it = registered.rbegin(); it != registered.rend(); ++it) {
    const char* path = it->exchange(nullptr);
    if (path == nullptr) continue;
    if (::unlink(path) != 0) ::rmdir(path);
  }
  errno = saved_errno;
}

}  // namespace boltzkit::io
