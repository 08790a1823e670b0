// Scalar reference fully-connected layer (TFLite FULLY_CONNECTED): a GEMM of the batch against
// symmetric int8 weights, one output channel per weight row; and its float twin.
#pragma once

#include <cstdint>

#include "mote/base/status.h"
#include "mote/kernels/gemm/gemm_ref.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// output[b][n] = clamp(MBQM_Rule(sum_k (input[b][k] - input_zp) * weights[n][k] + bias[n],
//                                mult[n]) + out_zp, clamp_min, clamp_max)
// input is batch x K (int8 or uint8), weights N x K int8 with zero point 0 (per-tensor or
// per-channel scales through the stage), output batch x N. Errors as ref::gemm; the output is
// untouched on error.
template <QuantizedViewOfRank<2> InputView, ViewOfRank<2> WeightsView,
          QuantizedViewOfRank<2> OutView, Rounding Rule>
requires std::same_as<ElementOf<WeightsView>, std::int8_t> && WritableView<OutView>
[[nodiscard]] Status fully_connected(const InputView& input, std::int32_t input_zero_point,
                                     const WeightsView& weights, const OutView& output,
                                     const OutputStage<Rule>& stage) {
  return gemm(input, input_zero_point, weights, 0, output, stage);
}

// Float: output[b][n] = clamp(sum_k input[b][k] * weights[n][k] + bias[n]).
template <FloatViewOfRank<2> InputView, FloatViewOfRank<2> WeightsView, FloatViewOfRank<2> OutView>
requires WritableView<OutView>
[[nodiscard]] Status fully_connected(const InputView& input, const WeightsView& weights,
                                     const OutView& output, const FloatOutputStage& stage) {
  return gemm(input, weights, output, stage);
}

}  // namespace mote::ref
