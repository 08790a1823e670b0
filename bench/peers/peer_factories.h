// Factories of the peer runners; each is defined in its own translation unit, compiled only when
// CMake found that peer. Private to bench/peers.
#pragma once

#include <memory>

#include "harness.h"

namespace mote::bench {

std::unique_ptr<GemmRunner> make_xnnpack_gemm();
std::unique_ptr<Dw3x3Runner> make_xnnpack_dw3x3();

// u8_source: activations arrive as uint8 (x + 128) and 128 * (row sums of B) is folded into the
// bias at setup, the exact transformation a VNNI kernel makes; otherwise s8 x s8.
std::unique_ptr<GemmRunner> make_onednn_gemm(bool u8_source);
std::unique_ptr<Dw3x3Runner> make_onednn_dw3x3();

std::unique_ptr<GemmRunner> make_gemmlowp_gemm();
std::unique_ptr<GemmRunner> make_gemmlowp_avx2_gemm();

}  // namespace mote::bench
