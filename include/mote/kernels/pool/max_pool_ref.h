// Scalar reference of MAX_POOL_2D on NHWC tensors, int8 and float, as TFLite computes it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "mote/base/int_math.h"
#include "mote/base/status.h"
#include "mote/kernels/pool/pool_window.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// int8 max pool; input and output share scale and zero point. Per output pixel:
//   out = clamp(max over the in-bounds taps of in, clamp.min, clamp.max)
// padded taps never win (TFLite reference_integer_ops::MaxPool starts from -128 and skips them).
// Errors: see check_pool; kInvalidArgument for a clamp outside [-128, 127] or min > max.
// Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status max_pool(In in, Out out, const Window2d& window,
                                        ClampRange clamp = {-128, 127}) {
  PoolGeometry g;
  if (const Status s = check_pool_s8(in, out, window, clamp, g); s != Status::kOk) return s;
  pool_each(
      in, out, window, g, std::int32_t{std::numeric_limits<std::int8_t>::min()},
      [](std::int32_t m, std::int32_t x) { return x > m ? x : m; },
      [clamp](std::int32_t m, std::int64_t, std::size_t) {
        return static_cast<std::int8_t>(clamp_int(m, clamp.min, clamp.max));
      });
  return Status::kOk;
}

// float max pool over the in-bounds taps, then act.apply (fused activation clamp).
// Errors: see check_pool; act.validate(C). Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status max_pool(In in, Out out, const Window2d& window,
                                        const FloatOutputStage& act = {}) {
  PoolGeometry g;
  if (const Status s = check_pool(in, out, window, g); s != Status::kOk) return s;
  if (const Status s = act.validate(out.extent(3)); s != Status::kOk) return s;
  pool_each(
      in, out, window, g, std::numeric_limits<float>::lowest(),
      [](float m, float x) { return x > m ? x : m; },
      [&act](float m, std::int64_t, std::size_t c) { return act.apply(m, c); });
  return Status::kOk;
}

}  // namespace mote::ref
