// Scalar reference of AVERAGE_POOL_2D on NHWC tensors, int8 and float, as TFLite computes it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/int_math.h"
#include "mote/base/status.h"
#include "mote/kernels/pool/pool_window.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// int8 average pool; input and output share scale and zero point (TFLite requires it), so no
// multiplier is involved. Per output pixel, with n = number of in-bounds taps (padded taps are
// not counted, so the divisor shrinks at a padded border):
//   acc = sum of the raw int8 inputs over the in-bounds taps (int32, zero point not subtracted)
//   avg = acc > 0 ? (acc + n/2) / n : (acc - n/2) / n     (C division: ties away from zero)
//   out = clamp(avg, clamp.min, clamp.max)
// TFLite reference_integer_ops::AveragePool, used by the runtime kernels too. `clamp` is the
// fused activation, activation_range(act, params). Errors: see check_pool; kInvalidArgument for
// a clamp outside [-128, 127] or min > max. Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status avg_pool(In in, Out out, const Window2d& window,
                                        ClampRange clamp = {-128, 127}) {
  PoolGeometry g;
  if (const Status s = check_pool_s8(in, out, window, clamp, g); s != Status::kOk) return s;
  pool_each(
      in, out, window, g, std::int32_t{0}, [](std::int32_t acc, std::int8_t x) { return acc + x; },
      [clamp](std::int32_t acc, std::int64_t taps, std::size_t) {
        const auto n = static_cast<std::int32_t>(taps);
        const std::int32_t avg = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
        return static_cast<std::int8_t>(clamp_int(avg, clamp.min, clamp.max));
      });
  return Status::kOk;
}

// float average pool: the mean over the in-bounds taps (TFLite reference_ops::AveragePool,
// divisor = in-bounds count), then act.apply (fused activation clamp; bias, if any, per channel).
// Errors: see check_pool; act.validate(C). Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status avg_pool(In in, Out out, const Window2d& window,
                                        const FloatOutputStage& act = {}) {
  PoolGeometry g;
  if (const Status s = check_pool(in, out, window, g); s != Status::kOk) return s;
  if (const Status s = act.validate(out.extent(3)); s != Status::kOk) return s;
  pool_each(
      in, out, window, g, 0.0f, [](float sum, float x) { return sum + x; },
      [&act](float sum, std::int64_t taps, std::size_t c) {
        return act.apply(sum / static_cast<float>(taps), c);
      });
  return Status::kOk;
}

}  // namespace mote::ref
