// oneDNN peers: int8 matmul with pre-packed weights (s8 x s8 and u8 x s8) and depthwise 3x3 as a
// grouped convolution over NHWC (acdb), one OpenMP thread.
#include <omp.h>

#include <cstring>
#include <dnnl.hpp>
#include <unordered_map>
#include <vector>

#include "peer_factories.h"

namespace mote::bench {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// oneDNN 2.6 has no thread-count setter of its own: it runs on the OpenMP runtime.
void use_one_thread() {
  omp_set_num_threads(1);
}

// Output scale and zero point: oneDNN 2.x computes dst = saturate(scale * (acc + bias) + zp) in
// fp32, rounding to nearest even.
dnnl::primitive_attr make_attr(const Requant& r) {
  dnnl::primitive_attr attr;
  attr.set_output_scales(0, {static_cast<float>(r.multiplier)});
  if (r.output_zero_point != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {r.output_zero_point});
  return attr;
}

// Copies `user` into a new memory of format `packed`; done once, outside the timed region.
dnnl::memory pack(dnnl::stream& stream, dnnl::memory user, const dnnl::memory::desc& packed) {
  dnnl::memory out(packed, cpu_engine());
  dnnl::reorder(user, out).execute(stream, user, out);
  stream.wait();
  return out;
}

class OnednnGemm final : public GemmRunner {
 public:
  explicit OnednnGemm(bool u8_source) : u8_source_(u8_source) {}

  std::string setup(const GemmProblem& p) override try {
    use_one_thread();
    const auto [m, k, n] = p.shape;
    dnnl::engine& engine = cpu_engine();
    stream_ = dnnl::stream(engine);

    // The u8 variant receives activations already offset by 128 (as a producer would emit
    // them) and a bias holding the -128 * sum_k B[n][k] that undoes the offset.
    bias_.assign(p.bias, p.bias + n);
    const void* a_data = p.a;
    if (u8_source_) {
      a_u8_ = AlignedArray<std::uint8_t>(std::size_t(m) * k);
      for (std::size_t i = 0; i < std::size_t(m) * k; ++i) {
        a_u8_[i] = static_cast<std::uint8_t>(p.a[i] + 128);
      }
      for (int j = 0; j < n; ++j) {
        std::int32_t sum = 0;
        for (int x = 0; x < k; ++x) sum += p.b[std::size_t(j) * k + x];
        bias_[j] -= 128 * sum;
      }
      a_data = a_u8_.get();
    }
    c_ = AlignedArray<std::int8_t>(std::size_t(m) * n);

    const dnnl::memory::desc a_md({m, k}, u8_source_ ? dt::u8 : dt::s8, tag::ab);
    const dnnl::memory::desc b_any({k, n}, dt::s8, tag::any);
    const dnnl::memory::desc b_user_md({k, n}, dt::s8, tag::ba);  // N x K row-major = K x N "ba"
    const dnnl::memory::desc bias_md({1, n}, dt::s32, tag::ab);
    const dnnl::memory::desc c_md({m, n}, dt::s8, tag::ab);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_any, bias_md, c_md),
                                          make_attr(p.requant), engine);
    dnnl::memory b_user(b_user_md, engine, const_cast<std::int8_t*>(p.b));
    dnnl::memory b_packed = pack(stream_, b_user, pd.weights_desc());
    primitive_ = dnnl::matmul(pd);
    args_ = {{DNNL_ARG_SRC, dnnl::memory(a_md, engine, const_cast<void*>(a_data))},
             {DNNL_ARG_WEIGHTS, b_packed},
             {DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, bias_.data())},
             {DNNL_ARG_DST, dnnl::memory(c_md, engine, c_.get())}};
    return {};
  } catch (const dnnl::error& e) {
    return std::string("oneDNN: ") + e.what();
  }

  void run() override {
    primitive_.execute(stream_, args_);
    stream_.wait();
  }

  void read_output(std::int8_t* out) override { std::memcpy(out, c_.get(), c_.size); }

 private:
  bool u8_source_;
  dnnl::stream stream_;
  dnnl::primitive primitive_;
  std::unordered_map<int, dnnl::memory> args_;
  std::vector<std::int32_t> bias_;
  AlignedArray<std::uint8_t> a_u8_;
  AlignedArray<std::int8_t> c_;
};

class OnednnDw3x3 final : public Dw3x3Runner {
 public:
  std::string setup(const Dw3x3Problem& p) override try {
    use_one_thread();
    const auto [h, w, c, stride] = p.shape;
    const dnnl::memory::dim oh = p.output_height;
    const dnnl::memory::dim ow = p.output_width;
    dnnl::engine& engine = cpu_engine();
    stream_ = dnnl::stream(engine);

    // Weights to goihw with g = C, o = i = 1: [C][3][3], from the problem's [3][3][C].
    weights_goihw_.resize(std::size_t(9) * c);
    for (int ch = 0; ch < c; ++ch) {
      for (int tap = 0; tap < 9; ++tap) {
        weights_goihw_[std::size_t(ch) * 9 + tap] = p.weights[tap * c + ch];
      }
    }
    out_ = AlignedArray<std::int8_t>(std::size_t(oh) * ow * c);

    const dnnl::memory::desc src_md({1, c, h, w}, dt::s8, tag::acdb);
    const dnnl::memory::desc w_any({c, 1, 1, 3, 3}, dt::s8, tag::any);
    const dnnl::memory::desc w_user_md({c, 1, 1, 3, 3}, dt::s8, tag::goihw);
    const dnnl::memory::desc bias_md({c}, dt::s32, tag::a);
    const dnnl::memory::desc dst_md({1, c, oh, ow}, dt::s8, tag::acdb);
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md, w_any,
        bias_md, dst_md, {stride, stride}, {p.padding_top, p.padding_left},
        {p.padding_bottom, p.padding_right});
    const dnnl::convolution_forward::primitive_desc pd(desc, make_attr(p.requant), engine);
    dnnl::memory w_user(w_user_md, engine, weights_goihw_.data());
    dnnl::memory w_packed = pack(stream_, w_user, pd.weights_desc());
    primitive_ = dnnl::convolution_forward(pd);
    args_ = {{DNNL_ARG_SRC, dnnl::memory(src_md, engine, const_cast<std::int8_t*>(p.input))},
             {DNNL_ARG_WEIGHTS, w_packed},
             {DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, const_cast<std::int32_t*>(p.bias))},
             {DNNL_ARG_DST, dnnl::memory(dst_md, engine, out_.get())}};
    return {};
  } catch (const dnnl::error& e) {
    return std::string("oneDNN: ") + e.what();
  }

  void run() override {
    primitive_.execute(stream_, args_);
    stream_.wait();
  }

  void read_output(std::int8_t* out) override { std::memcpy(out, out_.get(), out_.size); }

 private:
  dnnl::stream stream_;
  dnnl::primitive primitive_;
  std::unordered_map<int, dnnl::memory> args_;
  std::vector<std::int8_t> weights_goihw_;
  AlignedArray<std::int8_t> out_;
};

}  // namespace

std::unique_ptr<GemmRunner> make_onednn_gemm(bool u8_source) {
  return std::make_unique<OnednnGemm>(u8_source);
}
std::unique_ptr<Dw3x3Runner> make_onednn_dw3x3() {
  return std::make_unique<OnednnDw3x3>();
}

}  // namespace mote::bench
