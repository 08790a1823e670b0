// Composition: shapes computed at compile time, activation fusion, the arena plan, calibration
// and float -> int8 conversion, and the int8 block against the float block.
#include "mote/nn/sequential.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/quant/quantize.h"
#include "support/nn_compare.h"

namespace mote::nn {
namespace {

// Fusion: Conv1x1 + Relu6 becomes one layer with a ReLU6 clamp; a Relu6 after a Relu6-fused
// layer stays a layer of its own.
using Fused = Sequential<Conv1x1<8, 16>, Relu6, Depthwise3x3<16, 2>, Relu6, Conv1x1<16, 4>>;
static_assert(std::is_same_v<Fused::fused_layers,
                             TypeList<Conv1x1<8, 16, Activation::kRelu6>,
                                      Depthwise3x3<16, 2, Activation::kRelu6>, Conv1x1<16, 4>>>);
static_assert(
    std::is_same_v<Sequential<Relu6, Conv1x1<8, 8>>::fused_layers, TypeList<Relu6, Conv1x1<8, 8>>>);
static_assert(std::is_same_v<Sequential<Conv1x1<8, 8>, Relu, Relu6>::fused_layers,
                             TypeList<Conv1x1<8, 8, Activation::kRelu>, Relu6>>);

// Shapes: stride 2 with SAME padding on an odd input rounds up.
using FusedImpl = Fused::Impl<Extents<1, 9, 9, 8>, std::int8_t>;
static_assert(std::is_same_v<FusedImpl::output_shape, Extents<1, 5, 5, 4>>);

// Arena plan: t1 = 9*9*16 = 1296 bytes, t2 = 5*5*16 = 400 (+ padding to 64-byte lines).
// Layer 2 needs t1 + t2 = 1344 + 448; ping-pong would need the same here.
static_assert(FusedImpl::arena_bytes == 1344 + 448);
static_assert(FusedImpl::kPlan.activation_offset(1) == 0);
static_assert(FusedImpl::kPlan.activation_offset(2) == 1344);
static_assert(FusedImpl::activation_count == 3);

// Big activations at odd and even positions that are never live together: the two-ended plan
// needs the largest adjacent pair, ping-pong the largest odd plus the largest even.
using Hourglass =
    Sequential<Conv1x1<8, 64>, Conv1x1<64, 4>, Conv1x1<4, 4>, Conv1x1<4, 64>, Conv1x1<64, 8>>;
using HourglassImpl = Hourglass::Impl<Extents<1, 8, 8, 8>, std::int8_t>;
static_assert(HourglassImpl::kPlan.arena_bytes() == 4096 + 256);
static_assert(HourglassImpl::kPlan.ping_pong_bytes() == 4096 + 4096);

// MobileNetV2 blocks: residual when the shape allows it, shapes and sizes as constants.
using BlockS1 = models::InvertedResidual<24, 24, 6, 1>;
using BlockS2 = models::InvertedResidual<24, 32, 6, 2>;
static_assert(std::is_same_v<OutputShape<BlockS1, Extents<1, 56, 56, 24>>, Extents<1, 56, 56, 24>>);
static_assert(std::is_same_v<OutputShape<BlockS2, Extents<1, 56, 56, 24>>, Extents<1, 28, 28, 32>>);
static_assert(Network<BlockS1, Extents<1, 56, 56, 24>>::arena_bytes == 2 * 56 * 56 * 144);
#if MOTE_SIMD
// Pointwise weights are counted as packed for the GEMM (N rounded up to panels of 16), with
// their float epilogue plans (3 floats per output channel).
static_assert(Network<BlockS1, Extents<1, 56, 56, 24>>::weight_bytes() ==
              (144 * 24 + 4 * 144 + 12 * 144) + (9 * 144 + 4 * 144) +
                  (32 * 144 + 4 * 32 + 12 * 24));
#else
static_assert(Network<BlockS1, Extents<1, 56, 56, 24>>::weight_bytes() ==
              (24 * 144 + 9 * 144 + 144 * 24) + 4 * (144 + 144 + 24));
#endif

TEST(MobileNetV2Block, Int8WithinOneQuantumOfFloat) {
  const auto [s1_within, s1_max] =
      test::compare_int8_with_float<models::InvertedResidual<16, 16, 6, 1>, Extents<1, 15, 15, 16>>(
          1);
  const auto [s2_within, s2_max] =
      test::compare_int8_with_float<models::InvertedResidual<16, 24, 6, 2>, Extents<1, 15, 15, 16>>(
          2);
  const auto [e1_within, e1_max] =
      test::compare_int8_with_float<models::InvertedResidual<8, 8, 1, 1>, Extents<1, 7, 5, 8>>(3);
  std::printf(
      "within 1 quantum: stride1+residual %.4f (max %d), stride2 %.4f (max %d), "
      "expansion1 %.4f (max %d)\n",
      s1_within, s1_max, s2_within, s2_max, e1_within, e1_max);
  EXPECT_GE(s1_within, 0.99);
  EXPECT_GE(s2_within, 0.99);
  EXPECT_GE(e1_within, 0.99);
}

TEST(Network, RejectsBadArenaAndChangesNothing) {
  using Net = Network<Fused, Extents<1, 9, 9, 8>, std::int8_t>;
  auto net = std::make_unique<Net>();
  alignas(64) std::byte arena[Net::arena_bytes + 64];
  std::int8_t in[9 * 9 * 8] = {};
  std::int8_t out[5 * 5 * 4];
  std::fill(std::begin(out), std::end(out), std::int8_t{42});
  const Net::InputView iv(in);
  const Net::OutputView ov(out);
  EXPECT_EQ(net->run(iv, ov, std::span<std::byte>(arena, Net::arena_bytes - 1)),
            Status::kOutOfMemory);
  EXPECT_EQ(net->run(iv, ov, std::span<std::byte>(arena + 1, Net::arena_bytes)),
            Status::kInvalidArgument);
  EXPECT_EQ(net->run(Net::InputView(nullptr), ov, arena), Status::kInvalidArgument);
  for (std::int8_t v : out) ASSERT_EQ(v, 42);
}

TEST(Network, QuantizeFromUncalibratedOrBadWeightsChangesNothing) {
  using F = Network<Fused, Extents<1, 9, 9, 8>, float>;
  using Q = Network<Fused, Extents<1, 9, 9, 8>, std::int8_t>;
  auto f = std::make_unique<F>();
  auto q = std::make_unique<Q>();
  f->initialize(5);
  F::Calibration empty{};
  EXPECT_EQ(q->quantize_from(*f, empty), Status::kInvalidArgument);

  F::Calibration cal{};
  for (auto& r : cal) {
    r.min = -1.0f;
    r.max = 2.0f;
  }
  ASSERT_EQ(q->quantize_from(*f, cal), Status::kOk);
  const auto before = std::get<2>(q->layers().layers).weights;
  const auto params = q->output_params();
  // A NaN weight in the last layer must be caught before the first layer is rewritten.
  auto& first = std::get<0>(f->layers().layers);
  first.weights.data()[0] = 100.0f;
  std::get<2>(f->layers().layers).weights.data()[3] = NAN;
  const auto first_before = std::get<0>(q->layers().layers).weights;
  EXPECT_EQ(q->quantize_from(*f, cal), Status::kInvalidArgument);
  EXPECT_EQ(q->output_params(), params);
  for (std::size_t i = 0; i < before.size(); ++i) {
    ASSERT_EQ(std::get<2>(q->layers().layers).weights.data()[i], before.data()[i]);
  }
  for (std::size_t i = 0; i < first_before.size(); ++i) {
    ASSERT_EQ(std::get<0>(q->layers().layers).weights.data()[i], first_before.data()[i]);
  }
}

}  // namespace
}  // namespace mote::nn
