// python/src/status.cc: absl::Status -> Python exception mapping.
#include "status.h"

#include <string>

namespace py = pybind11;

namespace faultline::python {

void ThrowIfError(const absl::Status& status) {
  if (status.ok()) return;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      throw py::value_error(std::string(status.message()));
    case absl::StatusCode::kNotFound:
      throw py::key_error(std::string(status.message()));
    default:
      throw StatusError(status);
  }
}

void RegisterErrors(py::module_& m) {
  py::register_exception<StatusError>(m, "Error", PyExc_RuntimeError);
  m.attr("Error").attr("__doc__") =
      "Raised for failures other than bad arguments (ValueError) and missing names "
      "(KeyError): corrupt or truncated snapshots, unreadable files, conflicting "
      "definitions, unsupported format versions.";
}

}  // namespace faultline::python
