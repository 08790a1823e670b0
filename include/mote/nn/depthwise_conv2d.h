// DepthwiseConv2d and Depthwise3x3 layers: one KxK filter per channel (depth multiplier 1),
// 1HWC weights as TFLite stores them, in float or int8 with a fused activation clamp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/kernels/depthwise/depthwise.h"
#include "mote/kernels/depthwise/depthwise_ref.h"
#include "mote/kernels/window.h"
#include "mote/nn/detail/quantize_weights.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"
#include "mote/tensor/tensor.h"

namespace mote::nn {

template <std::size_t Depth, int Kernel, int Stride = 1, Padding Pad = Padding::kSame,
          Activation Act = Activation::kNone>
struct DepthwiseConv2d {
  static_assert(Depth > 0, "mote: DepthwiseConv2d: channels must be positive");
  static_assert(Kernel > 0 && Stride > 0,
                "mote: DepthwiseConv2d: kernel and stride must be positive");

  static constexpr std::size_t kInputChannels = Depth;
  static constexpr Activation kActivation = Act;
  template <Activation A>
  using WithActivation = DepthwiseConv2d<Depth, Kernel, Stride, Pad, A>;
  static constexpr Window2d kWindow{Kernel, Kernel, Stride, Stride, 1, 1, Pad, {}};

  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl : public detail::QuantState<std::is_same_v<T, std::int8_t>, Depth> {
    static_assert(ShapeCheck<DepthwiseConv2d, nn::Channels, Depth, kChannels<In>>::kOk);
    static constexpr std::size_t kOutH = window_output_h(kWindow, kHeight<In>);
    static constexpr std::size_t kOutW = window_output_w(kWindow, kWidth<In>);
    static_assert(kOutH > 0 && kOutW > 0,
                  "mote: DepthwiseConv2d: the kernel does not fit the input");
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;
    using Acc = std::conditional_t<kInt8, std::int32_t, float>;

   public:
    using input_shape = In;
    using output_shape = Extents<kBatch<In>, kOutH, kOutW, Depth>;
    using WeightShape = Extents<1, Kernel, Kernel, Depth>;
    static constexpr std::size_t arena_bytes = 0;
    static constexpr std::size_t activation_count = 1;

    Tensor<T, WeightShape> weights;
    std::array<Acc, Depth> bias{};

    static constexpr std::size_t weight_bytes() {
      return WeightShape{}.size() * sizeof(T) + sizeof(bias);
    }

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, output_shape> out,
               std::span<std::byte> /*arena*/, ParallelRef parallel,
               Observer&& observe = {}) const {
      if constexpr (kInt8) {
        const auto stage = this->template stage<P::kDepthwise>(bias);
        return mote::depthwise_conv2d(in, this->input.zero_point, weights.view(), out, kWindow,
                                      stage, parallel);
      } else {
        (void)parallel;
        const Status s =
            ref::depthwise_conv2d(in, weights.view(), out, kWindow, float_activation(Act, bias));
        if (s == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return s;
      }
    }

    void initialize(WeightGenerator& gen) requires(!kInt8) {
      const float stddev = he_stddev(static_cast<std::size_t>(Kernel) * Kernel);
      for (float& w : weights) w = gen.normal(stddev);
      for (float& b : bias) b = gen.uniform(-0.1f, 0.1f);
    }

    Status quantize_from(const auto& f, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges,
                         QuantizeMode mode) requires kInt8 {
      return detail::quantize_depthwise_layer<Act>(
          std::span<const float>(f.weights.data(), f.weights.size()), f.bias, input, ranges[0],
          mode, weights.data(), bias, *this);
    }
  };
};

template <std::size_t Depth, int Stride = 1, Activation Act = Activation::kNone>
using Depthwise3x3 = DepthwiseConv2d<Depth, 3, Stride, Padding::kSame, Act>;

}  // namespace mote::nn
