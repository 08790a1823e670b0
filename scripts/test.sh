#!/usr/bin/env bash
# Quick start, part 2: installs what is missing, then builds and runs the whole test suite:
# g++ and clang++ Release builds, g++ and clang++ with ASan+UBSan, the header and
# no-exceptions contracts, compile-fail tests and the consumer projects (find_package,
# add_subdirectory), and the quant/kernels tests with -ffp-contract=fast. Prints the time of
# each suite and the Highway targets that ran.
# The cross and microcontroller builds are scripts/cross.sh; .ci/run runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh cmake ninja-build g++ clang-14 libclang-rt-14-dev googletest libgtest-dev \
  libbenchmark-dev libhwy-dev

jobs=$(nproc)
summary=()
run_suite() {  # name, "full" or "simd" (only the areas with SIMD code), extra CMake arguments
  local name=$1 scope=$2
  shift 2
  echo "=== mote tests: ${name}"
  local start=$SECONDS
  # Each step returns on failure itself: suites run with `||`, where set -e is off.
  cmake -S . -B "build/${name}" -G Ninja -DMOTE_BUILD_BENCH=OFF -DMOTE_BUILD_EXAMPLES=ON "$@" \
    >/dev/null || return 1
  # -V keeps every program's output in the log, to read the targets that ran from it.
  local ctest_args=(--test-dir "build/${name}" -V -j "${jobs}")
  if [ "$scope" = full ]; then
    cmake --build "build/${name}" -j "${jobs}" || return 1
  else
    cmake --build "build/${name}" -j "${jobs}" --target mote_simd_tests mote_kernels_tests \
      mote_models_tests || return 1
    ctest_args+=(-R "^(simd|kernels|models)$")
  fi
  if ! ctest "${ctest_args[@]}" >"build/${name}.ctest.log" 2>&1; then
    scripts/ctest_failures.sh "build/${name}.ctest.log"
    echo "=== mote tests: ${name} FAILED (log: build/${name}.ctest.log)"
    return 1
  fi
  grep -E "tests passed|Total Test time" "build/${name}.ctest.log"
  local ran
  ran=$(grep -oE "mote: SIMD targets that ran:.*" "build/${name}.ctest.log" | sed 's/.*ran://' |
    tr ' ' '\n' |
    grep -E "^[A-Z0-9_]+$" | sort -u | tr '\n' ' ')
  echo "=== mote tests: ${name}: Highway targets that ran: ${ran:-none}"
  echo "=== mote tests: ${name} took $((SECONDS - start)) s"
  summary+=("$(printf '%-16s %5d s  targets: %s' "$name" $((SECONDS - start)) "${ran:-none}")")
}

sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DMOTE_DEBUG=1"
failed=()
run_suite gcc-release full -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ ||
  failed+=(gcc-release)
run_suite clang-release full -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 ||
  failed+=(clang-release)
run_suite gcc-asan-ubsan full -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
  "-DCMAKE_CXX_FLAGS=${sanitize}" || failed+=(gcc-asan-ubsan)
# clang's sanitizers on the SIMD areas only (clang's EMU128 and its own codegen of the
# intrinsics), to keep CI's time: the full suite under sanitizers runs with g++ above.
run_suite clang-asan-ubsan simd -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 "-DCMAKE_CXX_FLAGS=${sanitize}" || failed+=(clang-asan-ubsan)
start=$SECONDS
scripts/consumer.sh || failed+=(consumer)
summary+=("$(printf '%-16s %5d s' consumer $((SECONDS - start)))")
# The float steps TFLite performs in float (MEAN, LOGISTIC/TANH/SOFTMAX tables) must not change
# under FMA contraction: quant and kernels tests with -ffp-contract=fast, g++ and clang++, on
# the scalar references (where those steps live).
start=$SECONDS
scripts/test_fp_contract.sh build -DMOTE_DISPATCH=NONE || failed+=(fp-contract-fast)
summary+=("$(printf '%-16s %5d s' fp-contract $((SECONDS - start)))")

echo "=== mote tests: summary"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "=== mote tests: FAILED: ${failed[*]}"
  exit 1
fi
