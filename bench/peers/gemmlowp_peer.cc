// gemmlowp peer with its SSE4 kernels (CMake compiles this file with -msse4.2).
#include "gemmlowp_peer-inl.h"

namespace mote::bench {

std::unique_ptr<GemmRunner> make_gemmlowp_gemm() {
  return std::make_unique<GemmlowpGemm>();
}

}  // namespace mote::bench
