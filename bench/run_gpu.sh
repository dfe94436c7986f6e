#!/usr/bin/env bash
# The one script that runs on the GPU machine, from the repository root:
#
#   bash bench/run_gpu.sh [BIN_DIR] [OUT_DIR]
#
# BIN_DIR (default .gpu/) holds the binaries built elsewhere (bench/stage_gpu.sh puts them there:
# boltzkit_bench_gaussian, boltzkit_bench_ising, boltzkit_gpu_tests if built,
# libbenchmark.so.1debian, COMMIT).
# OUT_DIR (default $OUT, else bench/results/tmp) receives at most eight files:
#   run_gpu.log  env.txt  gpu_tests.json  bench_gaussian.json  bench_ising.json
#   peers_ising.json  peers_gaussian.json  RESULTS.md
# Steps: nvidia-smi -L; the GPU tests (if present); boltzkit_bench_gaussian (GPU cases and the
# copy-bandwidth probe, JSON); boltzkit_bench_ising (GPU sweeps, JSON); the PyTorch Ising peer;
# the PyTorch/JAX Gaussian peers, with the time left of the run's budget (at most 170 s);
# bench/make_table.py → RESULTS.md.
# Each step has a time limit so that the whole run stays under ~8 minutes; a failing step is
# reported and the next one still runs. Exit status: that of boltzkit_bench_gaussian, or of
# boltzkit_bench_ising when the Gaussian one succeeded.
#
# Knobs (environment): BOLTZKIT_BENCH_MIN_TIME (seconds per benchmark, default 0.2),
# BOLTZKIT_BENCH_FILTER (regex for the Gaussian program, default its GPU cases),
# BOLTZKIT_ISING_FILTER (regex for the Ising program, default its GPU cases and RNG-share cases),
# BOLTZKIT_BW_BYTES_PER_S (floor bandwidth: bytes/s or "measured"; default 3.0e12),
# BOLTZKIT_PEERS (torch,jax), BOLTZKIT_RUN_BUDGET_S (default 520), BOLTZKIT_COMMIT.
set -u -o pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
BIN_DIR=${1:-.gpu}
OUT_DIR=${2:-${OUT:-bench/results/tmp}}
MIN_TIME=${BOLTZKIT_BENCH_MIN_TIME:-0.2}
FILTER=${BOLTZKIT_BENCH_FILTER:-^(device|gaussian/gpu)/}
ISING_FILTER=${BOLTZKIT_ISING_FILTER:-^ising(_rng_share)?/gpu/}
PEERS=${BOLTZKIT_PEERS:-torch,jax}
# Limits (s). The Gaussian peers come last and get what is left of RUN_BUDGET (at most
# PEERS_BUDGET_MAX), so that a slow earlier step shortens them instead of the whole run.
T_TESTS=90 T_BENCH=150 T_ISING=140 T_ISING_PEERS=45 ISING_PEERS_BUDGET=30 PEERS_BUDGET_MAX=150
RUN_BUDGET=${BOLTZKIT_RUN_BUDGET_S:-520}

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

for exe in boltzkit_bench_gaussian boltzkit_bench_ising boltzkit_bench_rbm boltzkit_bench_bm boltzkit_bench_mixture boltzkit_gpu_tests boltzkit; do
  if [ -x "$BIN_DIR/$exe" ] && LD_LIBRARY_PATH="$BIN_LD" ldd "$BIN_DIR/$exe" | grep -q "not found"; then
    echo "WARNING: $exe misses shared libraries:"
    LD_LIBRARY_PATH="$BIN_LD" ldd "$BIN_DIR/$exe" | grep "not found"
  fi
done

step "boltzkit demo (the main job) on the GPU"
# If the GPU image lacks a shared library the CLI links, say so and go on.
if [ -x "$BIN_DIR/boltzkit" ] && ! LD_LIBRARY_PATH="$BIN_LD" ldd "$BIN_DIR/boltzkit" | grep -q "not found"; then
  LD_LIBRARY_PATH="$BIN_LD" timeout 60 "$BIN_DIR/boltzkit" demo --backend gpu
  echo "boltzkit demo exit status: $?"
  LD_LIBRARY_PATH="$BIN_LD" timeout 60 "$BIN_DIR/boltzkit" ising lattice --size 4096x4096 \
    --beta 0.6666666667 --sweeps 200 --burn-in 50 --backend gpu --quiet
  echo "boltzkit ising lattice exit status: $?"
else
  echo "boltzkit CLI not staged or missing libraries: skipped"
fi

step "GPU tests"
if [ -x "$BIN_DIR/boltzkit_gpu_tests" ]; then
  LD_LIBRARY_PATH="$BIN_LD" timeout "$T_TESTS" "$BIN_DIR/boltzkit_gpu_tests" \
    --gtest_output=json:"$OUT_DIR/gpu_tests.json"
  echo "boltzkit_gpu_tests exit status: $?"
else
  echo "no $BIN_DIR/boltzkit_gpu_tests: skipped"
fi

