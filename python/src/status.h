// python/src/status.h
//
// The one mapping from absl::Status to Python exceptions, used by every binding:
//   kInvalidArgument -> ValueError
//   kNotFound        -> KeyError
//   anything else    -> faultline.Error (a RuntimeError subclass registered by _core)
// The status message is the exception message, unchanged. A missing input file is found
// before any reading starts (io.h) and raised as MissingFileError: faultline.NoSuchFileError,
// a FileNotFoundError (errno ENOENT, the path as its filename) that is also a KeyError, what
// a missing file raised before. The exceptions thrown here are plain C++ exceptions, so they
// may be thrown while the GIL is released; pybind11 translates them once the GIL is held
// again.
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

// MissingFileError: an input file that does not exist. Becomes faultline.NoSuchFileError.
class MissingFileError : public std::runtime_error {
 public:
  explicit MissingFileError(std::string path)
      : std::runtime_error(path + ": no such file"), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
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
// Creates faultline._core.Error and faultline._core.NoSuchFileError and the translators
// for StatusError and MissingFileError.
void RegisterErrors(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_STATUS_H_
