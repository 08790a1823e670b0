// The int8 GEMM on NEON with the dot-product extension (sdot), scalar epilogue.
#if defined(MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
#undef MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
#else
#define MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/kernels/gemm/gemm_common_hwy-inl.h"

#if HWY_TARGET == HWY_NEON && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>
#endif

#if HWY_TARGET == HWY_NEON && defined(__ARM_FEATURE_DOTPROD)

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {

// ------------------------------------------------------------------------------------------
// NEON with the dot-product extension: sdot multiplies signed by signed bytes, four per int32
// lane, exactly the packed layout; activations stay signed and the accumulator starts at
// bias + 128 * column_sum. Scalar epilogue.
inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  const std::size_t depth = args.b.packed_depth();
  const std::size_t groups = args.b.k / kGemmDepthGroup;
  const std::size_t tail = args.b.k % kGemmDepthGroup;
  const std::size_t steps = groups + (tail != 0 ? 1 : 0);
  for (std::size_t p = p_begin; p < p_end; ++p) {
    const std::int8_t* b = args.b.weights + p * depth * kGemmPanelColumns;
    const std::size_t col0 = p * kGemmPanelColumns;
    const std::size_t left = args.b.n - col0;
    const std::size_t cols = left < kGemmPanelColumns ? left : kGemmPanelColumns;
    int32x4_t init[4];
#pragma GCC unroll 64
    for (int q = 0; q < 4; ++q) {
      init[q] = vaddq_s32(vld1q_s32(args.b.bias + col0 + 4 * q),
                          vshlq_n_s32(vld1q_s32(args.b.column_sums + col0 + 4 * q), 7));
    }
    for (std::size_t m = m_begin; m < m_end; ++m) {
      const std::int8_t* a = args.a + m * args.a_stride;
      int32x4_t acc[4] = {init[0], init[1], init[2], init[3]};
      for (std::size_t g = 0; g < steps; ++g) {
        const std::size_t count = g < groups ? kGemmDepthGroup : tail;
        const int8x16_t x = vreinterpretq_s8_u32(vdupq_n_u32(GemmLoadA4(a + g * 4, count)));
        const std::int8_t* w = b + g * kGemmDepthGroup * kGemmPanelColumns;
#pragma GCC unroll 64
        for (int q = 0; q < 4; ++q) acc[q] = vdotq_s32(acc[q], vld1q_s8(w + 16 * q), x);
      }
      alignas(16) std::int32_t out[16];
#pragma GCC unroll 64
      for (int q = 0; q < 4; ++q) vst1q_s32(out + 4 * q, acc[q]);
      std::int8_t* c = args.c + m * args.c_stride + col0;
      for (std::size_t j = 0; j < cols; ++j) c[j] = detail::gemm_output(args, out[j], col0 + j);
    }
  }
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // HWY_TARGET == HWY_NEON && defined(__ARM_FEATURE_DOTPROD)

#endif  // MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
