// Benchmark harness shared by mote and its peers: problem data, runner interface, registration.
//
// Every implementation of an operator (mote, a peer) is a Runner made by a factory. The harness
// builds one problem per shape (random int8 data, fixed seed), lets the runner set up (pack
// weights: untimed), runs it once and checks the output against a scalar reference, then times
// run() alone. Names: gemm/<impl>/<M>x<K>x<N> and dw3x3/<impl>/<H>x<W>x<C>s<stride>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shapes.h"

namespace mote::bench {

// Output requantization shared by every problem (TFLite int8, per tensor):
//   c = saturate_int8(round((acc + bias) * multiplier) + output_zero_point)
// Activations and weights are symmetric (zero point 0). The multiplier is also given as a Q31
// fixed-point value and a right shift, multiplier = quantized_multiplier * 2^(-31 - right_shift),
// for implementations that requantize in integers.
struct Requant {
  double multiplier;
  std::int32_t quantized_multiplier;
  int right_shift;
  std::int8_t output_zero_point;
};

// int8 GEMM: A is M x K row-major (NHWC activations), B is N x K row-major (OHWI weights: each
// output channel's K weights contiguous), bias has N entries, C is M x N row-major.
struct GemmProblem {
  GemmShape shape;
  const std::int8_t* a;
  const std::int8_t* b;
  const std::int32_t* bias;
  Requant requant;
};

// Depthwise 3x3, batch 1: input H x W x C (NHWC), weights 3 x 3 x C (TFLite's 1HWC: each tap's
// C weights contiguous), bias C, output OH x OW x C with SAME padding (zeros, as the input zero
// point is 0).
struct Dw3x3Problem {
  Dw3x3Shape shape;
  int output_height;
  int output_width;
  int padding_top;
  int padding_left;
  int padding_bottom;
  int padding_right;
  const std::int8_t* input;
  const std::int8_t* weights;
  const std::int32_t* bias;
  Requant requant;
};

// One implementation of one operator on one problem. setup() does everything that a model does
// once (pack weights, create primitives) and returns an empty string or why it failed; run() is
// the timed call; read_output() copies the result of the last run() as int8 into `out` (called
// once, untimed, so an implementation that computes in uint8 converts there).
template <typename Problem>
class Runner {
 public:
  virtual ~Runner() = default;
  virtual std::string setup(const Problem& problem) = 0;
  virtual void run() = 0;
  virtual void read_output(std::int8_t* out) = 0;
};

using GemmRunner = Runner<GemmProblem>;
using Dw3x3Runner = Runner<Dw3x3Problem>;
using GemmFactory = std::function<std::unique_ptr<GemmRunner>()>;
using Dw3x3Factory = std::function<std::unique_ptr<Dw3x3Runner>()>;

// Registers gemm/<impl>/<shape> (resp. dw3x3/<impl>/<shape>) for every shape of the lists in
// shapes.h. Call before run_benchmarks().
void register_gemm(const std::string& impl, GemmFactory factory);
void register_dw3x3(const std::string& impl, Dw3x3Factory factory);

// The peers found at configure time (empty when MOTE_BENCH_PEERS is OFF), in registration order.
std::vector<std::pair<std::string, GemmFactory>> gemm_peers();
std::vector<std::pair<std::string, Dw3x3Factory>> dw3x3_peers();
inline void register_gemm_peers() {
  for (auto& [name, factory] : gemm_peers()) register_gemm(name, std::move(factory));
}
inline void register_dw3x3_peers() {
  for (auto& [name, factory] : dw3x3_peers()) register_dw3x3(name, std::move(factory));
}

// Runs Google Benchmark on argv (what BENCHMARK_MAIN does). Every runner runs on one thread: the
// peers are set up so (XNNPACK without a thread pool, oneDNN with one OpenMP thread, gemmlowp with
// max_num_threads 1); pin the process with taskset for stable numbers.
int run_benchmarks(int argc, char** argv);

// A buffer aligned to a cache line, for runners that keep their own copies of data.
template <typename T>
struct AlignedArray {
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T[], Free> data;
  std::size_t size = 0;

  AlignedArray() = default;
  explicit AlignedArray(std::size_t count)
      : data(static_cast<T*>(std::aligned_alloc(64, (count * sizeof(T) + 63) / 64 * 64))),
        size(count) {}
  T* get() const { return data.get(); }
  T& operator[](std::size_t i) const { return data[i]; }
};

// Scalar references the outputs are checked against; exposed for mote's own tests of the bench.
void reference_gemm(const GemmProblem& p, std::int8_t* c);
void reference_dw3x3(const Dw3x3Problem& p, std::int8_t* out);

// Requantization parameters for a real multiplier in (0, 1).
Requant make_requant(double multiplier, std::int8_t output_zero_point);

}  // namespace mote::bench
