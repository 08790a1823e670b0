#!/usr/bin/env bash
# Edge targets (issue 5, docs/platforms.md): cross builds of the test suite run under qemu-user
# (aarch64 dynamic dispatch on emulated NEON/SVE/SVE2 CPUs, aarch64 static dispatch with dotprod
# and i8mm, armhf dynamic and static NEON, riscv64 static) and the Cortex-M build run under
# qemu-system-arm. Installs its Debian packages, times every stage, and prints the Highway
# targets that ran in each.
#   scripts/cross.sh                    all stages
#   scripts/cross.sh aarch64 cortex-m   some: aarch64 aarch64-dotprod aarch64-i8mm armhf
#                                       armhf-neon riscv64 cortex-m
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
all_stages=(aarch64 aarch64-dotprod aarch64-i8mm armhf armhf-neon riscv64 cortex-m)
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=("${all_stages[@]}")

packages=(cmake ninja-build g++ libhwy-dev googletest qemu-user-static)
for stage in "${stages[@]}"; do
  case $stage in
    aarch64*) packages+=(g++-aarch64-linux-gnu libhwy-dev:arm64 libgtest-dev:arm64) ;;
    armhf*) packages+=(g++-arm-linux-gnueabihf libhwy-dev:armhf libgtest-dev:armhf) ;;
    riscv64) packages+=(g++-riscv64-linux-gnu) ;;
    cortex-m) packages+=(gcc-arm-none-eabi libnewlib-arm-none-eabi
      libstdc++-arm-none-eabi-newlib qemu-system-arm) ;;
    *) echo "cross.sh: unknown stage '$stage' (known: ${all_stages[*]})" >&2; exit 2 ;;
  esac
done
scripts/deps.sh "${packages[@]}"

jobs=$(nproc)
# Areas with SIMD code paths; the reduced runs of the extra dispatch modes use these.
simd_areas="simd|kernels|models"
simd_targets=(mote_simd_tests mote_kernels_tests mote_models_tests)
summary=()
failed=()

# name, toolchain, "full" or "simd" (which tests), then extra CMake arguments.
cross_suite() {
  local name=$1 toolchain=$2 scope=$3
  shift 3
  local dir=build/cross-$name start=$SECONDS
  echo "=== mote cross: $name"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/$toolchain.cmake" \
    -DMOTE_BUILD_BENCH=OFF -DMOTE_BUILD_EXAMPLES=ON "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  # Each step returns on failure itself: callers run stages with `||`, where set -e is off.
  local ctest_args=(--test-dir "$dir" -j "$jobs" --timeout 1200 -V)
  if [ "$scope" = full ]; then
    cmake --build "$dir" -j "$jobs" || return 1
  else
    cmake --build "$dir" -j "$jobs" --target "${simd_targets[@]}" || return 1
    ctest_args+=(-R "^($simd_areas)\\.")
  fi
  local build_s=$((SECONDS - start))
  # -V keeps every program's output in the log, to read the targets that ran from it.
  if ! ctest "${ctest_args[@]}" >"$dir.ctest.log" 2>&1; then
    grep -E "^ *[0-9]+/[0-9]+ Test|tests passed|\*\*\*" "$dir.ctest.log" || true
    echo "=== mote cross: $name FAILED (log: $dir.ctest.log)"
    scripts/ctest_failures.sh "$dir.ctest.log"
    return 1
  fi
  grep -E "tests passed|Total Test time" "$dir.ctest.log"
  local ran
  ran=$(grep -oE "mote: SIMD targets that ran:.*" "$dir.ctest.log" | sed 's/.*ran://' | tr ' ' '\n' |
    grep -E "^[A-Z0-9_]+$" | sort -u | tr '\n' ' ')
  echo "=== mote cross: $name: Highway targets that ran: ${ran:-none}"
  # Per test program and emulated CPU, as each program reported it.
  awk '/Test +#[0-9]+: / { match($0, /#[0-9]+: [^ ]+/); s = substr($0, RSTART + 1, RLENGTH - 1);
                           split(s, f, ": "); name[f[1]] = f[2] }
       /^[0-9]+: mote: SIMD targets that ran:/ { n = $1; sub(":", "", n);
                           t = $0; sub(/.*ran: /, "", t); ran[n] = t }
       END { for (n in ran) printf "    %-28s %s\n", name[n], ran[n] }' "$dir.ctest.log" | sort
  local total_s=$((SECONDS - start))
  echo "=== mote cross: $name took ${total_s} s (build ${build_s} s, tests $((total_s - build_s)) s)"
  summary+=("$(printf '%-16s %5d s  (build %4d s)  targets: %s' "$name" "$total_s" "$build_s" "${ran:-none}")")
}

