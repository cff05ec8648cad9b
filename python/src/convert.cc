// python/src/convert.cc: the conversions every binding file shares.
#include "convert.h"

#include <string>

#include "status.h"

namespace py = pybind11;

namespace faultline::python {

py::str ToPy(std::string_view s) { return py::str(s.data(), s.size()); }

Attributes AttributesFromPy(const py::object& mapping) {
  Attributes out;
  if (mapping.is_none()) return out;
  if (!py::hasattr(mapping, "items")) {
    throw py::type_error("attributes must be a mapping of str to str");
  }
  for (py::handle item : mapping.attr("items")()) {
    auto pair = py::reinterpret_borrow<py::tuple>(item);
    if (!py::isinstance<py::str>(pair[0]) || !py::isinstance<py::str>(pair[1])) {
      throw py::type_error("attributes must be a mapping of str to str");
    }
    out.emplace_back(pair[0].cast<std::string>(), pair[1].cast<std::string>());
  }
  return out;
}

py::dict AttributesToPy(const Attributes& attributes) {
  py::dict d;
  for (const auto& [key, value] : attributes) d[ToPy(key)] = ToPy(value);
  return d;
}

EntityKind ParseEntityKindOrThrow(const std::string& name) {
  return ValueOrThrow(ParseEntityKind(name));
}

EdgeKind ParseEdgeKindOrThrow(const std::string& name) {
  return ValueOrThrow(ParseEdgeKind(name));
}

}  // namespace faultline::python
