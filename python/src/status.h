// python/src/status.h
//
// The one mapping from absl::Status to Python exceptions, used by every binding:
//   kInvalidArgument -> ValueError
//   kNotFound        -> KeyError
//   anything else    -> faultline.Error (a RuntimeError subclass registered by _core)
// The status message is the exception message, unchanged. The exceptions thrown here are
// plain C++ exceptions, so they may be thrown while the GIL is released; pybind11
// translates them once the GIL is held again.
#ifndef FAULTLINE_PYTHON_SRC_STATUS_H_
#define FAULTLINE_PYTHON_SRC_STATUS_H_

#include <stdexcept>
#include <string>
#include <utility>

#include <pybind11/pybind11.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace faultline::python {

// StatusError: a non-OK status that is neither kInvalidArgument nor kNotFound. Becomes
// faultline.Error in Python.
class StatusError : public std::runtime_error {
 public:
  explicit StatusError(const absl::Status& status)
      : std::runtime_error(std::string(status.message())), code_(status.code()) {}
  absl::StatusCode code() const { return code_; }

 private:
  absl::StatusCode code_;
};

// ThrowIfError()
//
// Returns when `status` is OK, else throws the exception its code maps to.
void ThrowIfError(const absl::Status& status);

// ValueOrThrow()
//
// The value of `result`, or throws as ThrowIfError() does.
template <typename T>
T ValueOrThrow(absl::StatusOr<T> result) {
  if (!result.ok()) ThrowIfError(result.status());
  return std::move(result).value();
}

// RegisterErrors()
//
// Creates faultline._core.Error and the translator for StatusError.
void RegisterErrors(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_STATUS_H_
