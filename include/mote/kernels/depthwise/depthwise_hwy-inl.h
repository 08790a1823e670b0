// Per-target int8 depthwise convolution (depth multiplier 1, NHWC), bit-exact with
// mote::ref::depthwise_conv2d. Kernels (docs/performance.md, "Depthwise kernels"):
// - every target: channels across lanes, int32 lanes, any kernel, stride, dilation and padding;
// - AVX2 and AVX3: taps in pairs through vpmaddwd on int16 (depthwise_int16_hwy-inl.h), windows
//   up to 25 taps, channels in whole groups of 16 (AVX2) or 32 (AVX3), the rest as above;
// - AVX3_DL (AVX-512 VNNI): vpdpbusd, four taps per instruction, on vertical 4-tuples of input
//   rows for 3x3 and 5x5 (at stride 1 one transformed input feeds two output rows) and on 2x2
//   pixel blocks for 3x3 at stride 2 (each input pixel transformed once).
#if defined(MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
#undef MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
#else
#define MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/kernels/depthwise/depthwise_args.h"
#include "mote/kernels/depthwise/depthwise_int16_hwy-inl.h"
#include "mote/quant/requantize.h"
#include "mote/simd/hwy.h"
#include "mote/simd/requantize_hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace depthwise_detail {

// One output element the scalar way (channel tails of the portable kernel):
//   acc = bias[c] + sum over in-image taps (x - zp) * w, int32 wrapping, then the output stage.
template <Rounding R>
inline std::int8_t scalar_output(const detail::DepthwiseArgs& a, std::size_t n, std::size_t oy,
                                 std::size_t ox, std::size_t c) {
  std::uint32_t acc = a.bias != nullptr ? static_cast<std::uint32_t>(a.bias[c]) : 0u;
  for (int ky = 0; ky < a.kernel_h; ++ky) {
    const std::int64_t iy =
        static_cast<std::int64_t>(oy) * a.stride_h - a.pad_top + std::int64_t{ky} * a.dilation_h;
    if (iy < 0 || iy >= static_cast<std::int64_t>(a.in_h)) continue;
    for (int kx = 0; kx < a.kernel_w; ++kx) {
      const std::int64_t ix =
          static_cast<std::int64_t>(ox) * a.stride_w - a.pad_left + std::int64_t{kx} * a.dilation_w;
      if (ix < 0 || ix >= static_cast<std::int64_t>(a.in_w)) continue;
      const std::int32_t x = a.input[((n * a.in_h + static_cast<std::size_t>(iy)) * a.in_w +
                                      static_cast<std::size_t>(ix)) *
                                         a.channels +
                                     c];
      const std::int32_t w =
          a.filter[(static_cast<std::size_t>(ky) * static_cast<std::size_t>(a.kernel_w) +
                    static_cast<std::size_t>(kx)) *
                       a.channels +
                   c];
      acc += static_cast<std::uint32_t>((x - a.input_zero_point) * w);
    }
  }
  const QuantizedMultiplier m = a.multipliers[a.per_channel ? c : 0];
  return requantize<R, std::int8_t>(static_cast<std::int32_t>(acc), m, a.output_zero_point,
                                    a.clamp_min, a.clamp_max);
}

// Portable kernel: output rows [row_begin, row_end), channels from c_begin (a multiple of the
// lanes); for each row and each full vector of channels, the multipliers are loaded once and every
// output pixel accumulates its in-image taps as int32 lanes, (x - zp) * w; channels past the last
// full vector go the scalar way. Pixels whose window lies inside the image (with at most
// kMaxFastTaps taps) take weights widened once per row and vector of channels, and the zero point
// folded into the bias:
//   acc = bias - zp * sum(w) + sum x * w.
template <Rounding R>
void rows_portable(const detail::DepthwiseArgs& a, std::size_t row_begin, std::size_t row_end,
                   std::size_t c_begin = 0) {
  constexpr int kMaxFastTaps = 25;
  constexpr std::size_t kMaxLanes = hn::MaxLanes(hn::ScalableTag<std::int32_t>());
  HWY_ALIGN std::int32_t wide_weights[kMaxFastTaps * kMaxLanes];
  std::ptrdiff_t tap_offset[kMaxFastTaps];
  const int taps = a.kernel_h * a.kernel_w;
  const bool fast = taps <= kMaxFastTaps;
  if (fast) {
    for (int ky = 0; ky < a.kernel_h; ++ky) {
      for (int kx = 0; kx < a.kernel_w; ++kx) {
        tap_offset[ky * a.kernel_w + kx] =
            (static_cast<std::ptrdiff_t>(ky) * a.dilation_h * static_cast<std::ptrdiff_t>(a.in_w) +
             static_cast<std::ptrdiff_t>(kx) * a.dilation_w) *
            static_cast<std::ptrdiff_t>(a.channels);
      }
    }
  }
  // Output columns whose window lies inside the image width: [ox_lo, ox_hi).
  const std::int64_t span_w = std::int64_t{a.kernel_w - 1} * a.dilation_w;
  std::size_t ox_lo = 0;
  while (ox_lo < a.out_w && static_cast<std::int64_t>(ox_lo) * a.stride_w - a.pad_left < 0) {
    ++ox_lo;
  }
  std::size_t ox_hi = ox_lo;
  while (ox_hi < a.out_w && static_cast<std::int64_t>(ox_hi) * a.stride_w - a.pad_left + span_w <
                                static_cast<std::int64_t>(a.in_w)) {
    ++ox_hi;
  }
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::int8_t, decltype(d)> d8;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t channels = a.channels;
  const std::size_t full = channels - channels % lanes;
  const auto zp_in = hn::Set(d, a.input_zero_point);
  const auto zp_out = hn::Set(d, a.output_zero_point);
  const auto lo = hn::Set(d, a.clamp_min);
  const auto hi = hn::Set(d, a.clamp_max);
  const auto in_h = static_cast<std::int64_t>(a.in_h);
  const auto in_w = static_cast<std::int64_t>(a.in_w);
  for (std::size_t row = row_begin; row < row_end; ++row) {
    const std::size_t n = row / a.out_h;
    const std::size_t oy = row % a.out_h;
    std::int8_t* out_row = a.output + row * a.out_w * channels;
    const std::int64_t y0 = static_cast<std::int64_t>(oy) * a.stride_h - a.pad_top;
    const bool rows_inside = y0 >= 0 && y0 + std::int64_t{a.kernel_h - 1} * a.dilation_h < in_h;
    for (std::size_t c = c_begin; c < full; c += lanes) {
      auto multiplier = hn::Set(d, a.multipliers[0].multiplier);
      auto shift = hn::Set(d, a.multipliers[0].shift);
      if (a.per_channel) load_multipliers(d, a.multipliers + c, lanes, multiplier, shift);
      const auto bias = a.bias != nullptr ? hn::LoadU(d, a.bias + c) : hn::Zero(d);
      auto folded_bias = bias;
      if (fast && rows_inside) {
        auto weight_sum = hn::Zero(d);
        for (int t = 0; t < taps; ++t) {
          const auto w = hn::PromoteTo(
              d, hn::LoadU(d8, a.filter + static_cast<std::size_t>(t) * channels + c));
          hn::Store(w, d, wide_weights + static_cast<std::size_t>(t) * lanes);
          weight_sum = hn::Add(weight_sum, w);
        }
        folded_bias = hn::Sub(bias, hn::Mul(zp_in, weight_sum));
      }
      for (std::size_t ox = 0; ox < a.out_w; ++ox) {
        const std::int64_t x0 = static_cast<std::int64_t>(ox) * a.stride_w - a.pad_left;
        if (fast && rows_inside && ox >= ox_lo && ox < ox_hi) {
          const std::int8_t* origin = a.input +
                                      ((n * a.in_h + static_cast<std::size_t>(y0)) * a.in_w +
                                       static_cast<std::size_t>(x0)) *
                                          channels +
                                      c;
          auto acc = folded_bias;
          for (int t = 0; t < taps; ++t) {
            const auto x = hn::PromoteTo(d, hn::LoadU(d8, origin + tap_offset[t]));
            acc = hn::Add(
                acc, hn::Mul(x, hn::Load(d, wide_weights + static_cast<std::size_t>(t) * lanes)));
          }
          const auto y = requantize<R, true>(d, acc, multiplier, shift, zp_out, lo, hi);
          hn::StoreU(hn::DemoteTo(d8, y), d8, out_row + ox * channels + c);
          continue;
        }
        auto acc = bias;
        for (int ky = 0; ky < a.kernel_h; ++ky) {
          const std::int64_t iy = y0 + std::int64_t{ky} * a.dilation_h;
          if (iy < 0 || iy >= in_h) continue;
          const std::int8_t* in_row =
              a.input + (n * a.in_h + static_cast<std::size_t>(iy)) * a.in_w * channels;
          const std::int8_t* w_row = a.filter + static_cast<std::size_t>(ky) *
                                                    static_cast<std::size_t>(a.kernel_w) * channels;
          for (int kx = 0; kx < a.kernel_w; ++kx) {
            const std::int64_t ix = x0 + std::int64_t{kx} * a.dilation_w;
            if (ix < 0 || ix >= in_w) continue;
            const auto x = hn::PromoteTo(
                d, hn::LoadU(d8, in_row + static_cast<std::size_t>(ix) * channels + c));
            const auto w = hn::PromoteTo(
                d, hn::LoadU(d8, w_row + static_cast<std::size_t>(kx) * channels + c));
            // |x - zp| <= 255, |w| <= 128: the product is exact; the sum wraps like the
            // reference's.
            acc = hn::Add(acc, hn::Mul(hn::Sub(x, zp_in), w));
          }
        }
        const auto y = requantize<R, true>(d, acc, multiplier, shift, zp_out, lo, hi);
        hn::StoreU(hn::DemoteTo(d8, y), d8, out_row + ox * channels + c);
      }
    }
    const std::size_t tail = full > c_begin ? full : c_begin;
    for (std::size_t ox = 0; ox < a.out_w && tail < channels; ++ox) {
      for (std::size_t c = tail; c < channels; ++c) {
        out_row[ox * channels + c] = scalar_output<R>(a, n, oy, ox, c);
      }
    }
  }
}

