// Per-target int8 depthwise convolution (depth multiplier 1, NHWC), bit-exact with
// mote::ref::depthwise_conv2d. Two kernels:
// - every target: channels across lanes, int32 lanes, any kernel, stride, dilation and padding;
// - AVX3_DL (AVX-512 VNNI): 3x3 and 5x5, stride 1 and 2, with vpdpbusd on vertical 4-tuples of
//   input rows (docs/performance.md, "Depthwise"), so that four taps cost one instruction and,
//   at stride 1, one transformed input feeds two output rows.
#if defined(MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
#undef MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
#else
#define MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "mote/kernels/depthwise/depthwise_args.h"
#include "mote/quant/requantize.h"
#include "mote/simd/hwy.h"
#include "mote/simd/requantize_hwy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace depthwise_detail {

// One output element the scalar way (channel tails of the portable kernel):
//   acc = bias[c] + sum over in-image taps (x - zp) * w, int32 wrapping, then the output stage.
template <Rounding R>
inline std::int8_t scalar_output(const detail::DepthwiseArgs& a, std::size_t n, std::size_t oy,
                                 std::size_t ox, std::size_t c) {
  std::uint32_t acc = a.bias != nullptr ? static_cast<std::uint32_t>(a.bias[c]) : 0u;
  for (int ky = 0; ky < a.kernel_h; ++ky) {
    const std::int64_t iy =
        static_cast<std::int64_t>(oy) * a.stride_h - a.pad_top + std::int64_t{ky} * a.dilation_h;
    if (iy < 0 || iy >= static_cast<std::int64_t>(a.in_h)) continue;
    for (int kx = 0; kx < a.kernel_w; ++kx) {
      const std::int64_t ix =
          static_cast<std::int64_t>(ox) * a.stride_w - a.pad_left + std::int64_t{kx} * a.dilation_w;
      if (ix < 0 || ix >= static_cast<std::int64_t>(a.in_w)) continue;
      const std::int32_t x = a.input[((n * a.in_h + static_cast<std::size_t>(iy)) * a.in_w +
                                      static_cast<std::size_t>(ix)) *
                                         a.channels +
                                     c];
      const std::int32_t w =
          a.filter[(static_cast<std::size_t>(ky) * static_cast<std::size_t>(a.kernel_w) +
                    static_cast<std::size_t>(kx)) *
                       a.channels +
                   c];
      acc += static_cast<std::uint32_t>((x - a.input_zero_point) * w);
    }
  }
  const QuantizedMultiplier m = a.multipliers[a.per_channel ? c : 0];
  return requantize<R, std::int8_t>(static_cast<std::int32_t>(acc), m, a.output_zero_point,
                                    a.clamp_min, a.clamp_max);
}

