// Per-target int8 pooling over NHWC with channels across lanes, bit-exact with the references:
// max pool (ref::max_pool), average pool (ref::avg_pool: the int32 sums are vectors, the
// rounded division by the in-bounds tap count is per element) and MEAN over H and W
// (ref::mean, both roundings).
#if defined(MOTE_KERNELS_POOL_POOL_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_POOL_POOL_HWY_INL_H_
#undef MOTE_KERNELS_POOL_POOL_HWY_INL_H_
#else
#define MOTE_KERNELS_POOL_POOL_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/kernels/pool/mean_ref.h"
#include "mote/kernels/pool/pool_args.h"
#include "mote/kernels/pool/pool_window.h"
#include "mote/quant/requantize.h"
#include "mote/simd/hwy.h"
#include "mote/simd/requantize_hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace pool_detail {

// Calls f(b, oy, ox, pixel, taps_y, taps_x) for every output pixel: `pixel` points at its window
// origin's channel 0 (possibly outside the image; only in-bounds taps are read).
template <class F>
void for_each_output(const detail::PoolArgs& a, F&& f) {
  const auto in_h = static_cast<std::int64_t>(a.in_h);
  const auto in_w = static_cast<std::int64_t>(a.in_w);
  for (std::size_t b = 0; b < a.batch; ++b) {
    for (std::size_t oy = 0; oy < a.out_h; ++oy) {
      const std::int64_t y0 = static_cast<std::int64_t>(oy) * a.stride_h - a.pad_top;
      const ref::TapRange ty = ref::pool_taps(y0, a.kernel_h, in_h);
      for (std::size_t ox = 0; ox < a.out_w; ++ox) {
        const std::int64_t x0 = static_cast<std::int64_t>(ox) * a.stride_w - a.pad_left;
        const ref::TapRange tx = ref::pool_taps(x0, a.kernel_w, in_w);
        f(b, y0, x0, ty, tx, a.output + ((b * a.out_h + oy) * a.out_w + ox) * a.channels);
      }
    }
  }
}

inline const std::int8_t* tap(const detail::PoolArgs& a, std::size_t b, std::int64_t y,
                              std::int64_t x) {
  return a.input +
         ((b * a.in_h + static_cast<std::size_t>(y)) * a.in_w + static_cast<std::size_t>(x)) *
             a.channels;
}

}  // namespace pool_detail

// out = clamp(max over in-bounds taps), int8 lanes; channel tails element by element.
inline void max_pool_s8(const detail::PoolArgs& a) {
  const hn::ScalableTag<std::int8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t full = a.channels - a.channels % lanes;
  const auto lo = hn::Set(d, static_cast<std::int8_t>(a.clamp_min));
  const auto hi = hn::Set(d, static_cast<std::int8_t>(a.clamp_max));
  pool_detail::for_each_output(
      a, [&](std::size_t b, std::int64_t y0, std::int64_t x0, ref::TapRange ty, ref::TapRange tx,
             std::int8_t* out) HWY_ATTR {
        for (std::size_t c = 0; c < full; c += lanes) {
          auto m = hn::Set(d, std::int8_t{-128});
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              m = hn::Max(m, hn::LoadU(d, pool_detail::tap(a, b, y0 + ky, x0 + kx) + c));
            }
          }
          hn::StoreU(hn::Min(hn::Max(m, lo), hi), d, out + c);
        }
        for (std::size_t c = full; c < a.channels; ++c) {
          std::int32_t m = -128;
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              const std::int32_t v = pool_detail::tap(a, b, y0 + ky, x0 + kx)[c];
              m = v > m ? v : m;
            }
          }
          out[c] = static_cast<std::int8_t>(m < a.clamp_min ? a.clamp_min
                                                            : (m > a.clamp_max ? a.clamp_max : m));
        }
      });
}

// TFLite's rounded average of an int32 sum over n taps: ties away from zero, then the clamp.
inline std::int8_t average(std::int32_t acc, std::int32_t n, std::int32_t lo, std::int32_t hi) {
  const std::int32_t avg = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
  return static_cast<std::int8_t>(avg < lo ? lo : (avg > hi ? hi : avg));
}

