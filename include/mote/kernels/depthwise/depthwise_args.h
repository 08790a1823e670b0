// The flat form of an int8 depthwise convolution that crosses the SIMD dispatch boundary:
// pointers, extents and parameters only, validated by depthwise.h before it is built.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mote/quant/multiplier.h"

namespace mote::detail {

// Depth multiplier 1, all tensors dense NHWC (channels contiguous, no row padding):
//   input  [batch][in_h][in_w][channels]      filter [kernel_h][kernel_w][channels]
//   output [batch][out_h][out_w][channels]
// Output rows are numbered n * out_h + oy; a kernel call computes a range of them.
struct DepthwiseArgs {
  const std::int8_t* input = nullptr;
  const std::int8_t* filter = nullptr;
  std::int8_t* output = nullptr;
  std::size_t batch = 0;
  std::size_t in_h = 0;
  std::size_t in_w = 0;
  std::size_t channels = 0;
  std::size_t out_h = 0;
  std::size_t out_w = 0;
  int kernel_h = 0;
  int kernel_w = 0;
  int stride_h = 1;
  int stride_w = 1;
  int dilation_h = 1;
  int dilation_w = 1;
  int pad_top = 0;
  int pad_left = 0;
  std::int32_t input_zero_point = 0;
  const std::int32_t* bias = nullptr;  // `channels` entries, or null for none
  const QuantizedMultiplier* multipliers = nullptr;
  bool per_channel = false;  // multipliers has `channels` entries, else one
  std::int32_t output_zero_point = 0;
  std::int32_t clamp_min = -128;
  std::int32_t clamp_max = 127;
};

}  // namespace mote::detail
