// Shape lists of the int8 GEMM and depthwise 3x3 benchmarks (issue 4), shared by mote and peers.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace mote::bench {

// C[M x N] = A[M x K] * B[N x K]^T: M pixels, K input channels, N output channels.
struct GemmShape {
  int m;
  int k;
  int n;
};

// One NHWC image (batch 1), 3x3 depthwise, SAME padding as TensorFlow defines it.
struct Dw3x3Shape {
  int height;
  int width;
  int channels;
  int stride;
};

// MobileNetV2-224 pointwise (1x1) convolutions and the classifier, then three cubes.
inline constexpr std::array<GemmShape, 16> kGemmShapes{{
    {12544, 32, 16},
    {12544, 16, 96},
    {3136, 24, 144},
    {3136, 144, 24},
    {784, 32, 192},
    {784, 192, 32},
    {196, 64, 384},
    {196, 384, 64},
    {196, 96, 576},
    {49, 160, 960},
    {49, 960, 320},
    {49, 320, 1280},
    {1, 1280, 1000},
    {256, 256, 256},
    {512, 512, 512},
    {1024, 1024, 1024},
}};

// MobileNetV2-224 depthwise 3x3 layers.
inline constexpr std::array<Dw3x3Shape, 8> kDw3x3Shapes{{
    {112, 112, 32, 1},
    {112, 112, 96, 2},
    {56, 56, 144, 1},
    {56, 56, 144, 2},
    {28, 28, 192, 1},
    {14, 14, 384, 1},
    {14, 14, 576, 1},
    {7, 7, 960, 1},
}};

// TensorFlow SAME padding: out = ceil(in / stride); the odd pixel of padding goes after.
constexpr int same_output_size(int in, int stride) {
  return (in + stride - 1) / stride;
}
constexpr int same_padding_before(int in, int stride, int kernel) {
  const int total = (same_output_size(in, stride) - 1) * stride + kernel - in;
  return total > 0 ? total / 2 : 0;
}
constexpr int same_padding_after(int in, int stride, int kernel) {
  const int total = (same_output_size(in, stride) - 1) * stride + kernel - in;
  return total > 0 ? total - total / 2 : 0;
}

// Multiply-accumulates of one call; the benchmarks report 2 * MACs as operations.
constexpr std::int64_t macs(const GemmShape& s) {
  return std::int64_t{s.m} * s.k * s.n;
}
constexpr std::int64_t macs(const Dw3x3Shape& s) {
  return std::int64_t{same_output_size(s.height, s.stride)} * same_output_size(s.width, s.stride) *
         s.channels * 9;
}

// "784x192x32" and "112x112x96s2", the <shape> part of gemm/<impl>/<shape>.
inline std::string shape_name(const GemmShape& s) {
  return std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n);
}
inline std::string shape_name(const Dw3x3Shape& s) {
  return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" +
         std::to_string(s.channels) + "s" + std::to_string(s.stride);
}

}  // namespace mote::bench
