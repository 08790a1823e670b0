// The AVX3_DL (AVX-512 VNNI) int8 GEMM: vpdpbusd zmm micro-kernels with a fused vector epilogue.
#if defined(MOTE_KERNELS_GEMM_GEMM_VNNI_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_GEMM_GEMM_VNNI_HWY_INL_H_
#undef MOTE_KERNELS_GEMM_GEMM_VNNI_HWY_INL_H_
#else
#define MOTE_KERNELS_GEMM_GEMM_VNNI_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <utility>

#include "mote/base/config.h"
#include "mote/kernels/gemm/gemm_common_hwy-inl.h"

#if HWY_TARGET == HWY_AVX3_DL
#include <immintrin.h>
#endif

#if HWY_TARGET == HWY_AVX3_DL

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {

// ------------------------------------------------------------------------------------------
// AVX-512 VNNI. vpdpbusd multiplies unsigned by signed bytes: activations are flipped
// (a ^ 0x80 = a + 128 as uint8) after the broadcast, and the packed bias compensates. Only the
// 512-bit (EVEX) form is used: the 256-bit one is VEX-encoded under AVX3_DL's flags, and CPUs
// with AVX-512 VNNI but no AVX-VNNI (Zen 4, Cascade Lake) fault on it.
#define MOTE_GEMM_VNNI_TARGET \
  __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,bmi2")))

// The epilogue constants of 16 columns (see GemmEpilogueTable). Per-tensor stages load them
// once per tile and keep them in registers; per-channel ones load them per use (as memory
// operands).
struct GemmColumns512 {
  __m512i multiplier, multiplier_odd, threshold_even, threshold_odd, add_even, add_odd, pre_even,
      pre_odd, post_shift, nudge_even, nudge_odd, round_shift, multiplier2, multiplier2_odd,
      nudge2_even, nudge2_odd;
  __m512 float_scale, float_offset, float_offset_negative;
};

MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE GemmColumns512
GemmLoadColumns512(const GemmEpilogueTable& t, std::size_t j) {
  return {_mm512_load_si512(t.multiplier + j),         _mm512_load_si512(t.multiplier_odd + j),
          _mm512_load_si512(t.threshold_even + j / 2), _mm512_load_si512(t.threshold_odd + j / 2),
          _mm512_load_si512(t.add_even + j / 2),       _mm512_load_si512(t.add_odd + j / 2),
          _mm512_load_si512(t.pre_even + j / 2),       _mm512_load_si512(t.pre_odd + j / 2),
          _mm512_load_si512(t.post_shift + j),         _mm512_load_si512(t.nudge_even + j / 2),
          _mm512_load_si512(t.nudge_odd + j / 2),      _mm512_load_si512(t.round_shift + j),
          _mm512_load_si512(t.multiplier2 + j),        _mm512_load_si512(t.multiplier2_odd + j),
          _mm512_load_si512(t.nudge2_even + j / 2),    _mm512_load_si512(t.nudge2_odd + j / 2),
          _mm512_load_ps(t.float_scale + j),           _mm512_load_ps(t.float_offset + j),
          _mm512_load_ps(t.float_offset_negative + j)};
}

// The planned float epilogue (gemm_float_epilogue.h): floor(fma(float(x), scale, offset by the
// sign of x)) with the zero point inside the offset. Exact by the plan's proof; five operations
// per 16 outputs against the nine of GemmRequantBiased512.
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE __m512i GemmRequantFloat512(__m512i x,
                                                                     const GemmColumns512& c) {
  const __m512 offset =
      _mm512_mask_blend_ps(_mm512_movepi32_mask(x), c.float_offset, c.float_offset_negative);
  const __m512 t = _mm512_fmadd_ps(_mm512_cvtepi32_ps(x), c.float_scale, offset);
  return _mm512_cvt_roundps_epi32(t, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}

// Requantizes 16 columns (see detail::column_requant) to int32 lanes, before the zero point.
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE __m512i GemmRequant512(__m512i x, const GemmColumns512& c,
                                                                bool tie_correction, bool shift31) {
  const __m512i x_odd = _mm512_shuffle_epi32(x, _MM_PERM_DDBB);  // odd lanes to even positions
  __m512i even = _mm512_mul_epi32(x, c.multiplier);
  __m512i odd = _mm512_mul_epi32(x_odd, c.multiplier_odd);
  if (tie_correction) {
    const __mmask8 ke = _mm512_cmplt_epi64_mask(even, c.threshold_even);
    const __mmask8 ko = _mm512_cmplt_epi64_mask(odd, c.threshold_odd);
    const __m512i two31 = _mm512_set1_epi64(std::int64_t{1} << 31);
    even = _mm512_mask_sub_epi64(even, ke, even, two31);
    odd = _mm512_mask_sub_epi64(odd, ko, odd, two31);
  }
  even = _mm512_add_epi64(even, c.add_even);
  odd = _mm512_add_epi64(odd, c.add_odd);
  if (shift31) {
    even = _mm512_sllv_epi64(even, c.pre_even);
    odd = _mm512_sllv_epi64(odd, c.pre_odd);
  }
  // Bits 32..63 of each product: even columns from `even`'s high halves, odd from `odd`'s.
  const __m512i high = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
  return _mm512_srav_epi32(high, c.post_shift);
}

// Double rounding when |x| < 2^30 and r = -shift >= 1 (GemmArgs::doubled), without the tie
// correction's compares, on xb = x + 2^30 in [0, 2^31) (kDoubled tiles start their accumulators
// from bias + 2^30). The unsigned products xb * 2M are 2 x M + 2^31 M exactly (below 2^63); with
// the nudge 2^31 + 2^(r-1) 2^32 less 2^31 M and 2^32, the high half is y + 2^(r-1) - 1, where
// y = floor((x M + 2^30) / 2^31) = SRDHM(x, M) (|y| < 2^30, no overflow). RDBP(y, r) =
// (y + 2^(r-1) - [y < 0]) >> r, and 1 - [y < 0] is xb >> 30: y has x's sign unless y = 0, and then
// both forms give 0 (2^(r-1) - 1 < 2^r). Nine operations per 16 outputs.
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE __m512i GemmRequantBiased512(__m512i xb,
                                                                      const GemmColumns512& c) {
  const __m512i xb_odd = _mm512_shuffle_epi32(xb, _MM_PERM_DDBB);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epu32(xb, c.multiplier2), c.nudge2_even);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epu32(xb_odd, c.multiplier2_odd), c.nudge2_odd);
  const __m512i t = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
  return _mm512_srav_epi32(_mm512_add_epi32(t, _mm512_srli_epi32(xb, 30)), c.round_shift);
}

