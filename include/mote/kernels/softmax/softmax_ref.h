// Scalar reference of SOFTMAX over the last axis, int8 (as TFLite's runtime computes it) and
// float.
#pragma once

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/params.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// What an int8 SOFTMAX needs, fixed once from the input scale and beta.
struct SoftmaxParams {
  std::array<float, 256> exp_table{};  // exp_table[d] = expf(-s_in * beta * d), d = max - x
  float output_scale = 1.0f / 256.0f;
  std::int32_t output_zero_point = -128;
};

// TFLite optimized_ops::PopulateSoftmaxLookupTable (SoftmaxPrepare; runtime and reference):
//   scale = -s_in * beta (float); exp_table[d] = expf(scale * d)
// TFLite requires s_out = 1/256 and zp_out = -128 for int8: kInvalidArgument otherwise, and for
// invalid input parameters or beta not positive and finite.
inline Result<SoftmaxParams> make_softmax_params(const QuantParams<std::int8_t>& in,
                                                 const QuantParams<std::int8_t>& out,
                                                 float beta = 1.0f) {
  if (in.validate() != Status::kOk || out.validate() != Status::kOk || !is_positive_finite(beta)) {
    return Status::kInvalidArgument;
  }
  if (out.scale != 1.0f / 256.0f || out.zero_point != -128) return Status::kInvalidArgument;
  SoftmaxParams p;
  const float scale = -in.scale * beta;
  for (std::int32_t d = 0; d < 256; ++d) {
    p.exp_table[static_cast<std::size_t>(d)] = std::exp(scale * static_cast<float>(d));
  }
  p.output_scale = out.scale;
  p.output_zero_point = out.zero_point;
  return p;
}

// int8 SOFTMAX along the last axis, row by row (TFLite optimized_ops::Softmax<int8, int8>):
//   m = max of the row; t_j = exp_table[m - x_j]
//   sum = t_0 + t_1 + ... in float, in order
//   inv = 1 / (sum * s_out)                                    float
//   out_j = clamp((int)round(t_j * inv) + zp_out, -128, 127)   round half away from zero
// No product feeds an addition, so contraction cannot change a step. kShapeMismatch if the
// extents differ, kInvalidArgument for an output zero point outside int8. Nothing is written on
// error.
template <View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t> &&(In::rank() >= 1)
        [[nodiscard]] inline Status softmax(In in, Out out, const SoftmaxParams& p) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  if (p.output_zero_point < -128 || p.output_zero_point > 127 ||
      !is_positive_finite(p.output_scale)) {
    return Status::kInvalidArgument;
  }
  const std::size_t depth = in.extent(In::rank() - 1);
  if (depth == 0) return Status::kOk;
  const std::size_t rows = in.size() / depth;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t row = r * depth;
    std::int32_t max = -128;
    for (std::size_t j = 0; j < depth; ++j) {
      const std::int32_t x = element(in, row + j);
      max = x > max ? x : max;
    }
    auto table = [&](std::size_t j) {
      return p.exp_table[static_cast<std::size_t>(max - std::int32_t{element(in, row + j)})];
    };
    float sum = 0.0f;
    for (std::size_t j = 0; j < depth; ++j) sum += table(j);
    const float denominator = sum * p.output_scale;
    const float inverse = 1.0f / denominator;
    for (std::size_t j = 0; j < depth; ++j) {
      const float rescaled = table(j) * inverse;
      const std::int32_t q = static_cast<std::int32_t>(std::round(rescaled)) + p.output_zero_point;
      element(out, row + j) = static_cast<std::int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
    }
  }
  return Status::kOk;
}

// float SOFTMAX along the last axis: out_j = exp(beta (x_j - max)) / sum_k exp(beta (x_k - max)).
// kShapeMismatch if the extents differ; kInvalidArgument for beta not positive and finite.
template <View In, View Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float> &&(In::rank() >= 1) [[nodiscard]] inline Status
    softmax(In in, Out out, float beta = 1.0f) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  if (!is_positive_finite(beta)) return Status::kInvalidArgument;
  const std::size_t depth = in.extent(In::rank() - 1);
  if (depth == 0) return Status::kOk;
  const std::size_t rows = in.size() / depth;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t row = r * depth;
    float max = element(in, row);
    for (std::size_t j = 1; j < depth; ++j) {
      const float x = element(in, row + j);
      max = x > max ? x : max;
    }
    float sum = 0.0f;
    for (std::size_t j = 0; j < depth; ++j) {
      const float e = std::exp(beta * (element(in, row + j) - max));
      element(out, row + j) = e;
      sum += e;
    }
    for (std::size_t j = 0; j < depth; ++j) element(out, row + j) = element(out, row + j) / sum;
  }
  return Status::kOk;
}

}  // namespace mote::ref
