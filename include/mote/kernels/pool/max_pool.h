// int8 max pool on the best SIMD target (channels across lanes); same contract and bytes as
// mote::ref::max_pool, which runs for strided views.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/pool/max_pool_ref.h"
#include "mote/kernels/pool/pool_entry.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote {

// int8 max pool, the contract of ref::max_pool (input and output share scale and zero point):
// out = clamp(max over the in-bounds taps of in, clamp.min, clamp.max) (TFLite MAX_POOL_2D)
// Errors: see ref::check_pool; kInvalidArgument for a clamp outside [-128, 127] or min > max.
// Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] Status max_pool(In in, Out out, const Window2d& window,
                              ClampRange clamp = {-128, 127}) {
#if MOTE_SIMD
  return detail::pool_s8(
      in, out, window, clamp, detail::max_pool_s8,
      [](auto i, auto o, const Window2d& w, ClampRange c) { return ref::max_pool(i, o, w, c); });
#else
  return ref::max_pool(in, out, window, clamp);
#endif
}

}  // namespace mote
