// The other layers composed into small models: pooling, global average pool (MEAN), dense,
// hard-swish; int8 against float, shapes, and parameter rules.
#include <gtest/gtest.h>

#include <cstdint>

#include "mote/nn/activation.h"
#include "mote/nn/conv2d.h"
#include "mote/nn/dense.h"
#include "mote/nn/depthwise_conv2d.h"
#include "mote/nn/hard_swish.h"
#include "mote/nn/nonlinear.h"
#include "mote/nn/pool.h"
#include "mote/nn/sequential.h"
#include "support/nn_compare.h"

namespace mote::nn {
namespace {

// A keyword-spotter-like classifier: conv stem, depthwise, pooling, global pool, dense.
using Spotter = Sequential<Conv2d<1, 16, 3, 2>, Relu, Depthwise3x3<16>, Relu6, AveragePool2d<2>,
                           Conv1x1<16, 24>, HardSwish, MaxPool2d<3, 1, Padding::kSame>,
                           GlobalAveragePool, Dense<24, 12>>;
using SpotterIn = Extents<1, 25, 10, 1>;
static_assert(std::is_same_v<OutputShape<Spotter, SpotterIn>, Extents<1, 1, 1, 12>>);
static_assert(std::is_same_v<Spotter::fused_layers,
                             TypeList<Conv2d<1, 16, 3, 2, Padding::kSame, Activation::kRelu>,
                                      Depthwise3x3<16, 1, Activation::kRelu6>, AveragePool2d<2>,
                                      Conv1x1<16, 24>, HardSwish, MaxPool2d<3, 1, Padding::kSame>,
                                      GlobalAveragePool, Dense<24, 12>>>);

// Dense flattens H x W x C.
static_assert(std::is_same_v<OutputShape<Dense<60, 5>, Extents<2, 3, 4, 5>>, Extents<2, 1, 1, 5>>);

TEST(Layers, SpotterInt8WithinOneQuantumOfFloat) {
  const auto [within, max_err] = test::compare_int8_with_float<Spotter, SpotterIn>(11);
  std::printf("spotter: %.4f within 1 quantum, max %d\n", within, max_err);
  EXPECT_GE(within, 0.99);
}

TEST(Layers, PoolsAndDenseEachWithinOneQuantum) {
  using Pools = Sequential<Conv1x1<8, 8>, AveragePool2d<3, 2, Padding::kSame>,
                           MaxPool2d<2, 2, Padding::kValid, Activation::kRelu>>;
  const auto [p_within, p_max] = test::compare_int8_with_float<Pools, Extents<1, 9, 7, 8>>(12);
  using Head = Sequential<Dense<45, 10, Activation::kRelu>, Dense<10, 3>>;
  const auto [d_within, d_max] = test::compare_int8_with_float<Head, Extents<2, 3, 3, 5>>(13);
  std::printf("pools %.4f (max %d), dense head %.4f (max %d)\n", p_within, p_max, d_within, d_max);
  EXPECT_GE(p_within, 0.99);
  EXPECT_GE(d_within, 0.99);
}

// MEAN follows the profile: the reference kernels' integer division stays within one quantum;
// the runtime's float-multiplier rule rounds its zero-point term separately from the sum (see
// mean_ref.h), so it can be two quanta from the quantized float mean. Both are reproduced as
// TFLite computes them, not improved.
TEST(Layers, GlobalAveragePoolFollowsTheProfilesMean) {
  using Gap = Sequential<Conv1x1<8, 8>, GlobalAveragePool>;
  using In = Extents<1, 9, 7, 8>;
  const auto [ref_within, ref_max] = test::compare_int8_with_float<Gap, In, TfliteReference>(12);
  const auto [rt_within, rt_max] = test::compare_int8_with_float<Gap, In, TfliteRuntime>(12);
  std::printf("global average pool: reference %.4f (max %d), runtime %.4f (max %d)\n", ref_within,
              ref_max, rt_within, rt_max);
  EXPECT_GE(ref_within, 0.99);
  EXPECT_GE(rt_within, 0.9);
  EXPECT_LE(rt_max, 2);
}

// Logistic, Tanh and Softmax under profiles with table and fixed-point arithmetic: each within
// one quantum of the float function on the same (dequantized) input.
template <typename P>
void expect_nonlinear_layers_within_one_quantum() {
  using In = Extents<2, 3, 1, 20>;
  const auto [l, l_max] = test::compare_int8_with_float<Sequential<Logistic>, In, P>(1);
  const auto [t, t_max] = test::compare_int8_with_float<Sequential<Tanh>, In, P>(2);
  const auto [s, s_max] = test::compare_int8_with_float<Sequential<Softmax>, In, P>(3);
  EXPECT_EQ(l, 1.0) << P::kName << " logistic max " << l_max;
  EXPECT_EQ(t, 1.0) << P::kName << " tanh max " << t_max;
  EXPECT_EQ(s, 1.0) << P::kName << " softmax max " << s_max;
}

TEST(Layers, NonlinearLayersUnderEveryProfile) {
  expect_nonlinear_layers_within_one_quantum<TfliteReference>();
  expect_nonlinear_layers_within_one_quantum<TfliteRuntime>();
  expect_nonlinear_layers_within_one_quantum<TfliteMicro>();
  expect_nonlinear_layers_within_one_quantum<TfliteMicroSingleRounding>();
}

// The fixed output parameters TFLite requires.
TEST(Layers, NonlinearOutputParameters) {
  using M = Sequential<Conv1x1<4, 4>, Softmax>;
  using F = Network<M, Extents<1, 2, 2, 4>, float>;
  using Q = Network<M, Extents<1, 2, 2, 4>, std::int8_t>;
  auto f = std::make_unique<F>();
  auto q = std::make_unique<Q>();
  f->initialize(3);
  F::Calibration cal{};
  for (auto& r : cal) {
    r.min = -2.0f;
    r.max = 2.0f;
  }
  ASSERT_EQ(q->quantize_from(*f, cal), Status::kOk);
  EXPECT_EQ(q->output_params(), (QuantParams<std::int8_t>{1.0f / 256.0f, -128}));
}

TEST(Layers, PoolingKeepsInputParameters) {
  using M = Sequential<Conv1x1<4, 4>, AveragePool2d<2>, MaxPool2d<2>>;
  using F = Network<M, Extents<1, 4, 4, 4>, float>;
  using Q = Network<M, Extents<1, 4, 4, 4>, std::int8_t>;
  auto f = std::make_unique<F>();
  auto q = std::make_unique<Q>();
  f->initialize(3);
  F::Calibration cal{};
  for (auto& r : cal) {
    r.min = -1.0f;
    r.max = 3.0f;
  }
  cal[1].max = 5.0f;  // the conv's output
  ASSERT_EQ(q->quantize_from(*f, cal), Status::kOk);
  const auto conv_out = std::get<0>(q->layers().layers).output_params();
  EXPECT_EQ(std::get<1>(q->layers().layers).output_params(), conv_out);
  EXPECT_EQ(q->output_params(), conv_out);
}

}  // namespace
}  // namespace mote::nn
