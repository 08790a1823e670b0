// Sequential<Layers...>: a chain of layers whose shapes are checked and whose intermediate
// activations are placed in one arena at compile time. An activation layer (Relu, Relu6) right
// after a layer that can fuse it becomes that layer's output clamp.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mote/nn/init.h"
#include "mote/nn/layer.h"
#include "mote/nn/memory_plan.h"

namespace mote::nn {

template <typename... Ts>
struct TypeList {};

namespace detail {

template <typename T, typename List>
struct Prepend;
template <typename T, typename... Ts>
struct Prepend<T, TypeList<Ts...>> {
  using type = TypeList<T, Ts...>;
};

// L can take Next as its output clamp.
template <typename L, typename Next>
concept FusesActivation = requires {
  { Next::kFusedActivation } -> std::convertible_to<Activation>;
  { L::kActivation } -> std::convertible_to<Activation>;
  typename L::template WithActivation<Next::kFusedActivation>;
}
&&(L::kActivation == Activation::kNone);

template <typename... Ls>
struct Fuse {
  using type = TypeList<Ls...>;
};
template <typename L, typename Next, typename... Rest>
struct Fuse<L, Next, Rest...> {
  using type = typename Prepend<L, typename Fuse<Next, Rest...>::type>::type;
};
template <typename L, typename Next, typename... Rest>
requires FusesActivation<L, Next>
struct Fuse<L, Next, Rest...> {
  using type =
      typename Fuse<typename L::template WithActivation<Next::kFusedActivation>, Rest...>::type;
};

// Checks layer Index's expected input channels (when it declares them) against the shape it
// receives, so that the error names the position in the chain.
template <std::size_t Index, typename L, typename In>
constexpr bool check_layer_input() {
  if constexpr (requires { L::kInputChannels; }) {
    return ShapeCheck<LayerAt<Index, L>, Channels, L::kInputChannels, kChannels<In>>::kOk;
  } else {
    return true;
  }
}

// The implementation types of a chain: Impl of each layer on the previous one's output shape.
template <std::size_t Index, typename In, typename T, typename P, typename List>
struct Chain {
  using impls = TypeList<>;
  using shapes = TypeList<In>;
  using output_shape = In;
};
template <std::size_t Index, typename In, typename T, typename P, typename L, typename... Rest>
struct Chain<Index, In, T, P, TypeList<L, Rest...>> {
  static_assert(check_layer_input<Index, L, In>());
  using first = typename L::template Impl<In, T, P>;
  using rest = Chain<Index + 1, typename first::output_shape, T, P, TypeList<Rest...>>;
  using impls = typename Prepend<first, typename rest::impls>::type;
  using shapes = typename Prepend<In, typename rest::shapes>::type;
  using output_shape = typename rest::output_shape;
};

template <typename List>
struct TupleOf;
template <typename... Ts>
struct TupleOf<TypeList<Ts...>> {
  using type = std::tuple<Ts...>;
};

template <std::size_t I, typename List>
struct At;
template <std::size_t I, typename T, typename... Ts>
struct At<I, TypeList<T, Ts...>> : At<I - 1, TypeList<Ts...>> {};
template <typename T, typename... Ts>
struct At<0, TypeList<T, Ts...>> {
  using type = T;
};

}  // namespace detail

template <typename... Layers>
struct Sequential {
  static_assert(sizeof...(Layers) > 0, "mote: Sequential: needs at least one layer");
  using fused_layers = typename detail::Fuse<Layers...>::type;

  template <Shape In, Scalar T, typename P = DefaultProfile>
  class Impl {
    using ChainT = detail::Chain<0, In, T, P, fused_layers>;
    using Impls = typename ChainT::impls;
    using Shapes = typename ChainT::shapes;  // In, then every layer's output
    static constexpr bool kInt8 = std::is_same_v<T, std::int8_t>;

    template <std::size_t I>
    using LayerImpl = typename detail::At<I, Impls>::type;
    template <std::size_t I>
    using ShapeAt = typename detail::At<I, Shapes>::type;

   public:
    static constexpr std::size_t kLayers = std::tuple_size_v<typename detail::TupleOf<Impls>::type>;
    using input_shape = In;
    using output_shape = typename ChainT::output_shape;

