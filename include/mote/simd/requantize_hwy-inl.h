// Per-target SIMD requantization: int32 lanes -> MBQM (both rounding rules) -> + zero point ->
// clamp -> int8, bit-exact with mote::multiply_by_quantized_multiplier and mote::requantize.
// Shared by every int8 kernel's epilogue (GEMM, convolution, depthwise).
//
// Usage inside mote::HWY_NAMESPACE, with d = hn::ScalableTag<std::int32_t> (a full vector; each
// function needs at least two int32 lanes, or is the HWY_SCALAR target):
//   hn::Vec<D> m, s;
//   load_multipliers(d, stage.multipliers.data() + c, lanes, m, s);   // per channel
//   // or m = hn::Set(d, q.multiplier); s = hn::Set(d, q.shift);       // per tensor
//   auto y = requantize<R>(d, acc, m, s, zero_point, clamp_min, clamp_max);  // int32 lanes
//   hn::Store(hn::DemoteTo(hn::Rebind<std::int8_t, D>(), y), d8, out);     // int8
// Loop-invariant parts (shift splits, masks) are pure functions of m and s, so compilers hoist
// them out of a loop over pixels.
#if defined(MOTE_SIMD_REQUANTIZE_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_SIMD_REQUANTIZE_HWY_INL_H_
#undef MOTE_SIMD_REQUANTIZE_HWY_INL_H_
#else
#define MOTE_SIMD_REQUANTIZE_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <limits>

#include "mote/quant/multiplier.h"
#include "mote/quant/requantize.h"
#include "mote/simd/hwy.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace requantize_detail {

// True where a per-lane function must be evaluated lane by lane with the scalar reference: the
// scalar target (one lane, no 64-bit view of a pair of int32 lanes).
template <class D>
constexpr bool lane_by_lane() {
  return HWY_TARGET == HWY_SCALAR;
}

// Per-lane variable shifts: Highway 1.0.3 spells them operator<< / operator>> on x86, NEON and
// SCALAR, but only Shl / Shr on SVE and RVV (sizeless vector types cannot have operators).
#if HWY_TARGET == HWY_SVE || HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 || \
    HWY_TARGET == HWY_SVE2_128 || HWY_TARGET == HWY_RVV
template <class V>
HWY_INLINE V shl(V v, V bits) {
  return hn::Shl(v, bits);
}
template <class V>
HWY_INLINE V shr(V v, V bits) {
  return hn::Shr(v, bits);
}
#else
template <class V>
HWY_INLINE V shl(V v, V bits) {
  return v << bits;
}
template <class V>
HWY_INLINE V shr(V v, V bits) {
  return v >> bits;
}
#endif

// f(x[i], y[i], z[i]) for every lane, through memory: the scalar target only.
template <class D, class F>
HWY_INLINE hn::Vec<D> map_lanes(D d, hn::Vec<D> x, hn::Vec<D> y, hn::Vec<D> z, F f) {
  constexpr std::size_t kMax = hn::MaxLanes(D());
  HWY_ALIGN std::int32_t xs[kMax];
  HWY_ALIGN std::int32_t ys[kMax];
  HWY_ALIGN std::int32_t zs[kMax];
  hn::Store(x, d, xs);
  hn::Store(y, d, ys);
  hn::Store(z, d, zs);
  for (std::size_t i = 0; i < hn::Lanes(d); ++i) xs[i] = f(xs[i], ys[i], zs[i]);
  return hn::Load(d, xs);
}

// The odd int32 lanes moved into the even positions (the lower half of each 64-bit pair), where
// MulEven reads them. Lane order inside a pair is little-endian on every Highway target.
template <class D>
HWY_INLINE hn::Vec<D> odd_to_even(D d, hn::Vec<D> v) {
  const hn::Repartition<std::uint64_t, D> du64;
  return hn::BitCast(d, hn::ShiftRight<32>(hn::BitCast(du64, v)));
}

}  // namespace requantize_detail

