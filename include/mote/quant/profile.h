// Arithmetic profiles: which rounding each operator uses, as the runtime a model comes from
// computes it. A layer or a whole network takes a profile as a template parameter.
#pragma once

#include <concepts>

#include "mote/quant/requantize.h"

namespace mote {

// TFLite's reference kernels (reference_integer_ops): double rounding everywhere.
struct TfliteReference {
  static constexpr const char* kName = "TfliteReference";
  static constexpr Rounding kConv = Rounding::kDouble;
  static constexpr Rounding kFullyConnected = Rounding::kDouble;
  static constexpr Rounding kDepthwise = Rounding::kDouble;
  static constexpr Rounding kAdd = Rounding::kDouble;
  static constexpr Rounding kMean = Rounding::kDouble;
};

// TFLite's runtime (builtin) kernels: conv and fully connected go through ruy and round once;
// depthwise, add and mean round twice.
struct TfliteRuntime {
  static constexpr const char* kName = "TfliteRuntime";
  static constexpr Rounding kConv = Rounding::kSingle;
  static constexpr Rounding kFullyConnected = Rounding::kSingle;
  static constexpr Rounding kDepthwise = Rounding::kDouble;
  static constexpr Rounding kAdd = Rounding::kDouble;
  static constexpr Rounding kMean = Rounding::kDouble;
};

// TFLite Micro and CMSIS-NN as shipped: double rounding.
struct TfliteMicro {
  static constexpr const char* kName = "TfliteMicro";
  static constexpr Rounding kConv = Rounding::kDouble;
  static constexpr Rounding kFullyConnected = Rounding::kDouble;
  static constexpr Rounding kDepthwise = Rounding::kDouble;
  static constexpr Rounding kAdd = Rounding::kDouble;
  static constexpr Rounding kMean = Rounding::kDouble;
};

// TFLite Micro / CMSIS-NN built with TFLITE_SINGLE_ROUNDING: single rounding everywhere.
struct TfliteMicroSingleRounding {
  static constexpr const char* kName = "TfliteMicroSingleRounding";
  static constexpr Rounding kConv = Rounding::kSingle;
  static constexpr Rounding kFullyConnected = Rounding::kSingle;
  static constexpr Rounding kDepthwise = Rounding::kSingle;
  static constexpr Rounding kAdd = Rounding::kSingle;
  static constexpr Rounding kMean = Rounding::kSingle;
};

// A type that names a rounding rule for each operator.
template <typename P>
concept Profile = requires {
  { P::kName } -> std::convertible_to<const char*>;
  { P::kConv } -> std::convertible_to<Rounding>;
  { P::kFullyConnected } -> std::convertible_to<Rounding>;
  { P::kDepthwise } -> std::convertible_to<Rounding>;
  { P::kAdd } -> std::convertible_to<Rounding>;
  { P::kMean } -> std::convertible_to<Rounding>;
};

// The profile used when none is named: TFLite's reference arithmetic.
using DefaultProfile = TfliteReference;

static_assert(Profile<TfliteReference> && Profile<TfliteRuntime> && Profile<TfliteMicro> &&
              Profile<TfliteMicroSingleRounding>);

}  // namespace mote
