#!/usr/bin/env bash
# The one script that runs on the GPU machine, from the repository root:
#
#   bash bench/run_gpu.sh [BIN_DIR] [OUT_DIR]
#
# BIN_DIR (default .gpu/) holds the binaries built elsewhere (bench/stage_gpu.sh puts them there:
# boltzkit_bench_gaussian, boltzkit_gpu_tests if built, libbenchmark.so.1debian, COMMIT).
# OUT_DIR (default $OUT, else bench/results/tmp) receives at most six files:
#   run_gpu.log  gpu_tests.json  bench_gaussian.json  peers_gaussian.json  RESULTS.md  env.txt
# Steps: nvidia-smi -L; the GPU tests (if present); boltzkit_bench_gaussian (GPU cases and the
# copy-bandwidth probe, JSON); the PyTorch/JAX peers; bench/make_table.py → RESULTS.md.
# Each step has a time limit so that the whole run stays under ~8 minutes; a failing step is
# reported and the next one still runs. Exit status: that of the benchmark program.
#
# Knobs (environment): BOLTZKIT_BENCH_MIN_TIME (seconds per benchmark, default 0.2),
# BOLTZKIT_BENCH_FILTER (regex, default the GPU cases), BOLTZKIT_BW_BYTES_PER_S (floor bandwidth:
# bytes/s or "measured"; default 3.0e12), BOLTZKIT_PEERS (torch,jax), BOLTZKIT_COMMIT.
set -u -o pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
BIN_DIR=${1:-.gpu}
OUT_DIR=${2:-${OUT:-bench/results/tmp}}
MIN_TIME=${BOLTZKIT_BENCH_MIN_TIME:-0.2}
FILTER=${BOLTZKIT_BENCH_FILTER:-^(device|gaussian/gpu)/}
PEERS=${BOLTZKIT_PEERS:-torch,jax}
T_TESTS=90 T_BENCH=180 T_PEERS=200 PEERS_BUDGET=170

mkdir -p "$OUT_DIR" || exit 1
BIN_DIR=$(cd "$BIN_DIR" 2>/dev/null && pwd) || { echo "run_gpu.sh: no binary directory ${1:-.gpu}"; exit 1; }
LOG="$OUT_DIR/run_gpu.log"
: >"$LOG"
exec > >(tee -a "$LOG") 2>&1
export PYTHONUNBUFFERED=1

# The binaries find libbenchmark beside themselves (rpath $ORIGIN); CUDA's libraries from the
# toolkit when the loader does not already know them.
BIN_LD="$BIN_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
[ -d /usr/local/cuda/lib64 ] && BIN_LD="$BIN_LD:/usr/local/cuda/lib64"

commit=${BOLTZKIT_COMMIT:-}
[ -z "$commit" ] && commit=$(git describe --always --dirty --abbrev=12 2>/dev/null || true)
[ -z "$commit" ] && [ -f "$BIN_DIR/COMMIT" ] && commit=$(cat "$BIN_DIR/COMMIT")
export BOLTZKIT_COMMIT=${commit:-unknown}

step() { echo; echo "== $* ($(date -u +%H:%M:%S))"; }
started=$(date +%s)

step "environment"
{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $BOLTZKIT_COMMIT"
  echo "host: $(hostname)"
  nvidia-smi -L 2>&1 || echo "nvidia-smi -L failed"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
    --format=csv 2>&1 || true
  command -v nvcc >/dev/null && nvcc --version | tail -1
  python3 --version 2>&1
} | tee "$OUT_DIR/env.txt"

for exe in boltzkit_bench_gaussian boltzkit_gpu_tests; do
  if [ -x "$BIN_DIR/$exe" ] && LD_LIBRARY_PATH="$BIN_LD" ldd "$BIN_DIR/$exe" | grep -q "not found"; then
    echo "WARNING: $exe misses shared libraries:"
    LD_LIBRARY_PATH="$BIN_LD" ldd "$BIN_DIR/$exe" | grep "not found"
  fi
done

step "GPU tests"
if [ -x "$BIN_DIR/boltzkit_gpu_tests" ]; then
  LD_LIBRARY_PATH="$BIN_LD" timeout "$T_TESTS" "$BIN_DIR/boltzkit_gpu_tests" \
    --gtest_output=json:"$OUT_DIR/gpu_tests.json"
  echo "boltzkit_gpu_tests exit status: $?"
else
  echo "no $BIN_DIR/boltzkit_gpu_tests: skipped"
fi

step "boltzkit_bench_gaussian (min_time ${MIN_TIME}s, filter '$FILTER')"
bench_rc=127
if [ -x "$BIN_DIR/boltzkit_bench_gaussian" ]; then
  LD_LIBRARY_PATH="$BIN_LD" timeout "$T_BENCH" "$BIN_DIR/boltzkit_bench_gaussian" \
    --benchmark_filter="$FILTER" --benchmark_min_time="$MIN_TIME" \
    --benchmark_out="$OUT_DIR/bench_gaussian.json" --benchmark_out_format=json
  bench_rc=$?
  echo "boltzkit_bench_gaussian exit status: $bench_rc"
else
  echo "no $BIN_DIR/boltzkit_bench_gaussian: skipped"
fi

step "peers (PyTorch, JAX)"
timeout "$T_PEERS" python3 bench/peers/gaussian_peers.py --peers "$PEERS" \
  --budget-s "$PEERS_BUDGET" --out "$OUT_DIR/peers_gaussian.json"
echo "gaussian_peers.py exit status: $?"

step "table"
if [ -f "$OUT_DIR/bench_gaussian.json" ]; then
  peers_arg=()
  [ -f "$OUT_DIR/peers_gaussian.json" ] && peers_arg=(--peers "$OUT_DIR/peers_gaussian.json")
  python3 bench/make_table.py --bench "$OUT_DIR/bench_gaussian.json" "${peers_arg[@]}" \
    --out "$OUT_DIR/RESULTS.md" && cat "$OUT_DIR/RESULTS.md"
else
  echo "no benchmark JSON: no table"
fi

echo
echo "run_gpu.sh: done in $(( $(date +%s) - started )) s; files in $OUT_DIR"
exit "$bench_rc"