#if HWY_TARGET == HWY_AVX3_DL

// vpermt2b indices that interleave four 32-channel rows into two vectors of 16 lanes of four
// bytes. Sources: the first holds rows 0 and 1 (bytes 0..31, 32..63), the second rows 2 and 3
// (indices 64..95, 96..127). Output byte 4c + k = row k, channel c (+ 16 for the second vector).
inline __m512i interleave_rows_index(int half) {
  alignas(64) std::int8_t idx[64];
  for (int j = 0; j < 64; ++j) {
    const int k = j % 4;
    const int c = half * 16 + j / 4;
    idx[j] = static_cast<std::int8_t>((k / 2) * 64 + (k % 2) * 32 + c);
  }
  return _mm512_load_si512(idx);
}

// Four rows of 32 channels (masked loads) interleaved into two vectors of 4-byte lanes:
// channels 0..15 in out[0], 16..31 in out[1].
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) inline void interleave4x32(
    const std::int8_t* p0, const std::int8_t* p1, const std::int8_t* p2, const std::int8_t* p3,
    __mmask32 mask, __m512i index_lo, __m512i index_hi, __m512i out[2]) {
  const __m512i rows01 =
      _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_maskz_loadu_epi8(mask, p0)),
                         _mm256_maskz_loadu_epi8(mask, p1), 1);
  const __m512i rows23 =
      _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_maskz_loadu_epi8(mask, p2)),
                         _mm256_maskz_loadu_epi8(mask, p3), 1);
  out[0] = _mm512_permutex2var_epi8(rows01, index_lo, rows23);
  out[1] = _mm512_permutex2var_epi8(rows01, index_hi, rows23);
}

// Four pixels' 64 channels (a, b, c, d) interleaved into four vectors of 4-byte lanes with two
// rounds of in-lane unpacks (no cross-lane shuffle): vector j, 128-bit lane L, dword i holds
// (a, b, c, d) of channel 16L + 4j + i. Saturating packs of the four results (j = 0, 1 and 2, 3,
// then the two) restore the channel order.
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) inline void interleave4x64(
    __m512i a, __m512i b, __m512i c, __m512i d, __m512i (&out)[4]) {
  const __m512i ab_lo = _mm512_unpacklo_epi8(a, b);  // (a, b) of channels 16L + 0..7
  const __m512i ab_hi = _mm512_unpackhi_epi8(a, b);  // 16L + 8..15
  const __m512i cd_lo = _mm512_unpacklo_epi8(c, d);
  const __m512i cd_hi = _mm512_unpackhi_epi8(c, d);
  out[0] = _mm512_unpacklo_epi16(ab_lo, cd_lo);  // 16L + 0..3
  out[1] = _mm512_unpackhi_epi16(ab_lo, cd_lo);  // 16L + 4..7
  out[2] = _mm512_unpacklo_epi16(ab_hi, cd_hi);  // 16L + 8..11
  out[3] = _mm512_unpackhi_epi16(ab_hi, cd_hi);  // 16L + 12..15
}

// The channel of lane p (0..15) of vector j in interleave4x64's order.
constexpr std::size_t interleaved64_channel(int j, int p) {
  return static_cast<std::size_t>(16 * (p / 4) + 4 * j + p % 4);
}

// How DoubleRounding16 computes, chosen once per block of channels.
enum class RoundingPath : std::uint8_t {
  kGeneral,     // any shift
  kRightShift,  // every right shift e >= 1 (multipliers below 1/2)
  kDoubled,     // and |x| < 2^30 (small biases): one 64-bit rounding step
};

// The double-rounding requantization of 16 channels with everything loop-invariant hoisted:
// the same arithmetic as requantize_hwy-inl.h (SRDHM as a rounded shift of the exact 64-bit
// products, then RoundingDivideByPOT), written for zmm registers. Multipliers are >= 0
// (validated), so SRDHM cannot overflow.
struct DoubleRounding16 {
  __m512i multiplier;      // even lanes read by vpmuldq
  __m512i multiplier_odd;  // odd lanes moved down
  __m512i left_shift;
  __m512i right_shift;
  __m512i mask;       // 2^right_shift - 1
  __m512i half_mask;  // mask >> 1
  __m512i right_shift_minus_1;
  __m512i doubled_nudge_even;  // 2^31 + 2^(e - 1) * 2^32 of the even lanes' e, as int64
  __m512i doubled_nudge_odd;   // the same for the odd lanes
  bool has_left_shift;
  bool all_right_shifts;  // every lane has right_shift >= 1 (multipliers below 1/2)

  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void init(__m512i m, __m512i shift) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi32(1);
    multiplier = m;
    multiplier_odd = _mm512_srli_epi64(m, 32);
    left_shift = _mm512_max_epi32(shift, zero);
    right_shift = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
    mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, right_shift), one);
    half_mask = _mm512_srli_epi32(mask, 1);
    right_shift_minus_1 = _mm512_sub_epi32(right_shift, one);
    has_left_shift = _mm512_cmpgt_epi32_mask(left_shift, zero) != 0;
    all_right_shifts = _mm512_cmpgt_epi32_mask(right_shift, zero) == 0xFFFF;
    // 2^(e - 1) in each int32 lane, then moved to the high half of its lane pair's int64.
    const __m512i half_unit = _mm512_sllv_epi32(one, right_shift_minus_1);
    const __m512i two_31 = _mm512_set1_epi64(std::int64_t{1} << 31);
    doubled_nudge_even = _mm512_add_epi64(_mm512_slli_epi64(half_unit, 32), two_31);
    doubled_nudge_odd = _mm512_add_epi64(
        _mm512_and_si512(half_unit, _mm512_set1_epi64(std::int64_t{-1} * (std::int64_t{1} << 32))),
        two_31);
  }

  template <RoundingPath kPath>
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) __m512i apply(__m512i x) const {
    if constexpr (kPath == RoundingPath::kDoubled) {
      // |x| < 2^30 and e >= 1. z = 2x M is exact in 64 bits, and the high half of
      //   z + 2^31 + 2^(e-1) 2^32  is  y + 2^(e-1),  y = floor((x M + 2^30) / 2^31) = SRDHM(x, M)
      // (|y| < 2^30: no overflow). RoundingDivideByPOT(y, e) = (y + 2^(e-1) - (y < 0)) >> e, and
      // y < 0 is read from x: y has x's sign unless y = 0, where both give 0 (2^(e-1) - 1 < 2^e).
      const __m512i x2 = _mm512_add_epi32(x, x);
      const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x2, multiplier), doubled_nudge_even);
      const __m512i odd = _mm512_add_epi64(
          _mm512_mul_epi32(_mm512_srli_epi64(x2, 32), multiplier_odd), doubled_nudge_odd);
      // High halves: the even pairs' moved down into the even lanes, the odd pairs' in place.
      const __m512i high = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
      return _mm512_srav_epi32(_mm512_add_epi32(high, _mm512_srai_epi32(x, 31)), right_shift);
    } else {
      if (kPath == RoundingPath::kGeneral && has_left_shift) {
        x = _mm512_sllv_epi32(x, left_shift);
      }
      const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
      const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, multiplier), nudge);
      const __m512i odd =
          _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), multiplier_odd), nudge);
      // Bits 31..62 of each sum: shifted down in even lanes, up by one in odd lanes.
      const __m512i r =
          _mm512_mask_blend_epi32(0x5555, _mm512_slli_epi64(odd, 1), _mm512_srli_epi64(even, 31));
      if constexpr (kPath == RoundingPath::kRightShift) {
        // RoundingDivideByPOT for e >= 1 without overflow: M < 2^31 keeps |r| <= 2^31 - 1, so
        // r - (r < 0) stays in int32, and (r - (r < 0)) >> (e - 1) + 1 <= 2^31 - 1, so
        //   ((r - (r < 0)) >> (e - 1) + 1) >> 1 = floor((r + 2^(e-1) - (r < 0)) / 2^e)
        // is round(r / 2^e) with ties away from zero.
        const __m512i down = _mm512_add_epi32(r, _mm512_srai_epi32(r, 31));
        const __m512i half = _mm512_srav_epi32(down, right_shift_minus_1);
        return _mm512_srai_epi32(_mm512_add_epi32(half, _mm512_set1_epi32(1)), 1);
      } else {
        // RoundingDivideByPOT: (r >> e) + ((r & mask) > (mask >> 1) + (r < 0)).
        const __m512i remainder = _mm512_and_si512(r, mask);
        const __m512i threshold = _mm512_sub_epi32(half_mask, _mm512_srai_epi32(r, 31));
        const __m512i shifted = _mm512_srav_epi32(r, right_shift);
        return _mm512_mask_add_epi32(shifted, _mm512_cmpgt_epi32_mask(remainder, threshold),
                                     shifted, _mm512_set1_epi32(1));
      }
    }
  }
};

