// Parts of the int8 GEMM shared by every target: the packed-A word load, the epilogue constant
// table the x86 epilogues read, the scalar epilogue and the generic Highway kernel (int32 lanes =
// columns) that targets without a specialised micro-kernel run.
#if defined(MOTE_KERNELS_GEMM_GEMM_COMMON_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_GEMM_GEMM_COMMON_HWY_INL_H_
#undef MOTE_KERNELS_GEMM_GEMM_COMMON_HWY_INL_H_
#else
#define MOTE_KERNELS_GEMM_GEMM_COMMON_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/base/config.h"
#include "mote/kernels/gemm/detail/gemm_args.h"
#include "mote/simd/hwy.h"

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
  // The same on accumulators offset by 2^30 (AVX3_DL): 2M as unsigned, and the nudge less
  // 2^31 M (the offset times 2M) and 2^32 (the -1 of a negative accumulator's rounding), plus
  // zero_point * 2^r * 2^32 when GemmArgs::zero_point_in_nudge.
  std::uint32_t multiplier2[64], multiplier2_odd[64];
  std::int64_t nudge2_even[32], nudge2_odd[32];
  std::int32_t biased[64];  // bias + 2^30 of the panel group, filled per group by AVX3_DL
  // The float epilogue's plan (GemmArgs::float_scale), filled by AVX3_DL when it has one.
  float float_scale[64], float_offset[64], float_offset_negative[64];
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
    const auto m2 = static_cast<std::uint32_t>(q.multiplier) * 2u;  // M >= 0: 2M < 2^32
    t.multiplier2[j] = m2;
    t.multiplier2_odd[j] = 0;
    if (j % 2 == 1) t.multiplier2_odd[j - 1] = m2;
    std::int64_t* nudge2 = j % 2 == 0 ? t.nudge2_even : t.nudge2_odd;
    nudge2[j / 2] = nudge[j / 2] - (std::int64_t{1} << 30) * m2 - (std::int64_t{1} << 32);
    if (args.zero_point_in_nudge) {
      nudge2[j / 2] += static_cast<std::int64_t>(static_cast<std::uint64_t>(args.zero_point)
                                                 << (32 + t.round_shift[j]));
    }
    if (args.float_scale != nullptr) {
      const std::size_t f = args.per_channel ? n : 0;
      t.float_scale[j] = args.float_scale[f];
      t.float_offset[j] = args.float_offset[f];
      t.float_offset_negative[j] = args.float_offset_negative[f];
    }
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

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_GEMM_GEMM_COMMON_HWY_INL_H_
