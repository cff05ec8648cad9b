// python/src/status.cc: absl::Status -> Python exception mapping.
#include "status.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace py = pybind11;

namespace faultline::python {
namespace {

// faultline.NoSuchFileError, created once by RegisterErrors() and kept for the process.
PyObject* no_such_file_error = nullptr;

}  // namespace

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
      "Raised for failures other than bad arguments (ValueError), missing names "
      "(KeyError) and missing files (NoSuchFileError): corrupt or truncated snapshots, "
      "unreadable files, conflicting definitions, unsupported format versions.";

  py::dict namespace_;
  namespace_["__module__"] = m.attr("__name__");
  namespace_["__doc__"] =
      "Raised when an input file does not exist: a FileNotFoundError (errno ENOENT, the "
      "path in the message and as .filename) that is also a KeyError, which is what a "
      "missing file raised in earlier versions.";
  py::object type = py::module_::import("builtins").attr("type");
  py::object cls =
      type("NoSuchFileError",
           py::make_tuple(py::handle(PyExc_FileNotFoundError), py::handle(PyExc_KeyError)),
           namespace_);
  m.attr("NoSuchFileError") = cls;
  no_such_file_error = cls.release().ptr();  // lives as long as the interpreter

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const MissingFileError& e) {
      py::object error = py::reinterpret_borrow<py::object>(no_such_file_error)(
          ENOENT, std::strerror(ENOENT), e.path());
      PyErr_SetObject(no_such_file_error, error.ptr());
    }
  });
}

}  // namespace faultline::python
