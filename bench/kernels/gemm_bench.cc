// int8 GEMM: mote (best target, and AVX2 and AVX3 forced) beside the peers in one binary, over the
// shapes of bench/peers/shapes.h: gemm/<impl>/<M>x<K>x<N>, counter GOPS. See docs/performance.md.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "harness.h"
#include "mote/kernels/gemm/gemm.h"
#include "mote/simd/dispatch.h"

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
#include <hwy/targets.h>
#endif

namespace {

using Mat = mote::Extents<mote::dyn, mote::dyn>;

// Packs B and plans the float epilogue once in setup (untimed, model-build steps); run() is one
// mote::gemm call on one thread. `target` != 0 forces that SIMD target for the runner's
// lifetime; `plan` = false keeps the integer epilogue (gemm/mote_int).
class MoteGemm final : public mote::bench::GemmRunner {
 public:
  explicit MoteGemm(std::int64_t target, bool plan = true) : target_(target), plan_(plan) {}
  ~MoteGemm() override {
    if (target_ != 0) mote::force_simd_target(0);
  }

  std::string setup(const mote::bench::GemmProblem& p) override {
    if (target_ != 0) {
      mote::force_simd_target(target_);
      if (mote::simd_target() != target_) return "target not available";
    }
    m_ = static_cast<std::size_t>(p.shape.m);
    k_ = static_cast<std::size_t>(p.shape.k);
    n_ = static_cast<std::size_t>(p.shape.n);
    a_ = p.a;
    weights_ = mote::bench::AlignedArray<std::int8_t>(mote::packed_gemm_weight_bytes(n_, k_));
    bias_ = mote::bench::AlignedArray<std::int32_t>(mote::packed_gemm_bias_count(n_));
    sums_ = mote::bench::AlignedArray<std::int32_t>(mote::packed_gemm_bias_count(n_));
    c_ = mote::bench::AlignedArray<std::int8_t>(m_ * n_);
    const mote::PackedGemmStorage storage{
        {weights_.get(), weights_.size}, {bias_.get(), bias_.size}, {sums_.get(), sums_.size}};
    auto packed = mote::pack_gemm_weights(mote::make_view(p.b, Mat(n_, k_)),
                                          std::span<const std::int32_t>(p.bias, n_), 0, storage);
    if (!packed) return mote::to_string(packed.status());
    packed_ = *packed;
    // multiplier = q * 2^(-31 - right_shift) = QuantizedMultiplier{q, -right_shift}.
    multiplier_ = {p.requant.quantized_multiplier, -p.requant.right_shift};
    stage_.multipliers = std::span<const mote::QuantizedMultiplier>(&multiplier_, 1);
    stage_.zero_point = p.requant.output_zero_point;
    plan_view_ = {};
    if (plan_ && mote::plan_gemm_float_epilogue(
                     packed_, stage_, std::span<float>(&scale_, 1), std::span<float>(&offset_, 1),
                     std::span<float>(&offset_negative_, 1)) == mote::Status::kOk) {
      plan_view_ = {std::span<const float>(&scale_, 1), std::span<const float>(&offset_, 1),
                    std::span<const float>(&offset_negative_, 1)};
    }
    return "";
  }

  void run() override {
    const mote::Status s = mote::gemm(mote::make_view(a_, Mat(m_, k_)), packed_,
                                      mote::make_view(c_.get(), Mat(m_, n_)), stage_, plan_view_);
    if (s != mote::Status::kOk) std::abort();
  }

  void read_output(std::int8_t* out) override {
    for (std::size_t i = 0; i < m_ * n_; ++i) out[i] = c_[i];
  }

 private:
  std::int64_t target_;
  bool plan_;
  float scale_ = 0, offset_ = 0, offset_negative_ = 0;
  mote::GemmFloatEpilogue plan_view_{};
  std::size_t m_ = 0, k_ = 0, n_ = 0;
  const std::int8_t* a_ = nullptr;
  mote::bench::AlignedArray<std::int8_t> weights_, c_;
  mote::bench::AlignedArray<std::int32_t> bias_, sums_;
  mote::PackedGemmWeights packed_;
  mote::QuantizedMultiplier multiplier_;
  mote::OutputStage<mote::Rounding::kDouble> stage_;
};

}  // namespace

int main(int argc, char** argv) {
  mote::bench::register_gemm("mote", [] { return std::make_unique<MoteGemm>(0); });
  mote::bench::register_gemm("mote_int", [] { return std::make_unique<MoteGemm>(0, false); });
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH && HWY_ARCH_X86
  if ((hwy::SupportedTargets() & HWY_AVX2) != 0) {
    mote::bench::register_gemm("mote_avx2", [] { return std::make_unique<MoteGemm>(HWY_AVX2); });
  }
  if ((hwy::SupportedTargets() & HWY_AVX3) != 0) {
    mote::bench::register_gemm("mote_avx3", [] { return std::make_unique<MoteGemm>(HWY_AVX3); });
  }
#endif
  mote::bench::register_gemm_peers();
  return mote::bench::run_benchmarks(argc, argv);
}
