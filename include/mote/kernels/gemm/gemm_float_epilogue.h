// A float epilogue for the int8 GEMM that is proven, at planning time, to give the exact bytes of
// the integer requantization: per column, out = clamp(floor(fma(float(x), scale, offset))),
// with `offset` chosen by the sign of x. Three float operations and a select instead of the
// 64-bit products, for the shallow GEMMs whose time the epilogue dominates.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "mote/base/status.h"
#include "mote/kernels/gemm/gemm_pack.h"
#include "mote/quant/output_stage.h"
#include "mote/quant/requantize.h"

namespace mote {

// Views of a plan made by plan_gemm_float_epilogue: one entry per column, or one for all.
struct GemmFloatEpilogue {
  std::span<const float> scale;
  std::span<const float> offset;           // x >= 0
  std::span<const float> offset_negative;  // x < 0

  constexpr bool empty() const { return scale.empty(); }
};

namespace detail {

// The float twin of one output: the operations the SIMD epilogue performs, in the same order
// (int32 -> float is exact for |x| < 2^24; fma rounds once; the conversion rounds down).
inline std::int64_t float_epilogue_output(std::int32_t x, float scale, float offset,
                                          float offset_negative) {
  const float t = std::fma(static_cast<float>(x), scale, x < 0 ? offset_negative : offset);
  return static_cast<std::int64_t>(std::floor(t));
}

struct FloatEpilogueColumn {
  float scale = 0, offset = 0, offset_negative = 0;
};

// Why the plan is exact. g(x) = MBQM(x) + zero_point is non-decreasing in x, and so is
// t(x) = floor(fma(x, s, b_sign(x))) on each sign (and across 0 when t(-1) <= t(0)). For every
// k in (lo, hi], let x_k be the least x in [-B, B] with g(x) >= k. If t(x_k) >= k and
// t(x_k - 1) <= k - 1 (t(B) <= k - 1 when there is no x_k), then clamp(t(x), lo, hi) =
// clamp(g(x), lo, hi) for every |x| <= B: between two thresholds both are constant and equal.
// So checking 2 (hi - lo) points proves all 2B + 1.
template <Rounding R>
class FloatEpiloguePlanner {
 public:
  FloatEpiloguePlanner(QuantizedMultiplier q, std::int32_t zero_point, std::int32_t lo,
                       std::int32_t hi, std::int32_t bound)
      : q_(q), zero_point_(zero_point), lo_(lo), hi_(hi), bound_(bound) {}

  // The plan of this column, or false when no (scale, offsets) near the real multiplier passes.
  bool plan(FloatEpilogueColumn& out) {
    const double real = std::ldexp(static_cast<double>(q_.multiplier), q_.shift - 31);
    find_thresholds(real);
    // The nearest float scale first, then its neighbours up to four ulps either side (the
    // constraints move with the scale).
    const float nearest = static_cast<float>(real);
    constexpr float kInf = std::numeric_limits<float>::infinity();
    float up = nearest, down = nearest;
    FloatEpilogueColumn c;
    for (int distance = 0; distance <= 4; ++distance) {
      if (distance > 0) {
        up = std::nextafter(up, kInf);
        down = std::nextafter(down, -kInf);
      }
      if (try_scale(up, c) || (distance > 0 && try_scale(down, c))) {
        out = c;
        return true;
      }
    }
    return false;
  }

 private:
  std::int64_t g(std::int32_t x) const {
    return std::int64_t{multiply_by_quantized_multiplier<R>(x, q_)} + zero_point_;
  }

  // x_k for k in (lo, hi]: the least x in [-B, B] with g(x) >= k, or B + 1 if none. Searched
  // from the real-valued estimate outwards (exact: g is evaluated, never approximated).
  void find_thresholds(double real) {
    for (std::int32_t k = lo_ + 1; k <= hi_; ++k) {
      std::int64_t x;
      if (g(bound_) < k) {
        x = std::int64_t{bound_} + 1;
      } else if (g(-bound_) >= k) {
        x = -std::int64_t{bound_};
      } else {
        // g(-B) < k <= g(B): bracket (below, above] with g(below) < k <= g(above).
        std::int64_t estimate = -bound_;
        if (real > 0) {
          const double e = std::ceil((k - zero_point_ - 0.5) / real);
          estimate = e < -bound_ ? -bound_ : (e > bound_ ? bound_ : static_cast<std::int64_t>(e));
        }
        std::int64_t below, above;
        if (g(static_cast<std::int32_t>(estimate)) >= k) {
          above = estimate;
          std::int64_t d = 1;
          below = above - d;
          while (below > -bound_ && g(static_cast<std::int32_t>(below)) >= k) {
            above = below;
            d *= 2;
            below = above - d < -bound_ ? -bound_ : above - d;
          }
        } else {
          below = estimate;
          std::int64_t d = 1;
          above = below + d;
          while (g(static_cast<std::int32_t>(above)) < k) {
            below = above;
            d *= 2;
            above = below + d > bound_ ? bound_ : below + d;
          }
        }
        while (above - below > 1) {
          const std::int64_t mid = below + (above - below) / 2;
          (g(static_cast<std::int32_t>(mid)) >= k ? above : below) = mid;
        }
        x = above;
      }
      thresholds_[k - lo_ - 1] = x;
    }
  }

