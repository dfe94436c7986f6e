#!/usr/bin/env bash
# Builds the boltzkit command and runs its main job: `boltzkit demo` (GPU when present, else CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh --target boltzkit_cli >&2
exec build/release/host/cli/boltzkit demo "$@"
