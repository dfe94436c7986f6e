#!/usr/bin/env bash
# Proves that CUDA is optional (docs/DESIGN.md §11) on a machine that has CUDA: the toolkit, its
# headers, its libraries and nvcc are hidden in a private mount namespace (unshare -m: root, or
# unprivileged user namespaces), so nothing of CUDA can be found there, then:
#
#   scripts/check_no_cuda.sh cpu-only [build dir]
#       configures a fresh build (default build/nocuda), which must come out CPU-only, builds the
#       command, the CPU tests, the command's tests and the README example, and runs them, and
#       `boltzkit demo`, which must run on the CPU and link nothing of CUDA;
#   scripts/check_no_cuda.sh reliability
#       runs the reliability suite (scripts/reliability.sh: the clang ASan + UBSan preset, which is
#       CPU-only, with every CPU-only test and the fuzzers) with CUDA hidden, then checks its
#       command like cpu-only does: one build proves both that nothing of CUDA is needed and that
#       the CPU code is clean, where two (a plain CPU-only build and the sanitizer build) cost
#       CI twice the compilation for the same sources;
#   scripts/check_no_cuda.sh cuda-build <boltzkit command> [<boltzkit_cpu_tests>]
#       runs a CUDA build's command with the CUDA libraries hidden: it must start, run `demo` on
#       the CPU and refuse `--backend gpu` with exit 2; the test program's cuBLAS loader test
#       must then fail with the message that names the missing library;
#   scripts/check_no_cuda.sh readme [copy dir]
#       the README's two commands, scripts/demo.sh and scripts/test.sh, in a fresh copy of the
#       tracked tree (default: a temporary folder).
#
# Exits 77 (ctest: skipped) when no mount namespace can be made.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${BOLTZKIT_CUDA_HIDDEN:-}" ]; then
  if ! unshare -m true 2>/dev/null; then
    echo "check_no_cuda: skipped: cannot make a mount namespace (unshare -m needs root)"
    exit 77
  fi
  exec unshare -m env BOLTZKIT_CUDA_HIDDEN=1 bash "$0" "$@"
fi

fail() { echo "check_no_cuda: FAILED: $*" >&2; exit 1; }

# --- hide CUDA: folders become empty, single files become /dev/null ---------------------------
empty=$(mktemp -d)
for dir in /usr/local/cuda /usr/local/cuda-* /opt/cuda /usr/local/include /usr/local/bin; do
  if [ -d "$dir" ] && [ ! -L "$dir" ]; then mount --bind "$empty" "$dir"; fi
done
for file in /usr/local/lib/*cuda* /usr/local/lib/libcu* /usr/local/lib/libnv* \
            /usr/lib/x86_64-linux-gnu/libcuda.so* /usr/lib/x86_64-linux-gnu/libcublas* \
            /usr/lib/x86_64-linux-gnu/libcusolver* /usr/lib/x86_64-linux-gnu/libcudart*; do
  if [ -f "$file" ]; then mount --bind /dev/null "$file"; fi
done
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -i cuda | paste -sd: -)
export PATH
unset CUDACXX CUDA_PATH CUDA_HOME
if command -v nvcc >/dev/null; then fail "nvcc is still visible: $(command -v nvcc)"; fi
if [ -e /usr/local/cuda/include/cuda_runtime.h ]; then fail "the CUDA headers are still visible"; fi
echo "check_no_cuda: CUDA hidden (no nvcc on PATH, no toolkit, headers or libraries)"

# No library of CUDA among what `ldd` lists, resolved or not.
no_cuda_libraries() {
  if ldd "$1" | grep -E 'lib(cuda|cudart|cublas|cublasLt|cusolver)\.so'; then
    fail "$1 links a CUDA library (above)"
  fi
}

# A CPU-only build's command: links nothing of CUDA, runs `demo` on the CPU and says so, and
# refuses `--backend gpu` with exit 2.
check_cpu_only_command() {
  local cli=$1 out rc=0
  no_cuda_libraries "$cli"
  out=$("$cli" demo --batch 4096)
  echo "$out"
  grep -q 'built without CUDA' <<<"$out" || fail "demo did not report the CPU-only build"
  "$cli" demo --backend gpu >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "demo --backend gpu exited $rc, expected 2"
}

mode=${1:-}
case "$mode" in
  cpu-only)
    build=${2:-build/nocuda}
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release | tee "$build.configure.log" |
      grep 'boltzkit:' || true
    grep -q 'boltzkit: CPU-only build' "$build.configure.log" || fail "configure did not go CPU-only"
    cmake --build "$build" -j "$(nproc)" --target boltzkit_cli boltzkit_cpu_tests \
      boltzkit_cli_tests boltzkit_readme_example
    check_cpu_only_command "$build/host/cli/boltzkit"
    "$build/tests/boltzkit_readme_example"
    "$build/tests/boltzkit_cpu_tests" --gtest_brief=1
    "$build/tests/cli/boltzkit_cli_tests" --gtest_brief=1
    ;;
  reliability)
    scripts/reliability.sh
    check_cpu_only_command build/sanitize/host/cli/boltzkit
    ;;
  cuda-build)
    cli=${2:?usage: check_no_cuda.sh cuda-build <boltzkit command> [<boltzkit_cpu_tests>]}
    no_cuda_libraries "$cli"
    "$cli" --version
    start=$(date +%s%N)
    "$cli" --help >/dev/null
    echo "check_no_cuda: boltzkit --help took $((($(date +%s%N) - start) / 1000000)) ms"
    out=$("$cli" demo --batch 4096)
    echo "$out"
    grep -q 'cpu (auto: no CUDA device found' <<<"$out" || fail "demo did not fall back to the CPU"
    rc=0
    err=$("$cli" demo --backend gpu 2>&1 >/dev/null) || rc=$?
    echo "boltzkit demo --backend gpu: exit $rc: $err"
    [ "$rc" -eq 2 ] || fail "demo --backend gpu exited $rc, expected 2"
    if [ -n "${3:-}" ]; then
      rc=0
      out=$("$3" --gtest_filter=CudaLibraries.EveryListedFunctionLoads 2>&1) || rc=$?
      [ "$rc" -ne 0 ] || fail "cuBLAS loaded although it is hidden"
      grep -o 'dlopen(libcublas[^)]*) failed: cuBLAS is not installed or not found[^:]*' <<<"$out" ||
        { echo "$out"; fail "no clear message for the missing cuBLAS"; }
    fi
    ;;
  readme)
    copy=${2:-$(mktemp -d)}
    rm -rf "$copy"
    mkdir -p "$copy"
    git ls-files -z | xargs -0 tar cf - | tar xf - -C "$copy"
    cd "$copy"
    scripts/demo.sh
    scripts/test.sh
    ;;
  *)
    echo "usage: scripts/check_no_cuda.sh cpu-only [build dir] | reliability | cuda-build <boltzkit> [<cpu tests>] | readme" >&2
    exit 2
    ;;
esac
echo "check_no_cuda: $mode: passed"
