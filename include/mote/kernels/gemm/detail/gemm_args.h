// What crosses the dispatch boundary of the int8 GEMM: pointers, strides and parameters (no
// vectors, no templates), and the per-column requantization constants the SIMD epilogues use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "mote/kernels/gemm/gemm_pack.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/requantize.h"

namespace mote::detail {

// C[m][n] for rows m of A (row m at a + m * a_stride) and packed B, output row m at
// c + m * c_stride; the epilogue of OutputStage with the bias already folded into b.bias.
struct GemmArgs {
  const std::int8_t* a = nullptr;
  std::size_t a_stride = 0;
  PackedGemmWeights b{};
  std::int8_t* c = nullptr;
  std::size_t c_stride = 0;
  const QuantizedMultiplier* multipliers = nullptr;
  bool per_channel = false;
  Rounding rounding = Rounding::kDouble;
  std::int32_t zero_point = 0;
  std::int32_t clamp_min = -128;
  std::int32_t clamp_max = 127;
  // Set by gemm_epilogue_flags: whether every multiplier has shift <= 0 (then the vector
  // epilogue below applies; otherwise kernels requantize in scalar code), whether some column
  // needs the negative-tie correction, and whether some column has total shift 31.
  bool vector_epilogue = false;
  bool tie_correction = false;
  bool shift31 = false;
  // Double rounding with every shift in [-31, -1] and |x| < 2^30 (b.max_abs_accumulator): the
  // epilogue may double x and round in 32 bits (see gemm_vnni_hwy-inl.h).
  bool doubled = false;
  // doubled, and every r <= 23: the AVX3_DL epilogue adds the output zero point inside the
  // rounding (zero_point * 2^r in its nudge): for |y| < 2^30 and zero points in [-128, 127],
  // y + 2^(r-1) + zero_point * 2^r stays in int32 while 255 * 2^(r-1) <= 2^30.
  bool zero_point_in_nudge = false;
  // A plan of plan_gemm_float_epilogue (per column when per_channel), or null: targets with a
  // float epilogue (AVX3_DL) may use it, every other one keeps the integer epilogue; the bytes
  // are the same.
  const float* float_scale = nullptr;
  const float* float_offset = nullptr;
  const float* float_offset_negative = nullptr;
};

// Requantization of x (int32, bias included) for one column as one rounding of a 64-bit
// product, valid when the multiplier's shift is <= 0 (see docs/performance.md):
//   z = x * multiplier                                     (|z| < 2^62)
//   out = floor((z + add - (z < threshold ? 2^31 : 0)) / 2^shift)
// Double rounding, r = -shift in [0, 31]: SRDHM(x, m) = floor((z + 2^30) / 2^31) (ties up),
// then RDBP(y, r) = floor((y + 2^(r-1) - [y < 0]) / 2^r) (ties away from zero); nested floors
// of integers merge, floor((floor(u / p) + c) / q) = floor((u + c p) / (p q)), so
//   add = 2^30 + 2^(30 + r), threshold = -2^30 (y < 0 <=> z < -2^30), shift = 31 + r  (r >= 1)
//   add = 2^30, no correction, shift = 31                                             (r = 0)
// Single rounding, s = 31 - shift in [31, 62]: add = 2^(s - 1), no correction, shift = s.
// The result fits int32 in both cases.
struct ColumnRequant {
  std::int32_t multiplier = 0;
  std::int64_t add = 0;
  std::int64_t threshold = std::numeric_limits<std::int64_t>::min();  // none
  int shift = 31;
};

constexpr ColumnRequant column_requant(QuantizedMultiplier q, Rounding rounding) {
  ColumnRequant c;
  c.multiplier = q.multiplier;
  if (rounding == Rounding::kDouble) {
    const int r = -q.shift;
    c.add = (std::int64_t{1} << 30) + (r >= 1 ? std::int64_t{1} << (30 + r) : 0);
    if (r >= 1) c.threshold = -(std::int64_t{1} << 30);
    c.shift = 31 + r;
  } else {
    c.shift = 31 - q.shift;
    c.add = std::int64_t{1} << (c.shift - 1);
  }
  return c;
}

// The int32 result of column_requant's formula (the scalar twin of the vector epilogues).
constexpr std::int32_t apply_column_requant(std::int32_t x, const ColumnRequant& c) {
  const std::int64_t z = std::int64_t{x} * c.multiplier;
  const std::int64_t u = z + c.add - (z < c.threshold ? (std::int64_t{1} << 31) : 0);
  return static_cast<std::int32_t>(u >> c.shift);  // arithmetic shift: floor
}

// Fills the epilogue flags of `args` from its multipliers (N entries or one).
inline void gemm_epilogue_flags(GemmArgs& args) {
  const std::size_t count = args.per_channel ? args.b.n : 1;
  args.vector_epilogue = true;
  args.tie_correction = false;
  args.shift31 = false;
  int max_right_shift = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const QuantizedMultiplier q = args.multipliers[i];
    if (q.shift > 0) args.vector_epilogue = false;
    if (q.shift == 0) args.shift31 = true;
    if (args.rounding == Rounding::kDouble && q.shift < 0) args.tie_correction = true;
    if (-q.shift > max_right_shift) max_right_shift = -q.shift;
  }
  args.doubled = args.rounding == Rounding::kDouble && args.vector_epilogue && !args.shift31 &&
                 args.b.max_abs_accumulator < (std::int64_t{1} << 30);
  args.zero_point_in_nudge = args.doubled && max_right_shift <= 23;
}

// One output element from its int32 accumulator (packed bias included): the scalar epilogue,
// OutputStage::apply without the bias.
inline std::int8_t gemm_output(const GemmArgs& args, std::int32_t x, std::size_t n) {
  const QuantizedMultiplier q = args.multipliers[args.per_channel ? n : 0];
  if (args.rounding == Rounding::kDouble) {
    return requantize<Rounding::kDouble, std::int8_t>(x, q, args.zero_point, args.clamp_min,
                                                      args.clamp_max);
  }
  return requantize<Rounding::kSingle, std::int8_t>(x, q, args.zero_point, args.clamp_min,
                                                    args.clamp_max);
}

// The scalar kernel over the packed layout: rows [m_begin, m_end), panels [p_begin, p_end).
// MOTE_SIMD=0 builds use it; SIMD kernels are tested against mote::ref::gemm directly.
inline void gemm_rows_scalar(const GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                             std::size_t p_begin, std::size_t p_end) {
  const std::size_t depth = args.b.packed_depth();
  for (std::size_t m = m_begin; m < m_end; ++m) {
    const std::int8_t* a = args.a + m * args.a_stride;
    for (std::size_t n = p_begin * kGemmPanelColumns; n < p_end * kGemmPanelColumns && n < args.b.n;
         ++n) {
      const std::int8_t* w = args.b.weights + (n / kGemmPanelColumns) * depth * kGemmPanelColumns +
                             (n % kGemmPanelColumns) * kGemmDepthGroup;
      std::uint32_t acc = static_cast<std::uint32_t>(args.b.bias[n]);
      for (std::size_t k = 0; k < args.b.k; ++k) {
        const std::int32_t flipped = std::int32_t{a[k]} + 128;  // a ^ 0x80 as uint8
        acc += static_cast<std::uint32_t>(
            flipped *
            w[(k / kGemmDepthGroup) * kGemmDepthGroup * kGemmPanelColumns + k % kGemmDepthGroup]);
      }
      args.c[m * args.c_stride + n] = gemm_output(args, static_cast<std::int32_t>(acc), n);
    }
  }
}

}  // namespace mote::detail
