// Weight packing for the int8 GEMM: B (N x K, one output channel per row) rearranged once, at
// load time, into the panel layout every micro-kernel reads, with the activation zero point
// folded into the bias. See docs/performance.md for the layout and why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/gemm/gemm_ref.h"
#include "mote/tensor/view.h"

namespace mote {

// Output channels per panel: one 512-bit vector of int32 accumulators (two 256-bit ones).
inline constexpr std::size_t kGemmPanelColumns = 16;
// K is consumed in groups of four bytes: the operand width of vpdpbusd and sdot.
inline constexpr std::size_t kGemmDepthGroup = 4;

constexpr std::size_t gemm_packed_depth(std::size_t k) {
  return (k + kGemmDepthGroup - 1) / kGemmDepthGroup * kGemmDepthGroup;
}
constexpr std::size_t gemm_packed_columns(std::size_t n) {
  return (n + kGemmPanelColumns - 1) / kGemmPanelColumns * kGemmPanelColumns;
}
// Storage a packing of an N x K weight matrix needs: int8 weights and int32 biases.
constexpr std::size_t packed_gemm_weight_bytes(std::size_t n, std::size_t k) {
  return gemm_packed_columns(n) * gemm_packed_depth(k);
}
constexpr std::size_t packed_gemm_bias_count(std::size_t n) {
  return gemm_packed_columns(n);
}

// Packed weights: a view into storage that the caller owns (see pack_gemm_weights).
// Layout: panel p (columns 16p .. 16p + 15), depth group g (k = 4g .. 4g + 3), column j:
//   weights[(p * packed_depth + 4 g) * 16 + 4 j + i] = B[16 p + j][4 g + i]
// zero where n >= N or k >= K. So the 64 bytes of one (panel, group) are one vpdpbusd operand:
// int32 lane j holds column j's four weights.
//   bias[n] = bias_in[n] - (128 + a_zero_point) * sum_k B[n][k]          (mod 2^32)
// because the kernels multiply the flipped activations a ^ 0x80 = a + 128 (as uint8):
//   sum_k (a - a_zp) b = sum_k (a + 128) b - (128 + a_zp) sum_k b.
// column_sums[n] = sum_k B[n][k] serves kernels that multiply signed activations (sdot).
struct PackedGemmWeights {
  const std::int8_t* weights = nullptr;
  const std::int32_t* bias = nullptr;
  const std::int32_t* column_sums = nullptr;
  std::size_t n = 0;  // output channels
  std::size_t k = 0;  // depth
  std::int32_t a_zero_point = 0;
  // A bound on |x|, x = sum_k (a - a_zp) b + bias (as integers): the largest over columns of
  // |bias| + max |a - a_zp| * sum_k |b| (the weights' own magnitudes, not 128 K: MobileNet's
  // shallow layers stay far below the 2^24 of the float epilogue).
  // Below 2^30, epilogues may double x without overflow (see gemm_vnni_hwy-inl.h); unknown (the
  // largest value) unless set by pack_gemm_weights.
  std::int64_t max_abs_accumulator = std::numeric_limits<std::int64_t>::max();

  constexpr std::size_t packed_depth() const { return gemm_packed_depth(k); }
  constexpr std::size_t panels() const { return gemm_packed_columns(n) / kGemmPanelColumns; }
};

// Caller storage for a packing, with sizes from the functions above.
struct PackedGemmStorage {
  std::span<std::int8_t> weights;
  std::span<std::int32_t> bias;         // packed_gemm_bias_count(N)
  std::span<std::int32_t> column_sums;  // packed_gemm_bias_count(N)
};

// Storage of a fixed-size packing, for weights whose shape is known at compile time.
template <std::size_t N, std::size_t K>
struct StaticPackedGemmStorage {
  alignas(64) std::int8_t weights[packed_gemm_weight_bytes(N, K)];
  alignas(64) std::int32_t bias[packed_gemm_bias_count(N)];
  alignas(64) std::int32_t column_sums[packed_gemm_bias_count(N)];

  PackedGemmStorage storage() { return {weights, bias, column_sums}; }
};

// Packs B (N x K int8, zero point 0 as TFLite's int8 weights) with `bias` (empty or N entries)
// for activations of zero point `a_zero_point` (int8). kShapeMismatch for a bias or storage of
// the wrong size (storage may be larger), kInvalidArgument for a zero point outside int8, N = 0
// or K = 0. On error nothing is written.
template <ViewOfRank<2> WeightView>
requires std::same_as<ref::ElementOf<WeightView>, std::int8_t>
[[nodiscard]] Result<PackedGemmWeights> pack_gemm_weights(const WeightView& b,
                                                          std::span<const std::int32_t> bias,
                                                          std::int32_t a_zero_point,
                                                          const PackedGemmStorage& storage) {
  const std::size_t n_size = b.extent(0);
  const std::size_t k_size = b.extent(1);
  if (n_size == 0 || k_size == 0) return Status::kInvalidArgument;
  if (!detail::zero_point_fits<std::int8_t>(a_zero_point)) return Status::kInvalidArgument;
  if (!bias.empty() && bias.size() != n_size) return Status::kShapeMismatch;
  if (storage.weights.size() < packed_gemm_weight_bytes(n_size, k_size) ||
      storage.bias.size() < packed_gemm_bias_count(n_size) ||
      storage.column_sums.size() < packed_gemm_bias_count(n_size)) {
    return Status::kShapeMismatch;
  }
  const std::size_t depth = gemm_packed_depth(k_size);
  const std::size_t columns = gemm_packed_columns(n_size);
  // |a - a_zp| over int8 activations.
  const std::int64_t max_abs_a = a_zero_point >= 0 ? 128 + a_zero_point : 127 - a_zero_point;
  std::int64_t max_abs_accumulator = 0;
  for (std::size_t n = 0; n < columns; ++n) {
    const std::size_t panel = n / kGemmPanelColumns;
    const std::size_t j = n % kGemmPanelColumns;
    std::int32_t sum = 0;
    std::int64_t sum_abs = 0;
    for (std::size_t k = 0; k < depth; ++k) {
      const std::int8_t w = n < n_size && k < k_size ? b(n, k) : std::int8_t{0};
      sum += w;  // |sum| <= 128 K: no overflow for any K below 2^24
      sum_abs += w < 0 ? -w : w;
      storage.weights[(panel * depth + k / kGemmDepthGroup * kGemmDepthGroup) * kGemmPanelColumns +
                      j * kGemmDepthGroup + k % kGemmDepthGroup] = w;
    }
    const std::uint32_t base =
        n < n_size && !bias.empty() ? static_cast<std::uint32_t>(bias[n]) : 0u;
    // Wrapping int32 arithmetic, as the reference's accumulation: exact modulo 2^32.
    storage.bias[n] = static_cast<std::int32_t>(
        base - static_cast<std::uint32_t>(128 + a_zero_point) * static_cast<std::uint32_t>(sum));
    storage.column_sums[n] = sum;
    const std::int64_t b_n = n < n_size && !bias.empty() ? std::int64_t{bias[n]} : 0;
    const std::int64_t abs_bias = b_n < 0 ? -b_n : b_n;
    const std::int64_t bound = abs_bias + max_abs_a * sum_abs;
    max_abs_accumulator = bound > max_abs_accumulator ? bound : max_abs_accumulator;
  }
  return PackedGemmWeights{
      storage.weights.data(), storage.bias.data(), storage.column_sums.data(), n_size, k_size,
      a_zero_point,           max_abs_accumulator};
}

}  // namespace mote
