#!/usr/bin/env bash
# The two ways users take mote into a CMake project (tests/consumer/): find_package after
# `cmake --install` to a fresh prefix, and add_subdirectory of the source tree. Each builds and
# runs a tiny model through CTest. Usage: scripts/consumer.sh [extra CMake arguments for mote]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
out=build/consumer
rm -rf "$out"
echo "=== mote consumer: install"
cmake -S . -B "$out/mote" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOTE_BUILD_TESTS=OFF \
  -DMOTE_BUILD_BENCH=OFF -DMOTE_BUILD_EXAMPLES=OFF "$@" >/dev/null
cmake --build "$out/mote"
cmake --install "$out/mote" --prefix "$out/prefix" >/dev/null
echo "=== mote consumer: find_package"
cmake -S tests/consumer/find_package -B "$out/find_package" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$PWD/$out/prefix" >/dev/null
cmake --build "$out/find_package"
ctest --test-dir "$out/find_package" -V | grep -E "consumer:|tests passed"
echo "=== mote consumer: add_subdirectory"
cmake -S tests/consumer/add_subdirectory -B "$out/add_subdirectory" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out/add_subdirectory"
ctest --test-dir "$out/add_subdirectory" -V | grep -E "consumer:|tests passed"
echo "=== mote consumer: took $((SECONDS - start)) s"
