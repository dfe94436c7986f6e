#pragma once
// An output folder that changes only when a run has produced all of its files. The files are
// written into a temporary folder beside the destination (same file system, so every rename is
// atomic); commit() then moves them into place and removes the files of an earlier run that
// this run did not write, so a folder never mixes two runs. Single files are written through
// StagedFile, the one owner of "complete or absent" file writes.
#include <set>
#include <string>

#include "staged_file.hpp"

namespace boltzkit::io {

/// Checks, without creating anything, that `dir` can receive output: it is a writable
/// directory, or it is missing and its nearest existing ancestor is a writable directory.
/// Throws boltzkit::invalid_argument whose message starts with `option` ("--out").
void check_output_directory(const std::string& dir, const std::string& option);

class StagedDirectory {
 public:
  /// `owned` lists every file name the command can ever write into `dir`; those are the only
  /// names commit() removes when this run did not write them. Creates `dir`'s missing parents
  /// and the staging folder (throws std::runtime_error on failure).
  StagedDirectory(std::string dir, std::set<std::string> owned);
  /// Removes the staging folder and whatever is still in it.
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  /// Where a file named `name` (one of `owned`) is staged, for writers that create the file
  /// themselves (an external script); the file counts as written if it exists at commit().
  std::string staging_path(const std::string& name) const;
  /// A StagedFile for `name` inside the staging folder (commit it before this->commit()).
  StagedFile stage(const std::string& name) const;
  /// Moves every staged file into `dir` (created if missing) and removes the owned names this
  /// run did not write.
  void commit();

  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
  std::set<std::string> owned_;
  std::string staging_;
  bool staged_inside_ = false;  ///< the staging folder is inside dir_ (its parent is read-only)
};

}  // namespace boltzkit::io
