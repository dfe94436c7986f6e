#include "interrupt.hpp"

#include <csignal>

#include <atomic>

#include "signal_cleanup.hpp"

namespace boltzkit::cli {

namespace {

std::atomic<bool> cooperative{false};
std::atomic<bool> requested{false};

extern "C" void on_signal(int sig) {
  if (cooperative.load() && !requested.exchange(true)) return;
  io::remove_registered_paths();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupt_requested() { return requested.load(); }

CooperativeStop::CooperativeStop() { cooperative.store(true); }
CooperativeStop::~CooperativeStop() { cooperative.store(false); }

}  // namespace boltzkit::cli
