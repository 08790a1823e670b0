// Dense (TFLite FULLY_CONNECTED): flattens each batch item's H x W x C values into one vector
// of InFeatures and maps it to OutFeatures, output shape (N, 1, 1, OutFeatures). Per-channel
// symmetric int8 weights (OutFeatures x InFeatures), int32 bias, fused activation clamp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/kernels/fully_connected/fully_connected_ref.h"
#include "mote/nn/detail/quantize_weights.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"
#include "mote/tensor/tensor.h"

namespace mote::nn {

// The flattened input length, for shape errors.
struct Features {};

template <std::size_t InFeatures, std::size_t OutFeatures, Activation Act = Activation::kNone>
struct Dense {
  static_assert(InFeatures > 0 && OutFeatures > 0, "mote: Dense: features must be positive");
  static constexpr Activation kActivation = Act;
  template <Activation A>
  using WithActivation = Dense<InFeatures, OutFeatures, A>;

  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl : public detail::QuantState<std::is_same_v<T, std::int8_t>, OutFeatures> {
    static constexpr std::size_t kFlat = kHeight<In> * kWidth<In> * kChannels<In>;
    static_assert(ShapeCheck<Dense, Features, InFeatures, kFlat>::kOk);
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;
    using Acc = std::conditional_t<kInt8, std::int32_t, float>;
    using FlatIn = Extents<kBatch<In>, InFeatures>;
    using FlatOut = Extents<kBatch<In>, OutFeatures>;

   public:
    using input_shape = In;
    using output_shape = Extents<kBatch<In>, 1, 1, OutFeatures>;
    using WeightShape = Extents<OutFeatures, InFeatures>;
    static constexpr std::size_t arena_bytes = 0;
    static constexpr std::size_t activation_count = 1;

    Tensor<T, WeightShape> weights;
    std::array<Acc, OutFeatures> bias{};

    static constexpr std::size_t weight_bytes() {
      return WeightShape{}.size() * sizeof(T) + sizeof(bias);
    }

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, output_shape> out, std::span<std::byte>,
               ParallelRef /*parallel*/, Observer&& observe = {}) const {
      const TensorView<const T, FlatIn> x(in.data());
      const TensorView<T, FlatOut> y(out.data());
      if constexpr (kInt8) {
        const auto stage = this->template stage<P::kFullyConnected>(bias);
        return ref::fully_connected(x, this->input.zero_point, weights.view(), y, stage);
      } else {
        const Status s = ref::fully_connected(x, weights.view(), y, float_activation(Act, bias));
        if (s == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return s;
      }
    }

    void initialize(WeightGenerator& gen) requires(!kInt8) {
      const float stddev = he_stddev(InFeatures);
      for (float& w : weights) w = gen.normal(stddev);
      for (float& b : bias) b = gen.uniform(-0.1f, 0.1f);
    }

    Status quantize_from(const auto& f, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges,
                         QuantizeMode mode) requires kInt8 {
      return detail::quantize_layer<Act>(std::span<const float>(f.weights.data(), f.weights.size()),
                                         f.bias, input, ranges[0], mode, weights.data(), bias,
                                         *this);
    }
  };
};

}  // namespace mote::nn
