// int8 average pool on the best SIMD target (channels across lanes); same contract and bytes as
// mote::ref::avg_pool, which runs for strided views.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/pool/avg_pool_ref.h"
#include "mote/kernels/pool/pool_entry.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote {

// int8 average pool, the contract of ref::avg_pool (input and output share scale and zero point):
// out = clamp(rounded mean over the in-bounds taps, clamp.min, clamp.max) (TFLite AVERAGE_POOL_2D;
// the divisor counts in-bounds taps only)
// Errors: see ref::check_pool; kInvalidArgument for a clamp outside [-128, 127] or min > max.
// Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] Status avg_pool(In in, Out out, const Window2d& window,
                              ClampRange clamp = {-128, 127}) {
#if MOTE_SIMD
  return detail::pool_s8(
      in, out, window, clamp, detail::avg_pool_s8,
      [](auto i, auto o, const Window2d& w, ClampRange c) { return ref::avg_pool(i, o, w, c); });
#else
  return ref::avg_pool(in, out, window, clamp);
#endif
}

}  // namespace mote
