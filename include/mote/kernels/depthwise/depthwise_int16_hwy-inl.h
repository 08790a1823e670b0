// Per-target int8 depthwise convolution for AVX2 and AVX3 (x86 without AVX-512 VNNI): taps in
// pairs through vpmaddwd on int8 values sign-extended to int16, exact (|x|, |w| <= 128, so a pair
// sums to at most 2^15 and never saturates; vpmaddubsw would). Bit-exact with
// mote::ref::depthwise_conv2d; docs/performance.md, "Depthwise kernels".
#if defined(MOTE_KERNELS_DEPTHWISE_DEPTHWISE_INT16_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_DEPTHWISE_DEPTHWISE_INT16_HWY_INL_H_
#undef MOTE_KERNELS_DEPTHWISE_DEPTHWISE_INT16_HWY_INL_H_
#else
#define MOTE_KERNELS_DEPTHWISE_DEPTHWISE_INT16_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/kernels/depthwise/depthwise_args.h"
#include "mote/quant/requantize.h"
#include "mote/simd/hwy.h"
#include "mote/simd/requantize_hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
namespace depthwise_detail {

#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3

// Double rounding in one 64-bit step for lanes whose right shift e >= 1 and |x| < 2^30 (the
// kDoubled path of DoubleRounding16 in depthwise_hwy-inl.h, in Highway ops): z = 2 x M is exact,
// the high half of z + 2^31 + 2^(e-1) 2^32 is SRDHM(x, M) + 2^(e-1), and adding x's sign bit
// before the arithmetic shift by e gives RoundingDivideByPOT (ties away from zero).
template <class D32>
struct OneStepRounding {
  using D64 = hn::Repartition<std::int64_t, D32>;
  hn::Vec<D32> multiplier;          // even lanes read by MulEven
  hn::Vec<D32> multiplier_swapped;  // odd lanes moved to even
  hn::Vec<D64> nudge_even;          // 2^31 + 2^(e-1) 2^32 of each even lane's e
  hn::Vec<D64> nudge_odd;
  hn::Vec<D32> right_shift;

  void init(D32 d, const std::int32_t* multipliers, const std::int32_t* shifts) {
    constexpr std::size_t kMax = hn::MaxLanes(D32());
    HWY_ALIGN std::int64_t even[kMax / 2 + 1];
    HWY_ALIGN std::int64_t odd[kMax / 2 + 1];
    HWY_ALIGN std::int32_t right[kMax];
    const std::size_t lanes = hn::Lanes(d);
    for (std::size_t i = 0; i < lanes; ++i) {
      right[i] = -shifts[i];
      const std::int64_t nudge = (std::int64_t{1} << 31) + (std::int64_t{1} << (31 + right[i]));
      if (i % 2 == 0) {
        even[i / 2] = nudge;
      } else {
        odd[i / 2] = nudge;
      }
    }
    const D64 d64;
    multiplier = hn::Load(d, multipliers);
    multiplier_swapped = hn::Shuffle2301(multiplier);
    nudge_even = hn::Load(d64, even);
    nudge_odd = hn::Load(d64, odd);
    right_shift = hn::Load(d, right);
  }

