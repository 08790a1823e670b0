// The composed int8 MobileNetV2 block under every arithmetic profile: on every compiled SIMD
// target the output has the profile's golden checksum, so the SIMD paths honour each profile's
// rounding (the kernels are checked against their references op by op in tests/kernels/), and
// the profiles that should differ do.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>

#include "mote/io/checksum.h"
#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/tensor/tensor.h"
#include "support/targets.h"

namespace mote {
namespace {

using Shape = Extents<1, 14, 14, 16>;
using Block = models::InvertedResidual<16, 16, /*Expansion=*/6, /*Stride=*/1>;
using FloatBlock = nn::Network<Block, Shape, float>;

// Goldens per profile; update them together from the printed values only for a deliberate
// change of arithmetic.
constexpr std::uint64_t kReferenceChecksum = 0x2827cae86bb50117u;
constexpr std::uint64_t kRuntimeChecksum = 0xac76fcd0a71f6bffu;
constexpr std::uint64_t kMicroSingleChecksum = 0x6eed314ce37f89f1u;

template <typename P>
struct Profiled {
  nn::Network<Block, Shape, std::int8_t, P> block;
  Status status = Status::kOk;
};

struct Fixture {
  FloatBlock float_block;
  Profiled<TfliteReference> reference;
  Profiled<TfliteRuntime> runtime;
  Profiled<TfliteMicro> micro;
  Profiled<TfliteMicroSingleRounding> micro_single;
  Tensor<float, Shape> float_in, float_out;
  Tensor<std::int8_t, Shape> int8_in;
  alignas(64) std::byte arena[FloatBlock::arena_bytes];
  Status status = Status::kOk;

  Fixture() {
    float_block.initialize(/*seed=*/99);
    FloatBlock::Calibration calibration{};
    nn::WeightGenerator data(5);
    for (int i = 0; i < 4 && status == Status::kOk; ++i) {
      for (float& x : float_in) x = data.uniform(-1.0f, 1.0f) + data.uniform(-1.0f, 1.0f);
      status = float_block.calibrate(float_in.view(), float_out.view(), arena, calibration);
    }
    reference.status = reference.block.quantize_from(float_block, calibration);
    runtime.status = runtime.block.quantize_from(float_block, calibration);
    micro.status = micro.block.quantize_from(float_block, calibration);
    micro_single.status = micro_single.block.quantize_from(float_block, calibration);
    nn::WeightGenerator bits(3);
    for (std::int8_t& q : int8_in) q = static_cast<std::int8_t>(bits.next_u64() >> 56);
  }
};

const Fixture& fixture() {
  static const std::unique_ptr<Fixture> f = std::make_unique<Fixture>();
  return *f;
}

template <typename P>
std::uint64_t run_checksum(const Fixture& f, const Profiled<P>& p) {
  EXPECT_EQ(p.status, Status::kOk);
  static Tensor<std::int8_t, Shape> out;
  alignas(64) static std::byte arena[decltype(p.block)::arena_bytes];
  EXPECT_EQ(p.block.run(f.int8_in.view(), out.view(), arena), Status::kOk);
  const std::uint64_t sum = checksum(std::span<const std::int8_t>(out.data(), out.size()));
  std::printf("%s: %016" PRIx64 " on %s\n", P::kName, sum, simd_target_name());
  return sum;
}

class MobileNetV2ProfilesTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(MobileNetV2ProfilesTest);

TEST_P(MobileNetV2ProfilesTest, EachProfileHasItsGoldenOutput) {
  const Fixture& f = fixture();
  ASSERT_EQ(f.status, Status::kOk);
  const std::uint64_t reference = run_checksum(f, f.reference);
  const std::uint64_t runtime = run_checksum(f, f.runtime);
  const std::uint64_t micro = run_checksum(f, f.micro);
  const std::uint64_t micro_single = run_checksum(f, f.micro_single);
  EXPECT_EQ(reference, kReferenceChecksum);
  EXPECT_EQ(runtime, kRuntimeChecksum);
  EXPECT_EQ(micro_single, kMicroSingleChecksum);
  // TFLite Micro rounds like the reference kernels in conv, depthwise and add.
  EXPECT_EQ(micro, reference);
  // Single rounding in the 1x1 convolutions changes some bytes.
  EXPECT_NE(runtime, reference);
  EXPECT_NE(micro_single, runtime);
}

}  // namespace
}  // namespace mote
