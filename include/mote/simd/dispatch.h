// Which SIMD target mote's kernels run on. Three build modes (see docs/architecture.md):
// - dynamic (default with CMake when Highway is found): every kernel is compiled for all
//   attainable targets in src/mote/dispatch.cc and the best one for the CPU is chosen at run
//   time; link mote::mote (or compile that file yourself with plain -I builds);
// - static (MOTE_STATIC_DISPATCH=1): header-only, one target chosen by the compiler flags, no
//   libhwy link; for microcontrollers and single-CPU builds;
// - none (MOTE_SIMD=0): every entry point runs the scalar reference.
#pragma once

#include <cstdint>

#include "mote/base/config.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/simd/target_hwy-inl.h"
#endif

namespace mote {

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH

// The Highway target (an HWY_* bit) that dispatch picks now, and its name ("AVX3_DL", "NEON").
std::int64_t simd_target();
const char* simd_target_name();
// Tests only: restricts dispatch to `target` (one HWY_* bit that the CPU supports), as if the
// CPU had nothing better; 0 restores the real CPU.
void force_simd_target(std::int64_t target);

#elif MOTE_SIMD  // static dispatch

inline std::int64_t simd_target() {
  return HWY_STATIC_DISPATCH(CurrentTarget)();
}
inline const char* simd_target_name() {
  return hwy::TargetName(simd_target());
}
inline void force_simd_target(std::int64_t) {}

#else  // no SIMD

inline std::int64_t simd_target() {
  return 0;
}
inline const char* simd_target_name() {
  return "none (scalar reference)";
}
inline void force_simd_target(std::int64_t) {}

#endif

}  // namespace mote
