#!/usr/bin/env bash
# Runs on the build machine: copies what bench/run_gpu.sh needs into a folder that travels to the
# GPU machine (.gpu/ is git-ignored; name it in the device tool's `carry`).
#
#   bash bench/stage_gpu.sh [BUILD_DIR] [DEST]     (defaults: build/release, .gpu)
#
# Copies boltzkit_bench_gaussian, boltzkit_bench_ising and, when built, boltzkit_gpu_tests; the
# Debian libbenchmark.so.1debian the benchmarks link (the GPU machine does not have the package;
# the binaries' rpath $ORIGIN finds the copy); and COMMIT (git describe of this checkout).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=${1:-build/release}
DEST=${2:-.gpu}
mkdir -p "$DEST"

found=0
for exe in boltzkit_bench_gaussian boltzkit_bench_ising boltzkit_bench_rbm boltzkit_bench_bm boltzkit_bench_mixture boltzkit_gpu_tests boltzkit; do
  path=$(find "$BUILD" -maxdepth 4 -type f -name "$exe" -perm -u+x 2>/dev/null | head -1)
  if [ -n "$path" ]; then
    cp -f "$path" "$DEST/"
    echo "staged $path"
    found=1
  else
    echo "not built: $exe (cmake --build --preset release --target $exe)"
  fi
done
[ "$found" = 1 ] || { echo "stage_gpu.sh: nothing to stage"; exit 1; }

for exe in boltzkit_bench_gaussian boltzkit_bench_ising boltzkit_bench_rbm boltzkit_bench_bm boltzkit_bench_mixture; do
  [ -x "$DEST/$exe" ] || continue
  lib=$(ldd "$DEST/$exe" | awk '/libbenchmark/ {print $3; exit}')
  if [ -n "$lib" ] && [ -f "$lib" ]; then
    # On a second staging ldd finds the copy already in $DEST ($ORIGIN comes first).
    [ "$(readlink -f "$lib")" = "$(readlink -f "$DEST/$(basename "$lib")")" ] ||
      cp -fL "$lib" "$DEST/$(basename "$lib")"
    echo "staged $lib"
    break
  fi
done
git describe --always --dirty --abbrev=12 >"$DEST/COMMIT" 2>/dev/null || echo unknown >"$DEST/COMMIT"
echo "commit $(cat "$DEST/COMMIT"); $(du -sh "$DEST" | cut -f1) in $DEST"