// The fastest exact path for a block of channels whose accumulators satisfy |x| <= bound.
inline RoundingPath rounding_path(const DoubleRounding16* rounding, int halves,
                                  std::int64_t bound) {
  bool right = true;
  for (int h = 0; h < halves; ++h) right = right && rounding[h].all_right_shifts;
  if (!right) return RoundingPath::kGeneral;
  return bound < (std::int64_t{1} << 30) ? RoundingPath::kDoubled : RoundingPath::kRightShift;
}

// max |x| = max |bias| + taps * 255 * 128 over the channels [c0, c0 + count): |x - zp| <= 255 and
// |w| <= 128 bound every tap's product.
inline std::int64_t accumulator_bound(const std::int32_t* bias, std::size_t c0, std::size_t count,
                                      int taps) {
  std::int64_t largest = 0;
  for (std::size_t c = c0; bias != nullptr && c < c0 + count; ++c) {
    const std::int64_t b = bias[c] < 0 ? -std::int64_t{bias[c]} : std::int64_t{bias[c]};
    largest = b > largest ? b : largest;
  }
  return largest + std::int64_t{taps} * 255 * 128;
}

// Output stage tail for int32 results y (MBQM done): clamp(y + zp, lo, hi) as int8. Saturating
// to int16, adding the zero point with int16 saturation and saturating to int8 before the clamp
// gives the exact result: whatever saturates lies beyond every int8 bound.
struct Narrow16 {
  __m512i zero_point16;
  __m512i clamp_min8;
  __m512i clamp_max8;
  __m512i two_rows_index;
  bool clamps;  // the clamp is narrower than int8 (a fused activation)

  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void init(std::int32_t zp, std::int32_t lo,
                                                                  std::int32_t hi) {
    zero_point16 = _mm512_set1_epi16(static_cast<std::int16_t>(zp));
    clamp_min8 = _mm512_set1_epi8(static_cast<char>(lo));
    clamp_max8 = _mm512_set1_epi8(static_cast<char>(hi));
    clamps = lo > -128 || hi < 127;
    // After the in-lane packs, dword 4L + 0 holds lane L of the first vector, 4L + 1 of the
    // second: gather the first into dwords 0..3 and the second into 4..7.
    two_rows_index = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  // Two vectors at once: the low 128 bits hold y0's 16 bytes, the next 128 bits y1's.
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) __m512i two(__m512i y0, __m512i y1) const {
    const __m512i w = words(y0, y1);
    return _mm512_permutexvar_epi32(two_rows_index, bytes(w, w));
  }

  // Four vectors in interleave4x64's order: 64 bytes in channel order.
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) __m512i four(__m512i y0, __m512i y1,
                                                                     __m512i y2, __m512i y3) const {
    return bytes(words(y0, y1), words(y2, y3));
  }

 private:
  // int32 -> int16 with saturation (in-lane), then the output zero point (saturating).
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) __m512i words(__m512i y0,
                                                                      __m512i y1) const {
    return _mm512_adds_epi16(_mm512_packs_epi32(y0, y1), zero_point16);
  }

  // int16 -> int8 with saturation (in-lane), clamped when the clamp is narrower than int8.
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) __m512i bytes(__m512i w01,
                                                                      __m512i w23) const {
    __m512i v = _mm512_packs_epi16(w01, w23);
    if (clamps) v = _mm512_min_epi8(_mm512_max_epi8(v, clamp_min8), clamp_max8);
    return v;
  }
};

// Stores 32 bytes, masked only for a channel tail (a full masked store is slower on some CPUs).
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) inline void store32(std::int8_t* out,
                                                                          __mmask32 mask,
                                                                          __m512i v) {
  if (mask == ~__mmask32{0}) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm512_castsi512_si256(v));
  } else {
    _mm256_mask_storeu_epi8(out, mask, _mm512_castsi512_si256(v));
  }
}

// What one block of 32 channels needs for a pass over output columns: the interleaved weights
// of both halves, folded biases, requantization and the store masks.
template <Rounding R, int K, int S, int Rows>
struct VnniBlock {
  static constexpr int kInRows = (Rows - 1) * S + K;
  static constexpr int kTuples = (kInRows + 3) / 4;
  static constexpr std::size_t kTileOut = 64;  // outputs per tile of columns: bounds the scratch
  static constexpr std::size_t kTileCols = (kTileOut - 1) * S + K;
  using Columns = __m512i[kTuples][kTileCols][2];

  __m512i weights[2][Rows][kTuples][K];
  __m512i folded_bias[2];
  __m512i multiplier[2];
  __m512i shift[2];
  DoubleRounding16 rounding[2];
  Narrow16 narrow;
  __m512i zero_point;  // output zero point and clamp as int32 lanes (single rounding)
  __m512i clamp_min;
  __m512i clamp_max;
  __mmask32 mask;
  __mmask16 store_mask[2];
  std::size_t channels;
  std::size_t out_row_stride;

  // Outputs [0, count) of a tile (column j0 = ox * S) of `pass_rows` rows, starting at `out`.
  // compute<halves, path> for run-time halves (1 or 2) and path.
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void compute_any(
      const Columns& columns, std::size_t count, std::size_t pass_rows, std::int8_t* out,
      int halves, RoundingPath path) const {
    if (halves == 2) {
      if (path == RoundingPath::kDoubled)
        return compute<2, RoundingPath::kDoubled>(columns, count, pass_rows, out);
      if (path == RoundingPath::kRightShift) {
        return compute<2, RoundingPath::kRightShift>(columns, count, pass_rows, out);
      }
      return compute<2, RoundingPath::kGeneral>(columns, count, pass_rows, out);
    }
    if (path == RoundingPath::kDoubled)
      return compute<1, RoundingPath::kDoubled>(columns, count, pass_rows, out);
    if (path == RoundingPath::kRightShift) {
      return compute<1, RoundingPath::kRightShift>(columns, count, pass_rows, out);
    }
    return compute<1, RoundingPath::kGeneral>(columns, count, pass_rows, out);
  }

