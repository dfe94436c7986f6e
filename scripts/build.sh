#!/usr/bin/env bash
# Configures and builds boltzkit (release preset, sm_90) after installing missing dependencies.
# Usage: scripts/build.sh [cmake --build args...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/local/cuda/bin/nvcc ] && export PATH="/usr/local/cuda/bin:$PATH"
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" "$@"
