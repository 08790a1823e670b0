// Residual<Body>: out = in + Body(in), for a body that keeps the shape. In int8 the sum is
// TFLite's ADD with its own output parameters; Body writes straight into `out` and the add
// runs in place, so the residual needs no arena beyond the body's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/kernels/eltwise/add.h"
#include "mote/kernels/eltwise/add_ref.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"

namespace mote::nn {

template <typename Body>
struct Residual {
  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl {
    using BodyImpl = typename Body::template Impl<In, T, P>;
    using BodyOut = typename BodyImpl::output_shape;
    static_assert(std::is_same_v<In, BodyOut>,
                  "mote: Residual: the body must keep the input shape");
    // Names the dimension and both numbers.
    static_assert(ShapeCheck<Residual, Height, kHeight<In>, kHeight<BodyOut>>::kOk &&
                  ShapeCheck<Residual, Width, kWidth<In>, kWidth<BodyOut>>::kOk &&
                  ShapeCheck<Residual, Channels, kChannels<In>, kChannels<BodyOut>>::kOk);
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;

   public:
    using input_shape = In;
    using output_shape = In;
    static constexpr std::size_t arena_bytes = BodyImpl::arena_bytes;
    static constexpr std::size_t activation_count = BodyImpl::activation_count + 1;
    static constexpr std::size_t weight_bytes() { return BodyImpl::weight_bytes(); }

    BodyImpl body;

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, In> out, std::span<std::byte> arena,
               ParallelRef parallel, Observer&& observe = {}) const {
      const Status s = body.run(in, out, arena, parallel, observe);
      if (s != Status::kOk) return s;
      const TensorView<const T, In> sum(out);
      if constexpr (kInt8) {
        return mote::add<P::kAdd>(in, sum, out, add_);
      } else {
        const Status a = ref::add(in, sum, out, FloatOutputStage{});
        if (a == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return a;
      }
    }

    void initialize(WeightGenerator& gen) requires(!kInt8) { body.initialize(gen); }

    // ranges: the body's activations, then the sum's.
    Status quantize_from(const auto& f, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges,
                         QuantizeMode mode) requires kInt8 {
      if (ranges.size() != activation_count) return Status::kShapeMismatch;
      const auto body_ranges = ranges.first(BodyImpl::activation_count);
      const Result<QuantParams<std::int8_t>> body_out =
          BodyImpl::planned_output_params(input, body_ranges);
      if (!body_out) return body_out.status();
      const Result<QuantParams<std::int8_t>> out = params_from_range(ranges.back());
      if (!out) return out.status();
      const Result<ref::AddParams> add =
          ref::make_add_params(input, *body_out, *out, Activation::kNone);
      if (!add) return add.status();
      if (Status s = body.quantize_from(f.body, input, body_ranges, QuantizeMode::kCheck);
          s != Status::kOk || mode == QuantizeMode::kCheck) {
        return s;
      }
      add_ = *add;
      output_ = *out;
      return body.quantize_from(f.body, input, body_ranges, QuantizeMode::kCommit);
    }
    QuantParams<std::int8_t> output_params() const requires kInt8 { return output_; }
    static Result<QuantParams<std::int8_t>> planned_output_params(
        QuantParams<std::int8_t>, std::span<const ActivationRange> ranges) requires kInt8 {
      return params_from_range(ranges.back());
    }

   private:
    [[no_unique_address]] std::conditional_t<kInt8, ref::AddParams, NoState> add_{};
    [[no_unique_address]] std::conditional_t<kInt8, QuantParams<std::int8_t>, NoState> output_{};
  };
};

}  // namespace mote::nn