  template <int kHalves, RoundingPath kPath>
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void compute(const Columns& columns,
                                                                     std::size_t count,
                                                                     std::size_t pass_rows,
                                                                     std::int8_t* out) const {
    for (std::size_t ox = 0; ox < count; ++ox, out += channels) {
      const std::size_t j0 = ox * S;
      __m512i acc[kHalves][Rows];
      for (int h = 0; h < kHalves; ++h) {
        for (int r = 0; r < Rows; ++r) acc[h][r] = folded_bias[h];
        for (int t = 0; t < kTuples; ++t) {
          for (int kx = 0; kx < K; ++kx) {
            const __m512i x = columns[t][j0 + static_cast<std::size_t>(kx)][h];
            for (int r = 0; r < Rows; ++r) {
              acc[h][r] = _mm512_dpbusd_epi32(acc[h][r], x, weights[h][r][t][kx]);
            }
          }
        }
      }
      for (std::size_t r = 0; r < pass_rows; ++r) {
        std::int8_t* row_out = out + r * out_row_stride;
        if constexpr (R == Rounding::kDouble) {
          const __m512i y0 = rounding[0].template apply<kPath>(acc[0][r]);
          const __m512i y1 =
              kHalves == 2 ? rounding[1].template apply<kPath>(acc[kHalves - 1][r]) : y0;
          store32(row_out, mask, narrow.two(y0, y1));
        } else {
          const hn::Full512<std::int32_t> d;
          const hn::Rebind<std::int8_t, decltype(d)> d8;
          for (int h = 0; h < kHalves; ++h) {
            const auto y = requantize<R, true>(
                d, hn::Vec512<std::int32_t>{acc[h][r]}, hn::Vec512<std::int32_t>{multiplier[h]},
                hn::Vec512<std::int32_t>{shift[h]}, hn::Vec512<std::int32_t>{zero_point},
                hn::Vec512<std::int32_t>{clamp_min}, hn::Vec512<std::int32_t>{clamp_max});
            _mm_mask_storeu_epi8(row_out + h * 16, store_mask[h], hn::DemoteTo(d8, y).raw);
          }
        }
      }
    }
  }
};

// VNNI kernel for a K x K window at stride S, computing `Rows` output rows per pass.
// Per 16-channel group and pass, the input rows the pass needs, In = (Rows - 1) * S + K, are
// grouped in T = ceil(In / 4) tuples; each input column becomes T vectors whose lane c holds the
// column's four bytes of channel c in those rows (x + 128: vpdpbusd multiplies unsigned by
// signed bytes). Output row r takes from tuple t, column kx, the weights
//   byte k of lane c = w[4t + k - r*S][kx][c]   (0 outside the window)
// so acc[r] += vpdpbusd(tuple column, weights) sums four taps at once. The +128 and the input
// zero point fold into the bias: padded taps are filled with zp + 128 and cancel,
//   acc = bias - (128 + zp) * sum(w) + sum over all taps (x + 128) * w.
// Rows are processed in bands; inside a band the channel groups are the outer loop, so weights,
// folded bias and multipliers are set up once per group and band.
template <Rounding R, int K, int S, int Rows>
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void rows_vnni(const detail::DepthwiseArgs& a,
                                                                     std::size_t row_begin,
                                                                     std::size_t row_end) {
  using Block = VnniBlock<R, K, S, Rows>;
  constexpr int kTuples = Block::kTuples;
  constexpr std::size_t kTileOut = Block::kTileOut;
  constexpr std::size_t kTileCols = Block::kTileCols;
  constexpr std::size_t kBandRows = 8;  // output rows per band (a multiple of Rows)
  // Channels go in blocks of 32 (two halves of 16 lanes): one vpermt2b per half and column.
  alignas(64) typename Block::Columns columns;
  Block block;

  // Locals: int8 stores may alias anything, so nothing is re-read from `a` in the loops.
  const std::int8_t* const input = a.input;
  const std::int8_t* const filter = a.filter;
  std::int8_t* const output = a.output;
  const std::size_t channels = a.channels;
  const std::size_t in_h = a.in_h;
  const std::size_t in_w = a.in_w;
  const std::size_t out_h = a.out_h;
  const std::size_t out_w = a.out_w;
  const std::int64_t pad_top = a.pad_top;
  const std::int64_t pad_left = a.pad_left;
  const std::int32_t* const bias_data = a.bias;
  const QuantizedMultiplier* const multipliers = a.multipliers;
  const bool per_channel = a.per_channel;
  const std::size_t row_stride = in_w * channels;
  const std::size_t out_row_stride = out_w * channels;

  const __m512i index_lo = interleave_rows_index(0);
  const __m512i index_hi = interleave_rows_index(1);
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i ones = _mm512_set1_epi8(1);
  const __m512i zero = _mm512_setzero_si512();
  // A padded byte stands for the input zero point (flipped: zp + 128).
  const __m512i pad_column = _mm512_set1_epi8(static_cast<char>(a.input_zero_point ^ 0x80));
  alignas(32) std::int8_t pad_bytes[32];
  for (std::int8_t& b : pad_bytes) b = static_cast<std::int8_t>(a.input_zero_point);
  alignas(32) static constexpr std::int8_t kZeros[32] = {};
  const __m512i zp_plus_128 = _mm512_set1_epi32(a.input_zero_point + 128);
  block.narrow.init(a.output_zero_point, a.clamp_min, a.clamp_max);
  block.zero_point = _mm512_set1_epi32(a.output_zero_point);
  block.clamp_min = _mm512_set1_epi32(a.clamp_min);
  block.clamp_max = _mm512_set1_epi32(a.clamp_max);
  block.channels = channels;
  block.out_row_stride = out_row_stride;
  const hn::Full512<std::int32_t> d;

  for (std::size_t band = row_begin; band < row_end;) {
    // A band stays inside one image.
    const std::size_t n = band / out_h;
    const std::size_t image_end = (n + 1) * out_h;
    std::size_t band_end = band + kBandRows;
    if (band_end > row_end) band_end = row_end;
    if (band_end > image_end) band_end = image_end;
    const std::int8_t* const image = input + n * in_h * row_stride;

    for (std::size_t c0 = 0; c0 < channels; c0 += 32) {
      const std::size_t count = channels - c0 < 32 ? channels - c0 : 32;
      const auto mask = static_cast<__mmask32>(count == 32 ? ~0u : (1u << count) - 1u);
      block.mask = mask;
      block.store_mask[0] = static_cast<__mmask16>(mask);
      block.store_mask[1] = static_cast<__mmask16>(mask >> 16);

      // Weights of this channel block, folded biases and requantization per half.
      for (int r = 0; r < Rows; ++r) {
        for (int t = 0; t < kTuples; ++t) {
          for (int kx = 0; kx < K; ++kx) {
            const std::int8_t* p[4];
            for (int k = 0; k < 4; ++k) {
              const int ky = 4 * t + k - r * S;
              p[k] = ky >= 0 && ky < K
                         ? filter + static_cast<std::size_t>(ky * K + kx) * channels + c0
                         : kZeros;
            }
            __m512i w[2];
            interleave4x32(p[0], p[1], p[2], p[3], mask, index_lo, index_hi, w);
            block.weights[0][r][t][kx] = w[0];
            block.weights[1][r][t][kx] = w[1];
          }
        }
      }
      for (int h = 0; h < 2; ++h) {
        // A missing second half (16 or fewer channels left) computes zeros, never stored.
        const std::size_t ch = c0 + static_cast<std::size_t>(h) * 16;
        __m512i weight_sum = zero;
        for (int t = 0; t < kTuples; ++t) {
          for (int kx = 0; kx < K; ++kx) {
            weight_sum = _mm512_dpbusd_epi32(weight_sum, ones, block.weights[h][0][t][kx]);
          }
        }
        const __m512i bias = bias_data != nullptr
                                 ? _mm512_maskz_loadu_epi32(block.store_mask[h], bias_data + ch)
                                 : zero;
        block.folded_bias[h] = _mm512_sub_epi32(bias, _mm512_mullo_epi32(zp_plus_128, weight_sum));
        auto multiplier = hn::Set(d, multipliers[0].multiplier);
        auto shift = hn::Set(d, multipliers[0].shift);
        if (per_channel && ch < channels) {
          const std::size_t lanes = channels - ch < 16 ? channels - ch : 16;
          load_multipliers(d, multipliers + ch, lanes, multiplier, shift);
        }
        block.multiplier[h] = multiplier.raw;
        block.shift[h] = shift.raw;
        block.rounding[h].init(multiplier.raw, shift.raw);
      }
      const RoundingPath path = rounding_path(block.rounding, count > 16 ? 2 : 1,
                                              accumulator_bound(bias_data, c0, count, K * K));

      for (std::size_t row = band; row < band_end;) {
        const std::size_t oy = row - n * out_h;
        const std::size_t pass_rows = band_end - row < static_cast<std::size_t>(Rows)
                                          ? band_end - row
                                          : static_cast<std::size_t>(Rows);
        const std::int64_t iy0 = static_cast<std::int64_t>(oy) * S - pad_top;
        // Input rows of the pass: a row outside the image reads the zero-point bytes and does
        // not advance with the column.
        const std::int8_t* row_base[kTuples * 4];
        std::size_t row_step[kTuples * 4];
        for (int k = 0; k < kTuples * 4; ++k) {
          const std::int64_t iy = iy0 + k;
          const bool inside = iy >= 0 && iy < static_cast<std::int64_t>(in_h);
          row_base[k] = inside ? image + static_cast<std::size_t>(iy) * row_stride + c0 : pad_bytes;
          row_step[k] = inside ? channels : 0;
        }

        for (std::size_t ox0 = 0; ox0 < out_w; ox0 += kTileOut) {
          const std::size_t ox1 = out_w - ox0 < kTileOut ? out_w : ox0 + kTileOut;
          const auto cols = static_cast<std::int64_t>((ox1 - ox0 - 1) * S + K);
          const std::int64_t ix0 = static_cast<std::int64_t>(ox0 * S) - pad_left;
          // Columns [0, j_lo) and [j_hi, cols) are padding.
          std::int64_t j_lo = -ix0 < 0 ? 0 : -ix0;
          if (j_lo > cols) j_lo = cols;
          std::int64_t j_hi = static_cast<std::int64_t>(in_w) - ix0;
          if (j_hi > cols) j_hi = cols;
          if (j_hi < j_lo) j_hi = j_lo;
          for (std::int64_t j = 0; j < j_lo; ++j) {
            for (int t = 0; t < kTuples; ++t) columns[t][j][0] = columns[t][j][1] = pad_column;
          }
          for (std::int64_t j = j_hi; j < cols; ++j) {
            for (int t = 0; t < kTuples; ++t) columns[t][j][0] = columns[t][j][1] = pad_column;
          }
          const std::int8_t* p[kTuples * 4];
          for (int k = 0; k < kTuples * 4; ++k) {
            p[k] = row_base[k] + static_cast<std::size_t>(ix0 + j_lo) * row_step[k];
          }
          for (std::int64_t j = j_lo; j < j_hi; ++j) {
            for (int t = 0; t < kTuples; ++t) {
              __m512i v[2];
              interleave4x32(p[4 * t], p[4 * t + 1], p[4 * t + 2], p[4 * t + 3], mask, index_lo,
                             index_hi, v);
              columns[t][j][0] = _mm512_xor_si512(v[0], flip);
              columns[t][j][1] = _mm512_xor_si512(v[1], flip);
            }
            for (int k = 0; k < kTuples * 4; ++k) p[k] += row_step[k];
          }

          std::int8_t* out = output + (row * out_w + ox0) * channels + c0;
          block.compute_any(columns, ox1 - ox0, pass_rows, out, count > 16 ? 2 : 1, path);
        }
        row += pass_rows;
      }
    }
    band = band_end;
  }
}

