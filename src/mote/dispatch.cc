// Dynamic dispatch: this translation unit is compiled once per Highway target (it names itself
// in HWY_TARGET_INCLUDE), and under HWY_ONCE defines mote's non-template entry points, each
// calling the best target of the CPU. CMake builds it into mote::mote; with plain -I builds,
// compile it with -I include -I src.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "mote/dispatch.cc"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include "mote/kernels/gemm/gemm_hwy-inl.h"
#include "mote/simd/target_hwy-inl.h"
// Depthwise, pooling, add and activations.
#include "mote/kernels/activation/clamp_hwy-inl.h"
#include "mote/kernels/activation/lookup_hwy-inl.h"
#include "mote/kernels/depthwise/depthwise_hwy-inl.h"
#include "mote/kernels/eltwise/add_hwy-inl.h"
#include "mote/kernels/pool/pool_hwy-inl.h"

#if HWY_ONCE
#include "mote/kernels/gemm/gemm.h"
#include "mote/simd/dispatch.h"
// Depthwise, pooling, add and activations.
#include "mote/kernels/activation/clamp.h"
#include "mote/kernels/activation/lookup.h"
#include "mote/kernels/depthwise/depthwise.h"
#include "mote/kernels/eltwise/add.h"
#include "mote/kernels/pool/avg_pool.h"
#include "mote/kernels/pool/max_pool.h"
#include "mote/kernels/pool/mean.h"

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
HWY_EXPORT(clamp_s8);
HWY_EXPORT(lookup_s8);
HWY_EXPORT(add_s8_double);
HWY_EXPORT(add_s8_single);
HWY_EXPORT(max_pool_s8);
HWY_EXPORT(avg_pool_s8);
HWY_EXPORT(mean_s8_double);
HWY_EXPORT(mean_s8_single);
namespace detail {
void clamp_s8(const std::int8_t* in, std::int8_t* out, std::size_t count, std::int32_t lo,
              std::int32_t hi) {
  HWY_DYNAMIC_DISPATCH(clamp_s8)(in, out, count, lo, hi);
}
void lookup_s8(const std::int8_t* in, std::int8_t* out, std::size_t count,
               const std::int8_t* table) {
  HWY_DYNAMIC_DISPATCH(lookup_s8)(in, out, count, table);
}
void add_s8_double(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t count,
                   const ref::AddParams& p) {
  HWY_DYNAMIC_DISPATCH(add_s8_double)(a, b, out, count, p);
}
void add_s8_single(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t count,
                   const ref::AddParams& p) {
  HWY_DYNAMIC_DISPATCH(add_s8_single)(a, b, out, count, p);
}
void max_pool_s8(const PoolArgs& args) {
  HWY_DYNAMIC_DISPATCH(max_pool_s8)(args);
}
void avg_pool_s8(const PoolArgs& args) {
  HWY_DYNAMIC_DISPATCH(avg_pool_s8)(args);
}
void mean_s8_double(const std::int8_t* in, std::int8_t* out, std::size_t batch,
                    std::size_t channels, const ref::MeanParams& p) {
  HWY_DYNAMIC_DISPATCH(mean_s8_double)(in, out, batch, channels, p);
}
void mean_s8_single(const std::int8_t* in, std::int8_t* out, std::size_t batch,
                    std::size_t channels, const ref::MeanParams& p) {
  HWY_DYNAMIC_DISPATCH(mean_s8_single)(in, out, batch, channels, p);
}
}  // namespace detail

HWY_EXPORT(GemmS8Rows);

void detail::gemm_s8_rows(const GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                          std::size_t p_begin, std::size_t p_end) {
  HWY_DYNAMIC_DISPATCH(GemmS8Rows)(args, m_begin, m_end, p_begin, p_end);
}

}  // namespace mote
#endif  // HWY_ONCE
