// The int8 GEMM on NEON with the dot-product extension (sdot) and, where the compiler flags
// enable i8mm, the 2x8x2 matrix multiply-accumulate (smmla) for row pairs; scalar epilogue.
// Builds whose flags enable dotprod (static dispatch, -march=armv8.2-a+dotprod) always take it;
// the NEON target of a dynamic-dispatch aarch64 build (plain armv8-a) compiles the sdot kernel
// with a function-level target and takes it when the CPU reports ASIMDDP (Linux, Android).
#if defined(MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
#undef MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
#else
#define MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/kernels/gemm/gemm_common_hwy-inl.h"

#undef MOTE_GEMM_SDOT
#if HWY_TARGET == HWY_NEON && HWY_ARCH_ARM_A64 && \
    (defined(__ARM_FEATURE_DOTPROD) || (defined(__linux__) && defined(__GNUC__)))
#define MOTE_GEMM_SDOT 1
#else
#define MOTE_GEMM_SDOT 0
#endif

#if MOTE_GEMM_SDOT
#include <arm_neon.h>
#if !defined(__ARM_FEATURE_DOTPROD)
#include <sys/auxv.h>
#endif
#endif

#if MOTE_GEMM_SDOT

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {

#if defined(__ARM_FEATURE_DOTPROD)
#define MOTE_GEMM_SDOT_TARGET
inline bool GemmCpuHasSdot() {
  return true;
}
#else
// arm_neon.h defines vdotq_s32 for armv8.2-a+dotprod; +crypto keeps the NEON target's own
// extension, so that helpers compiled for the target still inline here.
#define MOTE_GEMM_SDOT_TARGET __attribute__((target("arch=armv8.2-a+dotprod+crypto")))
// HWCAP_ASIMDDP (bit 20 of AT_HWCAP on aarch64 Linux), read once.
inline bool GemmCpuHasSdot() {
  static const bool has = (getauxval(AT_HWCAP) & (1ul << 20)) != 0;
  return has;
}
#endif

// One panel's 16 int32 accumulators to C row m through the scalar epilogue.
inline void GemmStoreRowSdot(const detail::GemmArgs& args, const std::int32_t* out, std::size_t m,
                             std::size_t col0, std::size_t cols) {
  std::int8_t* c = args.c + m * args.c_stride + col0;
  for (std::size_t j = 0; j < cols; ++j) c[j] = detail::gemm_output(args, out[j], col0 + j);
}

#if defined(__ARM_FEATURE_MATMUL_INT8)
// smmla: acc (2x2 int32: r0c0 r0c1 r1c0 r1c1) += a (2 rows x 8 bytes) . b (2 columns x 8 bytes).
// Two depth groups of the packed layout hold, for columns 4c .. 4c + 3, four bytes each; zipping
// their 32-bit lanes gives columns (4c, 4c + 1) and (4c + 2, 4c + 3) with eight bytes each, the
// b operand. Rows m and m + 1 of one panel: eight accumulators (column pairs), four smmla per
// pair of zipped loads. An odd last group pairs with zero weights.
inline void GemmRowPairSmmla(const detail::GemmArgs& args, const std::int8_t* b, std::size_t m,
                             std::size_t col0, std::size_t cols, const int32x4_t* init) {
  const std::size_t groups = args.b.k / kGemmDepthGroup;
  const std::size_t tail = args.b.k % kGemmDepthGroup;
  const std::size_t steps = groups + (tail != 0 ? 1 : 0);
  const std::int8_t* a0 = args.a + m * args.a_stride;
  const std::int8_t* a1 = a0 + args.a_stride;
  int32x4_t acc[8];
#pragma GCC unroll 64
  for (int q = 0; q < 8; ++q) acc[q] = init[q];
  for (std::size_t g = 0; g < steps; g += 2) {
    // Eight bytes of each row (fewer at the end of K; the rest read as zero).
    const std::size_t count0 = g < groups ? kGemmDepthGroup : tail;
    const std::size_t count1 = g + 1 < groups ? kGemmDepthGroup : (g + 1 == groups ? tail : 0);
    const auto row = [&](const std::int8_t* a) {
      const std::uint64_t lo = GemmLoadA4(a + g * 4, count0);
      const std::uint64_t hi = count1 != 0 ? GemmLoadA4(a + g * 4 + 4, count1) : 0;
      return vcreate_s8(lo | hi << 32);
    };
    const int8x16_t x = vcombine_s8(row(a0), row(a1));
    const std::int8_t* w0 = b + g * kGemmDepthGroup * kGemmPanelColumns;
    const bool has1 = g + 1 < steps;
#pragma GCC unroll 64
    for (int c = 0; c < 4; ++c) {
      const uint32x4_t v0 = vreinterpretq_u32_s8(vld1q_s8(w0 + 16 * c));
      const uint32x4_t v1 =
          has1 ? vreinterpretq_u32_s8(vld1q_s8(w0 + 64 + 16 * c)) : vdupq_n_u32(0);
      acc[2 * c] = vmmlaq_s32(acc[2 * c], x, vreinterpretq_s8_u32(vzip1q_u32(v0, v1)));
      acc[2 * c + 1] = vmmlaq_s32(acc[2 * c + 1], x, vreinterpretq_s8_u32(vzip2q_u32(v0, v1)));
    }
  }
  // Accumulator q holds columns 2q, 2q + 1 of row 0 (low half) and row 1 (high half).
  alignas(16) std::int32_t out0[16], out1[16];
#pragma GCC unroll 64
  for (int q = 0; q < 8; q += 2) {
    vst1q_s32(out0 + 2 * q, vcombine_s32(vget_low_s32(acc[q]), vget_low_s32(acc[q + 1])));
    vst1q_s32(out1 + 2 * q, vcombine_s32(vget_high_s32(acc[q]), vget_high_s32(acc[q + 1])));
  }
  GemmStoreRowSdot(args, out0, m, col0, cols);
  GemmStoreRowSdot(args, out1, m + 1, col0, cols);
}
#endif

// ------------------------------------------------------------------------------------------
// NEON with the dot-product extension: sdot multiplies signed by signed bytes, four per int32
// lane, exactly the packed layout; activations stay signed and the accumulator starts at
// bias + 128 * column_sum. Scalar epilogue. With i8mm, row pairs take smmla (twice the products
// per instruction) and an odd last row sdot.
MOTE_GEMM_SDOT_TARGET inline void GemmRowsSdot(const detail::GemmArgs& args, std::size_t m_begin,
                                               std::size_t m_end, std::size_t p_begin,
                                               std::size_t p_end) {
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
    std::size_t m = m_begin;
#if defined(__ARM_FEATURE_MATMUL_INT8)
    int32x4_t init2[8];  // column pairs, for both rows of a pair
#pragma GCC unroll 64
    for (int q = 0; q < 8; ++q) {
      const int32x2_t v = vadd_s32(vld1_s32(args.b.bias + col0 + 2 * q),
                                   vshl_n_s32(vld1_s32(args.b.column_sums + col0 + 2 * q), 7));
      init2[q] = vcombine_s32(v, v);
    }
    for (; m + 2 <= m_end; m += 2) GemmRowPairSmmla(args, b, m, col0, cols, init2);
#endif
    for (; m < m_end; ++m) {
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
      GemmStoreRowSdot(args, out, m, col0, cols);
    }
  }
}

inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  if (GemmCpuHasSdot()) {
    GemmRowsSdot(args, m_begin, m_end, p_begin, p_end);
  } else {
    GemmRowsGeneric(args, m_begin, m_end, p_begin, p_end);
  }
}
#undef MOTE_GEMM_SDOT_TARGET

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_GEMM_SDOT

#endif  // MOTE_KERNELS_GEMM_GEMM_SDOT_HWY_INL_H_
