// The AVX2 and AVX3 int8 GEMM: exact int16 vpmaddwd micro-kernel with a fused AVX2 epilogue.
#if defined(MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
#undef MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
#else
#define MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "mote/base/config.h"
#include "mote/kernels/gemm/gemm_common_hwy-inl.h"

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2
#include <immintrin.h>
#endif

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {

// ------------------------------------------------------------------------------------------
// AVX2 (and AVX-512 without VNNI, where 256-bit vpmaddwd is as fast on the CPUs measured):
// exact int16 products. Weights are sign-extended to int16 (vpmovsxbw: 4 columns x 4 bytes
// per vector) and activations too (4 bytes broadcast, so every column sees a0..a3); vpmaddwd
// sums pairs into int32, leaving each column in two lanes that vphaddd joins in the epilogue.
// |a b + a' b'| <= 2 * 128 * 128: no saturation anywhere. The accumulators start at zero and
// the bias + 128 * column_sum is added after the join (activations are not flipped).

// Requantizes 8 columns (see detail::column_requant) to int32 lanes, before the zero point.
// The doubled double-rounding path (see GemmRequantDoubled512) on 8 columns.
inline __m256i GemmRequantDoubled256(__m256i x, const GemmEpilogueTable& t, std::size_t j) {
  auto load = [](const void* p) { return _mm256_load_si256(static_cast<const __m256i*>(p)); };
  const __m256i x2 = _mm256_add_epi32(x, x);
  const __m256i x2_odd = _mm256_shuffle_epi32(x2, 0xF5);
  const __m256i even =
      _mm256_add_epi64(_mm256_mul_epi32(x2, load(t.multiplier + j)), load(t.nudge_even + j / 2));
  const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(x2_odd, load(t.multiplier_odd + j)),
                                       load(t.nudge_odd + j / 2));
  const __m256i high = _mm256_blend_epi32(_mm256_shuffle_epi32(even, 0xF5), odd, 0xAA);
  return _mm256_srav_epi32(_mm256_add_epi32(high, _mm256_srai_epi32(x, 31)),
                           load(t.round_shift + j));
}

inline __m256i GemmRequant256(__m256i x, const GemmEpilogueTable& t, std::size_t j,
                              bool tie_correction, bool shift31) {
  const __m256i x_odd = _mm256_shuffle_epi32(x, 0xF5);
  __m256i even =
      _mm256_mul_epi32(x, _mm256_load_si256(reinterpret_cast<const __m256i*>(t.multiplier + j)));
  __m256i odd = _mm256_mul_epi32(
      x_odd, _mm256_load_si256(reinterpret_cast<const __m256i*>(t.multiplier_odd + j)));
  if (tie_correction) {
    // cmpgt yields -1 (all ones); shifted left by 31 that is -2^31.
    const __m256i ce = _mm256_cmpgt_epi64(
        _mm256_load_si256(reinterpret_cast<const __m256i*>(t.threshold_even + j / 2)), even);
    const __m256i co = _mm256_cmpgt_epi64(
        _mm256_load_si256(reinterpret_cast<const __m256i*>(t.threshold_odd + j / 2)), odd);
    even = _mm256_add_epi64(even, _mm256_slli_epi64(ce, 31));
    odd = _mm256_add_epi64(odd, _mm256_slli_epi64(co, 31));
  }
  even = _mm256_add_epi64(even,
                          _mm256_load_si256(reinterpret_cast<const __m256i*>(t.add_even + j / 2)));
  odd =
      _mm256_add_epi64(odd, _mm256_load_si256(reinterpret_cast<const __m256i*>(t.add_odd + j / 2)));
  if (shift31) {
    even = _mm256_sllv_epi64(
        even, _mm256_load_si256(reinterpret_cast<const __m256i*>(t.pre_even + j / 2)));
    odd = _mm256_sllv_epi64(odd,
                            _mm256_load_si256(reinterpret_cast<const __m256i*>(t.pre_odd + j / 2)));
  }
  const __m256i high = _mm256_blend_epi32(_mm256_shuffle_epi32(even, 0xF5), odd, 0xAA);
  return _mm256_srav_epi32(high,
                           _mm256_load_si256(reinterpret_cast<const __m256i*>(t.post_shift + j)));
}

