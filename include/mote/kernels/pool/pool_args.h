// The flat form of an int8 pooling call (average, max) that crosses the SIMD dispatch boundary.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mote::detail {

// Dense NHWC input [batch][in_h][in_w][channels] and output [batch][out_h][out_w][channels];
// window, stride and the resolved top/left padding; the output clamp.
struct PoolArgs {
  const std::int8_t* input = nullptr;
  std::int8_t* output = nullptr;
  std::size_t batch = 0;
  std::size_t in_h = 0;
  std::size_t in_w = 0;
  std::size_t channels = 0;
  std::size_t out_h = 0;
  std::size_t out_w = 0;
  int kernel_h = 1;
  int kernel_w = 1;
  int stride_h = 1;
  int stride_w = 1;
  std::int64_t pad_top = 0;
  std::int64_t pad_left = 0;
  std::int32_t clamp_min = -128;
  std::int32_t clamp_max = 127;
};

}  // namespace mote::detail