  // Offsets for `scale` from the constraints in real arithmetic (the middle of each feasible
  // interval, where float rounding has the most room), then the proof with the float
  // operations themselves.
  bool try_scale(float scale, FloatEpilogueColumn& out) const {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    double low[2] = {-kInf, -kInf}, high[2] = {kInf, kInf};  // [0]: x >= 0, [1]: x < 0
    const double s = scale;
    auto at_least = [&](std::int64_t x, double k) {  // x s + b >= k
      double& l = low[x < 0 ? 1 : 0];
      l = std::fmax(l, k - static_cast<double>(x) * s);
    };
    auto below = [&](std::int64_t x, double k) {  // x s + b < k
      double& h = high[x < 0 ? 1 : 0];
      h = std::fmin(h, k - static_cast<double>(x) * s);
    };
    for (std::int32_t k = lo_ + 1; k <= hi_; ++k) {
      const std::int64_t x = thresholds_[k - lo_ - 1];
      if (x > bound_) {
        below(bound_, k);
        continue;
      }
      at_least(x, k);
      if (x > -bound_) below(x - 1, k);
    }
    float offset[2];
    for (int i = 0; i < 2; ++i) {
      if (!(low[i] < high[i])) return false;
      double b;
      if (low[i] == -kInf && high[i] == kInf) {
        b = zero_point_ + 0.5;
      } else if (low[i] == -kInf) {
        b = high[i] - 0.5;
      } else if (high[i] == kInf) {
        b = low[i] + 0.5;
      } else {
        b = 0.5 * (low[i] + high[i]);
      }
      offset[i] = static_cast<float>(b);
    }
    const FloatEpilogueColumn c{scale, offset[0], offset[1]};
    auto t = [&](std::int64_t x) {
      return float_epilogue_output(static_cast<std::int32_t>(x), c.scale, c.offset,
                                   c.offset_negative);
    };
    // The conversion must not overflow int32 (the SIMD one gives INT_MIN): t is monotone on
    // each sign, so its ends bound it.
    for (const std::int64_t x :
         {std::int64_t{-bound_}, std::int64_t{-1}, std::int64_t{0}, std::int64_t{bound_}}) {
      if (x < -bound_ || x > bound_) continue;
      const std::int64_t v = t(x);
      if (v < -(std::int64_t{1} << 30) || v > (std::int64_t{1} << 30)) return false;
    }
    if (bound_ >= 1 && t(-1) > t(0)) return false;
    for (std::int32_t k = lo_ + 1; k <= hi_; ++k) {
      const std::int64_t x = thresholds_[k - lo_ - 1];
      if (x > bound_) {
        if (t(bound_) > k - 1) return false;
        continue;
      }
      if (t(x) < k) return false;
      if (x > -bound_ && t(x - 1) > k - 1) return false;
    }
    out = c;
    return true;
  }

  QuantizedMultiplier q_;
  std::int32_t zero_point_, lo_, hi_, bound_;
  std::int64_t thresholds_[255] = {};
};

}  // namespace detail

// Plans the float epilogue of gemm() for packed weights `b` and `stage`, into `scale`,
// `offset` and `offset_negative` (one entry each for a per-tensor stage, N for per-channel).
// kOk when every column is proven exact for every accumulator the packing allows (|x| bounded by
// b.max_abs_accumulator, which must be below 2^24); kUnsupported when some column is not (then
// gemm() keeps the integer epilogue: pass no plan); kShapeMismatch or kInvalidArgument for bad
// sizes or stages. The outputs are written only on kOk. Costs about 255 exact requantizations
// per column: a model-build step, like packing.
template <Rounding R>
Status plan_gemm_float_epilogue(const PackedGemmWeights& b, const OutputStage<R>& stage,
                                std::span<float> scale, std::span<float> offset,
                                std::span<float> offset_negative) {
  if (const Status s = stage.template validate<std::int8_t>(b.n); s != Status::kOk) return s;
  const std::size_t count = stage.multipliers.size();
  if (scale.size() != count || offset.size() != count || offset_negative.size() != count) {
    return Status::kShapeMismatch;
  }
  if (b.max_abs_accumulator >= (std::int64_t{1} << 24)) return Status::kUnsupported;
  const auto bound = static_cast<std::int32_t>(b.max_abs_accumulator);
  // Two passes so that nothing is written unless every column passes (plans are deterministic).
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < count; ++i) {
      detail::FloatEpiloguePlanner<R> planner(stage.multipliers[i], stage.zero_point,
                                              stage.clamp_min, stage.clamp_max, bound);
      detail::FloatEpilogueColumn c;
      if (!planner.plan(c)) return Status::kUnsupported;
      if (pass == 1) {
        scale[i] = c.scale;
        offset[i] = c.offset;
        offset_negative[i] = c.offset_negative;
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote
