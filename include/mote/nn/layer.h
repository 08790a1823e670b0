// What every layer of a composed model provides, and the compile-time shape checks that give
// readable errors when a composition does not fit.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>

#include "mote/base/parallel.h"
#include "mote/base/status.h"
#include "mote/quant/output_stage.h"
#include "mote/quant/params.h"
#include "mote/quant/profile.h"
#include "mote/quant/quantize.h"
#include "mote/tensor/view.h"

namespace mote::nn {

// Activations are NHWC with every extent static: Extents<N, H, W, C>.
template <typename S>
concept Shape = StaticExtents<S> && S::rank()
== 4;

// A network computes in float (the accuracy baseline) or in int8.
template <typename T>
concept Scalar = std::same_as<T, float> || std::same_as<T, std::int8_t>;

template <Shape S>
inline constexpr std::size_t kBatch = S::static_extent(0);
template <Shape S>
inline constexpr std::size_t kHeight = S::static_extent(1);
template <Shape S>
inline constexpr std::size_t kWidth = S::static_extent(2);
template <Shape S>
inline constexpr std::size_t kChannels = S::static_extent(3);

// Bytes an activation of shape S takes in an arena: rounded up to a 64-byte line so that every
// buffer placed after it stays aligned for SIMD.
template <Shape S, Scalar T>
inline constexpr std::size_t kActivationBytes = (S{}.size() * sizeof(T) + 63) / 64 * 64;

// Dimensions named in shape errors.
struct Batch {};
struct Height {};
struct Width {};
struct Channels {};

// Fails compilation when Expected != Actual; the compiler prints this type with the layer, the
// dimension and both numbers, e.g. ShapeCheck<LayerAt<2, Conv2d<...>>, Channels, 144, 96>.
template <typename Layer, typename Dim, std::size_t Expected, std::size_t Actual>
struct ShapeCheck {
  static_assert(Expected == Actual,
                "mote: layer input does not fit: read Layer, Dim, Expected and Actual in this "
                "ShapeCheck instantiation");
  static constexpr bool kOk = Expected == Actual;
};

// A layer and its position in a Sequential, for error messages.
template <std::size_t Index, typename Layer>
struct LayerAt {};

// The observed float range of one activation, for calibration.
struct ActivationRange {
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();

  void update(std::span<const float> values) {
    for (float v : values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  constexpr bool empty() const { return min > max; }
};

// Stands in for int8-only members of float layers.
struct NoState {};

// Called with every activation a float network computes, in execution order.
struct NoObserver {
  void operator()(std::span<const float>) {}
};

// A layer description (Conv2d<...>, Residual<...>) is a type with a nested template
// Impl<InputShape, Scalar, Profile>; Impl provides:
//   output_shape, arena_bytes, activation_count, weight_bytes(),
//   run(in, out, arena, parallel[, observer]) -> Status,
//   for float: initialize(generator); for int8: quantize_from(float impl, input params, ranges).
template <typename L, typename In, typename T, typename P>
concept LayerImpl = Shape<In> && Scalar<T> && requires {
  typename L::template Impl<In, T, P>::output_shape;
  { L::template Impl<In, T, P>::arena_bytes } -> std::convertible_to<std::size_t>;
  { L::template Impl<In, T, P>::activation_count } -> std::convertible_to<std::size_t>;
};

template <typename L, typename In, typename T = float, typename P = DefaultProfile>
using OutputShape = typename L::template Impl<In, T, P>::output_shape;

// Converting a float network to int8 is done twice: kCheck validates every layer and writes
// nothing, then kCommit writes. So a failed conversion leaves the int8 network unchanged.
enum class QuantizeMode : std::uint8_t { kCheck, kCommit };

// Quantization parameters of an activation from its calibrated float range.
inline Result<QuantParams<std::int8_t>> params_from_range(const ActivationRange& r) {
  if (r.empty()) return Status::kInvalidArgument;  // never observed: calibrate first
  return choose_params<std::int8_t>(r.min, r.max);
}

}  // namespace mote::nn
