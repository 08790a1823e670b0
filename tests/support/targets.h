// Runs a test once per SIMD target compiled into the binary and supported by the CPU, forcing
// dispatch to that target, and records which targets actually ran.
//
//   class GemmTest : public mote::test::PerTarget {};
//   MOTE_INSTANTIATE_PER_TARGET(GemmTest);
//   TEST_P(GemmTest, MatchesReference) { ... }
//
// In static or scalar-only builds there is one instance, the build's own target.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "mote/simd/dispatch.h"

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
#include <hwy/targets.h>
#endif

namespace mote::test {

// Every target a test instance ran on, as reported by dispatch (not as requested).
inline std::set<std::string>& targets_that_ran() {
  static std::set<std::string> names;
  return names;
}

inline std::vector<std::int64_t> targets_to_test() {
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
  return hwy::SupportedAndGeneratedTargets();
#else
  return {simd_target()};
#endif
}

inline std::string target_param_name(const testing::TestParamInfo<std::int64_t>& info) {
#if MOTE_SIMD
  return hwy::TargetName(info.param);
#else
  (void)info;
  return "scalar";
#endif
}

class PerTarget : public testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override {
    force_simd_target(GetParam());
#if MOTE_SIMD
    // The forced target must be the one that runs: a test that passes on another target is a
    // defect, not a pass.
    ASSERT_EQ(simd_target(), GetParam()) << "dispatch did not pick " << simd_target_name();
#endif
    targets_that_ran().insert(simd_target_name());
  }
  void TearDown() override {
    force_simd_target(0);
  }
};

// Prints the targets that ran when the test program ends (gtest listener).
class PrintTargetsThatRan : public testing::EmptyTestEventListener {
  void OnTestProgramEnd(const testing::UnitTest&) override {
    if (targets_that_ran().empty()) return;
    std::printf("mote: SIMD targets that ran:");
    for (const std::string& name : targets_that_ran()) std::printf(" %s", name.c_str());
    std::printf("\n");
  }
};

}  // namespace mote::test

#define MOTE_INSTANTIATE_PER_TARGET(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(Targets, suite, testing::ValuesIn(mote::test::targets_to_test()), \
                           mote::test::target_param_name)
