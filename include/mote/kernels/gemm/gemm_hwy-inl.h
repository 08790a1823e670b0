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
#include <cstdint>
#include <cstring>
#include <utility>

#include "mote/base/config.h"
#include "mote/kernels/gemm/detail/gemm_args.h"
#include "mote/simd/hwy.h"

#if HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2
#include <immintrin.h>
#endif
#if HWY_TARGET == HWY_NEON && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>
#endif

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Four consecutive bytes of A as one little-endian word; `count` < 4 reads only that many
// (the K tail) and leaves the others zero.
inline std::uint32_t GemmLoadA4(const std::int8_t* p, std::size_t count = 4) {
  std::uint32_t w = 0;
  std::memcpy(&w, p, count);
  return w;
}

// The per-column constants of detail::column_requant for up to 64 columns (four panels), in
// the order the x86 epilogues read them: int32 arrays by column; int64 arrays split by column
// parity (even[i] is column 2i, odd[i] column 2i + 1), matching _mm*_mul_epi32's lanes.
struct alignas(64) GemmEpilogueTable {
  std::int32_t multiplier[64];
  std::int32_t multiplier_odd[64];  // multiplier of column 2i + 1 at position 2i
  std::int32_t post_shift[64];      // shift - 32, or 0 for shift 31 (pre-doubled)
  std::int64_t add_even[32], add_odd[32];
  std::int64_t threshold_even[32], threshold_odd[32];
  std::int64_t pre_even[32], pre_odd[32];  // 1 for shift 31: doubled before taking bits 32..63
  // The doubled path (GemmArgs::doubled), r = -shift >= 1: 2^31 + 2^(r - 1) * 2^32, by parity,
  // and r.
  std::int64_t nudge_even[32], nudge_odd[32];
  std::int32_t round_shift[64];
};

// Columns col0 .. col0 + count - 1 (count <= 64, a multiple of 16) at positions 0 .. count - 1;
// columns past N repeat the last one (they are computed but never stored).
inline void GemmFillEpilogueTable(const detail::GemmArgs& args, std::size_t col0, std::size_t count,
                                  GemmEpilogueTable& t) {
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t n = col0 + j < args.b.n ? col0 + j : args.b.n - 1;
    const detail::ColumnRequant q =
        detail::column_requant(args.multipliers[args.per_channel ? n : 0], args.rounding);
    t.multiplier[j] = q.multiplier;
    t.multiplier_odd[j] = 0;
    if (j % 2 == 1) t.multiplier_odd[j - 1] = q.multiplier;
    const bool is31 = q.shift == 31;
    t.post_shift[j] = is31 ? 0 : q.shift - 32;
    std::int64_t* add = j % 2 == 0 ? t.add_even : t.add_odd;
    std::int64_t* threshold = j % 2 == 0 ? t.threshold_even : t.threshold_odd;
    std::int64_t* pre = j % 2 == 0 ? t.pre_even : t.pre_odd;
    add[j / 2] = q.add;
    threshold[j / 2] = q.threshold;
    pre[j / 2] = is31 ? 1 : 0;
    const int r = -args.multipliers[args.per_channel ? n : 0].shift;
    t.round_shift[j] = r >= 1 && r <= 31 ? r : 0;
    std::int64_t* nudge = j % 2 == 0 ? t.nudge_even : t.nudge_odd;
    nudge[j / 2] = (std::int64_t{1} << 31) + (r >= 1 && r <= 31 ? std::int64_t{1} << (31 + r) : 0);
  }
}

// The scalar epilogue of `rows` rows of int32 accumulators (row r at out + r * out_stride) for
// columns col0 .. col0 + cols - 1. Not inlined: kernels call it once their vectors are dead.
inline HWY_NOINLINE void GemmScalarEpilogue(const detail::GemmArgs& args, const std::int32_t* out,
                                            std::size_t out_stride, std::size_t m0,
                                            std::size_t rows, std::size_t col0, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    std::int8_t* c = args.c + (m0 + r) * args.c_stride + col0;
    for (std::size_t j = 0; j < cols; ++j) {
      c[j] = detail::gemm_output(args, out[r * out_stride + j], col0 + j);
    }
  }
}

