// Float-vs-int8 testing: quantize float tensors the TFLite way, keep the dequantized values the
// float reference runs on, and measure int8 outputs against the quantized float outputs in quanta.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mote/quant/multiplier.h"
#include "mote/quant/output_stage.h"
#include "mote/quant/params.h"
#include "mote/quant/quantize.h"

namespace mote::test {

// A quantized tensor and its dequantized twin: real[i] = scale * (q[i] - zero_point).
template <QuantizedInt T>
struct QuantizedTensor {
  std::vector<T> q;
  std::vector<float> real;
  QuantParams<T> params;
};

template <QuantizedInt T>
QuantizedTensor<T> quantize_tensor(std::span<const float> x, const QuantParams<T>& p) {
  QuantizedTensor<T> t{std::vector<T>(x.size()), std::vector<float>(x.size()), p};
  for (std::size_t i = 0; i < x.size(); ++i) {
    t.q[i] = quantize(x[i], p);
    t.real[i] = dequantize(t.q[i], p);
  }
  return t;
}

// Per-tensor parameters chosen from the range of x (choose_params, so 0 is exact).
template <QuantizedInt T>
QuantParams<T> params_for(std::span<const float> x) {
  float lo = 0.0f;
  float hi = 0.0f;
  for (float v : x) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return *choose_params<T>(lo, hi);
}

template <QuantizedInt T>
QuantizedTensor<T> quantize_tensor(std::span<const float> x) {
  return quantize_tensor<T>(x, params_for<T>(x));
}

// Symmetric per-channel int8 weights; element i belongs to channel (i / inner) % channels
// (OHWI and N x K weights: inner = elements per channel; depthwise 1HWC: inner = 1).
struct QuantizedWeights {
  std::vector<std::int8_t> q;
  std::vector<float> real;
  std::vector<float> scales;
};

inline QuantizedWeights quantize_weights(std::span<const float> w, std::size_t channels,
                                         std::size_t inner) {
  QuantizedWeights out{std::vector<std::int8_t>(w.size()), std::vector<float>(w.size()),
                       std::vector<float>(channels, 0.0f)};
  auto channel = [&](std::size_t i) { return (i / inner) % channels; };
  for (std::size_t i = 0; i < w.size(); ++i) {
    out.scales[channel(i)] = std::max(out.scales[channel(i)], std::abs(w[i]));
  }
  for (float& s : out.scales) s = choose_weight_scale(s);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const float s = out.scales[channel(i)];
    out.q[i] = quantize_weight(w[i], s);
    out.real[i] = s * static_cast<float>(out.q[i]);
  }
  return out;
}

// int32 bias at scale input_scale * weight_scales[c], and its dequantized value.
struct QuantizedBias {
  std::vector<std::int32_t> q;
  std::vector<float> real;
};

inline QuantizedBias quantize_biases(std::span<const float> b, float input_scale,
                                     std::span<const float> weight_scales) {
  QuantizedBias out{std::vector<std::int32_t>(b.size()), std::vector<float>(b.size())};
  for (std::size_t c = 0; c < b.size(); ++c) {
    const float ws = weight_scales[weight_scales.size() == 1 ? 0 : c];
    out.q[c] = quantize_bias(b[c], input_scale, ws);
    out.real[c] = static_cast<float>(static_cast<double>(out.q[c]) * bias_scale(input_scale, ws));
  }
  return out;
}

// Distance of int8 outputs from quantize(float output), in quanta, accumulated over tests.
struct QuantaError {
  int max = 0;
  std::size_t off_by_one = 0;
  std::size_t count = 0;

  void merge(const QuantaError& o) {
    max = std::max(max, o.max);
    off_by_one += o.off_by_one;
    count += o.count;
  }
};

template <QuantizedInt T>
QuantaError quanta_error(std::span<const T> actual, std::span<const float> expected_real,
                         const QuantParams<T>& out) {
  QuantaError e;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const int d =
        std::abs(static_cast<int>(actual[i]) - static_cast<int>(quantize(expected_real[i], out)));
    e.max = std::max(e.max, d);
    e.off_by_one += d == 1 ? 1 : 0;
    ++e.count;
  }
  return e;
}

// The int8 stage of a layer with output parameters `out` and fused activation `act`: owns the
// multipliers real[c] = input_scale * weight_scales[c] / out.scale and views the bias.
template <Rounding Rule, QuantizedInt Out>
struct StageFixture {
  std::vector<QuantizedMultiplier> multipliers;
  OutputStage<Rule> stage;

  StageFixture(float input_scale, std::span<const float> weight_scales,
               std::span<const std::int32_t> bias, const QuantParams<Out>& out, Activation act)
      : multipliers(weight_scales.size()) {
    if (compute_multipliers(input_scale, weight_scales, out.scale, multipliers) != Status::kOk) {
      std::abort();  // test set-up error
    }
    const ClampRange r = activation_range(act, out);
    stage = OutputStage<Rule>{bias, multipliers, out.zero_point, r.min, r.max};
  }
  StageFixture(const StageFixture&) = delete;
  StageFixture& operator=(const StageFixture&) = delete;
};

}  // namespace mote::test
