// exp, tanh and round-half-away-from-zero as constant expressions, for lookup tables built at
// compile time (<cmath> is not constexpr in C++20).
#pragma once

#include <cstdint>
#include <limits>

namespace mote::detail {

// round(x), half away from zero, like std::round on float.
constexpr float constexpr_round(float x) {
  if (!(x > -8388608.0f && x < 8388608.0f)) return x;  // |x| >= 2^23 (or NaN): already whole
  const auto t = static_cast<float>(static_cast<std::int32_t>(x));  // truncation
  const float frac = x - t;                                         // exact for |x| < 2^23
  if (frac >= 0.5f) return t + 1.0f;
  if (frac <= -0.5f) return t - 1.0f;
  return t;
}

// e^x in double with a relative error of a few 1e-16: x = k ln2 + r with |r| <= ln2 / 2 (ln2 split
// in a high part exact in 32 bits and a low part), a degree-20 Taylor polynomial for e^r, then
// 2^k by repeated doubling. Saturates to 0 below -745 and to infinity above 710.
constexpr double constexpr_exp(double x) {
  if (x != x) return x;
  if (x < -745.0) return 0.0;
  if (x > 710.0) return std::numeric_limits<double>::infinity();
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double inv_ln2 = 1.44269504088896338700e+00;
  const double kf = x * inv_ln2;
  const auto k = static_cast<std::int32_t>(kf < 0 ? kf - 0.5 : kf + 0.5);
  const double r = (x - k * ln2_hi) - k * ln2_lo;
  double term = 1.0;
  double sum = 1.0;
  for (int n = 1; n <= 20; ++n) {
    term = term * r / n;
    sum += term;
  }
  if (k > 0) {
    for (std::int32_t i = 0; i < k; ++i) sum *= 2.0;
  } else {
    for (std::int32_t i = 0; i < -k; ++i) sum *= 0.5;
  }
  return sum;
}

// tanh(x) in double: odd series near 0, (1 - e^-2|x|) / (1 + e^-2|x|) elsewhere.
constexpr double constexpr_tanh(double x) {
  const double a = x < 0 ? -x : x;
  double t;
  if (a < 0x1p-10) {
    const double a2 = a * a;
    t = a * (1.0 - a2 * (1.0 / 3.0 - a2 * (2.0 / 15.0)));
  } else if (a > 22.0) {
    t = 1.0;
  } else {
    const double e = constexpr_exp(-2.0 * a);
    t = (1.0 - e) / (1.0 + e);
  }
  return x < 0 ? -t : t;
}

}  // namespace mote::detail
