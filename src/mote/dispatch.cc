// Dynamic dispatch: this translation unit is compiled once per Highway target (it names itself
// in HWY_TARGET_INCLUDE), and under HWY_ONCE defines mote's non-template entry points, each
// calling the best target of the CPU. CMake builds it into mote::mote; with plain -I builds,
// compile it with -I include -I src.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "mote/dispatch.cc"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include "mote/simd/target_hwy-inl.h"
#include "mote/kernels/gemm/gemm_hwy-inl.h"
// Depthwise, pooling, add and activations.
#include "mote/kernels/depthwise/depthwise_hwy-inl.h"

#if HWY_ONCE
#include "mote/simd/dispatch.h"
#include "mote/kernels/gemm/gemm.h"
// Depthwise, pooling, add and activations.
#include "mote/kernels/depthwise/depthwise.h"

namespace mote {

HWY_EXPORT(CurrentTarget);

std::int64_t simd_target() {
  return HWY_DYNAMIC_DISPATCH(CurrentTarget)();
}
const char* simd_target_name() {
  return hwy::TargetName(simd_target());
}

void force_simd_target(std::int64_t target) {
  hwy::SetSupportedTargetsForTest(target);
  // Highway 1.0.3 re-initialises dispatch lazily without SVE_256/SVE2_128 after the call
  // above; updating the chosen target explicitly keeps every compiled target reachable.
  hwy::GetChosenTarget().Update(hwy::SupportedTargets());
}

// Depthwise, pooling, add and activations: one table and one wrapper per entry point.
HWY_EXPORT(depthwise_conv2d_s8_double);
HWY_EXPORT(depthwise_conv2d_s8_single);
namespace detail {
void depthwise_conv2d_s8_double(const DepthwiseArgs& args, std::size_t row_begin,
                                std::size_t row_end) {
  HWY_DYNAMIC_DISPATCH(depthwise_conv2d_s8_double)(args, row_begin, row_end);
}
void depthwise_conv2d_s8_single(const DepthwiseArgs& args, std::size_t row_begin,
                                std::size_t row_end) {
  HWY_DYNAMIC_DISPATCH(depthwise_conv2d_s8_single)(args, row_begin, row_end);
}
}  // namespace detail

HWY_EXPORT(GemmS8Rows);

void detail::gemm_s8_rows(const GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                          std::size_t p_begin, std::size_t p_end) {
  HWY_DYNAMIC_DISPATCH(GemmS8Rows)(args, m_begin, m_end, p_begin, p_end);
}

}  // namespace mote
#endif  // HWY_ONCE
