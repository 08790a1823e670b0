// Hand-builds a MobileNetV2 inverted residual block (56x56x24 -> x6 expand -> 3x3 depthwise ->
// 24, with the residual add), generates float weights, calibrates and quantizes them to int8,
// and compares the int8 block with the float one.
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "mote/io/checksum.h"
#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/quant/quantize.h"
#include "mote/tensor/tensor.h"

namespace {

using Shape = mote::Extents<1, 56, 56, 24>;
using Block = mote::models::InvertedResidual<24, 24, /*Expansion=*/6, /*Stride=*/1>;
using FloatBlock = mote::nn::Network<Block, Shape, float>;
using Int8Block = mote::nn::Network<Block, Shape, std::int8_t>;  // profile: TfliteReference
// The same block with TFLite's runtime arithmetic (single rounding in the 1x1 convolutions).
using RuntimeBlock = mote::nn::Network<Block, Shape, std::int8_t, mote::TfliteRuntime>;

// Large objects (weights, activations) live in static storage: no heap, no big stack frames.
FloatBlock float_block;
Int8Block int8_block;
RuntimeBlock runtime_block;
alignas(
    64) std::byte arena[FloatBlock::arena_bytes > Int8Block::arena_bytes ? FloatBlock::arena_bytes
                                                                         : Int8Block::arena_bytes];
mote::Tensor<float, Shape> float_in, float_out;
mote::Tensor<std::int8_t, Shape> int8_in, int8_out, runtime_out;

void generate_input(mote::nn::WeightGenerator& gen) {
  for (float& x : float_in) x = gen.uniform(-1.0f, 1.0f) + gen.uniform(-1.0f, 1.0f);
}

int fail(const char* what, mote::Status s) {
  std::printf("error: %s: %s\n", what, mote::to_string(s));
  return 1;
}

}  // namespace

// Usage: mobilenetv2_block [latency_runs]  (default 20)
int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
  if (runs < 1) return fail("latency_runs", mote::Status::kInvalidArgument);

  float_block.initialize(/*seed=*/2024);

  // Calibrate activation ranges on a few inputs, then quantize the weights per channel.
  FloatBlock::Calibration calibration{};
  mote::nn::WeightGenerator data(7);
  for (int i = 0; i < 32; ++i) {
    generate_input(data);
    if (auto s = float_block.calibrate(float_in.view(), float_out.view(), arena, calibration);
        s != mote::Status::kOk) {
      return fail("calibrate", s);
    }
  }
  if (auto s = int8_block.quantize_from(float_block, calibration); s != mote::Status::kOk) {
    return fail("quantize", s);
  }
  if (auto s = runtime_block.quantize_from(float_block, calibration); s != mote::Status::kOk) {
    return fail("quantize (runtime profile)", s);
  }

  // Compare on fresh inputs: the float block runs on the dequantized int8 input, and its output
  // is quantized with the int8 block's output parameters.
  const auto in_q = int8_block.input_params();
  const auto out_q = int8_block.output_params();
  long long within_one = 0, total = 0, profile_differences = 0;
  double sum_err = 0.0;
  int max_err = 0;
  for (int i = 0; i < 4; ++i) {
    generate_input(data);
    for (std::size_t j = 0; j < Shape{}.size(); ++j) {
      int8_in.data()[j] = mote::quantize(float_in.data()[j], in_q);
      float_in.data()[j] = mote::dequantize(int8_in.data()[j], in_q);
    }
    if (auto s = float_block.run(float_in.view(), float_out.view(), arena);
        s != mote::Status::kOk) {
      return fail("float run", s);
    }
    if (auto s = int8_block.run(int8_in.view(), int8_out.view(), arena); s != mote::Status::kOk) {
      return fail("int8 run", s);
    }
    if (auto s = runtime_block.run(int8_in.view(), runtime_out.view(), arena);
        s != mote::Status::kOk) {
      return fail("int8 run (runtime profile)", s);
    }
    for (std::size_t j = 0; j < Shape{}.size(); ++j) {
      profile_differences += int8_out.data()[j] != runtime_out.data()[j];
      const int expected = mote::quantize(float_out.data()[j], out_q);
      const int err = std::abs(expected - int8_out.data()[j]);
      max_err = err > max_err ? err : max_err;
      sum_err += err;
      within_one += err <= 1;
      ++total;
    }
  }

  // Latency: a quick mean for the demo; bench/ has the careful measurement.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i) {
    if (int8_block.run(int8_in.view(), int8_out.view(), arena) != mote::Status::kOk) return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count() / runs;

  std::printf(
      "mote MobileNetV2 inverted residual block 56x56x24 -> 144 -> 24 (stride 1, residual)\n");
  std::printf("profile:              %s\n", Int8Block::profile_name());
  std::printf("vs %s:    %lld of %lld outputs differ (single vs double rounding)\n",
              RuntimeBlock::profile_name(), profile_differences, total);
  std::printf("int8 vs float:        max error %d quanta, mean %.4f quanta, %.3f%% within 1\n",
              max_err, sum_err / static_cast<double>(total),
              100.0 * static_cast<double>(within_one) / static_cast<double>(total));
  std::printf("latency (int8):       %.3f ms per inference (mean of %d)\n", ms, runs);
  std::printf("weight bytes:         %zu int8 (%zu float)\n", Int8Block::weight_bytes(),
              FloatBlock::weight_bytes());
  std::printf("arena bytes:          %zu int8 (%zu float)\n", Int8Block::arena_bytes,
              FloatBlock::arena_bytes);
  std::printf("output checksum:      %016llx\n",
              static_cast<unsigned long long>(
                  mote::checksum(std::span<const std::int8_t>(int8_out.data(), int8_out.size()))));
  return 0;
}