// ------------------------------------------------------------------------------------------
// Generic kernel (every target): int32 lanes = columns. Each lane of a packed (panel, group)
// vector holds one column's four weights; shifts extract them sign-extended, and each is
// multiplied by a broadcast signed activation. The accumulator starts at
// bias + 128 * column_sum (the packed bias assumes activations flipped to a + 128).
// The epilogue is scalar (detail::gemm_output).

inline void GemmRowsGeneric(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                            std::size_t p_begin, std::size_t p_end) {
  const hn::CappedTag<std::int32_t, kGemmPanelColumns> d;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t depth = args.b.packed_depth();
  const std::size_t groups = args.b.k / kGemmDepthGroup;
  const std::size_t tail = args.b.k % kGemmDepthGroup;
  constexpr std::size_t kRows = 4;
  HWY_ALIGN std::int32_t out[kRows][kGemmPanelColumns];
  for (std::size_t p = p_begin; p < p_end; ++p) {
    const std::int8_t* panel = args.b.weights + p * depth * kGemmPanelColumns;
    const std::size_t col0 = p * kGemmPanelColumns;
    for (std::size_t m0 = m_begin; m0 < m_end; m0 += kRows) {
      const std::size_t rows = m_end - m0 < kRows ? m_end - m0 : kRows;
      const std::int8_t* a[kRows];
      for (std::size_t r = 0; r < kRows; ++r) {
        a[r] = args.a + (m0 + (r < rows ? r : rows - 1)) * args.a_stride;
      }
      for (std::size_t j = 0; j < kGemmPanelColumns; j += lanes) {
        const auto init =
            hn::Add(hn::LoadU(d, args.b.bias + col0 + j),
                    hn::ShiftLeft<7>(hn::LoadU(d, args.b.column_sums + col0 + j)));  // + 128 * sum
        auto acc0 = init, acc1 = init, acc2 = init, acc3 = init;
        for (std::size_t g = 0; g <= groups; ++g) {
          if (g == groups && tail == 0) break;
          const std::size_t count = g < groups ? kGemmDepthGroup : tail;
          // Four weights per int32 lane; x86 and NEON loads may alias, scalar ones use memcpy.
          const auto w = hn::LoadU(d, reinterpret_cast<const std::int32_t*>(
                                          panel + (g * kGemmPanelColumns + j) * kGemmDepthGroup));
          const auto b0 = hn::ShiftRight<24>(hn::ShiftLeft<24>(w));
          const auto b1 = hn::ShiftRight<24>(hn::ShiftLeft<16>(w));
          const auto b2 = hn::ShiftRight<24>(hn::ShiftLeft<8>(w));
          const auto b3 = hn::ShiftRight<24>(w);
          auto step = [&](auto acc, const std::int8_t* row) {
            std::int8_t x[4] = {0, 0, 0, 0};
            std::memcpy(x, row + g * kGemmDepthGroup, count);
            acc = hn::Add(acc, hn::Mul(b0, hn::Set(d, x[0])));
            acc = hn::Add(acc, hn::Mul(b1, hn::Set(d, x[1])));
            acc = hn::Add(acc, hn::Mul(b2, hn::Set(d, x[2])));
            return hn::Add(acc, hn::Mul(b3, hn::Set(d, x[3])));
          };
          acc0 = step(acc0, a[0]);
          acc1 = step(acc1, a[1]);
          acc2 = step(acc2, a[2]);
          acc3 = step(acc3, a[3]);
        }
        hn::Store(acc0, d, out[0] + j);
        hn::Store(acc1, d, out[1] + j);
        hn::Store(acc2, d, out[2] + j);
        hn::Store(acc3, d, out[3] + j);
      }
      const std::size_t cols =
          args.b.n - col0 < kGemmPanelColumns ? args.b.n - col0 : kGemmPanelColumns;
      for (std::size_t r = 0; r < rows; ++r) {
        std::int8_t* c = args.c + (m0 + r) * args.c_stride + col0;
        for (std::size_t j = 0; j < cols; ++j)
          c[j] = detail::gemm_output(args, out[r][j], col0 + j);
      }
    }
  }
}

