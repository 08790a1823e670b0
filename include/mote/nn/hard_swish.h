// HardSwish (MobileNetV3): x * relu6(x + 3) / 6. In int8, TFLite's all-int16 HARD_SWISH with
// its own output parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/kernels/activation/hard_swish_ref.h"
#include "mote/nn/detail/output_params.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"

namespace mote::nn {

struct HardSwish {
  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl : public detail::OwnParams<std::is_same_v<T, std::int8_t>> {
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
        return ref::hard_swish(in, out, params_);
      } else {
        const Status s = ref::hard_swish(in, out);
        if (s == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return s;
      }
    }

    void initialize(WeightGenerator&) requires(!kInt8) {}

    Status quantize_from(const auto&, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges,
                         QuantizeMode mode) requires kInt8 {
      return this->adopt(input, ranges, mode, params_, ref::make_hard_swish_params);
    }

   private:
    [[no_unique_address]] std::conditional_t<kInt8, ref::HardSwishParams, NoState> params_{};
  };
};

}  // namespace mote::nn
