// Assertion helpers for absl::Status results and error messages, shared by the C++ tests.
#ifndef FAULTLINE_TESTS_MODEL_STATUS_TESTING_H_
#define FAULTLINE_TESTS_MODEL_STATUS_TESTING_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace faultline::testing {

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// HasCode(): success when `result` failed with `code`.
template <typename R>
::testing::AssertionResult HasCode(const R& result, absl::StatusCode code) {
  const absl::Status& status = StatusOf(result);
  if (status.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << absl::StatusCodeToString(code) << ", got " << status;
}

// MessageContains(): success when the status message contains `needle`.
template <typename R>
::testing::AssertionResult MessageContains(const R& result, std::string_view needle) {
  const absl::Status& status = StatusOf(result);
  if (std::string(status.message()).find(needle) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "message of " << status << " does not contain \"" << needle << "\"";
}

// Contains(): success when `haystack` contains `needle`.
inline ::testing::AssertionResult Contains(std::string_view haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << haystack << "\" does not contain \"" << needle << "\"";
}

}  // namespace faultline::testing

#define FAULTLINE_ASSERT_OK(expr)                                 \
  do {                                                            \
    const auto& faultline_test_result_ = (expr);                  \
    ASSERT_TRUE(::faultline::testing::StatusOf(faultline_test_result_).ok()) \
        << ::faultline::testing::StatusOf(faultline_test_result_);           \
  } while (false)

#define FAULTLINE_EXPECT_OK(expr)                                 \
  do {                                                            \
    const auto& faultline_test_result_ = (expr);                  \
    EXPECT_TRUE(::faultline::testing::StatusOf(faultline_test_result_).ok()) \
        << ::faultline::testing::StatusOf(faultline_test_result_);           \
  } while (false)

#endif  // FAULTLINE_TESTS_MODEL_STATUS_TESTING_H_