// Loop-invariant epilogue operands, built once per tile (in registers: stores to C may alias
// anything, so values re-read from GemmArgs would be reloaded for every row).
struct GemmVnniEpilogue {
  __m512i zero_point, lo, hi, order;
  __mmask64 mask;  // valid columns
  bool full;       // all 16 NV columns valid
  bool dense;      // full, and output rows adjacent (c_stride = 16 NV): row groups store at once
  bool tie_correction, shift31;
  bool add_zero_point;  // not already added in the rounding (GemmArgs::zero_point_in_nudge)
  bool clamp;           // narrower than int8 (the saturating packs give int8's bounds)
};

// How a tile requantizes, fixed per call so that each tile instantiation holds one epilogue:
// kDoubled is GemmRequantBiased512, kGeneral GemmRequant512 with the tie and shift-31 flags,
// kFloat GemmRequantFloat512 (a plan was given), kScalar (some multiplier >= 1) the scalar
// epilogue after the vectors are dead.
enum class GemmVnniMode { kDoubled, kGeneral, kFloat, kScalar };

// Rows of a tile after the K loop: four accumulators (16 columns each) at a time, so that one
// pack/clamp/permute sequence serves 4 / NV rows (NV = 3: one row and an unused vector). acc
// points at the first accumulator of `row` (tile-relative); c at that row's output.
template <int NV, GemmVnniMode kMode, bool kPerChannel>
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE void GemmStoreGroupVnni(
    const __m512i* acc, std::size_t row, std::size_t rows, std::int8_t* c, std::size_t c_stride,
    const GemmEpilogueTable& t, const GemmColumns512& uniform, const GemmVnniEpilogue& e) {
  __m512i y[4];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    // Accumulator i is row i / NV, panel i % NV (NV = 1, 2, 4), or row 0 panel i (NV = 3).
    if (NV == 3 && i == 3) {
      y[i] = _mm512_setzero_si512();
    } else {
      const GemmColumns512 columns =
          kPerChannel ? GemmLoadColumns512(t, (i % NV) * kGemmPanelColumns) : uniform;
      if constexpr (kMode == GemmVnniMode::kDoubled) {
        y[i] = GemmRequantBiased512(acc[i], columns);
      } else if constexpr (kMode == GemmVnniMode::kFloat) {
        y[i] = GemmRequantFloat512(acc[i], columns);
      } else {
        y[i] = GemmRequant512(acc[i], columns, e.tie_correction, e.shift31);
      }
    }
  }
  // int32 -> int16 -> int8 with saturation, zero point added in int16 (saturating) unless the
  // rounding added it: each step is monotone and the clamp range lies inside int8, so this
  // equals clamp(y + zero_point) computed exactly. packs interleave 128-bit lanes: dword 4L + i
  // holds columns 4L .. 4L + 3 of vector i; the permutation puts vector i in bytes 16i .. 16i + 15.
  __m512i p01 = _mm512_packs_epi32(y[0], y[1]);
  __m512i p23 = _mm512_packs_epi32(y[2], y[3]);
  // The zero point is inside the float plan's offsets, and inside the biased nudge when
  // e.add_zero_point is false.
  if (kMode == GemmVnniMode::kGeneral || (kMode == GemmVnniMode::kDoubled && e.add_zero_point)) {
    p01 = _mm512_adds_epi16(p01, e.zero_point);
    p23 = _mm512_adds_epi16(p23, e.zero_point);
  }
  __m512i bytes = _mm512_packs_epi16(p01, p23);
  if (e.clamp) bytes = _mm512_min_epi8(_mm512_max_epi8(bytes, e.lo), e.hi);
  bytes = _mm512_permutexvar_epi32(e.order, bytes);
  // Full rows take plain stores (masked 512-bit stores are slow on some CPUs, Zen 4 among them).
  if constexpr (NV >= 3) {
    if (NV == 4 && e.full) {  // 64 columns; NV = 3 holds 48 and always masks
      _mm512_storeu_si512(c, bytes);
    } else {
      _mm512_mask_storeu_epi8(c, e.mask, bytes);
    }
  } else if (e.dense && row + 4 / NV <= rows) {  // NV = 1 or 2: 64 adjacent bytes
    _mm512_storeu_si512(c, bytes);
  } else if constexpr (NV == 2) {
    const __m256i r0 = _mm512_castsi512_si256(bytes);
    const __m256i r1 = _mm512_extracti64x4_epi64(bytes, 1);
    if (e.full) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(c), r0);
      if (row + 1 < rows) _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + c_stride), r1);
    } else {
      const auto mask = static_cast<__mmask32>(e.mask);
      _mm256_mask_storeu_epi8(c, mask, r0);
      if (row + 1 < rows) _mm256_mask_storeu_epi8(c + c_stride, mask, r1);
    }
  } else {
    const __m128i r[4] = {_mm512_castsi512_si128(bytes), _mm512_extracti32x4_epi32(bytes, 1),
                          _mm512_extracti32x4_epi32(bytes, 2), _mm512_extracti32x4_epi32(bytes, 3)};
    const auto mask = static_cast<__mmask16>(e.mask);
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) {
      if (row + i >= rows) break;
      if (e.full) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(c + i * c_stride), r[i]);
      } else {
        _mm_mask_storeu_epi8(c + i * c_stride, mask, r[i]);
      }
    }
  }
}

