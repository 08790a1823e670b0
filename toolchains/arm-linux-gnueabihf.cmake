# Cross build for 32-bit Arm Linux (armv7, hard float) with Debian's cross g++ and the multiarch
# :armhf packages (libhwy-dev:armhf, libgtest-dev:armhf); tests run under qemu-user.
# See docs/platforms.md.
#   cmake -S . -B build-armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-linux-gnueabihf.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
# Debian multiarch: -dev packages in /usr/lib/arm-linux-gnueabihf, headers in /usr/include (hence
# /usr in the root path), the cross libc in /usr/arm-linux-gnueabihf.
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf /usr)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# CTest runs target programs through qemu (containers rarely have binfmt_misc). No
# `-L /usr/arm-linux-gnueabihf`: that takes ld.so from the cross libc (libc6-armhf-cross)
# but libc.so.6 from the multiarch libc6:armhf that libhwy-dev:armhf installs, two
# different builds, and then the first std::thread hangs forever. Without -L both come from
# libc6:armhf.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static)
# gcc notes that the parameter passing of some std types changed in GCC 7.1 (ABI info only).
set(CMAKE_CXX_FLAGS_INIT -Wno-psabi)

# Emulated CPUs: "name|QEMU_CPU|Highway targets that must be available". Debian's libhwy1:armhf
# never reports NEON at run time (Debian bug #1033656), so dynamic dispatch has SCALAR only;
# the NEON path runs in the static-dispatch build (-mfpu=neon-vfpv4 -mfp16-format=ieee), which
# sets MOTE_QEMU_CPUS on the command line.
if(NOT DEFINED MOTE_QEMU_CPUS)
  set(MOTE_QEMU_CPUS "a7|cortex-a7|SCALAR")
endif()
