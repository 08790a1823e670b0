# Cross build for 64-bit RISC-V Linux with Debian's cross g++; tests run under qemu-user.
# Debian 12 has no riscv64 packages (no libhwy, no libgtest), so this is the header-only
# static-dispatch build: Highway's headers from the host's libhwy-dev (exposed alone through
# MOTE_HWY_INCLUDE_DIR, never all of /usr/include), GoogleTest compiled from /usr/src/googletest
# (MOTE_GTEST_SOURCE_DIR). scripts/cross.sh passes both. See docs/platforms.md.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/riscv64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-riscv64-static -L /usr/riscv64-linux-gnu)
# Highway 1.0.3 with gcc 12 has no usable RVV target and no EMU128 (HWY_BROKEN_EMU128 for
# gcc < 12.3): the static target is SCALAR. qemu's generic rv64 CPU.
if(NOT DEFINED MOTE_QEMU_CPUS)
  set(MOTE_QEMU_CPUS "rv64|rv64|SCALAR")
endif()
