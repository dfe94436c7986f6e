#pragma once
// Temporary paths that must not outlive the process when it is killed by SIGINT or SIGTERM.
// StagedFile registers its temporary file for as long as it exists; a signal handler calls
// remove_registered_paths(), which only uses async-signal-safe calls (unlink, rmdir), so that
// an interrupted command leaves neither a half-written output nor a stray temporary file.

namespace boltzkit::io {

/// Registers `path` (the pointer must stay valid until unregister_temporary_path). Returns
/// false when the fixed-size table is full; the path is then simply not cleaned on a signal.
bool register_temporary_path(const char* path) noexcept;
void unregister_temporary_path(const char* path) noexcept;

/// Removes every registered path, newest first; a registered folder (an output staging folder)
/// is emptied of its plain files and removed. Async-signal-safe.
void remove_registered_paths() noexcept;

}  // namespace boltzkit::io