# run_bench EXE LIMIT FILTER JSON: one benchmark program's step, JSON into $OUT_DIR/JSON; returns
# its exit status (127 when BIN_DIR lacks it).
run_bench() {
  local exe=$1 limit=$2 filter=$3 json=$4 rc=127
  step "$exe (min_time ${MIN_TIME}s, filter '$filter')"
  if [ -x "$BIN_DIR/$exe" ]; then
    LD_LIBRARY_PATH="$BIN_LD" timeout "$limit" "$BIN_DIR/$exe" \
      --benchmark_filter="$filter" --benchmark_min_time="$MIN_TIME" \
      --benchmark_out="$OUT_DIR/$json" --benchmark_out_format=json
    rc=$?
    echo "$exe exit status: $rc"
  else
    echo "no $BIN_DIR/$exe: skipped"
  fi
  return "$rc"
}

run_bench boltzkit_bench_gaussian "$T_BENCH" "$FILTER" bench_gaussian.json
bench_rc=$?
run_bench boltzkit_bench_ising "$T_ISING" "$ISING_FILTER" bench_ising.json
ising_rc=$?

step "Ising peer (PyTorch checkerboard Metropolis)"
timeout "$T_ISING_PEERS" python3 bench/peers/ising_peers.py --budget-s "$ISING_PEERS_BUDGET" \
  --out "$OUT_DIR/peers_ising.json"
echo "ising_peers.py exit status: $?"

# RBM: one CD-k gradient step at 784 x 512, batch 1024 (boltzkit float64) and its PyTorch peer
# (float32 and float64), each under its own limit.
run_bench boltzkit_bench_rbm 90 "rbm/gpu" bench_rbm.json
step "RBM peer (PyTorch CD-k step)"
for dt in float32 float64; do
  timeout 90 python3 bench/peers/rbm_peers.py --dtype "$dt" --budget-s 60 \
    --out "$OUT_DIR/peers_rbm_$dt.json"
  echo "rbm_peers.py ($dt) exit status: $?"
done

# Dense Boltzmann machines: SK chains (N = 256, 1024, 4096; scalar and blocked field updates,
# bm/gpu/*/blocked/*) and enumeration (N = 24 … 30), then the hand-written PyTorch heat bath of
# docs/ANCHORS.md
run_bench boltzkit_bench_bm 180 "bm/gpu" bench_bm.json
step "BM peer (PyTorch sequential-scan heat bath by hand)"
timeout 90 python3 bench/peers/bm_peers.py --budget-s 60 --out "$OUT_DIR/peers_bm.json"
echo "bm_peers.py exit status: $?"
# Mixture family (issue 12): one Gaussian's log p + score + summed ∂/∂Σ at D = 16/64/256, the
# E-step at D = 32, N = 262144, K = 64 and one EM iteration, then the PyTorch / numpy /
# scikit-learn peers on the same sizes, each under its own limit; last, while the limit lasts,
# scikit-learn's one EM iteration at the GPU size on this machine's CPUs (peers_mixture.json
# "cpu_large"; the file is written before it, so a timeout keeps the GPU figures).
run_bench boltzkit_bench_mixture 60 "mixture/gpu" bench_mixture.json
step "mixture peers (PyTorch by hand on the GPU, numpy / scikit-learn on the CPU)"
timeout 75 python3 -W ignore bench/peers/mixture_peers.py --budget-s 60 \
  --out "$OUT_DIR/peers_mixture.json"
echo "mixture_peers.py exit status: $?"

peers_budget=$(( RUN_BUDGET - ($(date +%s) - started) - 15 ))
[ "$peers_budget" -gt "$PEERS_BUDGET_MAX" ] && peers_budget=$PEERS_BUDGET_MAX
step "Gaussian peers (PyTorch, JAX; budget ${peers_budget} s)"
if [ "$peers_budget" -ge 20 ]; then
  timeout "$(( peers_budget + 30 ))" python3 bench/peers/gaussian_peers.py --peers "$PEERS" \
    --budget-s "$peers_budget" --out "$OUT_DIR/peers_gaussian.json"
  echo "gaussian_peers.py exit status: $?"
else
  echo "less than 20 s left of the run's ${RUN_BUDGET} s: skipped"
fi

step "table"
table_args=()
[ -f "$OUT_DIR/bench_gaussian.json" ] && table_args+=(--bench "$OUT_DIR/bench_gaussian.json")
[ -f "$OUT_DIR/peers_gaussian.json" ] && table_args+=(--peers "$OUT_DIR/peers_gaussian.json")
[ -f "$OUT_DIR/bench_ising.json" ] && table_args+=(--ising-bench "$OUT_DIR/bench_ising.json")
[ -f "$OUT_DIR/peers_ising.json" ] && table_args+=(--ising-peers "$OUT_DIR/peers_ising.json")
[ -f "$OUT_DIR/bench_bm.json" ] && table_args+=(--bm-bench "$OUT_DIR/bench_bm.json")
[ -f "$OUT_DIR/peers_bm.json" ] && table_args+=(--bm-peers "$OUT_DIR/peers_bm.json")
if [ -f "$OUT_DIR/bench_gaussian.json" ] || [ -f "$OUT_DIR/bench_ising.json" ] || [ -f "$OUT_DIR/bench_bm.json" ]; then
  python3 bench/make_table.py "${table_args[@]}" --out "$OUT_DIR/RESULTS.md" \
    && cat "$OUT_DIR/RESULTS.md"
else
  echo "no benchmark JSON: no table"
fi

echo
echo "run_gpu.sh: done in $(( $(date +%s) - started )) s; files in $OUT_DIR"
[ "$bench_rc" -eq 0 ] && exit "$ising_rc"
exit "$bench_rc"
