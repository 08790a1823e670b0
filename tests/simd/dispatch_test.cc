// Dispatch: every compiled and supported target can be forced, reports itself, and the
// targets named by MOTE_EXPECT_TARGETS (CI, emulated CPUs) are exactly the ones available.
#include "mote/simd/dispatch.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include "support/targets.h"

namespace mote {
namespace {

class DispatchTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(DispatchTest);

TEST_P(DispatchTest, ForcedTargetRuns) {
  EXPECT_EQ(simd_target(), GetParam());
  std::printf("target %s\n", simd_target_name());
}

// CI sets MOTE_EXPECT_TARGETS="SVE2 SVE NEON SCALAR" (say) under an emulated CPU, so that a
// wrong emulator setting cannot pass by running fewer targets than intended.
TEST(Dispatch, ExpectedTargetsAreAvailable) {
  const char* expected_env = std::getenv("MOTE_EXPECT_TARGETS");
  if (expected_env == nullptr) GTEST_SKIP() << "MOTE_EXPECT_TARGETS not set";
  std::set<std::string> expected, available;
  std::istringstream in(expected_env);
  for (std::string name; in >> name;) expected.insert(name);
  for (std::int64_t t : test::targets_to_test()) {
    available.insert(test::target_param_name(testing::TestParamInfo<std::int64_t>(t, 0)));
  }
  EXPECT_EQ(expected, available);
}

}  // namespace
}  // namespace mote