  HWY_INLINE hn::Vec<D32> apply(D32 d, hn::Vec<D32> x) const {
    const auto x2 = hn::Add(x, x);
    const auto even = hn::Add(hn::MulEven(x2, multiplier), nudge_even);
    const auto odd = hn::Add(hn::MulEven(hn::Shuffle2301(x2), multiplier_swapped), nudge_odd);
    const auto high = hn::OddEven(hn::BitCast(d, odd), hn::Shuffle2301(hn::BitCast(d, even)));
    return hn::Add(high, hn::ShiftRight<31>(x)) >> right_shift;
  }
};

// Channels go in groups of G = 2 x (int32 lanes): 16 on AVX2, 32 on AVX3. For taps t and t + 1,
// InterleaveLower / InterleaveUpper of their int16 inputs put (x_t[c], x_t+1[c]) side by side,
// and vpmaddwd against the weights interleaved the same way gives x_t w_t + x_t+1 w_t+1 in one
// int32 lane per channel. The interleaves work inside 128-bit blocks, so the "lower" int32 lanes
// hold channels 8k + 0..3 of block k and the "upper" ones 8k + 4..7; biases and multipliers are
// loaded in that order, and the saturating pack of (lower, upper), also per block, puts the
// results back in channel order. Taps outside the image read bytes of the input zero point, and
// the zero point folds into the bias (all int32, wrapping like the reference):
//   acc = bias - zp * sum(w) + sum over all taps x * w.
// Channels [c_begin, c_end), a whole number of groups of D32; output rows in bands of 8, the
// groups inside a band (the band's input rows stay in cache while every group reads them).
// kTaps: the window's tap count when known at compile time (3x3), else 0.
template <Rounding R, int kTaps, class D32>
void rows_int16_taps(D32 d32, const detail::DepthwiseArgs& a, std::size_t row_begin,
                     std::size_t row_end, std::size_t c_begin, std::size_t c_end) {
  constexpr std::size_t kBandRows = 8;
  constexpr int kMaxTaps = 25;
  constexpr int kMaxPairs = (kMaxTaps + 1) / 2;
  const hn::Repartition<std::int16_t, D32> d16;
  const hn::Rebind<std::int8_t, decltype(d16)> d8;
  constexpr std::size_t kMaxGroup = hn::MaxLanes(decltype(d16)());
  const std::size_t lanes = hn::Lanes(d32);
  const std::size_t group = hn::Lanes(d16);
  const std::size_t channels = a.channels;
  const int taps = kTaps != 0 ? kTaps : a.kernel_h * a.kernel_w;
  const int pairs = (taps + 1) / 2;

  HWY_ALIGN std::int16_t weights[kMaxPairs][2][kMaxGroup];
  HWY_ALIGN std::int32_t lane_bias[2][kMaxGroup / 2];
  HWY_ALIGN std::int32_t lane_multiplier[2][kMaxGroup / 2];
  HWY_ALIGN std::int32_t lane_shift[2][kMaxGroup / 2];
  HWY_ALIGN std::int8_t pad_bytes[kMaxGroup];
  for (std::int8_t& b : pad_bytes) b = static_cast<std::int8_t>(a.input_zero_point);
  std::ptrdiff_t tap_offset[kMaxTaps];
  for (int ky = 0; ky < a.kernel_h; ++ky) {
    for (int kx = 0; kx < a.kernel_w; ++kx) {
      tap_offset[ky * a.kernel_w + kx] =
          (static_cast<std::ptrdiff_t>(ky) * a.dilation_h * static_cast<std::ptrdiff_t>(a.in_w) +
           static_cast<std::ptrdiff_t>(kx) * a.dilation_w) *
          static_cast<std::ptrdiff_t>(channels);
    }
  }
  // Output columns whose window lies inside the image width: [ox_lo, ox_hi).
  const std::int64_t span_w = std::int64_t{a.kernel_w - 1} * a.dilation_w;
  const auto in_h = static_cast<std::int64_t>(a.in_h);
  const auto in_w = static_cast<std::int64_t>(a.in_w);
  std::size_t ox_lo = 0;
  while (ox_lo < a.out_w && static_cast<std::int64_t>(ox_lo) * a.stride_w - a.pad_left < 0) {
    ++ox_lo;
  }
  std::size_t ox_hi = ox_lo;
  while (ox_hi < a.out_w &&
         static_cast<std::int64_t>(ox_hi) * a.stride_w - a.pad_left + span_w < in_w) {
    ++ox_hi;
  }
  const auto zp_in = hn::Set(d32, a.input_zero_point);
  const auto zp_out = hn::Set(d32, a.output_zero_point);
  const auto lo = hn::Set(d32, a.clamp_min);
  const auto hi = hn::Set(d32, a.clamp_max);
  const auto lo8 = hn::Set(d8, static_cast<std::int8_t>(a.clamp_min));
  const auto hi8 = hn::Set(d8, static_cast<std::int8_t>(a.clamp_max));
  const bool clamps = a.clamp_min > -128 || a.clamp_max < 127;
  const auto ones = hn::Set(d16, std::int16_t{1});

  for (std::size_t band = row_begin; band < row_end; band += kBandRows) {
    const std::size_t band_end = row_end - band < kBandRows ? row_end : band + kBandRows;
    for (std::size_t c = c_begin; c < c_end; c += group) {
      // Weights of the pairs, interleaved; biases and multipliers in the lanes' channel order.
      auto weight_sum_lower = hn::Zero(d32);
      auto weight_sum_upper = hn::Zero(d32);
      for (int p = 0; p < pairs; ++p) {
        const auto first = hn::PromoteTo(
            d16, hn::LoadU(d8, a.filter + static_cast<std::size_t>(2 * p) * channels + c));
        const auto second =
            2 * p + 1 < taps
                ? hn::PromoteTo(
                      d16,
                      hn::LoadU(d8, a.filter + static_cast<std::size_t>(2 * p + 1) * channels + c))
                : hn::Zero(d16);
        const auto lower = hn::InterleaveLower(d16, first, second);
        const auto upper = hn::InterleaveUpper(d16, first, second);
        hn::Store(lower, d16, weights[p][0]);
        hn::Store(upper, d16, weights[p][1]);
        auto unused = hn::Zero(d32);
        weight_sum_lower =
            hn::ReorderWidenMulAccumulate(d32, lower, ones, weight_sum_lower, unused);
        weight_sum_upper =
            hn::ReorderWidenMulAccumulate(d32, upper, ones, weight_sum_upper, unused);
      }
      // One-step rounding when every lane's e >= 1 and |acc| < 2^30 (|x - zp| <= 255, |w| <= 128).
      std::int64_t bound = std::int64_t{taps} * 255 * 128;
      bool right_shifts = true;
      for (std::size_t i = 0; i < lanes; ++i) {
        for (int half = 0; half < 2; ++half) {
          const std::size_t ch = c + (i / 4) * 8 + static_cast<std::size_t>(half) * 4 + i % 4;
          const QuantizedMultiplier m = a.multipliers[a.per_channel ? ch : 0];
          const std::int32_t b = a.bias != nullptr ? a.bias[ch] : 0;
          lane_bias[half][i] = b;
          lane_multiplier[half][i] = m.multiplier;
          lane_shift[half][i] = m.shift;
          right_shifts = right_shifts && m.shift <= -1;
          const std::int64_t magnitude =
              std::int64_t{taps} * 255 * 128 + (b < 0 ? -std::int64_t{b} : b);
          bound = magnitude > bound ? magnitude : bound;
        }
      }
      const bool one_step =
          R == Rounding::kDouble && right_shifts && bound < (std::int64_t{1} << 30);
      const auto folded_lower =
          hn::Sub(hn::Load(d32, lane_bias[0]), hn::Mul(zp_in, weight_sum_lower));
      const auto folded_upper =
          hn::Sub(hn::Load(d32, lane_bias[1]), hn::Mul(zp_in, weight_sum_upper));
      const auto multiplier_lower = hn::Load(d32, lane_multiplier[0]);
      const auto multiplier_upper = hn::Load(d32, lane_multiplier[1]);
      const auto shift_lower = hn::Load(d32, lane_shift[0]);
      const auto shift_upper = hn::Load(d32, lane_shift[1]);
      OneStepRounding<D32> rounding_lower;
      OneStepRounding<D32> rounding_upper;
      if (one_step) {
        rounding_lower.init(d32, lane_multiplier[0], lane_shift[0]);
        rounding_upper.init(d32, lane_multiplier[1], lane_shift[1]);
      }

      for (std::size_t row = band; row < band_end; ++row) {
        const std::size_t n = row / a.out_h;
        const std::size_t oy = row % a.out_h;
        std::int8_t* out = a.output + row * a.out_w * channels + c;
        const std::int64_t y0 = static_cast<std::int64_t>(oy) * a.stride_h - a.pad_top;
        const bool rows_inside = y0 >= 0 && y0 + std::int64_t{a.kernel_h - 1} * a.dilation_h < in_h;
        const std::int8_t* const image = a.input + n * a.in_h * a.in_w * channels + c;
        for (std::size_t ox = 0; ox < a.out_w; ++ox, out += channels) {
          const std::int64_t x0 = static_cast<std::int64_t>(ox) * a.stride_w - a.pad_left;
          const std::int8_t* tap[kMaxTaps + 1];
          if (rows_inside && ox >= ox_lo && ox < ox_hi) {
            const std::int8_t* origin =
                image +
                (static_cast<std::size_t>(y0) * a.in_w + static_cast<std::size_t>(x0)) * channels;
            for (int t = 0; t < taps; ++t) tap[t] = origin + tap_offset[t];
          } else {
            for (int ky = 0; ky < a.kernel_h; ++ky) {
              const std::int64_t iy = y0 + std::int64_t{ky} * a.dilation_h;
              for (int kx = 0; kx < a.kernel_w; ++kx) {
                const std::int64_t ix = x0 + std::int64_t{kx} * a.dilation_w;
                const bool inside = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
                tap[ky * a.kernel_w + kx] = inside
                                                ? image + (static_cast<std::size_t>(iy) * a.in_w +
                                                           static_cast<std::size_t>(ix)) *
                                                              channels
                                                : pad_bytes;
              }
            }
          }
          tap[taps] = tap[taps - 1];  // the odd tap's partner, weight 0
          auto acc_lower = folded_lower;
          auto acc_upper = folded_upper;
          for (int p = 0; p < pairs; ++p) {
            const auto first = hn::PromoteTo(d16, hn::LoadU(d8, tap[2 * p]));
            const auto second = hn::PromoteTo(d16, hn::LoadU(d8, tap[2 * p + 1]));
            auto unused = hn::Zero(d32);
            acc_lower =
                hn::ReorderWidenMulAccumulate(d32, hn::InterleaveLower(d16, first, second),
                                              hn::Load(d16, weights[p][0]), acc_lower, unused);
            acc_upper =
                hn::ReorderWidenMulAccumulate(d32, hn::InterleaveUpper(d16, first, second),
                                              hn::Load(d16, weights[p][1]), acc_upper, unused);
          }
          if (one_step) {
            // clamp(y + zp): the int16 and int8 saturations only move values already outside
            // every int8 bound, so clamping the bytes afterwards is exact.
            const auto y_lower = hn::Add(rounding_lower.apply(d32, acc_lower), zp_out);
            const auto y_upper = hn::Add(rounding_upper.apply(d32, acc_upper), zp_out);
            auto bytes = hn::DemoteTo(d8, hn::ReorderDemote2To(d16, y_lower, y_upper));
            if (clamps) bytes = hn::Min(hn::Max(bytes, lo8), hi8);
            hn::StoreU(bytes, d8, out);
          } else {
            const auto y_lower =
                requantize<R, true>(d32, acc_lower, multiplier_lower, shift_lower, zp_out, lo, hi);
            const auto y_upper =
                requantize<R, true>(d32, acc_upper, multiplier_upper, shift_upper, zp_out, lo, hi);
            // Both are clamped to int8 bounds: the packs do not saturate, and restore channel
            // order.
            hn::StoreU(hn::DemoteTo(d8, hn::ReorderDemote2To(d16, y_lower, y_upper)), d8, out);
          }
        }
      }
    }
  }
}

template <Rounding R, class D32>
void rows_int16_window(D32 d32, const detail::DepthwiseArgs& a, std::size_t row_begin,
                       std::size_t row_end, std::size_t c_begin, std::size_t c_end) {
  if (a.kernel_h * a.kernel_w == 9) {
    rows_int16_taps<R, 9>(d32, a, row_begin, row_end, c_begin, c_end);
  } else {
    rows_int16_taps<R, 0>(d32, a, row_begin, row_end, c_begin, c_end);
  }
}

// Whole groups of full vectors, then (AVX3) one group of half vectors (16 channels) if at least
// 16 channels remain. Returns the channels covered; the caller runs the rest.
template <Rounding R>
std::size_t rows_int16(const detail::DepthwiseArgs& a, std::size_t row_begin, std::size_t row_end) {
  if (a.kernel_h * a.kernel_w > 25) return 0;
  const hn::ScalableTag<std::int32_t> d32;
  const std::size_t group = 2 * hn::Lanes(d32);
  const std::size_t covered = a.channels - a.channels % group;
  if (covered != 0) rows_int16_window<R>(d32, a, row_begin, row_end, 0, covered);
#if HWY_TARGET == HWY_AVX3
  const hn::Half<decltype(d32)> d_half;
  if (a.channels - covered >= group / 2) {
    rows_int16_window<R>(d_half, a, row_begin, row_end, covered, covered + group / 2);
    return covered + group / 2;
  }
#endif
  return covered;
}

#endif  // HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3

}  // namespace depthwise_detail
}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_DEPTHWISE_DEPTHWISE_INT16_HWY_INL_H_
