// The real constants of fixed_functions.h as 32-bit raws, each round(value * 2^fractional_bits).
// They are gemmlowp's values; tests/fixed recomputes every one from <cmath>.
#pragma once

#include <cstdint>

namespace mote::detail {

// exp(-1/8) in Q0.31: round(0.88249690258... * 2^31). Centre of the exp Taylor expansion.
inline constexpr std::int32_t exp_neg_one_eighth_q0_31 = 1895147668;

// 1/3 in Q0.31: round(2^31 / 3).
inline constexpr std::int32_t one_third_q0_31 = 715827883;

// Newton-Raphson start for 1/d, d in [1/2, 1]: x0 = 48/17 - 32/17 * d, in Q2.29.
inline constexpr std::int32_t forty_eight_seventeenths_q2_29 = 1515870810;
inline constexpr std::int32_t neg_thirty_two_seventeenths_q2_29 = -1010580540;

// exp(-2^e) in Q0.31 for e = exp_neg_pot_first_exponent + i: the barrel shifter of
// exp_on_negative_values, one factor per set bit of the whole multiple of 1/4.
inline constexpr int exp_neg_pot_first_exponent = -2;
inline constexpr std::int32_t exp_neg_pot_q0_31[7] = {
    1672461947,  // exp(-1/4)
    1302514674,  // exp(-1/2)
    790015084,   // exp(-1)
    290630308,   // exp(-2)
    39332535,    // exp(-4)
    720401,      // exp(-8)
    242,         // exp(-16)
};

}  // namespace mote::detail
