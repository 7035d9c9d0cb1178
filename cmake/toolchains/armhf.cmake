# Cross build for the PYNQ-Z2's Cortex-A9 (armhf) with Debian's crossbuild-essential-armhf.
#   bash scripts/setup.sh --armhf                 # cross compiler, qemu-user, armhf libs (multiarch)
#   cmake --preset armhf && cmake --build build-armhf -j2 && ctest --test-dir build-armhf -L armhf
# The binary is linked statically: Debian 12's glibc is 2.36, PYNQ v2.7 (Ubuntu 20.04) has 2.31
# and v3.x (Ubuntu 22.04) 2.35, and a static binary needs none of them (checked by the
# `armhf_glibc` test). Tests run under qemu-arm -cpu cortex-a9 (CMAKE_CROSSCOMPILING_EMULATOR).
# Libraries (OpenBLAS, zlib, GoogleTest) are Debian's armhf packages in /usr/lib/arm-linux-gnueabihf.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)

set(_tp_triple arm-linux-gnueabihf)
find_program(CMAKE_C_COMPILER ${_tp_triple}-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER ${_tp_triple}-g++ REQUIRED)

# XC7Z020 PS: Cortex-A9 with NEON (VFPv3 + Advanced SIMD), hard-float ABI.
set(_tp_cpu "-mcpu=cortex-a9 -mfpu=neon -mfloat-abi=hard")
# GCC notes that the AAPCS passing of some STL iterators changed in GCC 7.1: informational for
# code that is compiled and linked as one static binary.
set(_tp_cpu "${_tp_cpu} -Wno-psabi")
set(CMAKE_C_FLAGS_INIT "${_tp_cpu}")
set(CMAKE_CXX_FLAGS_INIT "${_tp_cpu}")
# -static: no run-time dependency on the image's glibc, libstdc++ or libopenblas.
# noexecstack: OpenBLAS's ARM assembly objects lack the .note.GNU-stack section.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -pthread -Wl,-z,noexecstack")

# Only the armhf libraries and headers; host programs (tclsh, qemu) are still found on the host.
set(CMAKE_FIND_ROOT_PATH /usr/${_tp_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# A static link cannot use a .so: the top-level CMakeLists.txt looks for .a archives only when
# TINYPYNQ_STATIC_LINK is set (CMake's platform files reset CMAKE_FIND_LIBRARY_SUFFIXES after
# the toolchain file), FindZLIB through ZLIB_USE_STATIC_LIBS.
set(TINYPYNQ_STATIC_LINK ON CACHE BOOL "link executables statically, find .a libraries only")
set(ZLIB_USE_STATIC_LIBS ON)

find_program(TINYPYNQ_QEMU_ARM qemu-arm)
if(TINYPYNQ_QEMU_ARM)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${TINYPYNQ_QEMU_ARM};-cpu;cortex-a9" CACHE STRING "runs armhf test binaries")
endif()