#if HWY_TARGET == HWY_AVX3_DL
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
      pre_odd, post_shift, nudge_even, nudge_odd, round_shift;
};

MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE GemmColumns512
GemmLoadColumns512(const GemmEpilogueTable& t, std::size_t j) {
  return {_mm512_load_si512(t.multiplier + j),         _mm512_load_si512(t.multiplier_odd + j),
          _mm512_load_si512(t.threshold_even + j / 2), _mm512_load_si512(t.threshold_odd + j / 2),
          _mm512_load_si512(t.add_even + j / 2),       _mm512_load_si512(t.add_odd + j / 2),
          _mm512_load_si512(t.pre_even + j / 2),       _mm512_load_si512(t.pre_odd + j / 2),
          _mm512_load_si512(t.post_shift + j),         _mm512_load_si512(t.nudge_even + j / 2),
          _mm512_load_si512(t.nudge_odd + j / 2),      _mm512_load_si512(t.round_shift + j)};
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
// correction's compares: with z = 2x * M exact in 64 bits, the high half of
// z + 2^31 + 2^(r-1) * 2^32 is y + 2^(r-1), y = floor((x M + 2^30) / 2^31) = SRDHM(x, M)
// (|y| < 2^30, no overflow), and RDBP(y, r) = (y + 2^(r-1) - [y < 0]) >> r. [y < 0] may be
// read from x: y has x's sign unless y = 0, and then both forms give 0 (2^(r-1) - 1 < 2^r).
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE __m512i GemmRequantDoubled512(__m512i x,
                                                                       const GemmColumns512& c) {
  const __m512i x2 = _mm512_add_epi32(x, x);
  const __m512i x2_odd = _mm512_shuffle_epi32(x2, _MM_PERM_DDBB);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x2, c.multiplier), c.nudge_even);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(x2_odd, c.multiplier_odd), c.nudge_odd);
  const __m512i t = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
  return _mm512_srav_epi32(_mm512_add_epi32(t, _mm512_srai_epi32(x, 31)), c.round_shift);
}

// Loop-invariant epilogue operands, built once per tile (in registers: stores to C may alias
// anything, so values re-read from GemmArgs would be reloaded for every row).
struct GemmVnniEpilogue {
  __m512i zero_point, lo, hi, order;
  __mmask64 mask;  // valid columns
  bool full;       // all 16 NV columns valid
  bool tie_correction, shift31, doubled;
};

