// Latency of composed MobileNetV2 inverted residual blocks (int8, the default profile), the
// figure the SIMD work is judged on end to end: block/mote/<H>x<W>x<C>e<expansion>s<stride>.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/simd/dispatch.h"
#include "mote/tensor/tensor.h"

namespace {

template <std::size_t H, std::size_t W, std::size_t C, std::size_t Out, std::size_t Expansion,
          int Stride>
void BM_Block(benchmark::State& state) {
  using Shape = mote::Extents<1, H, W, C>;
  using Block = mote::models::InvertedResidual<C, Out, Expansion, Stride>;
  using F = mote::nn::Network<Block, Shape, float>;
  using Q = mote::nn::Network<Block, Shape, std::int8_t>;
  struct Storage {
    F f;
    Q q;
    alignas(64) std::byte arena[F::arena_bytes];
    mote::Tensor<float, Shape> fin;
    mote::Tensor<float, typename F::output_shape> fout;
    mote::Tensor<std::int8_t, Shape> qin;
    mote::Tensor<std::int8_t, typename Q::output_shape> qout;
  };
  auto s = std::make_unique<Storage>();
  s->f.initialize(1);
  typename F::Calibration calibration{};
  mote::nn::WeightGenerator gen(2);
  for (int i = 0; i < 4; ++i) {
    for (float& x : s->fin) x = gen.uniform(-2.0f, 2.0f);
    if (s->f.calibrate(s->fin, s->fout, s->arena, calibration) != mote::Status::kOk) {
      state.SkipWithError("calibration failed");
      return;
    }
  }
  if (s->q.quantize_from(s->f, calibration) != mote::Status::kOk) {
    state.SkipWithError("quantization failed");
    return;
  }
  for (auto& x : s->qin) x = static_cast<std::int8_t>(gen.uniform(-128.0f, 127.0f));
  for (auto _ : state) {
    if (s->q.run(s->qin, s->qout, s->arena) != mote::Status::kOk) {
      state.SkipWithError("run failed");
      return;
    }
    benchmark::DoNotOptimize(s->qout.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(mote::simd_target_name());
}

BENCHMARK(BM_Block<56, 56, 24, 24, 6, 1>)
    ->Name("block/mote/56x56x24e6s1")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Block<56, 56, 24, 32, 6, 2>)
    ->Name("block/mote/56x56x24e6s2")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Block<14, 14, 96, 96, 6, 1>)
    ->Name("block/mote/14x14x96e6s1")
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
