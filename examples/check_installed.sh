#!/usr/bin/env bash
# ctest examples.installed: installs a built boltzkit into a fresh temporary prefix, then builds
# the examples against that prefix only, as a user would: with CMake (find_package, a C++-only
# project) and with pkg-config, and runs them.
# Usage: examples/check_installed.sh <boltzkit build dir> <scratch dir> [c++ compiler]
set -euo pipefail
build=$1
scratch=$2
cxx=${3:-c++}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$scratch"
mkdir -p "$scratch"
prefix=$scratch/prefix

cmake --install "$build" --prefix "$prefix" >"$scratch/install.log"

# find_package(boltzkit) from a CXX-only project that sees nothing but the prefix.
cmake -S "$here" -B "$scratch/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release >"$scratch/configure.log"
cmake --build "$scratch/cmake" >"$scratch/build.log"
"$scratch/cmake/gaussian_logpdf"

# pkg-config: the .pc file found through the prefix only; its libdir depends on GNUInstallDirs.
command -v pkg-config >/dev/null || { echo "pkg-config part skipped: no pkg-config"; exit 77; }
pc=$(find "$prefix" -name boltzkit.pc | head -n 1)
[ -n "$pc" ] || { echo "no boltzkit.pc under $prefix" >&2; exit 1; }
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_LIBDIR= pkg-config --cflags --libs boltzkit)
echo "pkg-config --cflags --libs boltzkit: $flags"
# shellcheck disable=SC2086  # the flags are meant to be split
"$cxx" -std=c++17 "$here/pkg_config_example.cpp" $flags -o "$scratch/pkg_config_example"
LD_LIBRARY_PATH="$(dirname "$(dirname "$pc")")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  "$scratch/pkg_config_example"
