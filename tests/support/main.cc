// main() of every test executable: GoogleTest, plus a report of the SIMD targets that ran.
#include <gtest/gtest.h>

#include "support/targets.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  testing::UnitTest::GetInstance()->listeners().Append(new mote::test::PrintTargetsThatRan);
  return RUN_ALL_TESTS();
}
