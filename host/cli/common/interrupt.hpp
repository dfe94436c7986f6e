#pragma once
// SIGINT / SIGTERM for the boltzkit command. By default a signal removes the temporary files of
// outputs being staged (io::remove_registered_paths) and then ends the process by that signal,
// so an interrupted command leaves no partial output. Inside a CooperativeStop scope (a Monte
// Carlo run that can checkpoint) the first signal only raises a flag that the run polls; a
// second signal ends the process as above.

namespace boltzkit::cli {

/// Installs the handlers; call once at start.
void install_interrupt_handlers();

/// True once a signal arrived inside a CooperativeStop scope.
bool interrupt_requested();

/// Exit status of a command that stopped because of a signal (128 + SIGINT, as shells report).
constexpr int interrupted_exit_code = 130;

class CooperativeStop {
 public:
  CooperativeStop();
  ~CooperativeStop();
  CooperativeStop(const CooperativeStop&) = delete;
  CooperativeStop& operator=(const CooperativeStop&) = delete;
};

}  // namespace boltzkit::cli
