#include "signal_cleanup.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>

namespace boltzkit::io {

namespace {

// A lock-free table: a signal may arrive while another thread registers a path, and a handler
// may not take a lock. 256 slots: more than any command stages at once.
std::array<std::atomic<const char*>, 256> registered{};

// getdents64's record (the kernel ABI): readdir is not async-signal-safe, the raw syscall is.
struct DirectoryRecord {
  std::uint64_t inode;
  std::int64_t offset;
  unsigned short length;
  unsigned char type;
  char name[1];
};

/// Removes the plain files of a staging folder, then the folder. Passes repeat until one
/// removes nothing, because unlinking while reading a directory may skip entries.
void remove_flat_directory(const char* path) noexcept {
  const int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) char buffer[4096];
  for (bool removed = true; removed;) {
    removed = false;
    ::lseek(fd, 0, SEEK_SET);
    for (long n; (n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer)) > 0;) {
      for (long at = 0; at < n;) {
        const auto* record = reinterpret_cast<const DirectoryRecord*>(buffer + at);
        at += record->length;
        const char* name = record->name;
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
        if (::unlinkat(fd, name, 0) == 0) removed = true;
      }
    }
  }
  ::close(fd);
  ::rmdir(path);
}

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
    if (::unlink(path) != 0) remove_flat_directory(path);
  }
  errno = saved_errno;
}

}  // namespace boltzkit::io
