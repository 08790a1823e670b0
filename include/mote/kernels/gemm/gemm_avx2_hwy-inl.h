// The AVX2 and AVX3 int8 GEMM: exact int16 vpmaddwd micro-kernel (ymm on AVX2, zmm on AVX3) over
// operands widened once per panel and row tile, with a fused AVX2 epilogue.
#if defined(MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
#undef MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
#else
#define MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/base/config.h"
#include "mote/kernels/gemm/gemm_common_hwy-inl.h"

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2
#include <immintrin.h>
#endif

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {

// ------------------------------------------------------------------------------------------
// AVX2 (and AVX3, AVX-512 without VNNI): exact int16 products, no vpmaddubsw (it saturates:
// 255 * 127 * 2 > 32767). Both operands are sign-extended to int16 once, outside the inner loop,
// into small stack buffers, so the inner loop is only loads, vpmaddwd and vpaddd:
// - the weights of one panel (up to kGemmWideDepth of depth) in the pair layout: pair j
//   (k = 2j, 2j + 1) of column c at w[32 j + 2 c], so one int32 lane = one column and no
//   horizontal join is needed; widened once per panel and reused by every row tile;
// - the activations of one row tile (row r at a[r][k]), read as broadcast int32 pairs
//   (vpbroadcastd from memory).
// vpmaddwd sums a pair of products into int32: |a b + a' b'| <= 2 * 128 * 128, no saturation.
// (Measured on Zen 5 against the packed order widened as is, 2 x 16 tiles with one 64-bit
// broadcast per 4 vpmaddwd and a vphaddd join: as fast on deep shapes, 10-20% slower on K <= 32.)
// Calls with fewer rows than one tile skip the widening (GemmDirectTile).
// Depth beyond kGemmWideDepth is taken in passes over blocks of kGemmWideBlockRows rows, the
// tile sums carried between passes in a stack buffer. The accumulators start at zero; the
// bias + 128 * column_sum is added before the epilogue (activations are not flipped).

// Depth of one pass: the widened weights of a panel are kGemmWideDepth * 32 bytes (16 KiB).
inline constexpr std::size_t kGemmWideDepth = 512;
// Rows of the blocks over which deeper products carry their partial sums (a multiple of every
// tile height below).
inline constexpr std::size_t kGemmWideBlockRows = 48;

#if HWY_TARGET == HWY_AVX3
// zmm: one vector holds the 16 columns of a pair; 32 registers.
inline constexpr int kGemmWideRows = 12;
inline constexpr int kGemmWideVectorsPerRow = 1;
using GemmWideVec = __m512i;
#else
// ymm: two vectors per row; 12 accumulators + 2 weights + 1 broadcast + 1 product = 16.
inline constexpr int kGemmWideRows = 6;
inline constexpr int kGemmWideVectorsPerRow = 2;
using GemmWideVec = __m256i;
#endif

// `groups` depth groups of one packed panel (gemm_pack.h: group g, column c at src[64 g + 4 c])
// widened to the pair layout above.
inline void GemmWidenWeights(const std::int8_t* src, std::size_t groups, std::int16_t* w) {
  // vpmovsxbw of columns c .. c + 3 gives int32 units (column, pair) c0p0 c0p1 c1p0 c1p1 ...;
  // vpermd sorts them by pair, vperm2i128 joins two such halves into 8 columns of one pair.
  const __m256i by_pair = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  for (std::size_t g = 0; g < groups; ++g) {
    const std::int8_t* s = src + g * kGemmDepthGroup * kGemmPanelColumns;
    std::int16_t* even = w + 2 * g * 2 * kGemmPanelColumns;
    std::int16_t* odd = even + 2 * kGemmPanelColumns;
    for (std::size_t h = 0; h < 2; ++h) {
      const __m256i lo = _mm256_permutevar8x32_epi32(
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 32 * h))),
          by_pair);
      const __m256i hi = _mm256_permutevar8x32_epi32(
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 32 * h + 16))),
          by_pair);
      _mm256_store_si256(reinterpret_cast<__m256i*>(even + 16 * h),
                         _mm256_permute2x128_si256(lo, hi, 0x20));
      _mm256_store_si256(reinterpret_cast<__m256i*>(odd + 16 * h),
                         _mm256_permute2x128_si256(lo, hi, 0x31));
    }
  }
}