// Every row group of a tile, the group index a constant in each call (so that the
// accumulators stay in registers: a run-time index would put the array in memory). When some
// multiplier is >= 1 the accumulators go to memory first and the scalar epilogue runs after
// they are dead (a call with live vector registers makes the compiler spill them inside the
// K loop).
template <int MR, int NV, GemmVnniMode kMode, bool kPerChannel, std::size_t... G>
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE void GemmStoreRowsVnni(
    std::index_sequence<G...>, const __m512i* acc, const detail::GemmArgs& args, std::size_t m0,
    std::size_t rows, std::size_t col0, std::size_t cols, const GemmEpilogueTable& t) {
  if constexpr (kMode == GemmVnniMode::kScalar) {
    alignas(64) std::int32_t out[MR * NV * kGemmPanelColumns];
#pragma GCC unroll 64
    for (int i = 0; i < MR * NV; ++i) _mm512_store_si512(out + i * kGemmPanelColumns, acc[i]);
    GemmScalarEpilogue(args, out, NV * kGemmPanelColumns, m0, rows, col0, cols);
    return;
  } else {
    GemmVnniEpilogue e;
    e.zero_point = _mm512_set1_epi16(static_cast<std::int16_t>(args.zero_point));
    e.lo = _mm512_set1_epi8(static_cast<char>(args.clamp_min));
    e.hi = _mm512_set1_epi8(static_cast<char>(args.clamp_max));
    e.order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
    e.mask = cols >= 64 ? ~__mmask64{0} : (__mmask64{1} << cols) - 1;
    e.full = cols == NV * kGemmPanelColumns;
    e.dense = e.full && args.c_stride == NV * kGemmPanelColumns;
    e.tie_correction = args.tie_correction;
    e.shift31 = args.shift31;
    e.add_zero_point = !args.zero_point_in_nudge;
    e.clamp = args.clamp_min > -128 || args.clamp_max < 127;
    constexpr std::size_t kGroupRows = NV >= 3 ? 1 : 4 / NV;
    std::int8_t* c = args.c + m0 * args.c_stride + col0;
    const std::size_t c_stride = args.c_stride;
    // Per-tensor: every column has the same constants, loaded once.
    const GemmColumns512 uniform = GemmLoadColumns512(t, 0);
    ((G * kGroupRows < rows ? GemmStoreGroupVnni<NV, kMode, kPerChannel>(
                                  acc + G * kGroupRows * NV, G * kGroupRows, rows,
                                  c + G * kGroupRows * c_stride, c_stride, t, uniform, e)
                            : void()),
     ...);
  }
}

