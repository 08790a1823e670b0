// Pooling layers: AveragePool2d and MaxPool2d (the output keeps the input's quantization, as
// TFLite requires) and GlobalAveragePool (TFLite MEAN over H and W, with its own output
// parameters and the profile's rounding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/kernels/pool/avg_pool.h"
#include "mote/kernels/pool/avg_pool_ref.h"
#include "mote/kernels/pool/max_pool.h"
#include "mote/kernels/pool/max_pool_ref.h"
#include "mote/kernels/pool/mean.h"
#include "mote/kernels/pool/mean_profile.h"
#include "mote/kernels/pool/mean_ref.h"
#include "mote/kernels/window.h"
#include "mote/nn/detail/output_params.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"

namespace mote::nn {

namespace detail {
enum class PoolKind : std::uint8_t { kAverage, kMax };

template <PoolKind Kind, int Kernel, int Stride, Padding Pad, Activation Act>
struct Pool2d {
  static_assert(Kernel > 0 && Stride > 0, "mote: Pool2d: kernel and stride must be positive");
  static constexpr Activation kActivation = Act;
  template <Activation A>
  using WithActivation = Pool2d<Kind, Kernel, Stride, Pad, A>;
  static constexpr Window2d kWindow{Kernel, Kernel, Stride, Stride, 1, 1, Pad, {}};

  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl : public SameParams<std::is_same_v<T, std::int8_t>> {
    static constexpr std::size_t kOutH = window_output_h(kWindow, kHeight<In>);
    static constexpr std::size_t kOutW = window_output_w(kWindow, kWidth<In>);
    static_assert(kOutH > 0 && kOutW > 0, "mote: Pool2d: the window does not fit the input");
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;

   public:
    using input_shape = In;
    using output_shape = Extents<kBatch<In>, kOutH, kOutW, kChannels<In>>;
    static constexpr std::size_t arena_bytes = 0;
    static constexpr std::size_t activation_count = 1;
    static constexpr std::size_t weight_bytes() { return 0; }

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, output_shape> out, std::span<std::byte>,
               ParallelRef /*parallel*/, Observer&& observe = {}) const {
      if constexpr (kInt8) {
        return Kind == PoolKind::kAverage ? mote::avg_pool(in, out, kWindow, this->clamp)
                                          : mote::max_pool(in, out, kWindow, this->clamp);
      } else {
        const FloatOutputStage act = float_activation(Act);
        const Status s = Kind == PoolKind::kAverage ? ref::avg_pool(in, out, kWindow, act)
                                                    : ref::max_pool(in, out, kWindow, act);
        if (s == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return s;
      }
    }

    void initialize(WeightGenerator&) requires(!kInt8) {}

    Status quantize_from(const auto&, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange>, QuantizeMode mode) requires kInt8 {
      return this->adopt(input, mode, Act);
    }
  };
};
}  // namespace detail

template <int Kernel, int Stride = Kernel, Padding Pad = Padding::kValid,
          Activation Act = Activation::kNone>
using AveragePool2d = detail::Pool2d<detail::PoolKind::kAverage, Kernel, Stride, Pad, Act>;
template <int Kernel, int Stride = Kernel, Padding Pad = Padding::kValid,
          Activation Act = Activation::kNone>
using MaxPool2d = detail::Pool2d<detail::PoolKind::kMax, Kernel, Stride, Pad, Act>;

// The mean over H and W, keeping them as 1x1 (TFLite MEAN, axes {1, 2}, keep_dims).
struct GlobalAveragePool {
  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl : public detail::OwnParams<std::is_same_v<T, std::int8_t>> {
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;

   public:
    using input_shape = In;
    using output_shape = Extents<kBatch<In>, 1, 1, kChannels<In>>;
    static constexpr std::size_t arena_bytes = 0;
    static constexpr std::size_t activation_count = 1;
    static constexpr std::size_t weight_bytes() { return 0; }

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, output_shape> out, std::span<std::byte>,
               ParallelRef /*parallel*/, Observer&& observe = {}) const {
      if constexpr (kInt8) {
        if constexpr (P::kMeanArithmetic == MeanArithmetic::kFloatMultiplier) {
          return mote::mean<P::kMean>(in, out, mean_);  // SIMD
        } else {
          return ref::mean<P>(in, out, mean_);
        }
      } else {
        const Status s = ref::mean(in, out);
        if (s == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return s;
      }
    }

    void initialize(WeightGenerator&) requires(!kInt8) {}

    Status quantize_from(const auto&, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges,
                         QuantizeMode mode) requires kInt8 {
      return this->adopt(input, ranges, mode, mean_, [](auto in_params, auto out_params) {
        return ref::make_mean_params<P>(in_params, out_params, kHeight<In>, kWidth<In>);
      });
    }

   private:
    [[no_unique_address]] std::conditional_t<kInt8, ref::MeanParamsFor<P>, NoState> mean_{};
  };
};

}  // namespace mote::nn
