// Float -> int8 conversion of a layer's parameters: per-output-channel symmetric weights, int32
// bias at scale input_scale * weight_scale, Q31 multipliers, activation clamp.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/nn/layer.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/output_stage.h"
#include "mote/quant/quantize.h"

namespace mote::nn::detail {

// What an int8 layer with weights keeps beside them (a base of the layer); empty for float
// layers. Its output parameters come from the calibrated range of its one activation.
template <bool Int8, std::size_t Channels>
struct QuantState {};

template <std::size_t Channels>
struct QuantState<true, Channels> {
  std::array<float, Channels> weight_scales{};
  std::array<QuantizedMultiplier, Channels> multipliers{};
  QuantParams<std::int8_t> input{};
  QuantParams<std::int8_t> output{};
  ClampRange clamp{-128, 127};

  QuantParams<std::int8_t> output_params() const { return output; }
  static Result<QuantParams<std::int8_t>> planned_output_params(
      QuantParams<std::int8_t>, std::span<const ActivationRange> ranges) {
    return params_from_range(ranges[0]);
  }
  // The fused epilogue of a layer whose profile rounds with R.
  template <Rounding R>
  OutputStage<R> stage(std::span<const std::int32_t> bias) const {
    return OutputStage<R>{bias, multipliers, output.zero_point, clamp.min, clamp.max};
  }
};

// Quantizes float weights whose output channel c is found at index i by `channel_of(i)`,
// validating everything before writing. `weights` (the int8 destination) has the float layout.
template <Activation Act, std::size_t Channels, typename ChannelOf>
Status quantize_parameters(std::span<const float> float_weights,
                           const std::array<float, Channels>& float_bias,
                           QuantParams<std::int8_t> input, const ActivationRange& range,
                           QuantizeMode mode, std::int8_t* weights,
                           std::array<std::int32_t, Channels>& bias,
                           QuantState<true, Channels>& state, ChannelOf channel_of) {
  if (input.validate() != Status::kOk) return Status::kInvalidArgument;
  const Result<QuantParams<std::int8_t>> output = params_from_range(range);
  if (!output) return output.status();
  std::array<float, Channels> max_abs{};
  for (std::size_t i = 0; i < float_weights.size(); ++i) {
    const float w = float_weights[i];
    if (!std::isfinite(w)) return Status::kInvalidArgument;
    float& m = max_abs[channel_of(i)];
    m = std::fabs(w) > m ? std::fabs(w) : m;
  }
  for (float b : float_bias) {
    if (!std::isfinite(b)) return Status::kInvalidArgument;
  }
  std::array<float, Channels> scales{};
  for (std::size_t c = 0; c < Channels; ++c) scales[c] = choose_weight_scale(max_abs[c]);
  std::array<QuantizedMultiplier, Channels> multipliers{};
  const Status s = compute_multipliers(input.scale, scales, output->scale, multipliers);
  if (s != Status::kOk) return s;

  if (mode == QuantizeMode::kCheck) return Status::kOk;
  // Validated: commit.
  for (std::size_t i = 0; i < float_weights.size(); ++i) {
    weights[i] = quantize_weight(float_weights[i], scales[channel_of(i)]);
  }
  for (std::size_t c = 0; c < Channels; ++c) {
    bias[c] = quantize_bias(float_bias[c], input.scale, scales[c]);
  }
  state.weight_scales = scales;
  state.multipliers = multipliers;
  state.input = input;
  state.output = *output;
  state.clamp = activation_range(Act, *output);
  return Status::kOk;
}

// OHWI weights: the output channel is the outermost index.
template <Activation Act, std::size_t Channels>
Status quantize_layer(std::span<const float> float_weights,
                      const std::array<float, Channels>& float_bias, QuantParams<std::int8_t> input,
                      const ActivationRange& range, QuantizeMode mode, std::int8_t* weights,
                      std::array<std::int32_t, Channels>& bias, QuantState<true, Channels>& state) {
  const std::size_t per_channel = float_weights.size() / Channels;
  return quantize_parameters<Act>(float_weights, float_bias, input, range, mode, weights, bias,
                                  state, [per_channel](std::size_t i) { return i / per_channel; });
}

// 1HWC depthwise weights: the output channel is the innermost index.
template <Activation Act, std::size_t Channels>
Status quantize_depthwise_layer(std::span<const float> float_weights,
                                const std::array<float, Channels>& float_bias,
                                QuantParams<std::int8_t> input, const ActivationRange& range,
                                QuantizeMode mode, std::int8_t* weights,
                                std::array<std::int32_t, Channels>& bias,
                                QuantState<true, Channels>& state) {
  return quantize_parameters<Act>(float_weights, float_bias, input, range, mode, weights, bias,
                                  state, [](std::size_t i) { return i % Channels; });
}

}  // namespace mote::nn::detail