// Where the blocks of one image come from.
struct BlockRowSource {
  const std::int8_t* image;
  std::size_t row_stride;
  std::size_t channels;
  std::int64_t in_h;
  std::int64_t in_w;
  std::int64_t pad_top;
  std::int64_t pad_left;
  const std::int8_t* pad_bytes;  // 64 bytes of the input zero point
  __mmask32 mask;
  __m512i index_lo;
  __m512i index_hi;
  __m512i flip;
};

// One block: four pixels' 32 channels interleaved and flipped to x + 128. With 16 channels or
// fewer only the first vector is read (VnniBlock3x3s2 computes one half): the second is not made.
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) inline void put_block(
    const BlockRowSource& s, const std::int8_t* p0, const std::int8_t* p1, const std::int8_t* p2,
    const std::int8_t* p3, __m512i (&dst)[2]) {
  if ((s.mask >> 16) == 0) {
    const auto mask = static_cast<__mmask16>(s.mask);
    const __m512i rows01 = _mm512_inserti64x4(
        _mm512_castsi256_si512(_mm256_zextsi128_si256(_mm_maskz_loadu_epi8(mask, p0))),
        _mm256_zextsi128_si256(_mm_maskz_loadu_epi8(mask, p1)), 1);
    const __m512i rows23 = _mm512_inserti64x4(
        _mm512_castsi256_si512(_mm256_zextsi128_si256(_mm_maskz_loadu_epi8(mask, p2))),
        _mm256_zextsi128_si256(_mm_maskz_loadu_epi8(mask, p3)), 1);
    dst[0] = _mm512_xor_si512(_mm512_permutex2var_epi8(rows01, s.index_lo, rows23), s.flip);
    return;
  }
  __m512i v[2];
  interleave4x32(p0, p1, p2, p3, s.mask, s.index_lo, s.index_hi, v);
  dst[0] = _mm512_xor_si512(v[0], s.flip);
  dst[1] = _mm512_xor_si512(v[1], s.flip);
}

// One block of 64 channels (VnniBlock3x3s2Wide): full loads, flipped, interleaved in lanes.
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) inline void put_block(
    const BlockRowSource& s, const std::int8_t* p0, const std::int8_t* p1, const std::int8_t* p2,
    const std::int8_t* p3, __m512i (&dst)[4]) {
  interleave4x64(_mm512_xor_si512(_mm512_loadu_si512(p0), s.flip),
                 _mm512_xor_si512(_mm512_loadu_si512(p1), s.flip),
                 _mm512_xor_si512(_mm512_loadu_si512(p2), s.flip),
                 _mm512_xor_si512(_mm512_loadu_si512(p3), s.flip), dst);
}

// A block at the image's edge: pixels outside read the zero point.
template <std::size_t kVectors>
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) inline void put_edge_block(
    const BlockRowSource& s, const std::int8_t* const rows[2], std::int64_t x,
    __m512i (&dst)[kVectors]) {
  const std::int8_t* p[4];
  for (int k = 0; k < 4; ++k) {
    const std::int8_t* row = rows[k / 2];
    const std::int64_t ix = x + k % 2;
    p[k] = row != nullptr && ix >= 0 && ix < s.in_w
               ? row + static_cast<std::size_t>(ix) * s.channels
               : s.pad_bytes;
  }
  put_block(s, p[0], p[1], p[2], p[3], dst);
}

// The blocks of one block row whose two columns lie inside the image, q in [q_lo, q_hi) of the
// tile, read from pointers two pixels apart per block (a row outside the image reads the zero
// point: its step is 0).
struct BlockFeed {
  const std::int8_t* p0;  // top-left pixel of block q_lo
  const std::int8_t* p2;  // bottom-left pixel of block q_lo
  std::size_t step0;
  std::size_t step1;
  std::int64_t q_lo;
  std::int64_t q_hi;

  template <std::size_t kVectors>
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void put(const BlockRowSource& s,
                                                                 std::int64_t q,
                                                                 __m512i (&dst)[kVectors]) const {
    if (q < q_lo || q >= q_hi) return;
    const auto k = static_cast<std::size_t>(2 * (q - q_lo));
    put_block(s, p0 + k * step0, p0 + (k + 1) * step0, p2 + k * step1, p2 + (k + 1) * step1, dst);
  }
};

