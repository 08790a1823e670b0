// gemmlowp peer with its AVX2 kernels (CMake compiles this file with -mavx2 and
// GEMMLOWP_ENABLE_AVX2). Renaming the namespace keeps gemmlowp's inline functions and templates,
// compiled here for AVX2, apart from the SSE4 ones of gemmlowp_peer.cc (no ODR clash).
#define gemmlowp gemmlowp_avx2
#include "gemmlowp_peer-inl.h"

namespace mote::bench {

std::unique_ptr<GemmRunner> make_gemmlowp_avx2_gemm() {
  return std::make_unique<GemmlowpGemm>();
}

}  // namespace mote::bench