// Sums in int32 lanes (channels), then the per-element rounded division.
inline void avg_pool_s8(const detail::PoolArgs& a) {
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::int8_t, decltype(d)> d8;
  constexpr std::size_t kMaxLanes = hn::MaxLanes(hn::ScalableTag<std::int32_t>());
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t full = a.channels - a.channels % lanes;
  pool_detail::for_each_output(
      a, [&](std::size_t b, std::int64_t y0, std::int64_t x0, ref::TapRange ty, ref::TapRange tx,
             std::int8_t* out) HWY_ATTR {
        const auto n = static_cast<std::int32_t>(ty.size() * tx.size());
        HWY_ALIGN std::int32_t sums[kMaxLanes];
        for (std::size_t c = 0; c < full; c += lanes) {
          auto acc = hn::Zero(d);
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              const std::int8_t* p = pool_detail::tap(a, b, y0 + ky, x0 + kx) + c;
              acc = hn::Add(acc, hn::PromoteTo(d, hn::LoadU(d8, p)));
            }
          }
          hn::Store(acc, d, sums);
          for (std::size_t i = 0; i < lanes; ++i) {
            out[c + i] = average(sums[i], n, a.clamp_min, a.clamp_max);
          }
        }
        for (std::size_t c = full; c < a.channels; ++c) {
          std::int32_t acc = 0;
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              acc += pool_detail::tap(a, b, y0 + ky, x0 + kx)[c];
            }
          }
          out[c] = average(acc, n, a.clamp_min, a.clamp_max);
        }
      });
}

namespace pool_detail {

// MEAN over the H x W plane of each (batch, channel): int32 sums in lanes, then
//   out = clamp(MBQM_R(sum) + bias, -128, 127)   (ref::mean).
// The vector requantization adds the bias after clamping the product to 2^16 inside int32, which
// is exact while |bias| < 2^16; a larger bias takes the element-by-element formula.
template <Rounding R>
void mean_s8(const std::int8_t* in, std::int8_t* out, std::size_t batch, std::size_t channels,
             const ref::MeanParams& p) {
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::int8_t, decltype(d)> d8;
  constexpr std::size_t kMaxLanes = hn::MaxLanes(hn::ScalableTag<std::int32_t>());
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t full = channels - channels % lanes;
  const std::size_t pixels = p.height * p.width;
  const bool vector_bias = p.bias > -(1 << 16) && p.bias < (1 << 16);
  const auto m = hn::Set(d, p.multiplier.multiplier);
  const auto s = hn::Set(d, p.multiplier.shift);
  const auto bias = hn::Set(d, p.bias);
  const auto lo = hn::Set(d, -128);
  const auto hi = hn::Set(d, 127);
  auto finish = [&](std::int32_t acc) HWY_ATTR {
    const std::int64_t y =
        std::int64_t{multiply_by_quantized_multiplier<R>(acc, p.multiplier)} + p.bias;
    return static_cast<std::int8_t>(y < -128 ? -128 : (y > 127 ? 127 : y));
  };
  for (std::size_t b = 0; b < batch; ++b) {
    const std::int8_t* plane = in + b * pixels * channels;
    std::int8_t* o = out + b * channels;
    for (std::size_t c = 0; c < full; c += lanes) {
      auto acc = hn::Zero(d);
      for (std::size_t i = 0; i < pixels; ++i) {
        acc = hn::Add(acc, hn::PromoteTo(d, hn::LoadU(d8, plane + i * channels + c)));
      }
      if (vector_bias) {
        const auto y = requantize<R, true>(d, acc, m, s, bias, lo, hi);
        hn::StoreU(hn::DemoteTo(d8, y), d8, o + c);
      } else {
        HWY_ALIGN std::int32_t sums[kMaxLanes];
        hn::Store(acc, d, sums);
        for (std::size_t i = 0; i < lanes; ++i) o[c + i] = finish(sums[i]);
      }
    }
    for (std::size_t c = full; c < channels; ++c) {
      std::int32_t acc = 0;
      for (std::size_t i = 0; i < pixels; ++i) acc += plane[i * channels + c];
      o[c] = finish(acc);
    }
  }
}

}  // namespace pool_detail

// Entry points of MEAN, one per rounding rule.
inline void mean_s8_double(const std::int8_t* in, std::int8_t* out, std::size_t batch,
                           std::size_t channels, const ref::MeanParams& p) {
  pool_detail::mean_s8<Rounding::kDouble>(in, out, batch, channels, p);
}
inline void mean_s8_single(const std::int8_t* in, std::int8_t* out, std::size_t batch,
                           std::size_t channels, const ref::MeanParams& p) {
  pool_detail::mean_s8<Rounding::kSingle>(in, out, batch, channels, p);
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_POOL_POOL_HWY_INL_H_