    static constexpr MemoryPlan<kLayers> kPlan = [] {
      MemoryPlan<kLayers> plan;
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((plan.activation_bytes[I] = kActivationBytes<ShapeAt<I>, T>), ...);
        plan.activation_bytes[kLayers] = kActivationBytes<output_shape, T>;
        ((plan.scratch_bytes[I] = LayerImpl<I>::arena_bytes), ...);
      }
      (std::make_index_sequence<kLayers>{});
      return plan;
    }();
    static constexpr std::size_t arena_bytes = kPlan.arena_bytes();
    static constexpr std::size_t activation_count = [] {
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return (LayerImpl<I>::activation_count + ... + 0);
      }
      (std::make_index_sequence<kLayers>{});
    }();

    typename detail::TupleOf<Impls>::type layers;

    static constexpr std::size_t weight_bytes() {
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return (LayerImpl<I>::weight_bytes() + ... + 0);
      }
      (std::make_index_sequence<kLayers>{});
    }

    template <typename Observer = NoObserver>
    Status run(TensorView<const T, In> in, TensorView<T, output_shape> out,
               std::span<std::byte> arena, ParallelRef parallel, Observer&& observe = {}) const {
      MOTE_ASSERT(arena.size() >= arena_bytes);
      return run_from<0>(in, out, arena, parallel, observe);
    }

    void initialize(WeightGenerator& gen) requires(!kInt8) {
      std::apply([&](auto&... layer) { (layer.initialize(gen), ...); }, layers);
    }

    // ranges: one per activation of the chain, in execution order.
    template <typename FloatImpl>
    Status quantize_from(const FloatImpl& f, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges,
                         QuantizeMode mode) requires kInt8 {
      if (ranges.size() != activation_count) return Status::kShapeMismatch;
      return quantize_step<0>(f, input, ranges, mode);
    }
    QuantParams<std::int8_t> output_params() const requires kInt8 {
      return std::get<kLayers - 1>(layers).output_params();
    }
    static Result<QuantParams<std::int8_t>> planned_output_params(
        QuantParams<std::int8_t> input, std::span<const ActivationRange> ranges) requires kInt8 {
      return planned_from<0>(input, ranges);
    }

   private:
    template <std::size_t I, typename Observer>
    Status run_from(TensorView<const T, ShapeAt<I>> x, TensorView<T, output_shape> out,
                    std::span<std::byte> arena, ParallelRef parallel, Observer& observe) const {
      const std::span<std::byte> scratch =
          arena.subspan(kPlan.scratch_offset(I + 1), LayerImpl<I>::arena_bytes);
      if constexpr (I + 1 == kLayers) {
        return std::get<I>(layers).run(x, out, scratch, parallel, observe);
      } else {
        const TensorView<T, ShapeAt<I + 1>> y(
            reinterpret_cast<T*>(arena.data() + kPlan.activation_offset(I + 1)));
        const Status s = std::get<I>(layers).run(x, y, scratch, parallel, observe);
        if (s != Status::kOk) return s;
        return run_from<I + 1>(TensorView<const T, ShapeAt<I + 1>>(y), out, arena, parallel,
                               observe);
      }
    }

    template <std::size_t I>
    static Result<QuantParams<std::int8_t>> planned_from(QuantParams<std::int8_t> input,
                                                         std::span<const ActivationRange> ranges) {
      constexpr std::size_t n = LayerImpl<I>::activation_count;
      const Result<QuantParams<std::int8_t>> out =
          LayerImpl<I>::planned_output_params(input, ranges.first(n));
      if constexpr (I + 1 == kLayers) {
        return out;
      } else {
        if (!out) return out.status();
        return planned_from<I + 1>(*out, ranges.subspan(n));
      }
    }

    template <std::size_t I, typename FloatImpl>
    Status quantize_step(const FloatImpl& f, QuantParams<std::int8_t> input,
                         std::span<const ActivationRange> ranges, QuantizeMode mode) {
      constexpr std::size_t n = LayerImpl<I>::activation_count;
      auto& layer = std::get<I>(layers);
      const Status s = layer.quantize_from(std::get<I>(f.layers), input, ranges.first(n), mode);
      if (s != Status::kOk) return s;
      if constexpr (I + 1 == kLayers) {
        return Status::kOk;
      } else {
        // Computed from the ranges rather than asked of the layer: in check mode the layer
        // still holds its old parameters.
        const Result<QuantParams<std::int8_t>> next =
            LayerImpl<I>::planned_output_params(input, ranges.first(n));
        if (!next) return next.status();
        return quantize_step<I + 1>(f, *next, ranges.subspan(n), mode);
      }
    }
  };
};

}  // namespace mote::nn
