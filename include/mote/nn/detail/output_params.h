// How an int8 layer gets its output parameters, in the two ways TFLite models do:
// - SameParams: the output keeps the input's scale and zero point (RELU, pooling), and the fused
//   activation clamps on them;
// - OwnParams: the output has its own, from the calibrated range of the layer's activation.
// Float layers inherit the empty primary templates.
#pragma once

#include <cstdint>
#include <span>

#include "mote/nn/layer.h"

namespace mote::nn::detail {

template <bool Int8>
struct SameParams {};

template <>
struct SameParams<true> {
  QuantParams<std::int8_t> params{};
  ClampRange clamp{};

  // Checks the input parameters; on kCommit keeps them and the range of `act` on them.
  Status adopt(QuantParams<std::int8_t> input, QuantizeMode mode, Activation act) {
    if (input.validate() != Status::kOk) return Status::kInvalidArgument;
    if (mode == QuantizeMode::kCommit) {
      params = input;
      clamp = activation_range(act, input);
    }
    return Status::kOk;
  }
  QuantParams<std::int8_t> output_params() const { return params; }
  static Result<QuantParams<std::int8_t>> planned_output_params(QuantParams<std::int8_t> input,
                                                                std::span<const ActivationRange>) {
    return input;
  }
};

template <bool Int8>
struct OwnParams {};

template <>
struct OwnParams<true> {
  QuantParams<std::int8_t> input{};
  QuantParams<std::int8_t> output{};

  QuantParams<std::int8_t> output_params() const { return output; }
  // ranges[0] is the layer's (only) activation.
  static Result<QuantParams<std::int8_t>> planned_output_params(
      QuantParams<std::int8_t>, std::span<const ActivationRange> ranges) {
    return params_from_range(ranges[0]);
  }
  // Derives the output parameters and the kernel's, make(input, output) -> Result<Params>,
  // checking both; on kCommit keeps them, the kernel's in `params`.
  template <typename Params, typename Make>
  Status adopt(QuantParams<std::int8_t> in, std::span<const ActivationRange> ranges,
               QuantizeMode mode, Params& params, Make make) {
    const Result<QuantParams<std::int8_t>> out = planned_output_params(in, ranges);
    if (!out) return out.status();
    const Result<Params> p = make(in, *out);
    if (!p) return p.status();
    if (mode == QuantizeMode::kCommit) {
      input = in;
      output = *out;
      params = *p;
    }
    return Status::kOk;
  }
};

}  // namespace mote::nn::detail
