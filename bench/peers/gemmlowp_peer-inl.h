// gemmlowp GEMM runner, included by two translation units: gemmlowp_peer.cc (SSE4 kernels) and
// gemmlowp_avx2_peer.cc (AVX2 kernels, namespace renamed). The class sits in an unnamed namespace
// so each TU has its own; no include guard on purpose.
//
// gemmlowp has only uint8 x uint8 kernels on x86 (DefaultL8R8BitDepthParams). As TFLite did,
// int8 data moves to uint8 by +128 and the offsets -128 take it back, so the product is exact.
// TFLite's layout: lhs = weights N x K row-major, rhs = activations K x M column-major (the same
// bytes as A, M x K row-major), result N x M column-major (= C, M x N row-major). gemmlowp packs
// both sides inside every call; it has no public pre-packed-weights API.
#include <cstring>
#include <tuple>

#include "peer_factories.h"
#include "public/gemmlowp.h"

namespace mote::bench {
namespace {

class GemmlowpGemm final : public GemmRunner {
 public:
  std::string setup(const GemmProblem& p) override {
    const auto [m, k, n] = p.shape;
    m_ = m;
    k_ = k;
    n_ = n;
    a_u8_ = to_uint8(p.a, std::size_t(m) * k);
    b_u8_ = to_uint8(p.b, std::size_t(n) * k);
    c_u8_ = AlignedArray<std::uint8_t>(std::size_t(m) * n);
    bias_ = p.bias;
    // result = saturate_u8(clamp(rounding_rshift(sat_rounding_doubling_high_mul(acc + bias, q31),
    //          shift) + 128 + zero_point)): gemmlowp's fixed-point requantization.
    quantize_down_.result_fixedpoint_multiplier = p.requant.quantized_multiplier;
    quantize_down_.result_shift = p.requant.right_shift;
    quantize_down_.result_offset_after_shift = 128 + p.requant.output_zero_point;
    context_.set_max_num_threads(1);
    return {};
  }

  void run() override {
    using gemmlowp::MapOrder;
    const gemmlowp::MatrixMap<const std::uint8_t, MapOrder::RowMajor> lhs(b_u8_.get(), n_, k_);
    const gemmlowp::MatrixMap<const std::uint8_t, MapOrder::ColMajor> rhs(a_u8_.get(), k_, m_);
    gemmlowp::MatrixMap<std::uint8_t, MapOrder::ColMajor> result(c_u8_.get(), n_, m_);
    using BiasVector = gemmlowp::VectorMap<const std::int32_t, gemmlowp::VectorShape::Col>;
    const gemmlowp::OutputStageBiasAddition<BiasVector> bias_stage{BiasVector(bias_, n_)};
    const gemmlowp::OutputStageClamp clamp_stage{0, 255};
    const auto pipeline = std::make_tuple(bias_stage, quantize_down_, clamp_stage,
                                          gemmlowp::OutputStageSaturatingCastToUint8());
    gemmlowp::GemmWithOutputPipeline<std::uint8_t, std::uint8_t,
                                     gemmlowp::DefaultL8R8BitDepthParams>(
        &context_, lhs, rhs, &result, /*lhs_offset=*/-128, /*rhs_offset=*/-128, pipeline);
  }

  void read_output(std::int8_t* out) override {
    for (std::size_t i = 0; i < c_u8_.size; ++i) out[i] = static_cast<std::int8_t>(c_u8_[i] - 128);
  }

 private:
  static AlignedArray<std::uint8_t> to_uint8(const std::int8_t* data, std::size_t count) {
    AlignedArray<std::uint8_t> out(count);
    for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<std::uint8_t>(data[i] + 128);
    return out;
  }

  int m_ = 0;
  int k_ = 0;
  int n_ = 0;
  AlignedArray<std::uint8_t> a_u8_;
  AlignedArray<std::uint8_t> b_u8_;
  AlignedArray<std::uint8_t> c_u8_;
  const std::int32_t* bias_ = nullptr;
  gemmlowp::OutputStageQuantizeDownInt32ByFixedPoint quantize_down_{};
  gemmlowp::GemmContext context_;
};

}  // namespace
}  // namespace mote::bench