// Portable kernel: output rows [row_begin, row_end); for each row and each full vector of
// channels, the multipliers are loaded once and every output pixel accumulates its in-image
// taps as int32 lanes, (x - zp) * w; channels past the last full vector go the scalar way.
template <Rounding R>
void rows_portable(const detail::DepthwiseArgs& a, std::size_t row_begin, std::size_t row_end) {
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::int8_t, decltype(d)> d8;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t channels = a.channels;
  const std::size_t full = channels - channels % lanes;
  const auto zp_in = hn::Set(d, a.input_zero_point);
  const auto zp_out = hn::Set(d, a.output_zero_point);
  const auto lo = hn::Set(d, a.clamp_min);
  const auto hi = hn::Set(d, a.clamp_max);
  const auto in_h = static_cast<std::int64_t>(a.in_h);
  const auto in_w = static_cast<std::int64_t>(a.in_w);
  for (std::size_t row = row_begin; row < row_end; ++row) {
    const std::size_t n = row / a.out_h;
    const std::size_t oy = row % a.out_h;
    std::int8_t* out_row = a.output + row * a.out_w * channels;
    const std::int64_t y0 = static_cast<std::int64_t>(oy) * a.stride_h - a.pad_top;
    for (std::size_t c = 0; c < full; c += lanes) {
      auto multiplier = hn::Set(d, a.multipliers[0].multiplier);
      auto shift = hn::Set(d, a.multipliers[0].shift);
      if (a.per_channel) load_multipliers(d, a.multipliers + c, lanes, multiplier, shift);
      const auto bias = a.bias != nullptr ? hn::LoadU(d, a.bias + c) : hn::Zero(d);
      for (std::size_t ox = 0; ox < a.out_w; ++ox) {
        const std::int64_t x0 = static_cast<std::int64_t>(ox) * a.stride_w - a.pad_left;
        auto acc = bias;
        for (int ky = 0; ky < a.kernel_h; ++ky) {
          const std::int64_t iy = y0 + std::int64_t{ky} * a.dilation_h;
          if (iy < 0 || iy >= in_h) continue;
          const std::int8_t* in_row =
              a.input + (n * a.in_h + static_cast<std::size_t>(iy)) * a.in_w * channels;
          const std::int8_t* w_row = a.filter + static_cast<std::size_t>(ky) *
                                                    static_cast<std::size_t>(a.kernel_w) * channels;
          for (int kx = 0; kx < a.kernel_w; ++kx) {
            const std::int64_t ix = x0 + std::int64_t{kx} * a.dilation_w;
            if (ix < 0 || ix >= in_w) continue;
            const auto x = hn::PromoteTo(
                d, hn::LoadU(d8, in_row + static_cast<std::size_t>(ix) * channels + c));
            const auto w = hn::PromoteTo(
                d, hn::LoadU(d8, w_row + static_cast<std::size_t>(kx) * channels + c));
            // |x - zp| <= 255, |w| <= 128: the product is exact; the sum wraps like the
            // reference's.
            acc = hn::Add(acc, hn::Mul(hn::Sub(x, zp_in), w));
          }
        }
        const auto y = requantize<R, true>(d, acc, multiplier, shift, zp_out, lo, hi);
        hn::StoreU(hn::DemoteTo(d8, y), d8, out_row + ox * channels + c);
      }
    }
    for (std::size_t ox = 0; ox < a.out_w && full < channels; ++ox) {
      for (std::size_t c = full; c < channels; ++c) {
        out_row[ox * channels + c] = scalar_output<R>(a, n, oy, ox, c);
      }
    }
  }
}

#if HWY_TARGET == HWY_AVX3_DL

// vpermb indices that interleave four 16-byte rows (bytes 16k..16k+15 of the source hold row k,
// channels 0..15) into 16 lanes of four bytes: byte 4c + k = row k, channel c.
inline __m512i interleave_rows_index() {
  alignas(64) std::int8_t idx[64];
  for (int j = 0; j < 64; ++j) idx[j] = static_cast<std::int8_t>((j % 4) * 16 + j / 4);
  return _mm512_load_si512(idx);
}

// Four 16-channel rows (masked loads; null pointer: zeros) interleaved into 4-byte lanes.
__attribute__((target("avx512vnni"))) inline __m512i interleave4(const std::int8_t* const p[4],
                                                                 __mmask16 mask, __m512i index) {
  const __m128i r0 = p[0] != nullptr ? _mm_maskz_loadu_epi8(mask, p[0]) : _mm_setzero_si128();
  const __m128i r1 = p[1] != nullptr ? _mm_maskz_loadu_epi8(mask, p[1]) : _mm_setzero_si128();
  const __m128i r2 = p[2] != nullptr ? _mm_maskz_loadu_epi8(mask, p[2]) : _mm_setzero_si128();
  const __m128i r3 = p[3] != nullptr ? _mm_maskz_loadu_epi8(mask, p[3]) : _mm_setzero_si128();
  __m512i v = _mm512_castsi128_si512(r0);
  v = _mm512_inserti32x4(v, r1, 1);
  v = _mm512_inserti32x4(v, r2, 2);
  v = _mm512_inserti32x4(v, r3, 3);
  return _mm512_permutexvar_epi8(index, v);
}