// Per lane, round(a * b / 2^31) with ties toward +infinity, and INT32_MIN * INT32_MIN saturated to
// INT32_MAX: gemmlowp SaturatingRoundingDoublingHighMul,
// mote::saturating_rounding_doubling_high_mul. (a * b + (a * b >= 0 ? 2^30 : 1 - 2^30)) / 2^31 with
// truncation equals floor((a * b + 2^30) / 2^31), an arithmetic shift of the exact 64-bit product
// plus 2^30: each pair of lanes is two 32 x 32 -> 64 products (MulEven), bits 31..62 of each sum
// are the result.
// kNonNegativeB: the caller guarantees b >= 0 (a QuantizedMultiplier that passed
// OutputStage::validate), so the overflow case cannot occur and its test is left out.
template <bool kNonNegativeB = false, class D>
HWY_INLINE hn::Vec<D> saturating_rounding_doubling_high_mul(D d, hn::Vec<D> a, hn::Vec<D> b) {
  if constexpr (requantize_detail::lane_by_lane<D>()) {
    return requantize_detail::map_lanes(d, a, b, b,
                                        [](std::int32_t x, std::int32_t y, std::int32_t) {
                                          return mote::saturating_rounding_doubling_high_mul(x, y);
                                        });
  } else {
    const hn::Repartition<std::int64_t, D> d64;
    const auto nudge = hn::Set(d64, std::int64_t{1} << 30);
    const auto even = hn::Add(hn::MulEven(a, b), nudge);
    const auto odd = hn::Add(
        hn::MulEven(requantize_detail::odd_to_even(d, a), requantize_detail::odd_to_even(d, b)),
        nudge);
    // Even lanes: bits 31..62 shifted down into the low half. Odd lanes: shifted up by one into
    // the high half. Only bit 63 (the sign, equal to bit 62 unless saturating) is dropped.
    const auto lo = hn::BitCast(
        d, hn::ShiftRight<31>(hn::BitCast(hn::RebindToUnsigned<decltype(d64)>(), even)));
    const auto hi = hn::BitCast(d, hn::ShiftLeft<1>(odd));
    const auto result = hn::OddEven(hi, lo);
    if constexpr (kNonNegativeB) return result;
    // The one overflow: 2^62 + 2^30 gives 2^31, which wraps to INT32_MIN; TFLite saturates.
    const auto min = hn::Set(d, std::numeric_limits<std::int32_t>::min());
    const auto overflow = hn::And(hn::Eq(a, min), hn::Eq(b, min));
    return hn::IfThenElse(overflow, hn::Set(d, std::numeric_limits<std::int32_t>::max()), result);
  }
}

// Per lane, x / 2^exponent rounded to nearest with ties away from zero, exponent in [0, 31]:
// gemmlowp RoundingDivideByPOT, mote::rounding_divide_by_pot:
//   (x >> e) + ((x & mask) > (mask >> 1) + (x < 0)),  mask = 2^e - 1 (computed unsigned).
template <class D>
HWY_INLINE hn::Vec<D> rounding_divide_by_pot(D d, hn::Vec<D> x, hn::Vec<D> exponent) {
  if constexpr (requantize_detail::lane_by_lane<D>()) {
    return requantize_detail::map_lanes(
        d, x, exponent, exponent, [](std::int32_t v, std::int32_t e, std::int32_t) {
          return mote::rounding_divide_by_pot(v, static_cast<int>(e));
        });
  } else {
    const hn::RebindToUnsigned<D> du;
    const auto one = hn::Set(du, 1u);
    const auto mask =
        hn::BitCast(d, hn::Sub(requantize_detail::shl(one, hn::BitCast(du, exponent)), one));
    const auto remainder = hn::And(x, mask);
    // mask >> 1, plus one for a negative x (BroadcastSignBit is -1 there).
    const auto threshold = hn::Sub(hn::ShiftRight<1>(mask), hn::BroadcastSignBit(x));
    const auto round_up = hn::VecFromMask(d, hn::Gt(remainder, threshold));  // -1 or 0
    return hn::Sub(requantize_detail::shr(x, exponent), round_up);
  }
}

// Per lane, x * multiplier * 2^(shift - 31) rounded by rule R, exactly as
// mote::multiply_by_quantized_multiplier<R>(x, {multiplier, shift}); shift in [-31, 30].
// kDouble: SRDHM(x << max(shift, 0) (wrapping), M), then RoundingDivideByPOT by max(-shift, 0).
// kSingle: (x * M + 2^(30 - shift)) >> (31 - shift) in 64 bits, saturated to int32.
// kNonNegativeMultiplier: every multiplier lane is >= 0 (validated stages); saves a test.
template <Rounding R, bool kNonNegativeMultiplier = false, class D>
HWY_INLINE hn::Vec<D> multiply_by_quantized_multiplier(D d, hn::Vec<D> x, hn::Vec<D> multiplier,
                                                       hn::Vec<D> shift) {
  if constexpr (requantize_detail::lane_by_lane<D>()) {
    return requantize_detail::map_lanes(
        d, x, multiplier, shift, [](std::int32_t v, std::int32_t m, std::int32_t s) {
          return mote::multiply_by_quantized_multiplier<R>(v, QuantizedMultiplier{m, s});
        });
  } else if constexpr (R == Rounding::kDouble) {
    const hn::RebindToUnsigned<D> du;
    const auto zero = hn::Zero(d);
    const auto left_shift = hn::Max(shift, zero);
    const auto right_shift = hn::Max(hn::Neg(shift), zero);
    // Shift as unsigned so that the wrap of TFLite's int32 multiplication is defined.
    const auto shifted =
        hn::BitCast(d, requantize_detail::shl(hn::BitCast(du, x), hn::BitCast(du, left_shift)));
    return rounding_divide_by_pot(
        d, saturating_rounding_doubling_high_mul<kNonNegativeMultiplier>(d, shifted, multiplier),
        right_shift);
  } else {
    const hn::Repartition<std::int64_t, D> d64;
    const hn::RebindToUnsigned<decltype(d64)> du64;
    // Shift amounts of each half as 64-bit lanes: total = 31 - shift in [1, 62].
    const auto total = hn::Sub(hn::Set(d, 31), shift);
    const auto total_even =
        hn::BitCast(d64, hn::And(hn::BitCast(du64, total), hn::Set(du64, 0xFFFFFFFFu)));
    const auto total_odd = hn::BitCast(d64, hn::ShiftRight<32>(hn::BitCast(du64, total)));
    const auto one = hn::Set(d64, 1);
    const auto round_even = requantize_detail::shl(one, hn::Sub(total_even, one));
    const auto round_odd = requantize_detail::shl(one, hn::Sub(total_odd, one));
    // |x * M| < 2^62 and the rounding term is at most 2^61: no 64-bit overflow.
    auto even = requantize_detail::shr(hn::Add(hn::MulEven(x, multiplier), round_even), total_even);
    auto odd =
        requantize_detail::shr(hn::Add(hn::MulEven(requantize_detail::odd_to_even(d, x),
                                                   requantize_detail::odd_to_even(d, multiplier)),
                                       round_odd),
                               total_odd);
    const auto lo = hn::Set(d64, std::numeric_limits<std::int32_t>::min());
    const auto hi = hn::Set(d64, std::numeric_limits<std::int32_t>::max());
    even = hn::Min(hn::Max(even, lo), hi);
    odd = hn::Min(hn::Max(odd, lo), hi);
    return hn::OddEven(hn::BitCast(d, hn::ShiftLeft<32>(odd)), hn::BitCast(d, even));
  }
}

// Per lane, clamp(MBQM_R(acc, multiplier, shift) + zero_point, clamp_min, clamp_max) as int32:
// mote::requantize<R, Out>. The clamp bounds lie inside the output type, so the result narrows
// exactly (hn::DemoteTo to int8 or uint8). The sum cannot wrap: it is done after clamping the
// product to [INT32_MIN + 2^8, INT32_MAX - 2^8], outside every 8- and 16-bit range.
template <Rounding R, bool kNonNegativeMultiplier = false, class D>
HWY_INLINE hn::Vec<D> requantize(D d, hn::Vec<D> acc, hn::Vec<D> multiplier, hn::Vec<D> shift,
                                 hn::Vec<D> zero_point, hn::Vec<D> clamp_min,
                                 hn::Vec<D> clamp_max) {
  auto y = multiply_by_quantized_multiplier<R, kNonNegativeMultiplier>(d, acc, multiplier, shift);
  constexpr std::int32_t kGuard = 1 << 16;
  y = hn::Min(hn::Max(y, hn::Set(d, std::numeric_limits<std::int32_t>::min() + kGuard)),
              hn::Set(d, std::numeric_limits<std::int32_t>::max() - kGuard));
  return hn::Min(hn::Max(hn::Add(y, zero_point), clamp_min), clamp_max);
}

// Multiplier and shift vectors from `count` consecutive QuantizedMultipliers (count <= lanes);
// lanes past `count` get multiplier 0, shift 0 (their results are 0, never stored by callers).
template <class D>
HWY_INLINE void load_multipliers(D d, const QuantizedMultiplier* m, std::size_t count,
                                 hn::Vec<D>& multiplier, hn::Vec<D>& shift) {
  constexpr std::size_t kMax = hn::MaxLanes(D());
  HWY_ALIGN std::int32_t ms[kMax];
  HWY_ALIGN std::int32_t ss[kMax];
  const std::size_t lanes = hn::Lanes(d);
  for (std::size_t i = 0; i < lanes; ++i) {
    ms[i] = i < count ? m[i].multiplier : 0;
    ss[i] = i < count ? m[i].shift : 0;
  }
  multiplier = hn::Load(d, ms);
  shift = hn::Load(d, ss);
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_SIMD_REQUANTIZE_HWY_INL_H_
