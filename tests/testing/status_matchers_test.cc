// EXPECT_OK, ASSERT_OK and ASSERT_OK_AND_ASSIGN (testing/status_matchers.h): they pass on
// OK results and fail, naming the expression and printing the status, on errors.
#include "testing/status_matchers.h"

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"

namespace faultline::testing {
namespace {

absl::Status Broken() { return absl::InvalidArgumentError("line 3: bad span id"); }
absl::StatusOr<int> Missing() { return absl::NotFoundError("no such file: spans.json"); }
absl::StatusOr<int> Seven() { return 7; }

TEST(StatusMatchersTest, OkResultsPass) {
  EXPECT_OK(absl::OkStatus());
  ASSERT_OK(absl::OkStatus());
  EXPECT_OK(Seven());
  ASSERT_OK(Seven()) << "a message is allowed";
}

TEST(StatusMatchersTest, ExpectOkFailsWithTheExpressionAndTheStatusMessage) {
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Broken()),
                          "Broken() is not OK: INVALID_ARGUMENT: line 3: bad span id");
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Missing()), "NOT_FOUND: no such file: spans.json");
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Broken()) << "while reading canonical.json",
                          "while reading canonical.json");
}

TEST(StatusMatchersTest, AssertOkFailsFatallyWithTheStatusMessage) {
  EXPECT_FATAL_FAILURE(ASSERT_OK(Broken()), "INVALID_ARGUMENT: line 3: bad span id");
  EXPECT_FATAL_FAILURE(ASSERT_OK(Missing()), "Missing() is not OK: NOT_FOUND");
}

// ASSERT_OK_AND_ASSIGN returns from the function on failure: nothing after it runs.
bool g_ran_past_assign = false;
void AssignFromMissing() {
  ASSERT_OK_AND_ASSIGN(const int value, Missing());
  g_ran_past_assign = value >= 0;
}

TEST(StatusMatchersTest, AssertOkAndAssignFailsFatallyAndStops) {
  EXPECT_FATAL_FAILURE(AssignFromMissing(),
                       "Missing() is not OK: NOT_FOUND: no such file: spans.json");
  EXPECT_FALSE(g_ran_past_assign);
}

TEST(StatusMatchersTest, AssertOkAndAssignDeclaresOrAssigns) {
  ASSERT_OK_AND_ASSIGN(auto seven, Seven());
  EXPECT_EQ(seven, 7);
  int existing = 0;
  ASSERT_OK_AND_ASSIGN(existing, Seven());
  EXPECT_EQ(existing, 7);
  // Move-only values are moved out.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<int> owned,
                       absl::StatusOr<std::unique_ptr<int>>(std::make_unique<int>(3)));
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 3);
}

}  // namespace
}  // namespace faultline::testing
