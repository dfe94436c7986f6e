#pragma once
// A file that appears under its final name only when complete: bytes go to a temporary file in
// the destination's directory (so the final rename stays on one file system and is atomic), and
// commit() renames it into place. Staging several files before committing any lets a caller
// turn "all or nothing" failures into the common case.
#include <cstddef>
#include <string>

namespace boltzkit::io {

class StagedFile {
 public:
  /// Creates the temporary file next to `path`. Throws std::runtime_error on failure.
  explicit StagedFile(std::string path);
  /// Removes the temporary file unless commit() succeeded.
  ~StagedFile();
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&& other) noexcept;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  /// Appends bytes; throws std::runtime_error on a short write (disk full, ...).
  void write(const void* data, std::size_t size);
  /// Flushes to disk and renames onto the final path (replacing an existing file).
  void commit();

  const std::string& path() const { return path_; }

 private:
  void discard() noexcept;
  void take_temp_path(StagedFile& other) noexcept;

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
};

}  // namespace boltzkit::io