// Row r of a tile (4 pair-sum accumulators) joined and biased: 16 int32 columns in order.
MOTE_ALWAYS_INLINE void GemmJoinRowAvx2(const __m256i* acc, const __m256i (&init)[2], __m256i& x0,
                                        __m256i& x1) {
  // hadd: [c0 c1 c4 c5 | c2 c3 c6 c7]; the 64-bit permute restores column order.
  x0 = _mm256_add_epi32(_mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[0], acc[1]), 0xD8), init[0]);
  x1 = _mm256_add_epi32(_mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[2], acc[3]), 0xD8), init[1]);
}

// Row r of a tile requantized and stored.
MOTE_ALWAYS_INLINE void GemmStoreRowAvx2(const __m256i* acc, const __m256i (&init)[2],
                                         const detail::GemmArgs& args, std::int8_t* c,
                                         std::size_t cols, const GemmEpilogueTable& t) {
  __m256i x0, x1;
  GemmJoinRowAvx2(acc, init, x0, x1);
  const __m256i y0 = args.doubled ? GemmRequantDoubled256(x0, t, 0)
                                  : GemmRequant256(x0, t, 0, args.tie_correction, args.shift31);
  const __m256i y1 = args.doubled ? GemmRequantDoubled256(x1, t, 8)
                                  : GemmRequant256(x1, t, 8, args.tie_correction, args.shift31);
  // Saturating narrowing with the zero point added in int16: see the AVX3_DL kernel.
  const __m256i zero_point = _mm256_set1_epi16(static_cast<std::int16_t>(args.zero_point));
  const __m256i p = _mm256_adds_epi16(_mm256_packs_epi32(y0, y1), zero_point);
  __m256i bytes = _mm256_packs_epi16(p, p);
  bytes =
      _mm256_min_epi8(_mm256_max_epi8(bytes, _mm256_set1_epi8(static_cast<char>(args.clamp_min))),
                      _mm256_set1_epi8(static_cast<char>(args.clamp_max)));
  bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  const __m128i out = _mm256_castsi256_si128(bytes);
  if (cols >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(c), out);
  } else {
    alignas(16) std::int8_t tmp[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp), out);
    std::memcpy(c, tmp, cols);
  }
}

// Every row with a constant index; the scalar epilogue after the vectors are dead (see
// GemmStoreRowsVnni).
template <std::size_t... R>
MOTE_ALWAYS_INLINE void GemmStoreRowsAvx2(std::index_sequence<R...>, const __m256i* acc,
                                          const __m256i (&init)[2], const detail::GemmArgs& args,
                                          std::size_t m0, std::size_t rows, std::size_t col0,
                                          std::size_t cols, const GemmEpilogueTable& t) {
  if (!args.vector_epilogue) {
    alignas(32) std::int32_t out[sizeof...(R)][kGemmPanelColumns];
    __m256i x[sizeof...(R)][2];
    ((GemmJoinRowAvx2(acc + R * 4, init, x[R][0], x[R][1])), ...);
    ((_mm256_store_si256(reinterpret_cast<__m256i*>(out[R]), x[R][0])), ...);
    ((_mm256_store_si256(reinterpret_cast<__m256i*>(out[R] + 8), x[R][1])), ...);
    GemmScalarEpilogue(args, &out[0][0], kGemmPanelColumns, m0, rows, col0, cols);
    return;
  }
  ((R < rows ? GemmStoreRowAvx2(acc + R * 4, init, args, args.c + (m0 + R) * args.c_stride + col0,
                                cols, t)
             : void()),
   ...);
}