// a[0 .. count) widened to out[0 .. count rounded up to 16), zeros past count; reads only
// `count` bytes.
inline void GemmWidenRow(const std::int8_t* a, std::size_t count, std::int16_t* out) {
  std::size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    _mm256_store_si256(
        reinterpret_cast<__m256i*>(out + i),
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i))));
  }
  if (i < count) {
    alignas(16) std::int8_t tmp[16] = {};
    std::memcpy(tmp, a + i, count - i);
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + i),
                       _mm256_cvtepi8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(tmp))));
  }
}

// Pair j of row r as an int32 broadcast to every lane.
MOTE_ALWAYS_INLINE std::int32_t GemmPairAt(const std::int16_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// The inner loop: acc[V r + v] += pair sums of row r and columns 8v .. 8v + 7 (ymm) or all 16
// (zmm), over `pairs` pairs.
template <int R>
MOTE_ALWAYS_INLINE void GemmWidePairs(GemmWideVec* acc, const std::int16_t* a, std::size_t a_stride,
                                      const std::int16_t* w, std::size_t pairs) {
  for (std::size_t j = 0; j < pairs; ++j) {
#if HWY_TARGET == HWY_AVX3
    const __m512i w0 = _mm512_load_si512(w + 2 * kGemmPanelColumns * j);
#pragma GCC unroll 32
    for (int r = 0; r < R; ++r) {
      const __m512i x = _mm512_set1_epi32(GemmPairAt(a + r * a_stride + 2 * j));
      acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(w0, x));
    }
#else
    const __m256i w0 =
        _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 2 * kGemmPanelColumns * j));
    const __m256i w1 =
        _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 2 * kGemmPanelColumns * j + 16));
#pragma GCC unroll 32
    for (int r = 0; r < R; ++r) {
      const __m256i x = _mm256_set1_epi32(GemmPairAt(a + r * a_stride + 2 * j));
      acc[2 * r] = _mm256_add_epi32(acc[2 * r], _mm256_madd_epi16(w0, x));
      acc[2 * r + 1] = _mm256_add_epi32(acc[2 * r + 1], _mm256_madd_epi16(w1, x));
    }
#endif
  }
}

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

// Half v (columns 8v .. 8v + 7) of row r's sums.
MOTE_ALWAYS_INLINE __m256i GemmWideHalf(const GemmWideVec* acc, int r, int v) {
#if HWY_TARGET == HWY_AVX3
  return v == 0 ? _mm512_castsi512_si256(acc[r]) : _mm512_extracti64x4_epi64(acc[r], 1);
#else
  return acc[2 * r + v];
#endif
}

// Row r of a tile (16 int32 columns in two halves, bias included) requantized and stored.
MOTE_ALWAYS_INLINE void GemmStoreRowAvx2(__m256i x0, __m256i x1, const detail::GemmArgs& args,
                                         std::int8_t* c, std::size_t cols,
                                         const GemmEpilogueTable& t) {
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

// The epilogue of a tile of R rows: sums(r, h) gives columns 8h .. 8h + 7 of row r (int32,
// without the bias), requantized and stored; the scalar epilogue once the vectors are dead (see
// GemmStoreRowsVnni).
template <int R, class Sums>
MOTE_ALWAYS_INLINE void GemmTileEpilogueAvx2(const detail::GemmArgs& args, std::size_t m0,
                                             std::size_t col0, std::size_t cols,
                                             const GemmEpilogueTable& t, Sums sums) {
  // bias + 128 * column_sum: the packed bias assumes activations flipped to a + 128.
  const __m256i* bias = reinterpret_cast<const __m256i*>(args.b.bias + col0);
  const __m256i* column_sums = reinterpret_cast<const __m256i*>(args.b.column_sums + col0);
  const __m256i init0 = _mm256_add_epi32(_mm256_loadu_si256(bias),
                                         _mm256_slli_epi32(_mm256_loadu_si256(column_sums), 7));
  const __m256i init1 = _mm256_add_epi32(_mm256_loadu_si256(bias + 1),
                                         _mm256_slli_epi32(_mm256_loadu_si256(column_sums + 1), 7));
  if (!args.vector_epilogue) {
    alignas(32) std::int32_t out[R][kGemmPanelColumns];
#pragma GCC unroll 32
    for (int r = 0; r < R; ++r) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(out[r]), _mm256_add_epi32(sums(r, 0), init0));
      _mm256_store_si256(reinterpret_cast<__m256i*>(out[r] + 8),
                         _mm256_add_epi32(sums(r, 1), init1));
    }
    GemmScalarEpilogue(args, &out[0][0], kGemmPanelColumns, m0, R, col0, cols);
    return;
  }
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r) {
    GemmStoreRowAvx2(_mm256_add_epi32(sums(r, 0), init0), _mm256_add_epi32(sums(r, 1), init1), args,
                     args.c + (m0 + r) * args.c_stride + col0, cols, t);
  }
}

