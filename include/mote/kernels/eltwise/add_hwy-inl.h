// Per-target int8 ADD, bit-exact with mote::ref::add_value: both inputs shifted left by 20 and
// rescaled (MBQM), summed, rescaled to the output, plus zero point, clamped; int32 lanes.
#if defined(MOTE_KERNELS_ELTWISE_ADD_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_ELTWISE_ADD_HWY_INL_H_
#undef MOTE_KERNELS_ELTWISE_ADD_HWY_INL_H_
#else
#define MOTE_KERNELS_ELTWISE_ADD_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/kernels/eltwise/add_ref.h"
#include "mote/quant/requantize.h"
#include "mote/simd/hwy.h"
#include "mote/simd/requantize_hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace add_detail {

// out[i] = add_value<R>(a[i], b[i], p) for i < count (a, b, out may coincide).
template <Rounding R>
void add_s8(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t count,
            const ref::AddParams& p) {
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::int8_t, decltype(d)> d8;
  const std::size_t lanes = hn::Lanes(d);
  const auto zp1 = hn::Set(d, p.input1_zero_point);
  const auto zp2 = hn::Set(d, p.input2_zero_point);
  const auto m1 = hn::Set(d, p.input1_multiplier.multiplier);
  const auto s1 = hn::Set(d, p.input1_multiplier.shift);
  const auto m2 = hn::Set(d, p.input2_multiplier.multiplier);
  const auto s2 = hn::Set(d, p.input2_multiplier.shift);
  const auto mo = hn::Set(d, p.output_multiplier.multiplier);
  const auto so = hn::Set(d, p.output_multiplier.shift);
  const auto zp_out = hn::Set(d, p.output_zero_point);
  const auto lo = hn::Set(d, p.clamp.min);
  const auto hi = hn::Set(d, p.clamp.max);
  std::size_t i = 0;
  for (; i + lanes <= count; i += lanes) {
    // (q - zp) * 2^20: |q - zp| <= 255, so no overflow.
    const auto x1 = hn::ShiftLeft<ref::AddParams::kLeftShift>(
        hn::Sub(hn::PromoteTo(d, hn::LoadU(d8, a + i)), zp1));
    const auto x2 = hn::ShiftLeft<ref::AddParams::kLeftShift>(
        hn::Sub(hn::PromoteTo(d, hn::LoadU(d8, b + i)), zp2));
    const auto sum = hn::Add(multiply_by_quantized_multiplier<R, true>(d, x1, m1, s1),
                             multiply_by_quantized_multiplier<R, true>(d, x2, m2, s2));
    const auto y = requantize<R, true>(d, sum, mo, so, zp_out, lo, hi);
    hn::StoreU(hn::DemoteTo(d8, y), d8, out + i);
  }
  for (; i < count; ++i) out[i] = ref::add_value<R>(a[i], b[i], p);
}

}  // namespace add_detail

// Entry points, one per rounding rule.
inline void add_s8_double(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                          std::size_t count, const ref::AddParams& p) {
  add_detail::add_s8<Rounding::kDouble>(a, b, out, count, p);
}
inline void add_s8_single(const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                          std::size_t count, const ref::AddParams& p) {
  add_detail::add_s8<Rounding::kSingle>(a, b, out, count, p);
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_ELTWISE_ADD_HWY_INL_H_
