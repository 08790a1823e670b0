// Per-target int8 GEMM over packed weights (gemm_pack.h): C = requant(A B^T + bias), bit-exact
// with mote::ref::gemm. AVX3_DL: vpdpbusd zmm micro-kernel with a fused vector epilogue;
// AVX3 and AVX2: exact int16 vpmaddwd micro-kernel (no vpmaddubsw: it saturates); NEON with
// dotprod: sdot; every other target: a generic Highway kernel with a scalar epilogue.
#if defined(MOTE_KERNELS_GEMM_GEMM_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_GEMM_GEMM_HWY_INL_H_
#undef MOTE_KERNELS_GEMM_GEMM_HWY_INL_H_
#else
#define MOTE_KERNELS_GEMM_GEMM_HWY_INL_H_
#endif

#include <cstddef>

#include "mote/kernels/gemm/detail/gemm_args.h"
#include "mote/kernels/gemm/gemm_avx2_hwy-inl.h"
#include "mote/kernels/gemm/gemm_common_hwy-inl.h"
#include "mote/kernels/gemm/gemm_sdot_hwy-inl.h"
#include "mote/kernels/gemm/gemm_vnni_hwy-inl.h"
#include "mote/simd/hwy.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {

#if HWY_TARGET != HWY_AVX3_DL && HWY_TARGET != HWY_AVX3 && HWY_TARGET != HWY_AVX2 && !MOTE_GEMM_SDOT
inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  GemmRowsGeneric(args, m_begin, m_end, p_begin, p_end);
}
#endif

// The dispatched entry point: rows [m_begin, m_end) x panels [p_begin, p_end) of C.
inline void GemmS8Rows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                       std::size_t p_begin, std::size_t p_end) {
  GemmRows(args, m_begin, m_end, p_begin, p_end);
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_GEMM_GEMM_HWY_INL_H_
