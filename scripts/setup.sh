#!/usr/bin/env bash
# Installs what boltzkit needs to build on a Debian machine, skipping what is already there.
# The CUDA toolkit is optional: with CUDA 13 (nvcc on PATH or in /usr/local/cuda) the GPU backend
# is built too; without it, the CPU backend alone (cmake/BoltzkitCuda.cmake).
# OpenBLAS is the OpenMP build (libopenblas-openmp-dev, one of the providers of libopenblas-dev):
# inside boltzkit's OpenMP loops over a batch it runs single-threaded instead of nesting threads.
set -euo pipefail

packages=(cmake g++ make libgtest-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev
          librandom123-dev libeigen3-dev libopenblas-openmp-dev liblapacke-dev)
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "boltzkit setup: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# numpy and scipy for the cross-checks against independent references (tests/crosscheck):
# optional, without them CMake leaves those tests out and says so.
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import numpy, scipy" 2>/dev/null; then
  echo "boltzkit setup: installing numpy and scipy for tests/crosscheck" >&2
  python3 -m pip install --quiet numpy scipy >/dev/null 2>&1 ||
    { [ "$(command -v python3)" = /usr/bin/python3 ] &&
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq python3-numpy \
        python3-scipy >/dev/null 2>&1; } ||
    echo "boltzkit setup: could not install numpy/scipy; tests/crosscheck is left out" >&2
fi

# scikit-learn for tests/crosscheck's mixture part (EM against GaussianMixture on data sets it
# ships): optional, without it CMake leaves crosscheck.mixture out and says so.
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import sklearn" 2>/dev/null; then
  echo "boltzkit setup: installing scikit-learn for crosscheck.mixture" >&2
  python3 -m pip install --quiet scikit-learn >/dev/null 2>&1 ||
    { [ "$(command -v python3)" = /usr/bin/python3 ] &&
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
        python3-sklearn >/dev/null 2>&1; } ||
    echo "boltzkit setup: could not install scikit-learn; crosscheck.mixture is left out" >&2
fi

# matplotlib for the PNG of `boltzkit ising scan` (scripts/plot_scan.py): optional, without it
# the command writes its CSV files, says in one line that it drew no plot, and the test of the
# PNG is skipped.
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import matplotlib" 2>/dev/null; then
  echo "boltzkit setup: installing matplotlib for the plot of boltzkit ising scan" >&2
  python3 -m pip install --quiet matplotlib >/dev/null 2>&1 ||
    { [ "$(command -v python3)" = /usr/bin/python3 ] &&
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
        python3-matplotlib >/dev/null 2>&1; } ||
    echo "boltzkit setup: could not install matplotlib; boltzkit ising scan will draw no PNG" >&2
fi

have_nvcc=0
if command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then have_nvcc=1; fi

# cuobjdump and nvdisasm for the static performance model (bench/static_model) when the CUDA
# toolkit lacks them: optional, without them CMake leaves the static_model test out and says so.
# A CPU-only build has no device code to model.
if ((have_nvcc)) && command -v python3 >/dev/null 2>&1 &&
   ! python3 "$(dirname "$0")/../bench/static_model/static_model.py" --check-tools >/dev/null 2>&1; then
  echo "boltzkit setup: installing cuobjdump/nvdisasm (pip) for bench/static_model" >&2
  python3 -m pip install --quiet nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm >/dev/null 2>&1 ||
    echo "boltzkit setup: could not install cuobjdump/nvdisasm; the static_model test is left out" >&2
fi

if ! command -v nvcc >/dev/null 2>&1; then
  if ((have_nvcc)); then
    echo "boltzkit setup: add /usr/local/cuda/bin to PATH (found nvcc there)" >&2
  else
    echo "boltzkit setup: no CUDA toolkit (nvcc) found: the CPU backend alone will be built" >&2
  fi
fi
