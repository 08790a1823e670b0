// Logistic, Tanh and Softmax layers. Their int8 outputs have the fixed parameters TFLite
// requires (logistic and softmax: scale 1/256, zero point -128; tanh: 1/128, 0), and their
// arithmetic is the profile's: a float 256-entry table or gemmlowp fixed point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/kernels/activation/logistic_profile.h"
#include "mote/kernels/activation/logistic_ref.h"
#include "mote/kernels/activation/tanh_profile.h"
#include "mote/kernels/activation/tanh_ref.h"
#include "mote/kernels/softmax/softmax_profile.h"
#include "mote/kernels/softmax/softmax_ref.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"

namespace mote::nn {

namespace detail {

// One element-wise (or row-wise) nonlinearity; Op supplies the kernels and the output rule.
template <typename Op>
struct Nonlinear {
  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl {
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;
    using Params = typename Op::template Params<P>;

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
        return Op::template run_int8<P>(in, out, params_);
      } else {
        const Status s = Op::run_float(in, out);
        if (s == Status::kOk) observe(std::span<const float>(out.data(), out.size()));
        return s;
      }
    }

    void initialize(WeightGenerator&) requires(!kInt8) {}

    Status quantize_from(const auto&, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange>, QuantizeMode mode) requires kInt8 {
      const Result<Params> p = Op::template make<P>(input, Op::kOutput);
      if (!p) return p.status();
      if (mode == QuantizeMode::kCommit) params_ = *p;
      return Status::kOk;
    }
    QuantParams<std::int8_t> output_params() const requires kInt8 { return Op::kOutput; }
    static Result<QuantParams<std::int8_t>> planned_output_params(
        QuantParams<std::int8_t>, std::span<const ActivationRange>) requires kInt8 {
      return Op::kOutput;
    }

   private:
    [[no_unique_address]] std::conditional_t<kInt8, Params, NoState> params_{};
  };
};

struct LogisticOp {
  static constexpr QuantParams<std::int8_t> kOutput{1.0f / 256.0f, -128};
  template <typename P>
  using Params = ref::LogisticParamsFor<P>;
  template <typename P>
  static Result<Params<P>> make(QuantParams<std::int8_t> in, QuantParams<std::int8_t> out) {
    return ref::make_logistic_params<P>(in, out);
  }
  template <typename P, typename In, typename Out>
  static Status run_int8(In in, Out out, const Params<P>& p) {
    return ref::logistic<P>(in, out, p);
  }
  template <typename In, typename Out>
  static Status run_float(In in, Out out) {
    return ref::logistic(in, out);
  }
};

struct TanhOp {
  static constexpr QuantParams<std::int8_t> kOutput{1.0f / 128.0f, 0};
  template <typename P>
  using Params = ref::TanhParamsFor<P>;
  template <typename P>
  static Result<Params<P>> make(QuantParams<std::int8_t> in, QuantParams<std::int8_t> out) {
    return ref::make_tanh_params<P>(in, out);
  }
  template <typename P, typename In, typename Out>
  static Status run_int8(In in, Out out, const Params<P>& p) {
    return ref::tanh<P>(in, out, p);
  }
  template <typename In, typename Out>
  static Status run_float(In in, Out out) {
    return ref::tanh(in, out);
  }
};

// Over the channels (the last axis), beta 1.
struct SoftmaxOp {
  static constexpr QuantParams<std::int8_t> kOutput{1.0f / 256.0f, -128};
  template <typename P>
  using Params = ref::SoftmaxParamsFor<P>;
  template <typename P>
  static Result<Params<P>> make(QuantParams<std::int8_t> in, QuantParams<std::int8_t> out) {
    return ref::make_softmax_params<P>(in, out);
  }
  template <typename P, typename In, typename Out>
  static Status run_int8(In in, Out out, const Params<P>& p) {
    return ref::softmax<P>(in, out, p);
  }
  template <typename In, typename Out>
  static Status run_float(In in, Out out) {
    return ref::softmax(in, out);
  }
};

}  // namespace detail

using Logistic = detail::Nonlinear<detail::LogisticOp>;
using Tanh = detail::Nonlinear<detail::TanhOp>;
using Softmax = detail::Nonlinear<detail::SoftmaxOp>;

}  // namespace mote::nn
