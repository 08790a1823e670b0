// Per-target int8 clamp (RELU, RELU6, RELU_N1_TO_1 in the quantized domain), bit-exact with
// mote::ref::clamp: out[i] = min(max(in[i], lo), hi) over a dense array.
#if defined(MOTE_KERNELS_ACTIVATION_CLAMP_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_ACTIVATION_CLAMP_HWY_INL_H_
#undef MOTE_KERNELS_ACTIVATION_CLAMP_HWY_INL_H_
#else
#define MOTE_KERNELS_ACTIVATION_CLAMP_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/simd/hwy.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// count elements; lo <= hi inside int8 (validated by the caller); in may equal out.
inline void clamp_s8(const std::int8_t* in, std::int8_t* out, std::size_t count, std::int32_t lo,
                     std::int32_t hi) {
  const hn::ScalableTag<std::int8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto low = hn::Set(d, static_cast<std::int8_t>(lo));
  const auto high = hn::Set(d, static_cast<std::int8_t>(hi));
  std::size_t i = 0;
  for (; i + lanes <= count; i += lanes) {
    hn::StoreU(hn::Min(hn::Max(hn::LoadU(d, in + i), low), high), d, out + i);
  }
  for (; i < count; ++i) {
    const std::int32_t x = in[i];
    out[i] = static_cast<std::int8_t>(x < lo ? lo : (x > hi ? hi : x));
  }
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_ACTIVATION_CLAMP_HWY_INL_H_
