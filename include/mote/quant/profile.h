// Arithmetic profiles: how each operator computes, as the runtime a model comes from computes it.
// A layer or a whole network takes a profile as a template parameter. See docs/quantization.md.
#pragma once

#include <concepts>
#include <cstdint>

#include "mote/quant/requantize.h"

namespace mote {

// How an int8 LOGISTIC, TANH or SOFTMAX is evaluated.
enum class ActivationArithmetic : std::uint8_t {
  // A float 256-entry table built at prepare time (TFLite activations.cc PopulateLookupTable /
  // LUTPopulate, optimized_ops::PopulateSoftmaxLookupTable).
  kFloatTable,
  // gemmlowp fixed point on Q4.27 (LOGISTIC, TANH) or Q5.26 (SOFTMAX), parameters from
  // frexp in double (TFLite reference_integer_ops::Logistic/Tanh, reference_ops::Softmax).
  kFixedPoint,
};

// How an int8 MEAN over H and W (global average pooling) is evaluated.
enum class MeanArithmetic : std::uint8_t {
  // sum(q - zp_in), MBQM by s_in / s_out (double), C division by H*W rounding half away from
  // zero, + zp_out (reference_integer_ops::Mean; TFLite's reference kernel and TFLite Micro).
  kIntegerDivision,
  // sum(q), MBQM by s_in / (H*W * s_out) computed in float, + a float-derived bias
  // (optimized_integer_ops::Mean; TFLite's runtime kernel).
  kFloatMultiplier,
};

// TFLite's reference kernels (BuiltinRefOpResolver, KernelType kReference): double rounding
// everywhere; LOGISTIC and TANH use the same float table as the runtime (activations.cc
// SigmoidPrepare/TanhPrepare<kReference>), SOFTMAX is fixed point (SoftmaxPrepare<kReference>:
// PreprocessSoftmaxScaling), MEAN divides after rescaling (reduce.cc EvalMeanReferenceOps).
// The other profiles derive from it and state only what they change.
struct TfliteReference {
  static constexpr const char* kName = "TfliteReference";
  static constexpr Rounding kConv = Rounding::kDouble;
  static constexpr Rounding kFullyConnected = Rounding::kDouble;
  static constexpr Rounding kDepthwise = Rounding::kDouble;
  static constexpr Rounding kAdd = Rounding::kDouble;
  static constexpr Rounding kMean = Rounding::kDouble;
  static constexpr MeanArithmetic kMeanArithmetic = MeanArithmetic::kIntegerDivision;
  static constexpr ActivationArithmetic kLogistic = ActivationArithmetic::kFloatTable;
  static constexpr ActivationArithmetic kTanh = ActivationArithmetic::kFloatTable;
  static constexpr ActivationArithmetic kSoftmax = ActivationArithmetic::kFixedPoint;
  // Rounding of MultiplyByQuantizedMultiplier(GreaterThanOne) inside the fixed-point activations.
  static constexpr Rounding kActivationRescale = Rounding::kDouble;
};

// TFLite's runtime (builtin, kGenericOptimized) kernels, as built everywhere but with clang on
// aarch64 (whose int8 SOFTMAX uses another, uint16 table): conv and fully connected go through ruy
// and round once; depthwise, add and mean round twice; LOGISTIC, TANH and SOFTMAX use float
// tables; MEAN uses a float multiplier and bias. kActivationRescale is unused (tables only).
struct TfliteRuntime : TfliteReference {
  static constexpr const char* kName = "TfliteRuntime";
  static constexpr Rounding kConv = Rounding::kSingle;
  static constexpr Rounding kFullyConnected = Rounding::kSingle;
  static constexpr MeanArithmetic kMeanArithmetic = MeanArithmetic::kFloatMultiplier;
  static constexpr ActivationArithmetic kSoftmax = ActivationArithmetic::kFloatTable;
};

// TFLite Micro (its reference kernels) as shipped: double rounding; LOGISTIC, TANH and SOFTMAX
// in fixed point (logistic_common.cc, tanh.cc, softmax_common.cc); MEAN divides after rescaling
// (reduce_common.cc).
struct TfliteMicro : TfliteReference {
  static constexpr const char* kName = "TfliteMicro";
  static constexpr ActivationArithmetic kLogistic = ActivationArithmetic::kFixedPoint;
  static constexpr ActivationArithmetic kTanh = ActivationArithmetic::kFixedPoint;
};

// TFLite Micro built with TFLITE_SINGLE_ROUNDING: every MultiplyByQuantizedMultiplier rounds once,
// including the input rescale of the fixed-point activations; PreprocessSoftmaxScaling caps the
// SOFTMAX multiplier at 2^30 - 1 instead of 2^31 - 1.
struct TfliteMicroSingleRounding : TfliteMicro {
  static constexpr const char* kName = "TfliteMicroSingleRounding";
  static constexpr Rounding kConv = Rounding::kSingle;
  static constexpr Rounding kFullyConnected = Rounding::kSingle;
  static constexpr Rounding kDepthwise = Rounding::kSingle;
  static constexpr Rounding kAdd = Rounding::kSingle;
  static constexpr Rounding kMean = Rounding::kSingle;
  static constexpr Rounding kActivationRescale = Rounding::kSingle;
};

// A type that fixes, for each operator, its rounding rule and its arithmetic.
template <typename P>
concept Profile = requires {
  { P::kName } -> std::convertible_to<const char*>;
  { P::kConv } -> std::convertible_to<Rounding>;
  { P::kFullyConnected } -> std::convertible_to<Rounding>;
  { P::kDepthwise } -> std::convertible_to<Rounding>;
  { P::kAdd } -> std::convertible_to<Rounding>;
  { P::kMean } -> std::convertible_to<Rounding>;
  { P::kMeanArithmetic } -> std::convertible_to<MeanArithmetic>;
  { P::kLogistic } -> std::convertible_to<ActivationArithmetic>;
  { P::kTanh } -> std::convertible_to<ActivationArithmetic>;
  { P::kSoftmax } -> std::convertible_to<ActivationArithmetic>;
  { P::kActivationRescale } -> std::convertible_to<Rounding>;
};

// The profile used when none is named: TFLite's reference arithmetic.
using DefaultProfile = TfliteReference;

static_assert(Profile<TfliteReference> && Profile<TfliteRuntime> && Profile<TfliteMicro> &&
              Profile<TfliteMicroSingleRounding>);

}  // namespace mote