// Block row m (input rows 2m - pad_top and the next), blocks q = ox0 .. ox0 + blocks - 1, of the
// 32 (two vectors) or 64 (four vectors) channels from c0: writes the blocks at the image's edges
// and returns the feed of the others.
template <std::size_t kBlocks, std::size_t kVectors>
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) BlockFeed build_edge_blocks(
    const BlockRowSource& s, std::int64_t m, std::size_t c0, std::size_t ox0, std::size_t blocks,
    __m512i (&dst)[kBlocks][kVectors]) {
  const std::int8_t* rows[2];
  for (int dy = 0; dy < 2; ++dy) {
    const std::int64_t iy = 2 * m + dy - s.pad_top;
    rows[dy] = iy >= 0 && iy < s.in_h ? s.image + static_cast<std::size_t>(iy) * s.row_stride + c0
                                      : nullptr;
  }
  const std::int64_t x0 = 2 * static_cast<std::int64_t>(ox0) - s.pad_left;
  std::int64_t q_lo = x0 >= 0 ? 0 : (1 - x0) / 2;  // first q with x >= 0
  std::int64_t q_hi = (s.in_w - x0) / 2;           // first q with x + 1 >= in_w
  const auto count = static_cast<std::int64_t>(blocks);
  if (q_lo > count) q_lo = count;
  if (q_hi > count) q_hi = count;
  if (q_hi < q_lo) q_hi = q_lo;
  for (std::int64_t q = 0; q < q_lo; ++q) put_edge_block(s, rows, x0 + 2 * q, dst[q]);
  for (std::int64_t q = q_hi; q < count; ++q) put_edge_block(s, rows, x0 + 2 * q, dst[q]);
  BlockFeed feed{s.pad_bytes, s.pad_bytes, 0, 0, q_lo, q_hi};
  if (q_lo < q_hi) {
    feed.step0 = rows[0] != nullptr ? s.channels : 0;
    feed.step1 = rows[1] != nullptr ? s.channels : 0;
    const auto first = static_cast<std::size_t>(x0 + 2 * q_lo);
    feed.p0 = (rows[0] != nullptr ? rows[0] : s.pad_bytes) + first * feed.step0;
    feed.p2 = (rows[1] != nullptr ? rows[1] : s.pad_bytes) + first * feed.step1;
  }
  return feed;
}

// The whole block row (build_edge_blocks and its feed).
template <std::size_t kBlocks, std::size_t kVectors>
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void build_block_row(
    const BlockRowSource& s, std::int64_t m, std::size_t c0, std::size_t ox0, std::size_t blocks,
    __m512i (&dst)[kBlocks][kVectors]) {
  const BlockFeed feed = build_edge_blocks(s, m, c0, ox0, blocks, dst);
  for (std::int64_t q = feed.q_lo; q < feed.q_hi; ++q) feed.put(s, q, dst[q]);
}

// 3x3 at stride 2 on 2x2 blocks: block (m, q) holds, per channel, the input pixels
//   (2m + dy - pad_top, 2q + dx - pad_left) for dy, dx in {0, 1}, flipped to x + 128,
// and output (oy, ox) is the sum over blocks (oy, ox), (oy, ox + 1), (oy + 1, ox), (oy + 1, ox + 1)
// with weights (w00 w01 w10 w11), (w02 0 w12 0), (w20 w21 0 0), (w22 0 0 0). Every block serves
// four outputs, so each input pixel is loaded and interleaved once (the vertical tuples of
// rows_vnni load a stride-2 row up to twice and use three of their four bytes).
template <Rounding R>
struct VnniBlock3x3s2 {
  static constexpr std::size_t kTileOut = 64;
  static constexpr std::size_t kTileBlocks = kTileOut + 1;
  using BlockRow = __m512i[kTileBlocks][2];

  __m512i weights[2][4];
  __m512i folded_bias[2];
  __m512i multiplier[2];
  __m512i shift[2];
  DoubleRounding16 rounding[2];
  Narrow16 narrow;
  __m512i zero_point;
  __m512i clamp_min;
  __m512i clamp_max;
  __mmask32 mask;
  __mmask16 store_mask[2];
  std::size_t channels;

  // compute<halves, path> for run-time halves (1 or 2) and path.
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void compute_any(
      const BlockRow& top, BlockRow& bottom, const BlockRowSource& src, const BlockFeed& feed,
      std::size_t count, std::int8_t* out, int halves, RoundingPath path) const {
    if (halves == 2) {
      if (path == RoundingPath::kDoubled)
        return compute<2, RoundingPath::kDoubled>(top, bottom, src, feed, count, out);
      if (path == RoundingPath::kRightShift) {
        return compute<2, RoundingPath::kRightShift>(top, bottom, src, feed, count, out);
      }
      return compute<2, RoundingPath::kGeneral>(top, bottom, src, feed, count, out);
    }
    if (path == RoundingPath::kDoubled)
      return compute<1, RoundingPath::kDoubled>(top, bottom, src, feed, count, out);
    if (path == RoundingPath::kRightShift) {
      return compute<1, RoundingPath::kRightShift>(top, bottom, src, feed, count, out);
    }
    return compute<1, RoundingPath::kGeneral>(top, bottom, src, feed, count, out);
  }

  // Output ox first builds the block ox + 1 of the lower block row (if `feed` has it), so the
  // loads of the build overlap the arithmetic.
  template <int kHalves, RoundingPath kPath>
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void compute(
      const BlockRow& top, BlockRow& bottom, const BlockRowSource& src, const BlockFeed& feed,
      std::size_t count, std::int8_t* out) const {
    const BlockRowSource s = src;
    const BlockFeed f = feed;
    f.put(s, 0, bottom[0]);
    for (std::size_t ox = 0; ox < count; ++ox, out += channels) {
      f.put(s, static_cast<std::int64_t>(ox) + 1, bottom[ox + 1]);
      __m512i acc[kHalves];
      for (int h = 0; h < kHalves; ++h) {
        __m512i v = _mm512_dpbusd_epi32(folded_bias[h], top[ox][h], weights[h][0]);
        v = _mm512_dpbusd_epi32(v, top[ox + 1][h], weights[h][1]);
        v = _mm512_dpbusd_epi32(v, bottom[ox][h], weights[h][2]);
        acc[h] = _mm512_dpbusd_epi32(v, bottom[ox + 1][h], weights[h][3]);
      }
      if constexpr (R == Rounding::kDouble) {
        const __m512i y0 = rounding[0].template apply<kPath>(acc[0]);
        const __m512i y1 = kHalves == 2 ? rounding[1].template apply<kPath>(acc[kHalves - 1]) : y0;
        store32(out, mask, narrow.two(y0, y1));
      } else {
        const hn::Full512<std::int32_t> d;
        const hn::Rebind<std::int8_t, decltype(d)> d8;
        for (int h = 0; h < kHalves; ++h) {
          const auto y = requantize<R, true>(
              d, hn::Vec512<std::int32_t>{acc[h]}, hn::Vec512<std::int32_t>{multiplier[h]},
              hn::Vec512<std::int32_t>{shift[h]}, hn::Vec512<std::int32_t>{zero_point},
              hn::Vec512<std::int32_t>{clamp_min}, hn::Vec512<std::int32_t>{clamp_max});
          _mm_mask_storeu_epi8(out + h * 16, store_mask[h], hn::DemoteTo(d8, y).raw);
        }
      }
    }
  }
};

// The same kernel on 64 channels: a block is four vectors in interleave4x64's order (full 64-byte
// loads and in-lane unpacks instead of vpermt2b, which competes with vpdpbusd for the multiply
// pipes on some CPUs); weights, folded biases and multipliers are permuted alike, and the packs of
// the epilogue put the 64 results back in channel order.
template <Rounding R>
struct VnniBlock3x3s2Wide {
  static constexpr std::size_t kTileOut = 32;
  static constexpr std::size_t kTileBlocks = kTileOut + 1;
  using BlockRow = __m512i[kTileBlocks][4];

  __m512i weights[4][4];  // [vector][block]
  __m512i folded_bias[4];
  __m512i multiplier[4];
  __m512i shift[4];
  DoubleRounding16 rounding[4];
  Narrow16 narrow;
  __m512i zero_point;
  __m512i clamp_min;
  __m512i clamp_max;
  std::size_t channels;
  bool per_channel;

