#!/usr/bin/env bash
# Quick start, part 2: installs what is missing, then builds and runs the whole test suite:
# g++ (Release, then with ASan+UBSan) and clang++ builds of the tests, the header and
# no-exceptions contracts, compile-fail tests and the consumer projects.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh cmake ninja-build g++ clang-14 libclang-rt-14-dev googletest libgtest-dev \
  libbenchmark-dev libhwy-dev

jobs=$(nproc)
run_suite() {  # name, then extra CMake arguments
  local name=$1
  shift
  echo "=== mote tests: ${name}"
  local start=$SECONDS
  cmake -S . -B "build/${name}" -G Ninja -DMOTE_BUILD_BENCH=OFF -DMOTE_BUILD_EXAMPLES=ON "$@" \
    >/dev/null
  cmake --build "build/${name}" -j "${jobs}"
  ctest --test-dir "build/${name}" --output-on-failure -j "${jobs}"
  echo "=== mote tests: ${name} took $((SECONDS - start)) s"
}

run_suite gcc-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++
run_suite clang-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14
run_suite gcc-asan-ubsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DMOTE_DEBUG=1"
