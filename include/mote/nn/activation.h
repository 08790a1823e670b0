// Relu and Relu6 layers. In a Sequential they fuse into the convolution before them (its
// output clamp); standing alone they clamp in place of a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/nn/detail/output_params.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"

namespace mote::nn {

template <Activation Act>
struct ActivationLayer {
  static_assert(Act != Activation::kNone, "mote: ActivationLayer: kNone is not an activation");
  static constexpr Activation kFusedActivation = Act;

  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl : public detail::SameParams<std::is_same_v<T, std::int8_t>> {
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;

   public:
    using input_shape = In;
    using output_shape = In;
    static constexpr std::size_t arena_bytes = 0;
    static constexpr std::size_t activation_count = 1;
    static constexpr std::size_t weight_bytes() { return 0; }

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, In> out, std::span<std::byte>,
               ParallelRef /*parallel*/, Observer&& observe = {}) const {
      if constexpr (kInt8) {
        // Input and output share parameters, so the activation is a clamp of the raw values.
        const auto lo = static_cast<std::int8_t>(this->clamp.min);
        const auto hi = static_cast<std::int8_t>(this->clamp.max);
        for (std::size_t i = 0; i < in.size(); ++i) {
          const std::int8_t v = in[i];
          out[i] = v < lo ? lo : (v > hi ? hi : v);
        }
      } else {
        const FloatOutputStage clamp = float_activation(Act);
        for (std::size_t i = 0; i < in.size(); ++i) out[i] = clamp.apply(in[i], 0);
        observe(std::span<const float>(out.data(), out.size()));
      }
      return Status::kOk;
    }

    void initialize(WeightGenerator&) requires(!kInt8) {}

    // The output keeps the input's parameters (TFLite quantizes RELU/RELU6 this way).
    Status quantize_from(const auto&, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange>, QuantizeMode mode) requires kInt8 {
      return this->adopt(input, mode, Act);
    }
  };
};

using Relu = ActivationLayer<Activation::kRelu>;
using Relu6 = ActivationLayer<Activation::kRelu6>;

}  // namespace mote::nn
