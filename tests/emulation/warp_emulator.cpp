// The lanes of an emulated block are fibers (ucontext) on the launching thread, run by a
// round-robin scheduler: a lane runs until it reaches a barrier, and the last lane to arrive
// releases the others. One OS thread per lane (the first emulator) paid a kernel round trip per
// lane per barrier; on a 2-core CI machine a 64-lane block spent almost all its time there.
// Fibers switch in user space, run deterministically, and alternate the lane order from one
// pass to the next (ascending, then descending), so a read of another lane's value without a
// barrier in between sees the stale value in one of the two orders instead of depending on
// the OS scheduler's timing.
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "warp_emulator.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define BOLTZKIT_EMULATOR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOLTZKIT_EMULATOR_ASAN 1
#endif
#endif
#ifdef BOLTZKIT_EMULATOR_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

thread_local dim3 threadIdx;
thread_local dim3 blockIdx;
dim3 blockDim;
dim3 gridDim;

namespace boltzkit::kernels {
alignas(16) unsigned char shared_raw[emu::shared_capacity];
}

namespace emu {
thread_local Warp* current_warp = nullptr;
thread_local Barrier* current_block = nullptr;

namespace {

// Generous for the kernels' register arrays even in unoptimized, instrumented builds; pages
// are only committed when touched. A guard page below each stack turns an overflow into a fault.
constexpr std::size_t stack_bytes = 512 * 1024;

/// One lane's stack, mapped once and reused by every later block of the process.
class FiberStack {
 public:
  FiberStack() {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    base_ = mmap(nullptr, stack_bytes + page_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (base_ == MAP_FAILED) throw std::runtime_error("warp emulator: cannot map a lane stack");
    mprotect(base_, page_, PROT_NONE);
  }
  FiberStack(const FiberStack&) = delete;
  FiberStack& operator=(const FiberStack&) = delete;
  ~FiberStack() { munmap(base_, stack_bytes + page_); }
  void* bottom() const { return static_cast<char*>(base_) + page_; }

 private:
  void* base_ = nullptr;
  std::size_t page_ = 0;
};

struct Lane {
  ucontext_t context{};
  Barrier* waiting_at = nullptr;
  bool done = false;
  void* fake_stack = nullptr;  // AddressSanitizer's per-fiber state
};

struct Block {
  unsigned index = 0;
  void (*body)(void*) = nullptr;
  void* context = nullptr;
  std::vector<Lane> lanes;
  std::unique_ptr<Warp[]> warps;
  Barrier block_barrier;
  ucontext_t scheduler{};
  unsigned running = 0;
  std::exception_ptr failure;
  // The scheduler's stack, for AddressSanitizer's fiber-switch annotations.
  const void* scheduler_stack = nullptr;
  std::size_t scheduler_stack_size = 0;
};

thread_local Block* active = nullptr;
thread_local std::vector<std::unique_ptr<FiberStack>> stacks;

// AddressSanitizer must be told which stack is live across each switch, or it takes a fiber's
// frames for a stack overflow of the scheduler's (and the reverse).
void before_switch_to_lane(Lane& lane) {
#ifdef BOLTZKIT_EMULATOR_ASAN
  __sanitizer_start_switch_fiber(&lane.fake_stack, stacks[&lane - active->lanes.data()]->bottom(),
                                 stack_bytes);
#else
  (void)lane;
#endif
}
void after_switch_back_to_scheduler(Lane& lane) {
#ifdef BOLTZKIT_EMULATOR_ASAN
  __sanitizer_finish_switch_fiber(lane.fake_stack, nullptr, nullptr);
#else
  (void)lane;
#endif
}
void before_switch_to_scheduler(Lane& lane, bool finished) {
#ifdef BOLTZKIT_EMULATOR_ASAN
  // A finished lane passes no save slot: its fake stack is released.
  __sanitizer_start_switch_fiber(finished ? nullptr : &lane.fake_stack, active->scheduler_stack,
                                 active->scheduler_stack_size);
#else
  (void)lane;
  (void)finished;
#endif
}
void after_switch_to_lane(Lane& lane) {
#ifdef BOLTZKIT_EMULATOR_ASAN
  __sanitizer_finish_switch_fiber(lane.fake_stack, &active->scheduler_stack,
                                  &active->scheduler_stack_size);
#else
  (void)lane;
#endif
}

void lane_main();
// Apart from run_block: getcontext returns twice, which would pin run_block's loop variables.
void prepare_lane(Lane& lane, const FiberStack& stack) {
  getcontext(&lane.context);
#ifdef BOLTZKIT_EMULATOR_ASAN
  // A reused stack still carries the poisoned frames of the lane that ran on it last.
  __asan_unpoison_memory_region(stack.bottom(), stack_bytes);
#endif
  lane.context.uc_stack.ss_sp = stack.bottom();
  lane.context.uc_stack.ss_size = stack_bytes;
  lane.context.uc_link = nullptr;
  makecontext(&lane.context, lane_main, 0);
  // AddressSanitizer's swapcontext hook clears the shadow of the stack a context names on
  // every switch, which would forget the redzones of the lane's live frames; the fiber
  // annotations above tell it the stacks instead.
  lane.context.uc_stack.ss_size = 0;
}

void lane_main() {
  Block& block = *active;
  Lane& lane = block.lanes[block.running];
  after_switch_to_lane(lane);
  try {
    block.body(block.context);
  } catch (...) {
    if (!block.failure) block.failure = std::current_exception();
  }
  lane.done = true;
  before_switch_to_scheduler(lane, true);
  swapcontext(&lane.context, &block.scheduler);  // never resumed
}

}  // namespace

void arrive_and_wait(Barrier& barrier) {
  Block& block = *active;
  Lane& me = block.lanes[block.running];
  me.waiting_at = &barrier;
  if (++barrier.arrived == barrier.expected) {
    barrier.arrived = 0;
    for (Lane& lane : block.lanes) {
      if (lane.waiting_at == &barrier) lane.waiting_at = nullptr;
    }
  }
  // Yield even when this lane completed the barrier, so the next pass reorders everyone.
  before_switch_to_scheduler(me, false);
  swapcontext(&me.context, &block.scheduler);
  after_switch_to_lane(block.lanes[active->running]);
}

void run_block(unsigned block_index, unsigned threads, void (*body)(void*), void* context) {
  Block block;
  block.index = block_index;
  block.body = body;
  block.context = context;
  block.lanes.resize(threads);
  block.warps = std::make_unique<Warp[]>(threads / 32);
  block.block_barrier.expected = static_cast<int>(threads);
  while (stacks.size() < threads) stacks.push_back(std::make_unique<FiberStack>());

  Block* const outer = active;
  active = &block;
  for (unsigned t = 0; t < threads; ++t) prepare_lane(block.lanes[t], *stacks[t]);

  unsigned finished = 0;
  for (unsigned pass = 0; finished < threads; ++pass) {
    bool progressed = false;
    for (unsigned k = 0; k < threads; ++k) {
      const unsigned t = pass % 2 == 0 ? k : threads - 1 - k;
      Lane& lane = block.lanes[t];
      if (lane.done || lane.waiting_at != nullptr) continue;
      threadIdx = dim3{t, 0, 0};
      blockIdx = dim3{block_index, 0, 0};
      current_warp = &block.warps[t / 32];
      current_block = &block.block_barrier;
      block.running = t;
      before_switch_to_lane(lane);
      swapcontext(&block.scheduler, &lane.context);
      after_switch_back_to_scheduler(lane);
      progressed = true;
      if (lane.done) ++finished;
    }
    if (!progressed) break;
  }
  active = outer;
  if (block.failure) std::rethrow_exception(block.failure);
  if (finished < threads) {
    throw std::runtime_error("warp emulator: deadlock in block " + std::to_string(block_index) + ": " +
                             std::to_string(threads - finished) +
                             " lanes wait at a barrier that the other lanes never reach");
  }
}

}  // namespace emu
