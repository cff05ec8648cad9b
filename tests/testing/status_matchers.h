// tests/testing/status_matchers.h
//
// GoogleTest assertions for absl::Status and absl::StatusOr<T> results, shared by the C++
// tests. Built on gtest's predicate-formatter machinery (gmock is not a dependency), so a
// failure prints the expression and the status, code and message:
//
//   EXPECT_OK(expr)                 nonfatal failure unless `expr` is OK
//   ASSERT_OK(expr)                 fatal failure (the test function returns) unless OK
//   ASSERT_OK_AND_ASSIGN(lhs, expr) ASSERT_OK on the StatusOr `expr`, then moves its value
//                                   into `lhs` (an lvalue or a declaration: `auto x`)
//
// `expr` is an absl::Status or an absl::StatusOr<T>, evaluated once. EXPECT_OK and
// ASSERT_OK take a message like any gtest assertion: `EXPECT_OK(s) << "reading " << path`.
// ASSERT_OK_AND_ASSIGN expands to several statements (a declaration among them): use it as
// a statement of its own, not as the body of an unbraced `if`.
//
// Also predicates for EXPECT_TRUE/ASSERT_TRUE: HasCode(), MessageContains(), Contains().
#ifndef FAULTLINE_TESTS_TESTING_STATUS_MATCHERS_H_
#define FAULTLINE_TESTS_TESTING_STATUS_MATCHERS_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace faultline::testing {

// StatusOf(): the status of a Status (itself) or of a StatusOr.
inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// IsOk(): the predicate-formatter of EXPECT_OK and ASSERT_OK: success when `result` is OK,
// else a failure reading "<expr> is not OK: <status>".
template <typename R>
::testing::AssertionResult IsOk(const char* expr, const R& result) {
  const absl::Status& status = StatusOf(result);
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expr << " is not OK: " << status;
}

// IsOkNamed: IsOk() reporting the expression `expr` whatever the argument's own text (for
// ASSERT_OK_AND_ASSIGN, which asserts on a temporary).
struct IsOkNamed {
  const char* expr;
  template <typename R>
  ::testing::AssertionResult operator()(const char* /*argument*/, const R& result) const {
    return IsOk(expr, result);
  }
};

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

#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::faultline::testing::IsOk, expr)
#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::faultline::testing::IsOk, expr)

#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                                  \
  FAULTLINE_TESTING_ASSERT_OK_AND_ASSIGN_IMPL(                                           \
      FAULTLINE_TESTING_CONCAT(faultline_testing_statusor_, __LINE__), lhs, expr, #expr)

#define FAULTLINE_TESTING_CONCAT_IMPL(a, b) a##b
#define FAULTLINE_TESTING_CONCAT(a, b) FAULTLINE_TESTING_CONCAT_IMPL(a, b)
#define FAULTLINE_TESTING_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr, text)  \
  auto tmp = (expr);                                                       \
  ASSERT_PRED_FORMAT1((::faultline::testing::IsOkNamed{text}), tmp);       \
  lhs = std::move(tmp).value()

#endif  // FAULTLINE_TESTS_TESTING_STATUS_MATCHERS_H_