// acc += x (unsigned bytes) . w (signed bytes), updating acc's register in place. GCC 12 with
// the intrinsic gives the 12 x 16 tile's loop 24 vector moves per 12 vpdpbusd (the accumulators
// rotate between two register sets); the tied asm operand keeps each in one register (20%
// faster at 12544x32x16 on Zen 5). Wider tiles keep the intrinsic: with the asm their operands
// can no longer come from memory, and 24 accumulators plus operands spill (20% slower).
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE void GemmDpbusd(__m512i& acc, __m512i x, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
}

// One depth group of a tile: acc[r * NV + v] += (a[r][k .. k + 3] ^ 0x80) . w[v] (four
// products per int32 lane). `count` < 4 is the K tail: bytes past K read as zero before the
// flip, and their weights are zero.
template <int MR, int NV>
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE void GemmStepVnni(__m512i* acc,
                                                           const std::int8_t* const* a,
                                                           std::size_t k, std::size_t count,
                                                           const std::int8_t* b,
                                                           std::size_t panel_bytes, __m512i flip) {
  __m512i w[NV];
#pragma GCC unroll 64
  for (int v = 0; v < NV; ++v) w[v] = _mm512_loadu_si512(b + v * panel_bytes);
  __m512i x[MR];
#pragma GCC unroll 64
  for (int r = 0; r < MR; ++r) {
    x[r] = _mm512_xor_si512(_mm512_set1_epi32(static_cast<int>(GemmLoadA4(a[r] + k, count))), flip);
  }
#pragma GCC unroll 64
  for (int i = 0; i < MR * NV; ++i) {
    if constexpr (NV == 1) {
      GemmDpbusd(acc[i], x[i], w[0]);
    } else {
      acc[i] = _mm512_dpbusd_epi32(acc[i], x[i / NV], w[i % NV]);
    }
  }
}

