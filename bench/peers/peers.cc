// The list of peers compiled into this build (MOTE_BENCH_HAVE_* come from bench/peers/CMakeLists).
#include <utility>

#include "harness.h"
#include "peer_factories.h"

namespace mote::bench {

std::vector<std::pair<std::string, GemmFactory>> gemm_peers() {
  std::vector<std::pair<std::string, GemmFactory>> peers;
#ifdef MOTE_BENCH_HAVE_XNNPACK
  peers.emplace_back("xnnpack", [] { return make_xnnpack_gemm(); });
#endif
#ifdef MOTE_BENCH_HAVE_ONEDNN
  peers.emplace_back("onednn", [] { return make_onednn_gemm(false); });
  peers.emplace_back("onednn_u8s8", [] { return make_onednn_gemm(true); });
#endif
#ifdef MOTE_BENCH_HAVE_GEMMLOWP
  peers.emplace_back("gemmlowp", [] { return make_gemmlowp_gemm(); });
#endif
#ifdef MOTE_BENCH_HAVE_GEMMLOWP_AVX2
  // Its translation unit is compiled with -mavx2: offer it only where the CPU runs AVX2.
  if (__builtin_cpu_supports("avx2")) {
    peers.emplace_back("gemmlowp_avx2", [] { return make_gemmlowp_avx2_gemm(); });
  }
#endif
  return peers;
}

std::vector<std::pair<std::string, Dw3x3Factory>> dw3x3_peers() {
  std::vector<std::pair<std::string, Dw3x3Factory>> peers;
#ifdef MOTE_BENCH_HAVE_XNNPACK
  peers.emplace_back("xnnpack", [] { return make_xnnpack_dw3x3(); });
#endif
#ifdef MOTE_BENCH_HAVE_ONEDNN
  peers.emplace_back("onednn", [] { return make_onednn_dw3x3(); });
#endif
  return peers;
}

}  // namespace mote::bench