// VNNI kernel for a K x K window at stride S, computing `Rows` output rows per pass.
// Per 16-channel group and pass, the input rows the pass needs, In = (Rows - 1) * S + K, are
// grouped in T = ceil(In / 4) tuples; each input column becomes T vectors whose lane c holds the
// column's four bytes of channel c in those rows (x + 128: vpdpbusd multiplies unsigned by
// signed bytes). Output row r takes from tuple t, column kx, the weights
//   byte k of lane c = w[4t + k - r*S][kx][c]   (0 outside the window)
// so acc[r] += vpdpbusd(tuple column, weights) sums four taps at once. The +128 and the input
// zero point fold into the bias: padded taps are filled with zp + 128 and cancel,
//   acc = bias - (128 + zp) * sum(w) + sum over all taps (x + 128) * w.
template <Rounding R, int K, int S, int Rows>
__attribute__((target("avx512vnni"))) void rows_vnni(const detail::DepthwiseArgs& a,
                                                     std::size_t row_begin, std::size_t row_end) {
  constexpr int kInRows = (Rows - 1) * S + K;
  constexpr int kTuples = (kInRows + 3) / 4;
  constexpr std::size_t kTileOut = 64;  // outputs per tile of columns: bounds the scratch
  constexpr std::size_t kTileCols = (kTileOut - 1) * S + K;
  alignas(64) __m512i columns[kTuples][kTileCols];
  __m512i weights[Rows][kTuples][K];

  const hn::Full512<std::int32_t> d;
  const hn::Rebind<std::int8_t, decltype(d)> d8;
  const std::size_t channels = a.channels;
  const std::size_t in_h = a.in_h;
  const std::size_t in_w = a.in_w;
  const std::size_t row_stride = in_w * channels;
  const __m512i index = interleave_rows_index();
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i ones = _mm512_set1_epi8(1);
  // A padded byte stands for the input zero point.
  const __m512i pad_column = _mm512_set1_epi8(static_cast<char>(a.input_zero_point ^ 0x80));
  alignas(16) std::int8_t pad_bytes[16];
  for (std::int8_t& b : pad_bytes) b = static_cast<std::int8_t>(a.input_zero_point);
  const auto zp_out = hn::Set(d, a.output_zero_point);
  const auto lo = hn::Set(d, a.clamp_min);
  const auto hi = hn::Set(d, a.clamp_max);
  const __m512i zp_plus_128 = _mm512_set1_epi32(a.input_zero_point + 128);

  for (std::size_t row = row_begin; row < row_end;) {
    const std::size_t n = row / a.out_h;
    const std::size_t oy = row % a.out_h;
    std::size_t pass_rows = row_end - row < static_cast<std::size_t>(Rows) ? row_end - row : Rows;
    if (a.out_h - oy < pass_rows) pass_rows = a.out_h - oy;
    const std::int64_t iy0 = static_cast<std::int64_t>(oy) * S - a.pad_top;
    const std::int8_t* image = a.input + n * in_h * row_stride;

    for (std::size_t c0 = 0; c0 < channels; c0 += 16) {
      const std::size_t count = channels - c0 < 16 ? channels - c0 : 16;
      const auto mask = static_cast<__mmask16>((1u << count) - 1u);

      // Weights of this channel group, and the folded bias.
      for (int r = 0; r < Rows; ++r) {
        for (int t = 0; t < kTuples; ++t) {
          for (int kx = 0; kx < K; ++kx) {
            const std::int8_t* p[4];
            for (int k = 0; k < 4; ++k) {
              const int ky = 4 * t + k - r * S;
              p[k] = ky >= 0 && ky < K
                         ? a.filter + static_cast<std::size_t>(ky * K + kx) * channels + c0
                         : nullptr;
            }
            weights[r][t][kx] = interleave4(p, mask, index);
          }
        }
      }
      __m512i weight_sum = _mm512_setzero_si512();
      for (int t = 0; t < kTuples; ++t) {
        for (int kx = 0; kx < K; ++kx) {
          weight_sum = _mm512_dpbusd_epi32(weight_sum, ones, weights[0][t][kx]);
        }
      }
      const __m512i bias =
          a.bias != nullptr ? _mm512_maskz_loadu_epi32(mask, a.bias + c0) : _mm512_setzero_si512();
      const __m512i folded_bias =
          _mm512_sub_epi32(bias, _mm512_mullo_epi32(zp_plus_128, weight_sum));
      auto multiplier = hn::Set(d, a.multipliers[0].multiplier);
      auto shift = hn::Set(d, a.multipliers[0].shift);
      if (a.per_channel) load_multipliers(d, a.multipliers + c0, count, multiplier, shift);

      // Input rows of the pass: a row outside the image reads the zero-point bytes.
      const std::int8_t* in_rows[kTuples * 4];
      for (int k = 0; k < kTuples * 4; ++k) {
        const std::int64_t iy = iy0 + k;
        in_rows[k] = iy >= 0 && iy < static_cast<std::int64_t>(in_h)
                         ? image + static_cast<std::size_t>(iy) * row_stride + c0
                         : nullptr;
      }

      for (std::size_t ox0 = 0; ox0 < a.out_w; ox0 += kTileOut) {
        const std::size_t ox1 = a.out_w - ox0 < kTileOut ? a.out_w : ox0 + kTileOut;
        const std::size_t cols = (ox1 - ox0 - 1) * S + K;
        const std::int64_t ix0 = static_cast<std::int64_t>(ox0 * S) - a.pad_left;
        for (std::size_t j = 0; j < cols; ++j) {
          const std::int64_t ix = ix0 + static_cast<std::int64_t>(j);
          if (ix < 0 || ix >= static_cast<std::int64_t>(in_w)) {
            for (int t = 0; t < kTuples; ++t) columns[t][j] = pad_column;
            continue;
          }
          const std::size_t offset = static_cast<std::size_t>(ix) * channels;
          for (int t = 0; t < kTuples; ++t) {
            const std::int8_t* p[4];
            for (int k = 0; k < 4; ++k) {
              const std::int8_t* r = in_rows[4 * t + k];
              p[k] = r != nullptr ? r + offset : pad_bytes;
            }
            columns[t][j] = _mm512_xor_si512(interleave4(p, mask, index), flip);
          }
        }

        for (std::size_t ox = ox0; ox < ox1; ++ox) {
          const std::size_t j0 = (ox - ox0) * S;
          __m512i acc[Rows];
          for (int r = 0; r < Rows; ++r) acc[r] = folded_bias;
          for (int t = 0; t < kTuples; ++t) {
            for (int kx = 0; kx < K; ++kx) {
              const __m512i x = columns[t][j0 + static_cast<std::size_t>(kx)];
              for (int r = 0; r < Rows; ++r) {
                acc[r] = _mm512_dpbusd_epi32(acc[r], x, weights[r][t][kx]);
              }
            }
          }
          for (std::size_t r = 0; r < pass_rows; ++r) {
            const auto y = requantize<R, true>(d, hn::Vec512<std::int32_t>{acc[r]}, multiplier,
                                               shift, zp_out, lo, hi);
            std::int8_t* out = a.output + ((row + r) * a.out_w + ox) * channels + c0;
            _mm_mask_storeu_epi8(out, mask, hn::DemoteTo(d8, y).raw);
          }
        }
      }
    }
    row += pass_rows;
  }
}

