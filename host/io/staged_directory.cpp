#include "staged_directory.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "boltzkit/errors.hpp"
#include "signal_cleanup.hpp"

namespace boltzkit::io {

namespace fs = std::filesystem;

namespace {

bool writable_directory(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && ::access(p.c_str(), W_OK | X_OK) == 0;
}

fs::path parent_of(const fs::path& dir) {
  const fs::path absolute = fs::absolute(dir).lexically_normal();
  // "out/" normalises to "out/" with an empty filename: step past the trailing separator.
  const fs::path trimmed = absolute.has_filename() ? absolute : absolute.parent_path();
  return trimmed.parent_path();
}

}  // namespace

void check_output_directory(const std::string& dir, const std::string& option) {
  if (dir.empty()) throw invalid_argument(option + " must not be empty");
  const std::string at = option + " '" + dir + "': ";
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw invalid_argument(at + "exists and is not a directory");
    if (!writable_directory(dir)) throw invalid_argument(at + "directory is not writable");
    return;
  }
  // Missing: the nearest existing ancestor must be a directory we may create entries in.
  fs::path p = parent_of(dir);
  while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
  if (p.empty()) p = fs::current_path();
  if (!fs::is_directory(p, ec))
    throw invalid_argument(at + "cannot be created: '" + p.string() + "' is not a directory");
  if (!writable_directory(p))
    throw invalid_argument(at + "cannot be created: '" + p.string() + "' is not writable");
}

StagedDirectory::StagedDirectory(std::string dir, std::set<std::string> owned)
    : dir_(std::move(dir)), owned_(std::move(owned)) {
  std::error_code ec;
  const fs::path parent = parent_of(dir_);
  fs::create_directories(parent, ec);
  if (ec) throw std::runtime_error("cannot create directory '" + parent.string() + "': " + ec.message());
  // Beside the destination when its parent is writable (a missing destination is then created
  // by one rename); otherwise inside the existing destination, which is writable (checked).
  staged_inside_ = !writable_directory(parent);
  const fs::path base = staged_inside_ ? fs::path(dir_) : parent;
  const fs::path name = fs::absolute(dir_).lexically_normal().has_filename()
                            ? fs::absolute(dir_).lexically_normal().filename()
                            : fs::absolute(dir_).lexically_normal().parent_path().filename();
  std::string pattern = (base / ("." + name.string() + ".staging-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a staging folder beside '" + dir_ +
                             "': " + std::strerror(errno));
  staging_ = pattern;
  register_temporary_path(staging_.c_str());  // a signal empties and removes it (signal_cleanup.hpp)
}

StagedDirectory::~StagedDirectory() {
  if (staging_.empty()) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  unregister_temporary_path(staging_.c_str());
}

std::string StagedDirectory::staging_path(const std::string& name) const {
  if (owned_.count(name) == 0)
    throw std::logic_error("StagedDirectory: '" + name + "' is not an owned output name");
  return (fs::path(staging_) / name).string();
}

StagedFile StagedDirectory::stage(const std::string& name) const {
  return StagedFile(staging_path(name));
}

void StagedDirectory::commit() {
  if (staging_.empty()) throw std::logic_error("StagedDirectory::commit twice");
  std::error_code ec;
  if (!staged_inside_ && !fs::exists(dir_, ec)) {
    // Nothing to merge with: the whole folder appears at once.
    fs::rename(staging_, dir_, ec);
    if (ec) throw std::runtime_error("cannot rename into '" + dir_ + "': " + ec.message());
    unregister_temporary_path(staging_.c_str());
    staging_.clear();
    return;
  }
  for (const std::string& name : owned_) {
    const fs::path from = fs::path(staging_) / name, to = fs::path(dir_) / name;
    if (fs::exists(from, ec)) {
      fs::rename(from, to, ec);
      if (ec) throw std::runtime_error("cannot rename into '" + to.string() + "': " + ec.message());
    } else {
      fs::remove(to, ec);  // a file of an earlier run that this run does not replace
      if (ec) throw std::runtime_error("cannot remove stale '" + to.string() + "': " + ec.message());
    }
  }
  fs::remove_all(staging_, ec);
  unregister_temporary_path(staging_.c_str());
  staging_.clear();
}

}  // namespace boltzkit::io
