// Compile-time switches of mote (MOTE_*) and the debug-only precondition check.
#pragma once

#include <cstdio>
#include <cstdlib>

// MOTE_DEBUG: 1 turns on checked element access and MOTE_ASSERT. Defaults to on when the
// build is unoptimised and NDEBUG is not defined, like assert().
#ifndef MOTE_DEBUG
#if !defined(NDEBUG) && !defined(__OPTIMIZE__)
#define MOTE_DEBUG 1
#else
#define MOTE_DEBUG 0
#endif
#endif

// MOTE_SIMD: 0 routes every kernel entry point to its scalar reference in mote::ref.
#ifndef MOTE_SIMD
#define MOTE_SIMD 1
#endif

// MOTE_STATIC_DISPATCH: 1 compiles the SIMD kernels header-only for the single Highway target
// that the compiler flags select (no libhwy link). 0 (default) expects the dynamic-dispatch
// translation unit src/mote/dispatch.cc to be linked, as the CMake target mote::mote does.
#ifndef MOTE_STATIC_DISPATCH
#define MOTE_STATIC_DISPATCH 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MOTE_ALWAYS_INLINE inline __attribute__((always_inline))
#define MOTE_RESTRICT __restrict__
#define MOTE_LIKELY(x) __builtin_expect(!!(x), 1)
#define MOTE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define MOTE_ALWAYS_INLINE inline
#define MOTE_RESTRICT
#define MOTE_LIKELY(x) (x)
#define MOTE_UNLIKELY(x) (x)
#endif

namespace mote::detail {

[[noreturn]] inline void assert_fail(const char* file, int line, const char* expr) {
  std::fprintf(stderr, "mote: assertion failed at %s:%d: %s\n", file, line, expr);
  std::abort();
}

}  // namespace mote::detail

// A precondition past the validation boundary: checked in debug builds only, aborts with
// file:line. Runtime data from outside is validated with a Status instead, never with this.
#if MOTE_DEBUG
#define MOTE_ASSERT(cond)                   \
  (MOTE_LIKELY(cond) ? static_cast<void>(0) \
                     : ::mote::detail::assert_fail(__FILE__, __LINE__, #cond))
#else
#define MOTE_ASSERT(cond) static_cast<void>(0)
#endif