// One row tile of R rows (m0 ..) x one panel (columns col0 .., `cols` of them stored), depth
// k0 .. k0 + depth with the widened weights w of that range. The sums start at zero on the
// first pass or from `partial` (R x 16 int32), and go back there unless this is the last pass,
// which runs the epilogue.
template <int R>
inline void GemmWideTile(const detail::GemmArgs& args, std::size_t m0, std::size_t col0,
                         std::size_t cols, const GemmEpilogueTable& t, const std::int16_t* w,
                         std::size_t k0, std::size_t depth, std::int32_t* partial) {
  constexpr int kV = kGemmWideVectorsPerRow;
  constexpr std::size_t kLanes = kGemmPanelColumns / kV;
  alignas(64) std::int16_t a[R][kGemmWideDepth];
  const std::size_t count = args.b.k - k0 < depth ? args.b.k - k0 : depth;
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r) GemmWidenRow(args.a + (m0 + r) * args.a_stride + k0, count, a[r]);

  GemmWideVec acc[R * kV];
  const bool first = k0 == 0;
  const bool last = k0 + depth == args.b.packed_depth();
#pragma GCC unroll 64
  for (int i = 0; i < R * kV; ++i) {
#if HWY_TARGET == HWY_AVX3
    acc[i] = first ? _mm512_setzero_si512() : _mm512_load_si512(partial + i * kLanes);
#else
    acc[i] = first ? _mm256_setzero_si256()
                   : _mm256_load_si256(reinterpret_cast<const __m256i*>(partial + i * kLanes));
#endif
  }
  GemmWidePairs<R>(acc, &a[0][0], kGemmWideDepth, w, depth / 2);
  if (!last) {
#pragma GCC unroll 64
    for (int i = 0; i < R * kV; ++i) {
#if HWY_TARGET == HWY_AVX3
      _mm512_store_si512(partial + i * kLanes, acc[i]);
#else
      _mm256_store_si256(reinterpret_cast<__m256i*>(partial + i * kLanes), acc[i]);
#endif
    }
    return;
  }

  GemmTileEpilogueAvx2<R>(args, m0, col0, cols, t,
                          [&](int r, int h) { return GemmWideHalf(acc, r, h); });
}

// GemmWideTile for any rows <= R (the M tail takes the tile of its exact height).
template <int R>
MOTE_ALWAYS_INLINE void GemmWideTileRows(std::size_t rows, const detail::GemmArgs& args,
                                         std::size_t m0, std::size_t col0, std::size_t cols,
                                         const GemmEpilogueTable& t, const std::int16_t* w,
                                         std::size_t k0, std::size_t depth, std::int32_t* partial) {
  if constexpr (R > 1) {
    if (rows < static_cast<std::size_t>(R)) {
      GemmWideTileRows<R - 1>(rows, args, m0, col0, cols, t, w, k0, depth, partial);
      return;
    }
  }
  GemmWideTile<R>(args, m0, col0, cols, t, w, k0, depth, partial);
}

// Fewer rows than one wide tile (M = 1 layers, the last rows of a split): widening a panel would
// cost more than the rows reuse it, so the weights are sign-extended in the loop from the packed
// bytes (vpmovsxbw: 4 columns x 4 depths per vector, column c in lanes 2c and 2c + 1), the
// activations as four bytes broadcast, and vphaddd joins each column's two lanes at the end.
// One group: acc[4 r + q] += row r's pair sums with columns 4q .. 4q + 3; `count` < 4 is the K
// tail.
template <int R>
MOTE_ALWAYS_INLINE void GemmDirectGroup(__m256i* acc, const std::int8_t* const* a, std::size_t k,
                                        std::size_t count, const std::int8_t* w) {
  __m256i x[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    x[r] = _mm256_cvtepi8_epi16(_mm_set1_epi32(static_cast<int>(GemmLoadA4(a[r] + k, count))));
  }
#pragma GCC unroll 8
  for (int q = 0; q < 4; ++q) {
    const __m256i wq =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 16 * q)));
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      acc[4 * r + q] = _mm256_add_epi32(acc[4 * r + q], _mm256_madd_epi16(wq, x[r]));
    }
  }
}

