# Cross build for 64-bit Arm Linux with Debian's cross g++ and the multiarch :arm64 packages
# (libhwy-dev:arm64, libgtest-dev:arm64); tests run under qemu-user. See docs/platforms.md.
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Debian multiarch: -dev packages in /usr/lib/aarch64-linux-gnu, headers in /usr/include (hence
# /usr in the root path), the cross libc in /usr/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# CTest runs target programs through qemu (containers rarely have binfmt_misc). No
# `-L /usr/aarch64-linux-gnu`: that takes ld.so from the cross libc (libc6-arm64-cross)
# but libc.so.6 from the multiarch libc6:arm64 that libhwy-dev:arm64 installs, two
# different builds, and then the first std::thread hangs forever. Without -L both come from
# libc6:arm64.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)

# Emulated CPUs for the per-target tests: "name|QEMU_CPU|Highway targets that must be
# available[|test areas, a regex]". tests/CMakeLists.txt adds one CTest entry per CPU and test
# program, with QEMU_CPU and MOTE_EXPECT_TARGETS set, so a wrong CPU cannot pass by running fewer
# targets (Highway 1.0.3, HWY_COMPILE_ALL_ATTAINABLE; SVE_256 needs a 256-bit and SVE2_128 a
# 128-bit vector length). The whole suite runs on `max` (its per-target tests run SVE2, SVE, NEON
# and SCALAR in one process); the other CPUs run the areas with SIMD code paths, to keep the
# emulated time in CI's budget. Static-dispatch builds set MOTE_QEMU_CPUS on the command line.
if(NOT DEFINED MOTE_QEMU_CPUS)
  set(MOTE_QEMU_CPUS
    "max|max|SVE2 SVE NEON SCALAR"
    "a72|cortex-a72|NEON SCALAR|simd|kernels|models"
    "sve256|a64fx,sve-default-vector-length=32|SVE_256 SVE NEON SCALAR|simd|kernels|models"
    "max128|max,sve-default-vector-length=16|SVE2_128 SVE2 SVE NEON SCALAR|simd|kernels|models")
endif()