// An MR x (16 NV) tile: rows m0 .. m0 + rows - 1 (rows <= MR; missing rows repeat the last and
// are not stored), panels p .. p + NV - 1, `cols` valid columns. The whole K loop and the
// epilogue stay in this function so that the call is not in the inner loop.
template <int MR, int NV, GemmVnniMode kMode, bool kPerChannel>
MOTE_GEMM_VNNI_TARGET void GemmTileVnni(const detail::GemmArgs& args, std::size_t m0,
                                        std::size_t rows, std::size_t p, std::size_t cols,
                                        const GemmEpilogueTable& t) {
  const std::size_t depth = args.b.packed_depth();
  const std::size_t panel_bytes = depth * kGemmPanelColumns;
  const std::int8_t* b = args.b.weights + p * panel_bytes;
  const std::int8_t* a[MR];
#pragma GCC unroll 64
  for (int r = 0; r < MR; ++r) {
    a[r] = args.a + (m0 + (static_cast<std::size_t>(r) < rows ? r : rows - 1)) * args.a_stride;
  }
  // Flat arrays and fully unrolled loops: GCC keeps the accumulators in registers only when
  // every index is a constant before its scalar replacement of aggregates runs.
  __m512i acc[MR * NV];
#pragma GCC unroll 64
  for (int i = 0; i < MR * NV; ++i) {
    acc[i] = kMode == GemmVnniMode::kDoubled
                 ? _mm512_load_si512(t.biased + (i % NV) * kGemmPanelColumns)
                 : _mm512_loadu_si512(args.b.bias + (p + i % NV) * kGemmPanelColumns);
  }
  const __m512i flip = _mm512_set1_epi32(static_cast<int>(0x80808080u));
  const std::size_t groups = args.b.k / kGemmDepthGroup;
  const std::size_t tail = args.b.k % kGemmDepthGroup;
  for (std::size_t g = 0; g < groups; ++g) {
    GemmStepVnni<MR, NV>(acc, a, g * kGemmDepthGroup, kGemmDepthGroup,
                         b + g * kGemmDepthGroup * kGemmPanelColumns, panel_bytes, flip);
  }
  if (tail != 0) {
    GemmStepVnni<MR, NV>(acc, a, groups * kGemmDepthGroup, tail,
                         b + groups * kGemmDepthGroup * kGemmPanelColumns, panel_bytes, flip);
  }

  static_assert(NV >= 3 || MR % (4 / NV) == 0, "mote: GEMM tile rows must fill row groups");
  constexpr std::size_t kGroups = NV >= 3 ? MR : MR * NV / 4;
  GemmStoreRowsVnni<MR, NV, kMode, kPerChannel>(std::make_index_sequence<kGroups>(), acc, args, m0,
                                                rows, p * kGemmPanelColumns, cols, t);
}