// Rows of a tile after the K loop: four accumulators (16 columns each) at a time, so that one
// pack/clamp/permute sequence serves 4 / NV rows (NV = 3: one row and an unused vector). acc
// points at the first accumulator of `row` (tile-relative); c at that row's output.
template <int NV, bool kPerChannel>
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
      y[i] = e.doubled ? GemmRequantDoubled512(acc[i], columns)
                       : GemmRequant512(acc[i], columns, e.tie_correction, e.shift31);
    }
  }
  // int32 -> int16 -> int8 with saturation, zero point added in int16 (saturating): each step
  // is monotone and the clamp range lies inside int8, so this equals clamp(y + zero_point)
  // computed exactly. packs interleave 128-bit lanes: dword 4L + i holds columns 4L .. 4L + 3
  // of vector i; the permutation puts vector i in bytes 16i .. 16i + 15.
  const __m512i p01 = _mm512_adds_epi16(_mm512_packs_epi32(y[0], y[1]), e.zero_point);
  const __m512i p23 = _mm512_adds_epi16(_mm512_packs_epi32(y[2], y[3]), e.zero_point);
  __m512i bytes = _mm512_packs_epi16(p01, p23);
  bytes = _mm512_min_epi8(_mm512_max_epi8(bytes, e.lo), e.hi);
  bytes = _mm512_permutexvar_epi32(e.order, bytes);
  // Full rows take plain stores (masked 512-bit stores are slow on some CPUs, Zen 4 among them).
  if constexpr (NV >= 3) {
    if (NV == 4 && e.full) {  // 64 columns; NV = 3 holds 48 and always masks
      _mm512_storeu_si512(c, bytes);
    } else {
      _mm512_mask_storeu_epi8(c, e.mask, bytes);
    }
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
template <int MR, int NV, bool kPerChannel, std::size_t... G>
MOTE_GEMM_VNNI_TARGET MOTE_ALWAYS_INLINE void GemmStoreRowsVnni(
    std::index_sequence<G...>, const __m512i* acc, const detail::GemmArgs& args, std::size_t m0,
    std::size_t rows, std::size_t col0, std::size_t cols, const GemmEpilogueTable& t) {
  if (!args.vector_epilogue) {
    alignas(64) std::int32_t out[MR * NV * kGemmPanelColumns];
#pragma GCC unroll 64
    for (int i = 0; i < MR * NV; ++i) _mm512_store_si512(out + i * kGemmPanelColumns, acc[i]);
    GemmScalarEpilogue(args, out, NV * kGemmPanelColumns, m0, rows, col0, cols);
    return;
  }
  GemmVnniEpilogue e;
  e.zero_point = _mm512_set1_epi16(static_cast<std::int16_t>(args.zero_point));
  e.lo = _mm512_set1_epi8(static_cast<char>(args.clamp_min));
  e.hi = _mm512_set1_epi8(static_cast<char>(args.clamp_max));
  e.order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  e.mask = cols >= 64 ? ~__mmask64{0} : (__mmask64{1} << cols) - 1;
  e.full = cols == NV * kGemmPanelColumns;
  e.tie_correction = args.tie_correction;
  e.shift31 = args.shift31;
  e.doubled = args.doubled;
  constexpr std::size_t kGroupRows = NV >= 3 ? 1 : 4 / NV;
  std::int8_t* c = args.c + m0 * args.c_stride + col0;
  const std::size_t c_stride = args.c_stride;
  // Per-tensor: every column has the same constants, loaded once.
  const GemmColumns512 uniform = GemmLoadColumns512(t, 0);
  ((G * kGroupRows < rows ? GemmStoreGroupVnni<NV, kPerChannel>(
                                acc + G * kGroupRows * NV, G * kGroupRows, rows,
                                c + G * kGroupRows * c_stride, c_stride, t, uniform, e)
                          : void()),
   ...);
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
  for (int i = 0; i < MR * NV; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], x[i / NV], w[i % NV]);
}

// An MR x (16 NV) tile: rows m0 .. m0 + rows - 1 (rows <= MR; missing rows repeat the last and
// are not stored), panels p .. p + NV - 1, `cols` valid columns. The whole K loop and the
// epilogue stay in this function so that the call is not in the inner loop.
template <int MR, int NV>
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
    acc[i] = _mm512_loadu_si512(args.b.bias + (p + i % NV) * kGemmPanelColumns);
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
  if (args.per_channel) {
    GemmStoreRowsVnni<MR, NV, true>(std::make_index_sequence<kGroups>(), acc, args, m0, rows,
                                    p * kGemmPanelColumns, cols, t);
  } else {
    GemmStoreRowsVnni<MR, NV, false>(std::make_index_sequence<kGroups>(), acc, args, m0, rows,
                                     p * kGemmPanelColumns, cols, t);
  }
}

// Rows m_begin .. m_end - 1 of NV panels from p: full MR-row tiles, then the remaining rows
// with the smallest of the tile heights Tail... that covers them (a tile computes all its rows,
// so M = 1 must not pay for MR).
template <int MR, int NV, int... Tail>
inline void GemmPanelsVnni(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                           std::size_t p, const GemmEpilogueTable& t) {
  const std::size_t col0 = p * kGemmPanelColumns;
  const std::size_t left = args.b.n - col0;
  const std::size_t cols = left < NV * kGemmPanelColumns ? left : NV * kGemmPanelColumns;
  std::size_t m = m_begin;
  for (; m + MR <= m_end; m += MR) GemmTileVnni<MR, NV>(args, m, MR, p, cols, t);
  if (m == m_end) return;
  const std::size_t rows = m_end - m;
  bool done = false;
  ((!done && rows <= static_cast<std::size_t>(Tail)
        ? (GemmTileVnni<Tail, NV>(args, m, rows, p, cols, t), done = true)
        : false),
   ...);
  if (!done) GemmTileVnni<MR, NV>(args, m, rows, p, cols, t);
}

inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  GemmEpilogueTable table;
  bool filled = false;
  for (std::size_t p = p_begin; p < p_end; p += 4) {
    const std::size_t nv = p_end - p < 4 ? p_end - p : 4;
    // Per-tensor tables are the same for every column: filled once.
    if (args.vector_epilogue && (args.per_channel || !filled)) {
      GemmFillEpilogueTable(args, p * kGemmPanelColumns, 64, table);
      filled = true;
    }
    switch (nv) {
      case 4:
        GemmPanelsVnni<6, 4, 1, 2, 3>(args, m_begin, m_end, p, table);
        break;
      case 3:
        GemmPanelsVnni<8, 3, 1, 2, 4>(args, m_begin, m_end, p, table);
        break;
      case 2:
        GemmPanelsVnni<12, 2, 2, 4, 6>(args, m_begin, m_end, p, table);
        break;
      default:
        GemmPanelsVnni<12, 1, 4, 8>(args, m_begin, m_end, p, table);
        break;
    }
  }
}
#undef MOTE_GEMM_VNNI_TARGET

#elif HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2
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

#elif HWY_TARGET == HWY_NEON && defined(__ARM_FEATURE_DOTPROD)
// ------------------------------------------------------------------------------------------
// NEON with the dot-product extension: sdot multiplies signed by signed bytes, four per int32
// lane, exactly the packed layout; activations stay signed and the accumulator starts at
// bias + 128 * column_sum. Scalar epilogue.
inline void GemmRows(const detail::GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                     std::size_t p_begin, std::size_t p_end) {
  const std::size_t depth = args.b.packed_depth();
  const std::size_t groups = args.b.k / kGemmDepthGroup;
  const std::size_t tail = args.b.k % kGemmDepthGroup;
  const std::size_t steps = groups + (tail != 0 ? 1 : 0);
  for (std::size_t p = p_begin; p < p_end; ++p) {
    const std::int8_t* b = args.b.weights + p * depth * kGemmPanelColumns;
    const std::size_t col0 = p * kGemmPanelColumns;
    const std::size_t left = args.b.n - col0;
    const std::size_t cols = left < kGemmPanelColumns ? left : kGemmPanelColumns;
    int32x4_t init[4];
#pragma GCC unroll 64
    for (int q = 0; q < 4; ++q) {
      init[q] = vaddq_s32(vld1q_s32(args.b.bias + col0 + 4 * q),
                          vshlq_n_s32(vld1q_s32(args.b.column_sums + col0 + 4 * q), 7));
    }
    for (std::size_t m = m_begin; m < m_end; ++m) {
      const std::int8_t* a = args.a + m * args.a_stride;
      int32x4_t acc[4] = {init[0], init[1], init[2], init[3]};
      for (std::size_t g = 0; g < steps; ++g) {
        const std::size_t count = g < groups ? kGemmDepthGroup : tail;
        const int8x16_t x = vreinterpretq_s8_u32(vdupq_n_u32(GemmLoadA4(a + g * 4, count)));
        const std::int8_t* w = b + g * kGemmDepthGroup * kGemmPanelColumns;
#pragma GCC unroll 64
        for (int q = 0; q < 4; ++q) acc[q] = vdotq_s32(acc[q], vld1q_s8(w + 16 * q), x);
      }
      alignas(16) std::int32_t out[16];
#pragma GCC unroll 64
      for (int q = 0; q < 4; ++q) vst1q_s32(out + 4 * q, acc[q]);
      std::int8_t* c = args.c + m * args.c_stride + col0;
      for (std::size_t j = 0; j < cols; ++j) c[j] = detail::gemm_output(args, out[j], col0 + j);
    }
  }
}

#else
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
