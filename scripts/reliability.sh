#!/usr/bin/env bash
# The reliability suite: every test of the CPU-only build (CPU backend, warp emulation, command,
# NPY and checkpoint readers) built with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer, then each libFuzzer target for BOLTZKIT_FUZZ_SECONDS (default 60)
# from its committed corpus. CI runs it after scripts/test.sh. Left out here: the install test
# (examples.*: it links the installed, instrumented library with plain g++), the python
# cross-checks and the Gaussian kernels' widest emulated sweeps (numerics, already run by
# scripts/test.sh).
# Usage: scripts/reliability.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/local/cuda/bin/nvcc ] && export PATH="/usr/local/cuda/bin:$PATH"
scripts/setup.sh
if ! command -v clang++ >/dev/null || ! dpkg -s libclang-rt-14-dev libomp-dev >/dev/null 2>&1; then
  echo "boltzkit reliability: installing clang, its sanitizer/libFuzzer runtimes and libomp"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y --no-install-recommends clang libclang-rt-14-dev libomp-dev >/dev/null
fi
cmake --preset sanitize -DBOLTZKIT_FUZZ_SECONDS="${BOLTZKIT_FUZZ_SECONDS:-60}" >/dev/null
cmake --build --preset sanitize -j "$(nproc)"
# Leaks are errors too; UBSan stops at the first report (-fno-sanitize-recover in the preset).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The Gaussian kernels' widest numerical sweeps on the emulator (MatchesCpuReference*) are left
# to scripts/test.sh: under ASan they cost ~3 minutes of CI for arithmetic already checked there,
# while their strided-view, poisoned-triangle and failure tests, the ones that reach odd
# addresses, still run here.
ctest --preset sanitize -j "$(nproc)" -LE fuzz \
  -E "^(examples|crosscheck)\.|^Emulated(Rows|Block|Register)Kernel\.MatchesCpuReference" "$@"
ctest --preset sanitize -L fuzz "$@"