// Rows m_begin .. m_end - 1 of NV panels from p: full MR-row tiles, then the remaining rows
// with the smallest of the tile heights Tail... that covers them (a tile computes all its rows,
// so M = 1 must not pay for MR).
template <GemmVnniMode kMode, bool kPerChannel, int MR, int NV, int... Tail>
inline void GemmPanelsVnni(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                           std::size_t p, const GemmEpilogueTable& t) {
  const std::size_t col0 = p * kGemmPanelColumns;
  const std::size_t left = args.b.n - col0;
  const std::size_t cols = left < NV * kGemmPanelColumns ? left : NV * kGemmPanelColumns;
  std::size_t m = m_begin;
  for (; m + MR <= m_end; m += MR) {
    GemmTileVnni<MR, NV, kMode, kPerChannel>(args, m, MR, p, cols, t);
  }
  if (m == m_end) return;
  const std::size_t rows = m_end - m;
  bool done = false;
  ((!done && rows <= static_cast<std::size_t>(Tail)
        ? (GemmTileVnni<Tail, NV, kMode, kPerChannel>(args, m, rows, p, cols, t), done = true)
        : false),
   ...);
  if (!done) GemmTileVnni<MR, NV, kMode, kPerChannel>(args, m, rows, p, cols, t);
}

template <GemmVnniMode kMode, bool kPerChannel>
inline void GemmRowsVnni(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                         std::size_t p_begin, std::size_t p_end) {
  GemmEpilogueTable table;
  bool filled = false;
  for (std::size_t p = p_begin; p < p_end; p += 4) {
    const std::size_t nv = p_end - p < 4 ? p_end - p : 4;
    // Per-tensor tables are the same for every column: filled once.
    if ((args.vector_epilogue || kMode == GemmVnniMode::kFloat) && (args.per_channel || !filled)) {
      GemmFillEpilogueTable(args, p * kGemmPanelColumns, 64, table);
      filled = true;
    }
    if constexpr (kMode == GemmVnniMode::kDoubled) {
      // The accumulators' start, offset by 2^30 (see GemmRequantBiased512); wraps as they do.
      for (std::size_t j = 0; j < 64; ++j) {
        const std::size_t n = p * kGemmPanelColumns + j;
        const std::uint32_t b = n < args.b.n ? static_cast<std::uint32_t>(args.b.bias[n]) : 0u;
        table.biased[j] = static_cast<std::int32_t>(b + (1u << 30));
      }
    }
    switch (nv) {
      case 4:
        GemmPanelsVnni<kMode, kPerChannel, 6, 4, 1, 2, 3>(args, m_begin, m_end, p, table);
        break;
      case 3:
        GemmPanelsVnni<kMode, kPerChannel, 8, 3, 1, 2, 4>(args, m_begin, m_end, p, table);
        break;
      case 2:
        GemmPanelsVnni<kMode, kPerChannel, 12, 2, 2, 4, 6>(args, m_begin, m_end, p, table);
        break;
      default:
        GemmPanelsVnni<kMode, kPerChannel, 12, 1, 4, 8>(args, m_begin, m_end, p, table);
        break;
    }
  }
}

inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  if (args.float_scale != nullptr) {
    if (args.per_channel) {
      GemmRowsVnni<GemmVnniMode::kFloat, true>(args, m_begin, m_end, p_begin, p_end);
    } else {
      GemmRowsVnni<GemmVnniMode::kFloat, false>(args, m_begin, m_end, p_begin, p_end);
    }
  } else if (!args.vector_epilogue) {
    GemmRowsVnni<GemmVnniMode::kScalar, false>(args, m_begin, m_end, p_begin, p_end);
  } else if (args.doubled) {
    if (args.per_channel) {
      GemmRowsVnni<GemmVnniMode::kDoubled, true>(args, m_begin, m_end, p_begin, p_end);
    } else {
      GemmRowsVnni<GemmVnniMode::kDoubled, false>(args, m_begin, m_end, p_begin, p_end);
    }
  } else {
    // Rare (multipliers >= 0.5, or accumulators that may reach 2^30): one instantiation reading
    // the constants per column serves per-tensor stages too.
    GemmRowsVnni<GemmVnniMode::kGeneral, true>(args, m_begin, m_end, p_begin, p_end);
  }
}
#undef MOTE_GEMM_VNNI_TARGET

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // HWY_TARGET == HWY_AVX3_DL

#endif  // MOTE_KERNELS_GEMM_GEMM_VNNI_HWY_INL_H_