// One depth group: acc[4 r + q] += pair sums of a[r][k .. k + 3] and the 4 x 4 weights of
// columns 4q .. 4q + 3 (both sign-extended to int16). `count` < 4 is the K tail.
template <int MR>
MOTE_ALWAYS_INLINE void GemmStepAvx2(__m256i* acc, const std::int8_t* const* a, std::size_t k,
                                     std::size_t count, const std::int8_t* w) {
  __m256i x[MR];
#pragma GCC unroll 64
  for (int r = 0; r < MR; ++r) {
    x[r] = _mm256_cvtepi8_epi16(_mm_set1_epi32(static_cast<int>(GemmLoadA4(a[r] + k, count))));
  }
#pragma GCC unroll 64
  for (int i = 0; i < MR * 4; ++i) {
    // q-major order: one widened weight vector live at a time (AVX2 has 16 registers).
    const int q = i / MR;
    const int r = i % MR;
    const __m256i wq =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + q * 16)));
    acc[r * 4 + q] = _mm256_add_epi32(acc[r * 4 + q], _mm256_madd_epi16(wq, x[r]));
  }
}

template <int MR>
inline void GemmTileAvx2(const detail::GemmArgs& args, std::size_t m0, std::size_t rows,
                         std::size_t p, std::size_t cols, const GemmEpilogueTable& t) {
  const std::size_t depth = args.b.packed_depth();
  const std::int8_t* b = args.b.weights + p * depth * kGemmPanelColumns;
  const std::int8_t* a[MR];
#pragma GCC unroll 64
  for (int r = 0; r < MR; ++r) {
    a[r] = args.a + (m0 + (static_cast<std::size_t>(r) < rows ? r : rows - 1)) * args.a_stride;
  }
  // Flat and fully unrolled, as in the AVX3_DL kernel.
  __m256i acc[MR * 4];
#pragma GCC unroll 64
  for (int i = 0; i < MR * 4; ++i) acc[i] = _mm256_setzero_si256();
  const std::size_t groups = args.b.k / kGemmDepthGroup;
  const std::size_t tail = args.b.k % kGemmDepthGroup;
  for (std::size_t g = 0; g < groups; ++g) {
    GemmStepAvx2<MR>(acc, a, g * kGemmDepthGroup, kGemmDepthGroup,
                     b + g * kGemmDepthGroup * kGemmPanelColumns);
  }
  if (tail != 0) {
    GemmStepAvx2<MR>(acc, a, groups * kGemmDepthGroup, tail,
                     b + groups * kGemmDepthGroup * kGemmPanelColumns);
  }

  const std::size_t col0 = p * kGemmPanelColumns;
  const __m256i* bias = reinterpret_cast<const __m256i*>(args.b.bias + col0);
  const __m256i* sums = reinterpret_cast<const __m256i*>(args.b.column_sums + col0);
  const __m256i init[2] = {
      _mm256_add_epi32(_mm256_loadu_si256(bias), _mm256_slli_epi32(_mm256_loadu_si256(sums), 7)),
      _mm256_add_epi32(_mm256_loadu_si256(bias + 1),
                       _mm256_slli_epi32(_mm256_loadu_si256(sums + 1), 7))};
  GemmStoreRowsAvx2(std::make_index_sequence<MR>(), acc, init, args, m0, rows, col0, cols, t);
}

inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  constexpr int kRows = 2;
  GemmEpilogueTable table;
  bool filled = false;
  for (std::size_t p = p_begin; p < p_end; ++p) {
    const std::size_t col0 = p * kGemmPanelColumns;
    if (args.vector_epilogue && (args.per_channel || !filled)) {
      GemmFillEpilogueTable(args, col0, kGemmPanelColumns, table);
      filled = true;
    }
    const std::size_t left = args.b.n - col0;
    const std::size_t cols = left < kGemmPanelColumns ? left : kGemmPanelColumns;
    for (std::size_t m = m_begin; m < m_end; m += kRows) {
      const std::size_t rows = m_end - m < kRows ? m_end - m : kRows;
      GemmTileAvx2<kRows>(args, m, rows, p, cols, table);
    }
  }
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2

#endif  // MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
