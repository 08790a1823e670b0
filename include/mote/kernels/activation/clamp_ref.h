// Scalar reference of RELU, RELU6 and RELU_N1_TO_1 as clamps, int8 and float, over views of any
// rank.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/int_math.h"
#include "mote/base/status.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// int8: out = clamp(in, range.min, range.max), in and out sharing scale and zero point. With
// range = activation_range(Activation::kRelu6, params) this is TFLite's RELU6 (its requantizing
// ReluX reduces to this when the parameters are shared: the multiplier 1.0 is exact).
// kShapeMismatch if the extents differ; kInvalidArgument for a range outside int8 or
// min > max. Nothing is written on error.
template <View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status clamp(In in, Out out, ClampRange range) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  if (range.min < -128 || range.max > 127 || range.min > range.max) {
    return Status::kInvalidArgument;
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    element(out, i) =
        static_cast<std::int8_t>(clamp_int<std::int32_t>(element(in, i), range.min, range.max));
  }
  return Status::kOk;
}

// float: out = min(max(in, lo), hi); RELU is [0, inf], RELU6 [0, 6], RELU_N1_TO_1 [-1, 1]
// (float_activation gives them). kShapeMismatch if the extents differ; kInvalidArgument if
// !(lo <= hi). Nothing is written on error.
template <View In, View Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status clamp(In in, Out out, float lo, float hi) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  if (!(lo <= hi)) return Status::kInvalidArgument;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const float x = element(in, i);
    element(out, i) = x < lo ? lo : (x > hi ? hi : x);
  }
  return Status::kOk;
}

}  // namespace mote::ref
