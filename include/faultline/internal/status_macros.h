// faultline/internal/status_macros.h
//
// FAULTLINE_RETURN_IF_ERROR and FAULTLINE_ASSIGN_OR_RETURN: early-return helpers for
// absl::Status / absl::StatusOr<T>. Debian's abseil (20220623) does not ship the
// ABSL_RETURN_IF_ERROR family, so they are defined here, once. Not part of the public API.
#ifndef FAULTLINE_INTERNAL_STATUS_MACROS_H_
#define FAULTLINE_INTERNAL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define FAULTLINE_INTERNAL_CONCAT_IMPL(a, b) a##b
#define FAULTLINE_INTERNAL_CONCAT(a, b) FAULTLINE_INTERNAL_CONCAT_IMPL(a, b)

// FAULTLINE_RETURN_IF_ERROR(expr): evaluates `expr` (an absl::Status) and returns it from
// the enclosing function when it is not OK.
#define FAULTLINE_RETURN_IF_ERROR(expr)                 \
  do {                                                  \
    ::absl::Status faultline_status_ = (expr);          \
    if (!faultline_status_.ok()) return faultline_status_; \
  } while (false)

// FAULTLINE_ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (an absl::StatusOr<T>); returns
// its status when not OK, else assigns (moves) the value to `lhs`, which may be a
// declaration such as `auto x`.
#define FAULTLINE_ASSIGN_OR_RETURN(lhs, expr)                                          \
  FAULTLINE_INTERNAL_ASSIGN_OR_RETURN_IMPL(                                            \
      FAULTLINE_INTERNAL_CONCAT(faultline_statusor_, __LINE__), lhs, expr)

#define FAULTLINE_INTERNAL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                             \
  if (!tmp.ok()) return std::move(tmp).status();                 \
  lhs = std::move(tmp).value()

#endif  // FAULTLINE_INTERNAL_STATUS_MACROS_H_