  // compute<path, per_channel> for a run-time path (the halves of VnniBlock3x3s2 are always four
  // vectors here).
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void compute_any(
      const BlockRow& top, BlockRow& bottom, const BlockRowSource& src, const BlockFeed& feed,
      std::size_t count, std::int8_t* out, int /*halves*/, RoundingPath path) const {
    if (per_channel) return compute_path<true>(top, bottom, src, feed, count, out, path);
    return compute_path<false>(top, bottom, src, feed, count, out, path);
  }

  template <bool kPerChannel>
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void compute_path(
      const BlockRow& top, BlockRow& bottom, const BlockRowSource& src, const BlockFeed& feed,
      std::size_t count, std::int8_t* out, RoundingPath path) const {
    if (path == RoundingPath::kDoubled)
      return compute<RoundingPath::kDoubled, kPerChannel>(top, bottom, src, feed, count, out);
    if (path == RoundingPath::kRightShift) {
      return compute<RoundingPath::kRightShift, kPerChannel>(top, bottom, src, feed, count, out);
    }
    return compute<RoundingPath::kGeneral, kPerChannel>(top, bottom, src, feed, count, out);
  }

  // Per tensor, the four vectors share one multiplier: its constants are read once. Everything
  // the loop reads is copied to locals first (the int8 stores may alias any member).
  // Output ox first builds the block ox + 1 of the lower block row (as VnniBlock3x3s2).
  template <RoundingPath kPath, bool kPerChannel>
  __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void compute(
      const BlockRow& top, BlockRow& bottom, const BlockRowSource& src, const BlockFeed& feed,
      std::size_t count, std::int8_t* out) const {
    constexpr int kRequants = kPerChannel ? 4 : 1;
    __m512i w[4][4];
    __m512i bias[4];
    for (int v = 0; v < 4; ++v) {
      bias[v] = folded_bias[v];
      for (int b = 0; b < 4; ++b) w[v][b] = weights[v][b];
    }
    DoubleRounding16 rq[kRequants];
    __m512i m[kRequants];
    __m512i e[kRequants];
    for (int r = 0; r < kRequants; ++r) {
      rq[r] = rounding[r];
      m[r] = multiplier[r];
      e[r] = shift[r];
    }
    const Narrow16 nw = narrow;
    const __m512i zp = zero_point;
    const __m512i lo = clamp_min;
    const __m512i hi = clamp_max;
    const std::size_t stride = channels;
    const BlockRowSource s = src;
    const BlockFeed f = feed;
    f.put(s, 0, bottom[0]);
    for (std::size_t ox = 0; ox < count; ++ox, out += stride) {
      f.put(s, static_cast<std::int64_t>(ox) + 1, bottom[ox + 1]);
      __m512i y[4];
      for (int v = 0; v < 4; ++v) {
        const int r = kPerChannel ? v : 0;
        __m512i acc = _mm512_dpbusd_epi32(bias[v], top[ox][v], w[v][0]);
        acc = _mm512_dpbusd_epi32(acc, top[ox + 1][v], w[v][1]);
        acc = _mm512_dpbusd_epi32(acc, bottom[ox][v], w[v][2]);
        acc = _mm512_dpbusd_epi32(acc, bottom[ox + 1][v], w[v][3]);
        if constexpr (R == Rounding::kDouble) {
          y[v] = rq[r].template apply<kPath>(acc);
        } else {
          const hn::Full512<std::int32_t> d;
          y[v] =
              requantize<R, true>(d, hn::Vec512<std::int32_t>{acc}, hn::Vec512<std::int32_t>{m[r]},
                                  hn::Vec512<std::int32_t>{e[r]}, hn::Vec512<std::int32_t>{zp},
                                  hn::Vec512<std::int32_t>{lo}, hn::Vec512<std::int32_t>{hi})
                  .raw;
        }
      }
      __m512i bytes;
      if constexpr (R == Rounding::kDouble) {
        bytes = nw.four(y[0], y[1], y[2], y[3]);
      } else {
        // Already clamped to int8 with the zero point added: the packs are exact.
        bytes = _mm512_packs_epi16(_mm512_packs_epi32(y[0], y[1]), _mm512_packs_epi32(y[2], y[3]));
      }
      _mm512_storeu_si512(out, bytes);
    }
  }
};

// The passes of one block of channels over the rows [band, band_end) of image n: tiles of
// Block::kTileOut outputs, each block row built once and used by the two output rows it serves.
template <typename Block>
HWY_INLINE __attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void block_row_passes(
    const Block& block, typename Block::BlockRow (&block_rows)[2], const BlockRowSource& src,
    std::size_t band, std::size_t band_end, std::size_t image_row0, std::size_t out_w,
    std::size_t c0, std::int8_t* output, int halves, RoundingPath path) {
  constexpr std::size_t kTileOut = Block::kTileOut;
  const std::size_t channels = block.channels;
  for (std::size_t ox0 = 0; ox0 < out_w; ox0 += kTileOut) {
    const std::size_t ox1 = out_w - ox0 < kTileOut ? out_w : ox0 + kTileOut;
    const std::size_t blocks = ox1 - ox0 + 1;
    build_block_row(src, static_cast<std::int64_t>(band - image_row0), c0, ox0, blocks,
                    block_rows[0]);
    for (std::size_t row = band; row < band_end; ++row) {
      const std::size_t oy = row - image_row0;
      const std::size_t top = (row - band) % 2;
      const BlockFeed feed = build_edge_blocks(src, static_cast<std::int64_t>(oy) + 1, c0, ox0,
                                               blocks, block_rows[1 - top]);
      std::int8_t* out = output + (row * out_w + ox0) * channels + c0;
      block.compute_any(block_rows[top], block_rows[1 - top], src, feed, ox1 - ox0, out, halves,
                        path);
    }
  }
}

