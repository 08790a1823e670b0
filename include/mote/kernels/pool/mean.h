// int8 MEAN over H and W (global average pooling, TFLite's runtime rule) on the best SIMD target;
// same contract and bytes as mote::ref::mean, which runs for strided views.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/detail/dense.h"
#include "mote/kernels/pool/mean_ref.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/kernels/pool/pool_hwy-inl.h"
#endif

namespace mote::detail {

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
// Defined in src/mote/dispatch.cc: in is batch x (p.height * p.width) x channels, out is
// batch x channels.
void mean_s8_double(const std::int8_t* in, std::int8_t* out, std::size_t batch,
                    std::size_t channels, const ref::MeanParams& p);
void mean_s8_single(const std::int8_t* in, std::int8_t* out, std::size_t batch,
                    std::size_t channels, const ref::MeanParams& p);
#endif

template <Rounding R>
inline void mean_s8(const std::int8_t* in, std::int8_t* out, std::size_t batch,
                    std::size_t channels, const ref::MeanParams& p) {
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
  if constexpr (R == Rounding::kDouble) {
    mean_s8_double(in, out, batch, channels, p);
  } else {
    mean_s8_single(in, out, batch, channels, p);
  }
#elif MOTE_SIMD
  if constexpr (R == Rounding::kDouble) {
    HWY_STATIC_DISPATCH(mean_s8_double)(in, out, batch, channels, p);
  } else {
    HWY_STATIC_DISPATCH(mean_s8_single)(in, out, batch, channels, p);
  }
#else
  (void)in, (void)out, (void)batch, (void)channels, (void)p;
#endif
}

}  // namespace mote::detail

namespace mote {

// int8 MEAN over H and W, the contract of ref::mean: out is N x 1 x 1 x C,
//   out = clamp(MBQM_R(sum of the raw inputs over the plane, multiplier) + bias, -128, 127)
// with p from ref::make_mean_params. kShapeMismatch if in is not N x height x width x C of p or
// out not N x 1 x 1 x C. Nothing is written on error.
template <Rounding R = Rounding::kDouble, ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] Status mean(In in, Out out, const ref::MeanParams& p) {
  if constexpr (!MOTE_SIMD) {
    return ref::mean<R>(in, out, p);
  } else {
    if (in.extent(1) != p.height || in.extent(2) != p.width || out.extent(0) != in.extent(0) ||
        out.extent(1) != 1 || out.extent(2) != 1 || out.extent(3) != in.extent(3)) {
      return Status::kShapeMismatch;
    }
    if (!detail::is_dense_row_major(in) || !detail::is_dense_row_major(out)) {
      return ref::mean<R>(in, out, p);
    }
    detail::mean_s8<R>(in.data(), out.data(), in.extent(0), in.extent(3), p);
    return Status::kOk;
  }
}

}  // namespace mote