// The VNNI kernel when it covers the window, else false.
template <Rounding R>
bool rows_vnni_if_covered(const detail::DepthwiseArgs& a, std::size_t row_begin,
                          std::size_t row_end) {
  if (a.dilation_h != 1 || a.dilation_w != 1 || a.kernel_h != a.kernel_w ||
      a.stride_h != a.stride_w) {
    return false;
  }
  const int k = a.kernel_h;
  const int s = a.stride_h;
  if (k == 3 && s == 1) {
    rows_vnni<R, 3, 1, 2>(a, row_begin, row_end);
  } else if (k == 3 && s == 2) {
    rows_vnni<R, 3, 2, 1>(a, row_begin, row_end);
  } else if (k == 5 && s == 1) {
    rows_vnni<R, 5, 1, 2>(a, row_begin, row_end);
  } else if (k == 5 && s == 2) {
    rows_vnni<R, 5, 2, 1>(a, row_begin, row_end);
  } else {
    return false;
  }
  return true;
}

#endif  // HWY_TARGET == HWY_AVX3_DL

template <Rounding R>
void rows(const detail::DepthwiseArgs& a, std::size_t row_begin, std::size_t row_end) {
#if HWY_TARGET == HWY_AVX3_DL
  if (rows_vnni_if_covered<R>(a, row_begin, row_end)) return;
#endif
  rows_portable<R>(a, row_begin, row_end);
}

}  // namespace depthwise_detail

// Entry points (one per rounding rule): output rows [row_begin, row_end) of the call `a`.
inline void depthwise_conv2d_s8_double(const detail::DepthwiseArgs& a, std::size_t row_begin,
                                       std::size_t row_end) {
  depthwise_detail::rows<Rounding::kDouble>(a, row_begin, row_end);
}
inline void depthwise_conv2d_s8_single(const detail::DepthwiseArgs& a, std::size_t row_begin,
                                       std::size_t row_end) {
  depthwise_detail::rows<Rounding::kSingle>(a, row_begin, row_end);
}

}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // MOTE_KERNELS_DEPTHWISE_DEPTHWISE_HWY_INL_H_