template <Rounding R>
__attribute__((target(HWY_TARGET_STR ",avx512vnni"))) void rows_vnni_3x3s2(
    const detail::DepthwiseArgs& a, std::size_t row_begin, std::size_t row_end) {
  using Block = VnniBlock3x3s2<R>;
  using Wide = VnniBlock3x3s2Wide<R>;
  constexpr std::size_t kBandRows = 16;  // a block row ends a band and begins the next: built twice
  alignas(64) typename Block::BlockRow block_rows[2];
  alignas(64) typename Wide::BlockRow wide_rows[2];
  Block block;
  Wide wide;

  const std::int8_t* const input = a.input;
  const std::int8_t* const filter = a.filter;
  std::int8_t* const output = a.output;
  const std::size_t channels = a.channels;
  const auto in_h = static_cast<std::int64_t>(a.in_h);
  const auto in_w = static_cast<std::int64_t>(a.in_w);
  const std::size_t out_h = a.out_h;
  const std::size_t out_w = a.out_w;
  const std::int64_t pad_top = a.pad_top;
  const std::int64_t pad_left = a.pad_left;
  const std::int32_t* const bias_data = a.bias;
  const QuantizedMultiplier* const multipliers = a.multipliers;
  const bool per_channel = a.per_channel;
  const std::size_t row_stride = a.in_w * channels;

  const __m512i index_lo = interleave_rows_index(0);
  const __m512i index_hi = interleave_rows_index(1);
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i ones = _mm512_set1_epi8(1);
  const __m512i zero = _mm512_setzero_si512();
  alignas(64) std::int8_t pad_bytes[64];
  for (std::int8_t& b : pad_bytes) b = static_cast<std::int8_t>(a.input_zero_point);
  alignas(64) static constexpr std::int8_t kZeros[64] = {};
  const __m512i zp_plus_128 = _mm512_set1_epi32(a.input_zero_point + 128);
  block.narrow.init(a.output_zero_point, a.clamp_min, a.clamp_max);
  block.zero_point = _mm512_set1_epi32(a.output_zero_point);
  block.clamp_min = _mm512_set1_epi32(a.clamp_min);
  block.clamp_max = _mm512_set1_epi32(a.clamp_max);
  block.channels = channels;
  wide.narrow = block.narrow;
  wide.zero_point = block.zero_point;
  wide.clamp_min = block.clamp_min;
  wide.clamp_max = block.clamp_max;
  wide.channels = channels;
  wide.per_channel = per_channel;
  const hn::Full512<std::int32_t> d;

  for (std::size_t band = row_begin; band < row_end;) {
    const std::size_t n = band / out_h;
    const std::size_t image_end = (n + 1) * out_h;
    std::size_t band_end = band + kBandRows;
    if (band_end > row_end) band_end = row_end;
    if (band_end > image_end) band_end = image_end;
    const std::int8_t* const image = input + n * a.in_h * row_stride;

    // Whole groups of 64 channels take the wide blocks, the rest blocks of 32.
    std::size_t c0 = 0;
    for (; channels - c0 >= 64; c0 += 64) {
      // Block weights (taps as in the loop below) in interleave4x64's order.
      for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 2; ++j) {
          __m512i taps[4];
          for (int k = 0; k < 4; ++k) {
            const int ky = 2 * i + k / 2;
            const int kx = 2 * j + k % 2;
            taps[k] = _mm512_loadu_si512(
                ky < 3 && kx < 3 ? filter + static_cast<std::size_t>(ky * 3 + kx) * channels + c0
                                 : kZeros);
          }
          __m512i w[4];
          interleave4x64(taps[0], taps[1], taps[2], taps[3], w);
          for (int v = 0; v < 4; ++v) wide.weights[v][2 * i + j] = w[v];
        }
      }
      // Biases and multipliers of each vector's lanes.
      alignas(64) std::int32_t lane_bias[64];
      alignas(64) std::int32_t lane_multiplier[64];
      alignas(64) std::int32_t lane_shift[64];
      for (int v = 0; v < 4; ++v) {
        for (int p = 0; p < 16; ++p) {
          const std::size_t c = c0 + interleaved64_channel(v, p);
          const QuantizedMultiplier& m = multipliers[per_channel ? c : 0];
          lane_bias[16 * v + p] = bias_data != nullptr ? bias_data[c] : 0;
          lane_multiplier[16 * v + p] = m.multiplier;
          lane_shift[16 * v + p] = m.shift;
        }
      }
      for (int v = 0; v < 4; ++v) {
        __m512i weight_sum = zero;
        for (int b = 0; b < 4; ++b) {
          weight_sum = _mm512_dpbusd_epi32(weight_sum, ones, wide.weights[v][b]);
        }
        const __m512i bias = _mm512_load_si512(lane_bias + 16 * v);
        wide.folded_bias[v] = _mm512_sub_epi32(bias, _mm512_mullo_epi32(zp_plus_128, weight_sum));
        wide.multiplier[v] = _mm512_load_si512(lane_multiplier + 16 * v);
        wide.shift[v] = _mm512_load_si512(lane_shift + 16 * v);
        wide.rounding[v].init(wide.multiplier[v], wide.shift[v]);
      }
      const RoundingPath path =
          rounding_path(wide.rounding, 4, accumulator_bound(bias_data, c0, 64, 9));
      const BlockRowSource src{image,    row_stride, channels,      in_h,     in_w,     pad_top,
                               pad_left, pad_bytes,  ~__mmask32{0}, index_lo, index_hi, flip};
      block_row_passes(wide, wide_rows, src, band, band_end, n * out_h, out_w, c0, output, 4, path);
    }

    for (; c0 < channels; c0 += 32) {
      const std::size_t count = channels - c0 < 32 ? channels - c0 : 32;
      const auto mask = static_cast<__mmask32>(count == 32 ? ~0u : (1u << count) - 1u);
      block.mask = mask;
      block.store_mask[0] = static_cast<__mmask16>(mask);
      block.store_mask[1] = static_cast<__mmask16>(mask >> 16);

      // Block weights: taps (2i + dy, 2j + dx) of the 3x3 window, zero past its edge.
      for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 2; ++j) {
          const std::int8_t* p[4];
          for (int k = 0; k < 4; ++k) {
            const int ky = 2 * i + k / 2;
            const int kx = 2 * j + k % 2;
            p[k] = ky < 3 && kx < 3 ? filter + static_cast<std::size_t>(ky * 3 + kx) * channels + c0
                                    : kZeros;
          }
          __m512i w[2];
          interleave4x32(p[0], p[1], p[2], p[3], mask, index_lo, index_hi, w);
          block.weights[0][2 * i + j] = w[0];
          block.weights[1][2 * i + j] = w[1];
        }
      }
      for (int h = 0; h < 2; ++h) {
        // A missing second half (16 or fewer channels left) computes zeros, never stored.
        const std::size_t ch = c0 + static_cast<std::size_t>(h) * 16;
        __m512i weight_sum = zero;
        for (int b = 0; b < 4; ++b) {
          weight_sum = _mm512_dpbusd_epi32(weight_sum, ones, block.weights[h][b]);
        }
        const __m512i bias = bias_data != nullptr
                                 ? _mm512_maskz_loadu_epi32(block.store_mask[h], bias_data + ch)
                                 : zero;
        block.folded_bias[h] = _mm512_sub_epi32(bias, _mm512_mullo_epi32(zp_plus_128, weight_sum));
        auto multiplier = hn::Set(d, multipliers[0].multiplier);
        auto shift = hn::Set(d, multipliers[0].shift);
        if (per_channel && ch < channels) {
          const std::size_t lanes = channels - ch < 16 ? channels - ch : 16;
          load_multipliers(d, multipliers + ch, lanes, multiplier, shift);
        }
        block.multiplier[h] = multiplier.raw;
        block.shift[h] = shift.raw;
        block.rounding[h].init(multiplier.raw, shift.raw);
      }
      const int halves = count > 16 ? 2 : 1;
      const RoundingPath path =
          rounding_path(block.rounding, halves, accumulator_bound(bias_data, c0, count, 9));
      const BlockRowSource src{image,    row_stride, channels, in_h,     in_w,     pad_top,
                               pad_left, pad_bytes,  mask,     index_lo, index_hi, flip};
      block_row_passes(block, block_rows, src, band, band_end, n * out_h, out_w, c0, output, halves,
                       path);
    }
    band = band_end;
  }
}

// The VNNI kernel when it covers the window, else false.
template <Rounding R>
bool rows_vnni_if_covered(const detail::DepthwiseArgs& a, std::size_t row_begin,
                          std::size_t row_end) {
  if (a.dilation_h != 1 || a.dilation_w != 1 || a.kernel_h != a.kernel_w ||
      a.stride_h != a.stride_w) {
    return false;
  }
  const int k = a.kernel_h;
  const int s = a.stride_h;
  if (k == 3 && s == 1) {
    rows_vnni<R, 3, 1, 2>(a, row_begin, row_end);
  } else if (k == 3 && s == 2) {
    rows_vnni_3x3s2<R>(a, row_begin, row_end);
  } else if (k == 5 && s == 1) {
    rows_vnni<R, 5, 1, 2>(a, row_begin, row_end);
  } else if (k == 5 && s == 2) {
    rows_vnni<R, 5, 2, 1>(a, row_begin, row_end);
  } else {
    return false;
  }
  return true;
}

#endif  // HWY_TARGET == HWY_AVX3_DL

template <Rounding R>
void rows(const detail::DepthwiseArgs& a, std::size_t row_begin, std::size_t row_end) {
#if HWY_TARGET == HWY_AVX3_DL
  if (rows_vnni_if_covered<R>(a, row_begin, row_end)) return;
#endif
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3
  const std::size_t covered = rows_int16<R>(a, row_begin, row_end);
  if (covered < a.channels) rows_portable<R>(a, row_begin, row_end, covered);
#else
  rows_portable<R>(a, row_begin, row_end);
#endif
}

}  // namespace depthwise_detail

// Entry points (one per rounding rule): output rows [row_begin, row_end) of the call `a`.
inline void depthwise_conv2d_s8_double(const detail::DepthwiseArgs& a, std::size_t row_begin,
                                       std::size_t row_end) {
  depthwise_detail::rows<Rounding::kDouble>(a, row_begin, row_end);
}
inline void depthwise_conv2d_s8_single(const detail::DepthwiseArgs& a, std::size_t row_begin,
                                       std::size_t row_end) {
  depthwise_detail::rows<Rounding::kSingle>(a, row_begin, row_end);
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
