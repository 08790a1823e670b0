// Conv2d and Conv1x1 layers: a static-shape convolution with its weights, in float or int8
// (per-channel symmetric weights, int32 bias, fused activation clamp).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "mote/kernels/conv/conv2d.h"
#include "mote/kernels/conv/conv2d_ref.h"
#include "mote/kernels/window.h"
#include "mote/nn/detail/quantize_weights.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"
#include "mote/tensor/tensor.h"

namespace mote::nn {

// Square KxK convolution, InChannels -> OutChannels, OHWI weights (OutChannels, K, K,
// InChannels), optional fused activation (a following Relu/Relu6 in a Sequential fuses here).
template <std::size_t InChannels, std::size_t OutChannels, int Kernel, int Stride = 1,
          Padding Pad = Padding::kSame, Activation Act = Activation::kNone>
struct Conv2d {
  static_assert(InChannels > 0 && OutChannels > 0, "mote: Conv2d: channels must be positive");
  static_assert(Kernel > 0 && Stride > 0, "mote: Conv2d: kernel and stride must be positive");

  static constexpr std::size_t kInputChannels = InChannels;
  static constexpr Activation kActivation = Act;
  template <Activation A>
  using WithActivation = Conv2d<InChannels, OutChannels, Kernel, Stride, Pad, A>;
  static constexpr Window2d kWindow{Kernel, Kernel, Stride, Stride, 1, 1, Pad, {}};

  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl : public detail::QuantState<std::is_same_v<T, std::int8_t>, OutChannels> {
    static_assert(ShapeCheck<Conv2d, Channels, InChannels, kChannels<In>>::kOk);
    static constexpr std::size_t kOutH = window_output_h(kWindow, kHeight<In>);
    static constexpr std::size_t kOutW = window_output_w(kWindow, kWidth<In>);
    static_assert(kOutH > 0 && kOutW > 0, "mote: Conv2d: the kernel does not fit the input");
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;
    using Acc = std::conditional_t<kInt8, std::int32_t, float>;

   public:
    using input_shape = In;
    using output_shape = Extents<kBatch<In>, kOutH, kOutW, OutChannels>;
    using WeightShape = Extents<OutChannels, Kernel, Kernel, InChannels>;
    static constexpr std::size_t kFanIn = static_cast<std::size_t>(Kernel) * Kernel * InChannels;
    // SIMD builds run the int8 convolution on the packed GEMM (weights packed when quantized,
    // im2col scratch from the arena for windows other than 1x1 stride 1); others, the reference.
    static constexpr bool kPacked = kInt8 && MOTE_SIMD;
    static constexpr std::size_t kScratchBytes =
        kPacked ? conv2d_scratch_bytes(kBatch<In>, kHeight<In>, kWidth<In>, InChannels, kWindow)
                : 0;
    static constexpr std::size_t arena_bytes = (kScratchBytes + 63) / 64 * 64;
    static constexpr std::size_t activation_count = 1;

    // OHWI weights and bias as quantized (and as a user may fill them in float).
    Tensor<T, WeightShape> weights;
    std::array<Acc, OutChannels> bias{};

    // What inference reads: the packed weights and biases in SIMD builds, else the above.
    static constexpr std::size_t weight_bytes() {
      if constexpr (kPacked) {
        return packed_gemm_weight_bytes(OutChannels, kFanIn) +
               packed_gemm_bias_count(OutChannels) * sizeof(std::int32_t) +
               3 * OutChannels * sizeof(float);  // the float epilogue's plan
      } else {
        return WeightShape{}.size() * sizeof(T) + sizeof(bias);
      }
    }

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, output_shape> out,
               std::span<std::byte> arena, ParallelRef parallel, Observer&& observe = {}) const {
      if constexpr (kPacked) {
        // The bias lives in the packing, folded with the input zero point.
        const OutputStage<P::kConv> stage =
            this->template stage<P::kConv>(std::span<const std::int32_t>{});
        const std::span<std::int8_t> scratch(reinterpret_cast<std::int8_t*>(arena.data()),
                                             kScratchBytes);
        return mote::conv2d(in, packed_.view(this->input.zero_point), out, kWindow, stage,
                            packed_.plan(), scratch, parallel);
      } else if constexpr (kInt8) {
        (void)arena, (void)parallel;
        const auto stage = this->template stage<P::kConv>(bias);
        return ref::conv2d(in, this->input.zero_point, weights.view(), out, kWindow, stage);
      } else {
        (void)arena, (void)parallel;
        const Status s = ref::conv2d(in, weights.view(), out, kWindow, float_activation(Act, bias));
        if (s == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return s;
      }
    }

    // Float only: He-initialised weights, small biases.
    void initialize(WeightGenerator& gen) requires(!kInt8) {
      const float stddev = he_stddev(kFanIn);
      for (float& w : weights) w = gen.normal(stddev);
      for (float& b : bias) b = gen.uniform(-0.1f, 0.1f);
    }

    // Int8 only: quantizes the float layer's weights per output channel, given the input
    // parameters and this layer's calibrated output range (ranges[0]). With kCheck nothing is
    // written; with kCommit nothing is written unless everything is valid.
    Status quantize_from(const auto& f, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges,
                         QuantizeMode mode) requires kInt8 {
      const Status s =
          detail::quantize_layer<Act>(std::span<const float>(f.weights.data(), f.weights.size()),
                                      f.bias, input, ranges[0], mode, weights.data(), bias, *this);
      if constexpr (kPacked) {
        if (s == Status::kOk && mode == QuantizeMode::kCommit) {
          // Cannot fail: the shapes are static and the zero point was validated.
          const Result<PackedGemmWeights> packed =
              pack_conv2d_filter(weights.view(), bias, input.zero_point, packed_.storage.storage());
          packed_.max_abs_accumulator =
              packed ? packed->max_abs_accumulator : std::numeric_limits<std::int64_t>::max();
          packed_.planned =
              packed &&
              plan_gemm_float_epilogue(
                  *packed, this->template stage<P::kConv>(std::span<const std::int32_t>{}),
                  std::span<float>(packed_.scale), std::span<float>(packed_.offset),
                  std::span<float>(packed_.offset_negative)) == Status::kOk;
        }
      }
      return s;
    }

   private:
    // The packed filter, its accumulator bound and, when one proves exact, the float
    // epilogue's plan (made once here, at quantization time).
    struct Packed {
      StaticPackedGemmStorage<OutChannels, kFanIn> storage;
      std::int64_t max_abs_accumulator = std::numeric_limits<std::int64_t>::max();
      std::array<float, OutChannels> scale{}, offset{}, offset_negative{};
      bool planned = false;

      PackedGemmWeights view(std::int32_t input_zero_point) const {
        return {storage.weights, storage.bias,     storage.column_sums, OutChannels,
                kFanIn,          input_zero_point, max_abs_accumulator};
      }
      GemmFloatEpilogue plan() const {
        if (!planned) return {};
        return {scale, offset, offset_negative};
      }
    };
    [[no_unique_address]] std::conditional_t<kPacked, Packed, NoState> packed_{};
  };
};

// Pointwise convolution: a GEMM over the pixels.
template <std::size_t InChannels, std::size_t OutChannels, Activation Act = Activation::kNone>
using Conv1x1 = Conv2d<InChannels, OutChannels, 1, 1, Padding::kValid, Act>;

}  // namespace mote::nn