cortex_m() {
  local start=$SECONDS
  echo "=== mote cross: cortex-m"
  cmake -S ports/cortex-m -B build/mcu-host -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null ||
    return 1
  cmake --build build/mcu-host || return 1
  ctest --test-dir build/mcu-host -V >build/mcu-host.ctest.log 2>&1 ||
    { cat build/mcu-host.ctest.log; return 1; }
  grep -E "mcu_model:|tests passed" build/mcu-host.ctest.log
  local cpu
  for cpu in cortex-m4 cortex-m55; do
    cmake -S ports/cortex-m -B "build/mcu-$cpu" -G Ninja -DCMAKE_BUILD_TYPE=MinSizeRel \
      -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi.cmake" -DMOTE_MCU_CPU=$cpu \
      >/dev/null || return 1
    # Rebuilt so that arm-none-eabi-size prints the sizes (a post-build step).
    cmake --build "build/mcu-$cpu" --clean-first >"build/mcu-$cpu.build.log" 2>&1 ||
      { cat "build/mcu-$cpu.build.log"; return 1; }
    grep -A1 -E "^ +text" "build/mcu-$cpu.build.log"
    ctest --test-dir "build/mcu-$cpu" -V --timeout 300 >"build/mcu-$cpu.ctest.log" 2>&1 ||
      { cat "build/mcu-$cpu.ctest.log"; return 1; }
    grep -E "mcu_model:|tests passed|^[0-9]+: \.(text|data|bss)" "build/mcu-$cpu.ctest.log" |
      grep -v "^1: mcu_model: emulated"  # test 1 runs without -icount: no instruction count
  done
  local total_s=$((SECONDS - start))
  echo "=== mote cross: cortex-m took ${total_s} s"
  summary+=("$(printf '%-16s %5d s  targets: SCALAR (static, no libhwy)' cortex-m "$total_s")")
}

# Only hwy/ from the host's libhwy-dev for builds without a Highway package for their target.
mkdir -p build/hwy-include
ln -sfn /usr/include/hwy build/hwy-include/hwy

for stage in "${stages[@]}"; do
  case $stage in
    aarch64) cross_suite aarch64 aarch64-linux-gnu full ;;
    aarch64-dotprod)
      cross_suite aarch64-dotprod aarch64-linux-gnu simd -DMOTE_DISPATCH=STATIC \
        "-DCMAKE_CXX_FLAGS=-march=armv8.2-a+dotprod" "-DMOTE_QEMU_CPUS=a76|cortex-a76|NEON" ;;
    aarch64-i8mm)
      cross_suite aarch64-i8mm aarch64-linux-gnu simd -DMOTE_DISPATCH=STATIC \
        "-DCMAKE_CXX_FLAGS=-march=armv8.2-a+dotprod+i8mm" "-DMOTE_QEMU_CPUS=max|max|NEON" ;;
    armhf) cross_suite armhf arm-linux-gnueabihf simd ;;
    armhf-neon)
      cross_suite armhf-neon arm-linux-gnueabihf full -DMOTE_DISPATCH=STATIC \
        "-DCMAKE_CXX_FLAGS=-mfpu=neon-vfpv4 -mfp16-format=ieee -Wno-psabi" \
        "-DMOTE_QEMU_CPUS=a7|cortex-a7|NEON" ;;
    riscv64)
      cross_suite riscv64 riscv64-linux-gnu full -DMOTE_DISPATCH=STATIC \
        -DMOTE_HWY_INCLUDE_DIR="$root/build/hwy-include" -DMOTE_GTEST_SOURCE_DIR=/usr/src/googletest ;;
    cortex-m) cortex_m ;;
  esac || failed+=("$stage")
done

echo "=== mote cross: summary"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "=== mote cross: FAILED: ${failed[*]}"
  exit 1
fi
