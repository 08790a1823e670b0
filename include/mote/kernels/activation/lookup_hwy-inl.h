// Per-target int8 -> int8 table lookup (LOGISTIC, TANH, HARD_SWISH and any other 256-entry
// table), bit-exact with mote::ref::lookup: out[i] = table[uint8(in[i])] over a dense array.
// AVX3_DL selects from the whole table with two vpermi2b (AVX512-VBMI); other targets combine
// sixteen 16-entry byte shuffles, one per high nibble; the scalar target reads the table.
#if defined(MOTE_KERNELS_ACTIVATION_LOOKUP_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_ACTIVATION_LOOKUP_HWY_INL_H_
#undef MOTE_KERNELS_ACTIVATION_LOOKUP_HWY_INL_H_
#else
#define MOTE_KERNELS_ACTIVATION_LOOKUP_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/simd/hwy.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// count elements; table has 256 entries indexed by the input's bit pattern; in may equal out.
inline void lookup_s8(const std::int8_t* in, std::int8_t* out, std::size_t count,
                      const std::int8_t* table) {
  std::size_t i = 0;
#if HWY_TARGET == HWY_AVX3_DL
  // vpermi2b picks from 128 bytes by the low 7 bits; the sign bit chooses the half.
  const __m512i t0 = _mm512_loadu_si512(table);
  const __m512i t1 = _mm512_loadu_si512(table + 64);
  const __m512i t2 = _mm512_loadu_si512(table + 128);
  const __m512i t3 = _mm512_loadu_si512(table + 192);
  for (; i + 64 <= count; i += 64) {
    const __m512i x = _mm512_loadu_si512(in + i);
    const __m512i low = _mm512_permutex2var_epi8(t0, x, t1);
    const __m512i high = _mm512_permutex2var_epi8(t2, x, t3);
    _mm512_storeu_si512(out + i, _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), low, high));
  }
#elif HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<std::uint8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto* table_u8 = reinterpret_cast<const std::uint8_t*>(table);
  const auto low_nibble = hn::Set(d, std::uint8_t{0x0F});
  for (; i + lanes <= count; i += lanes) {
    const auto x = hn::LoadU(d, reinterpret_cast<const std::uint8_t*>(in) + i);
    const auto column = hn::And(x, low_nibble);
    const auto row = hn::ShiftRight<4>(x);
    auto y = hn::Zero(d);
    for (unsigned k = 0; k < 16; ++k) {
      const auto entries = hn::LoadDup128(d, table_u8 + 16 * k);
      y = hn::IfThenElse(hn::Eq(row, hn::Set(d, static_cast<std::uint8_t>(k))),
                         hn::TableLookupBytes(entries, column), y);
    }
    hn::StoreU(y, d, reinterpret_cast<std::uint8_t*>(out) + i);
  }
#endif
  for (; i < count; ++i) out[i] = table[static_cast<std::uint8_t>(in[i])];
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_ACTIVATION_LOOKUP_HWY_INL_H_
