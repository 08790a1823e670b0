// Network<Model, InputShape, Scalar, Profile>: a composed model made runnable. It owns the
// layers' weights, knows its arena size as a constant, validates what callers pass at run
// time, and converts a calibrated float network to int8.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/base/parallel.h"
#include "mote/nn/init.h"
#include "mote/nn/layer.h"

namespace mote::nn {

template <typename Model, Shape In, Scalar T = std::int8_t, Profile P = DefaultProfile>
class Network {
  using Impl = typename Model::template Impl<In, T, P>;
  static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;

 public:
  using model_type = Model;
  using scalar_type = T;
  using profile_type = P;
  using input_shape = In;
  using output_shape = typename Impl::output_shape;
  using InputView = TensorView<const T, input_shape>;
  using OutputView = TensorView<T, output_shape>;

  static constexpr std::size_t arena_alignment = 64;
  // At least one line, so that `std::byte arena[arena_bytes]` is always a valid declaration.
  static constexpr std::size_t arena_bytes = Impl::arena_bytes > 0 ? Impl::arena_bytes : 64;
  // The input, then every activation the model computes, in execution order.
  static constexpr std::size_t activation_count = Impl::activation_count + 1;
  using Calibration = std::array<ActivationRange, activation_count>;

  static constexpr std::size_t weight_bytes() { return Impl::weight_bytes(); }
  static constexpr const char* profile_name() { return P::kName; }

  // Runs the model. kOutOfMemory if the arena is smaller than arena_bytes, kInvalidArgument if
  // it is not 64-byte aligned or a view is null; nothing is written then.
  // `parallel` (default: the calling thread) runs each layer's tasks; the bytes do not depend
  // on it.
  Status run(InputView input, OutputView output, std::span<std::byte> arena) const {
    SingleThread single;
    return run(input, output, arena, single);
  }
  template <ParallelFor Parallel>
  Status run(InputView input, OutputView output, std::span<std::byte> arena,
             Parallel& parallel) const {
    if (Status s = check_run_args(input, output, arena); s != Status::kOk) return s;
    return impl_.run(input, output, arena, ParallelRef(parallel));
  }

  // Float: runs the model and widens `calibration` to cover every activation seen.
  Status calibrate(InputView input, OutputView output, std::span<std::byte> arena,
                   Calibration& calibration) const requires(!kInt8) {
    if (Status s = check_run_args(input, output, arena); s != Status::kOk) return s;
    calibration[0].update(std::span<const float>(input.data(), input.size()));
    std::size_t next = 1;
    auto observe = [&](std::span<const float> activation) {
      MOTE_ASSERT(next < activation_count);
      calibration[next++].update(activation);
    };
    SingleThread single;
    return impl_.run(input, output, arena, ParallelRef(single), observe);
  }

  // Float: deterministic generated weights.
  void initialize(std::uint64_t seed) requires(!kInt8) {
    WeightGenerator gen(seed);
    impl_.initialize(gen);
  }

  // Int8: quantizes a calibrated float network of the same model. Validates everything before
  // writing: on error this network is unchanged.
  template <Profile FloatP>
  Status quantize_from(const Network<Model, In, float, FloatP>& f,
                       const Calibration& calibration) requires kInt8 {
    const Result<QuantParams<std::int8_t>> input = params_from_range(calibration[0]);
    if (!input) return input.status();
    const auto ranges = std::span<const ActivationRange>(calibration).subspan(1);
    const auto& float_impl = f.layers();
    if (Status s = impl_.quantize_from(float_impl, *input, ranges, QuantizeMode::kCheck);
        s != Status::kOk) {
      return s;
    }
    input_ = *input;
    return impl_.quantize_from(float_impl, *input, ranges, QuantizeMode::kCommit);
  }

  QuantParams<std::int8_t> input_params() const requires kInt8 { return input_; }
  QuantParams<std::int8_t> output_params() const requires kInt8 { return impl_.output_params(); }

  // The layer tree, for inspection and for filling weights by hand.
  Impl& layers() { return impl_; }
  const Impl& layers() const { return impl_; }

 private:
  static Status check_run_args(InputView input, OutputView output, std::span<std::byte> arena) {
    if (input.data() == nullptr || output.data() == nullptr) return Status::kInvalidArgument;
    if (reinterpret_cast<std::uintptr_t>(arena.data()) % arena_alignment != 0) {
      return Status::kInvalidArgument;
    }
    if (arena.size() < arena_bytes) return Status::kOutOfMemory;
    return Status::kOk;
  }

  Impl impl_{};
  [[no_unique_address]] std::conditional_t<kInt8, QuantParams<std::int8_t>, NoState> input_{};
};

}  // namespace mote::nn