template <int R>
inline void GemmDirectTile(const detail::GemmArgs& args, std::size_t m0, std::size_t col0,
                           std::size_t cols, const GemmEpilogueTable& t) {
  const std::int8_t* b = args.b.weights + col0 * args.b.packed_depth();
  const std::int8_t* a[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) a[r] = args.a + (m0 + r) * args.a_stride;
  __m256i acc[R * 4];
#pragma GCC unroll 32
  for (int i = 0; i < R * 4; ++i) acc[i] = _mm256_setzero_si256();
  constexpr std::size_t kGroup = kGemmDepthGroup * kGemmPanelColumns;
  const std::size_t groups = args.b.k / kGemmDepthGroup;
  const std::size_t tail = args.b.k % kGemmDepthGroup;
  for (std::size_t g = 0; g < groups; ++g) {
    GemmDirectGroup<R>(acc, a, g * kGemmDepthGroup, kGemmDepthGroup, b + g * kGroup);
  }
  if (tail != 0) GemmDirectGroup<R>(acc, a, groups * kGemmDepthGroup, tail, b + groups * kGroup);
  GemmTileEpilogueAvx2<R>(args, m0, col0, cols, t, [&](int r, int h) {
    // hadd: [c0 c1 c4 c5 | c2 c3 c6 c7]; the 64-bit permute restores column order.
    return _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[4 * r + 2 * h], acc[4 * r + 2 * h + 1]),
                                    0xD8);
  });
}

// Rows [m_begin, m_end) x panels [p_begin, p_end): direct tiles when the rows are fewer than
// one wide tile, else per panel (and depth pass) the weights widened once for every row tile.
inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  static_assert(kGemmWideBlockRows % kGemmWideRows == 0 && kGemmWideDepth % 16 == 0);
  GemmEpilogueTable table;
  bool filled = false;
  // The epilogue constants of panel p (per tensor: filled once); returns the columns to store.
  auto begin_panel = [&](std::size_t p) {
    const std::size_t col0 = p * kGemmPanelColumns;
    if (args.vector_epilogue && (args.per_channel || !filled)) {
      GemmFillEpilogueTable(args, col0, kGemmPanelColumns, table);
      filled = true;
    }
    const std::size_t left = args.b.n - col0;
    return left < kGemmPanelColumns ? left : kGemmPanelColumns;
  };
  if (m_end - m_begin < static_cast<std::size_t>(kGemmWideRows)) {
    for (std::size_t p = p_begin; p < p_end; ++p) {
      const std::size_t cols = begin_panel(p);
      const std::size_t col0 = p * kGemmPanelColumns;
      std::size_t m = m_begin;
      for (; m + 2 <= m_end; m += 2) GemmDirectTile<2>(args, m, col0, cols, table);
      if (m < m_end) GemmDirectTile<1>(args, m, col0, cols, table);
    }
    return;
  }
  alignas(64) std::int16_t w[kGemmWideDepth * kGemmPanelColumns];
  alignas(64) std::int32_t partial[kGemmWideBlockRows * kGemmPanelColumns];
  const std::size_t depth = args.b.packed_depth();
  const bool one_pass = depth <= kGemmWideDepth;
  const std::size_t block = one_pass ? m_end - m_begin : kGemmWideBlockRows;
  for (std::size_t mb = m_begin; mb < m_end; mb += block) {
    const std::size_t mb_end = m_end - mb < block ? m_end : mb + block;
    for (std::size_t p = p_begin; p < p_end; ++p) {
      const std::size_t cols = begin_panel(p);
      const std::size_t col0 = p * kGemmPanelColumns;
      const std::int8_t* panel = args.b.weights + col0 * depth;
      for (std::size_t k0 = 0; k0 < depth; k0 += kGemmWideDepth) {
        const std::size_t pass = depth - k0 < kGemmWideDepth ? depth - k0 : kGemmWideDepth;
        GemmWidenWeights(panel + k0 * kGemmPanelColumns, pass / kGemmDepthGroup, w);
        for (std::size_t m = mb; m < mb_end; m += kGemmWideRows) {
          const std::size_t rows = mb_end - m < kGemmWideRows ? mb_end - m : kGemmWideRows;
          GemmWideTileRows<kGemmWideRows>(
              rows, args, m, col0, cols, table, w, k0, pass,
              one_pass ? nullptr : partial + (m - mb) * kGemmPanelColumns);
        }
      }
    }
  }
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2

#endif  // MOTE_KERNELS_GEMM_GEMM_AVX2_HWY_INL_H_
