// Runs a composed model in float and int8 and measures how far the int8 outputs are from the
// quantized float outputs, in output quanta.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "mote/nn/network.h"
#include "mote/quant/quantize.h"

namespace mote::test {

template <typename Model, typename In, typename P>
struct Pair {
  nn::Network<Model, In, float, P> f;
  nn::Network<Model, In, std::int8_t, P> q;
  typename nn::Network<Model, In, float>::Calibration calibration{};
};

// Runs a model in float and int8 on random inputs and returns the fraction of outputs within
// one quantum of the quantized float output (and the largest error).
template <typename Model, typename In, typename P = DefaultProfile>
inline std::pair<double, int> compare_int8_with_float(std::uint64_t seed) {
  using F = nn::Network<Model, In, float, P>;
  using Q = nn::Network<Model, In, std::int8_t, P>;
  using Out = typename F::output_shape;
  auto pair = std::make_unique<Pair<Model, In, P>>();
  pair->f.initialize(seed);
  std::vector<std::byte> storage(F::arena_bytes + Q::arena_bytes + 64);
  auto* base = reinterpret_cast<std::byte*>(
      (reinterpret_cast<std::uintptr_t>(storage.data()) + 63) & ~std::uintptr_t{63});
  std::span<std::byte> arena(base, F::arena_bytes + Q::arena_bytes);
  std::vector<float> fin(In{}.size()), fout(Out{}.size());
  std::vector<std::int8_t> qin(In{}.size()), qout(Out{}.size());
  nn::WeightGenerator gen(seed + 1);
  const TensorView<const float, In> fin_view(fin.data());
  const TensorView<float, Out> fout_view(fout.data());
  // Calibrate on a representative set; values outside the calibrated ranges would saturate and
  // measure the calibration rather than the arithmetic.
  for (int i = 0; i < 32; ++i) {
    for (float& x : fin) x = gen.uniform(-2.0f, 2.0f);
    EXPECT_EQ(pair->f.calibrate(fin_view, fout_view, arena, pair->calibration), Status::kOk);
  }
  EXPECT_EQ(pair->q.quantize_from(pair->f, pair->calibration), Status::kOk);
  long within = 0;
  int max_err = 0;
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < fin.size(); ++j) {
      qin[j] = quantize(gen.uniform(-2.0f, 2.0f), pair->q.input_params());
      fin[j] = dequantize(qin[j], pair->q.input_params());
    }
    EXPECT_EQ(pair->f.run(fin_view, fout_view, arena), Status::kOk);
    EXPECT_EQ(pair->q.run(TensorView<const std::int8_t, In>(qin.data()),
                          TensorView<std::int8_t, Out>(qout.data()), arena),
              Status::kOk);
    for (std::size_t j = 0; j < fout.size(); ++j) {
      const int err = std::abs(quantize(fout[j], pair->q.output_params()) - qout[j]);
      within += err <= 1;
      max_err = std::max(max_err, err);
    }
  }
  return {static_cast<double>(within) / (3.0 * static_cast<double>(fout.size())), max_err};
}

}  // namespace mote::test
