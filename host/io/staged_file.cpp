#include "staged_file.hpp"

#include "signal_cleanup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <utility>

namespace boltzkit::io {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw std::runtime_error(what + " '" + path + "': " + std::strerror(err));
}

}  // namespace

StagedFile::StagedFile(std::string path) : path_(std::move(path)) {
  // open(O_EXCL) with mode 0666 rather than mkstemp: the final file then gets the usual
  // umask-derived permissions instead of mkstemp's 0600.
  std::random_device entropy;
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = path_ + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(entropy());
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) {
      register_temporary_path(temp_path_.c_str());
      return;
    }
    if (errno != EEXIST) fail("cannot create a temporary file for", path_, errno);
  }
  fail("cannot create a temporary file for", path_, EEXIST);
}

StagedFile::~StagedFile() { discard(); }

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {
  take_temp_path(other);
}

void StagedFile::take_temp_path(StagedFile& other) noexcept {
  // A moved std::string may move its characters (short strings live inside the object), so the
  // registered pointer is replaced rather than assumed stable.
  if (!other.temp_path_.empty()) unregister_temporary_path(other.temp_path_.c_str());
  temp_path_ = std::move(other.temp_path_);
  other.temp_path_.clear();
  if (!temp_path_.empty()) register_temporary_path(temp_path_.c_str());
}

StagedFile& StagedFile::operator=(StagedFile&& other) noexcept {
  if (this != &other) {
    discard();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    take_temp_path(other);
  }
  return *this;
}

void StagedFile::write(const void* data, std::size_t size) {
  if (fd_ < 0) throw std::logic_error("StagedFile::write after commit");
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ::ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write", path_, n < 0 ? errno : EIO);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void StagedFile::commit() {
  if (fd_ < 0) throw std::logic_error("StagedFile::commit twice");
  // fsync before rename: otherwise a crash could leave the new name pointing at empty data.
  if (::fsync(fd_) != 0) fail("cannot flush", path_, errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) {
    const int err = errno;
    discard();
    fail("cannot close", path_, err);
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    discard();
    fail("cannot rename into", path_, err);
  }
  unregister_temporary_path(temp_path_.c_str());
  temp_path_.clear();
}

void StagedFile::discard() noexcept {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    unregister_temporary_path(temp_path_.c_str());
  }
  temp_path_.clear();
}

}  // namespace boltzkit::io
