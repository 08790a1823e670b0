// Per-target: the Highway target this code was compiled for, so that callers can tell which
// target dispatch chose.
#if defined(MOTE_SIMD_TARGET_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_SIMD_TARGET_HWY_INL_H_
#undef MOTE_SIMD_TARGET_HWY_INL_H_
#else
#define MOTE_SIMD_TARGET_HWY_INL_H_
#endif

#include <cstdint>

#include "mote/simd/hwy.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {

inline std::int64_t CurrentTarget() {
  return HWY_TARGET;
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_SIMD_TARGET_HWY_INL_H_
