// Depthwise 3x3 (MobileNetV2-224 layers): mote's SIMD kernel beside the peers found at configure
// time, in one binary: dw3x3/mote/<H>x<W>x<C>s<stride>, dw3x3/onednn/..., dw3x3/xnnpack/...
// `mote` runs the best target of the CPU; mote_<target> forces each other compiled target.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "harness.h"
#include "mote/kernels/depthwise/depthwise.h"
#include "mote/simd/dispatch.h"

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
#include <hwy/targets.h>
#endif

namespace {

using Nhwc = mote::Extents<mote::dyn, mote::dyn, mote::dyn, mote::dyn>;

// The target dispatch picks on this CPU when nothing is forced.
std::int64_t best_target = 0;

class MoteDw3x3 final : public mote::bench::Dw3x3Runner {
 public:
  // target: a Highway target to force for the timed calls, 0 for the CPU's best.
  explicit MoteDw3x3(std::int64_t target) : target_(target) {}

  std::string setup(const mote::bench::Dw3x3Problem& p) override {
    p_ = p;
    const auto& s = p.shape;
    output_ = mote::bench::AlignedArray<std::int8_t>(static_cast<std::size_t>(p.output_height) *
                                                     p.output_width * s.channels);
    multiplier_[0] =
        mote::QuantizedMultiplier{p.requant.quantized_multiplier, -p.requant.right_shift};
    window_ = mote::Window2d{
        3,
        3,
        s.stride,
        s.stride,
        1,
        1,
        mote::Padding::kExplicit,
        mote::Pad2d{p.padding_top, p.padding_bottom, p.padding_left, p.padding_right}};
    return "";
  }

  void run() override {
    const auto& s = p_.shape;
    const auto c = static_cast<std::size_t>(s.channels);
    const auto in = mote::make_view(p_.input, Nhwc(1, static_cast<std::size_t>(s.height),
                                                   static_cast<std::size_t>(s.width), c));
    const auto filter = mote::make_view(p_.weights, Nhwc(1, 3, 3, c));
    const auto out =
        mote::make_view(output_.get(), Nhwc(1, static_cast<std::size_t>(p_.output_height),
                                            static_cast<std::size_t>(p_.output_width), c));
    const mote::OutputStage<mote::Rounding::kDouble> stage{
        std::span<const std::int32_t>(p_.bias, c), multiplier_, p_.requant.output_zero_point};
    force();
    const mote::Status status = mote::depthwise_conv2d(in, 0, filter, out, window_, stage);
    if (status != mote::Status::kOk) std::abort();
  }

  void read_output(std::int8_t* out) override {
    std::copy(output_.get(), output_.get() + output_.size, out);
  }

 private:
  // Benchmarks of other targets may have forced dispatch: restore or force it, untimed cost.
  void force() const {
    const std::int64_t want = target_ != 0 ? target_ : best_target;
    if (mote::simd_target() != want) mote::force_simd_target(target_);
  }

  std::int64_t target_;
  mote::bench::Dw3x3Problem p_{};
  mote::bench::AlignedArray<std::int8_t> output_;
  std::array<mote::QuantizedMultiplier, 1> multiplier_{};
  mote::Window2d window_{};
};

}  // namespace

int main(int argc, char** argv) {
  best_target = mote::simd_target();
  mote::bench::register_dw3x3("mote", [] { return std::make_unique<MoteDw3x3>(0); });
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
  // The other targets this CPU runs, e.g. mote_avx2 for CPUs without AVX-512.
  for (std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    if (target == best_target || target == HWY_SCALAR) continue;
    std::string name = std::string("mote_") + hwy::TargetName(target);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    mote::bench::register_dw3x3(name, [target] { return std::make_unique<MoteDw3x3>(target); });
  }
#endif
  mote::bench::register_dw3x3_peers();
  return mote::bench::run_benchmarks(argc, argv);
}
