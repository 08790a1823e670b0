// XNNPACK peers: qs8 fully connected (GEMM) and qs8 depthwise convolution, one thread.
#include <xnnpack.h>

#include <cstring>
#include <vector>

#include "peer_factories.h"

namespace mote::bench {
namespace {

std::string initialize_xnnpack() {
  static const xnn_status status = xnn_initialize(nullptr);
  return status == xnn_status_success ? std::string{} : "xnn_initialize failed";
}

// XNNPACK takes the requantization as scales: multiplier = input_scale * kernel_scale /
// output_scale, and bias in units of input_scale * kernel_scale. Input 1, kernel = multiplier,
// output 1 gives exactly the problem's multiplier (as a float, XNNPACK computes in fp32).
class XnnpackGemm final : public GemmRunner {
 public:
  ~XnnpackGemm() override {
    if (op_ != nullptr) xnn_delete_operator(op_);
  }

  std::string setup(const GemmProblem& p) override {
    if (std::string error = initialize_xnnpack(); !error.empty()) return error;
    const auto [m, k, n] = p.shape;
    m_ = m;
    a_ = p.a;
    c_ = AlignedArray<std::int8_t>(std::size_t(m) * n);
    // Kernel is output_channels x input_channels (flags 0): B as given. Packing happens here.
    const xnn_status status = xnn_create_fully_connected_nc_qs8(
        k, n, /*input_stride=*/k, /*output_stride=*/n, /*input_zero_point=*/0,
        /*input_scale=*/1.0f, static_cast<float>(p.requant.multiplier), p.b, p.bias,
        p.requant.output_zero_point, /*output_scale=*/1.0f, -128, 127, /*flags=*/0, &op_);
    if (status != xnn_status_success) return "xnn_create_fully_connected_nc_qs8 failed";
    return {};
  }

  void run() override {
    xnn_setup_fully_connected_nc_qs8(op_, m_, a_, c_.get(), /*threadpool=*/nullptr);
    xnn_run_operator(op_, /*threadpool=*/nullptr);
  }

  void read_output(std::int8_t* out) override { std::memcpy(out, c_.get(), c_.size); }

 private:
  xnn_operator_t op_ = nullptr;
  int m_ = 0;
  const std::int8_t* a_ = nullptr;
  AlignedArray<std::int8_t> c_;
};

// Depthwise = grouped convolution with one input and one output channel per group; XNNPACK picks
// its depthwise micro-kernels from that. Kernel layout [groups][3][3][1].
class XnnpackDw3x3 final : public Dw3x3Runner {
 public:
  ~XnnpackDw3x3() override {
    if (op_ != nullptr) xnn_delete_operator(op_);
  }

  std::string setup(const Dw3x3Problem& p) override {
    if (std::string error = initialize_xnnpack(); !error.empty()) return error;
    const int c = p.shape.channels;
    p_ = p;
    std::vector<std::int8_t> kernel(std::size_t(9) * c);
    for (int ch = 0; ch < c; ++ch) {
      for (int tap = 0; tap < 9; ++tap) kernel[std::size_t(ch) * 9 + tap] = p.weights[tap * c + ch];
    }
    out_ = AlignedArray<std::int8_t>(std::size_t(p.output_height) * p.output_width * c);
    const xnn_status status = xnn_create_convolution2d_nhwc_qs8(
        p.padding_top, p.padding_right, p.padding_bottom, p.padding_left, 3, 3, p.shape.stride,
        p.shape.stride, /*dilation=*/1, 1, /*groups=*/c, /*group_input_channels=*/1,
        /*group_output_channels=*/1, /*input_channel_stride=*/c, /*output_channel_stride=*/c,
        /*input_zero_point=*/0, /*input_scale=*/1.0f, static_cast<float>(p.requant.multiplier),
        kernel.data(), p.bias, p.requant.output_zero_point, /*output_scale=*/1.0f, -128, 127,
        /*flags=*/0, &op_);
    if (status != xnn_status_success) return "xnn_create_convolution2d_nhwc_qs8 failed";
    return {};
  }

  void run() override {
    xnn_setup_convolution2d_nhwc_qs8(op_, 1, p_.shape.height, p_.shape.width, p_.input, out_.get(),
                                     nullptr);
    xnn_run_operator(op_, nullptr);
  }

  void read_output(std::int8_t* out) override { std::memcpy(out, out_.get(), out_.size); }

 private:
  xnn_operator_t op_ = nullptr;
  Dw3x3Problem p_{};
  AlignedArray<std::int8_t> out_;
};

}  // namespace

std::unique_ptr<GemmRunner> make_xnnpack_gemm() {
  return std::make_unique<XnnpackGemm>();
}
std::unique_ptr<Dw3x3Runner> make_xnnpack_dw3x3() {
  return std::make_unique<XnnpackDw3x3>();
}

}  // namespace mote::bench
