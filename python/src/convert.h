// python/src/convert.h
//
// The conversions every binding file shares: strings, attribute maps, count maps and kind
// names between C++ and Python. Each binding file converts its own module's types (its
// reports, its options) next to the bindings that use them.
#ifndef FAULTLINE_PYTHON_SRC_CONVERT_H_
#define FAULTLINE_PYTHON_SRC_CONVERT_H_

#include <string>
#include <string_view>

#include <pybind11/pybind11.h>

#include "faultline/model/edge.h"
#include "faultline/model/entity.h"

namespace faultline::python {

// ToPy(): a Python str holding `s` (UTF-8).
pybind11::str ToPy(std::string_view s);

// AttributesFromPy(): Attributes from any mapping of str to str, insertion order kept;
// None gives none. TypeError for anything else.
Attributes AttributesFromPy(const pybind11::object& mapping);

// AttributesToPy(): a dict of str to str, in the attributes' order.
pybind11::dict AttributesToPy(const Attributes& attributes);

// CountsToPy(): a dict from a map of names to counts (reason -> spans, rule -> links).
template <typename Map>
pybind11::dict CountsToPy(const Map& counts) {
  pybind11::dict out;
  for (const auto& [name, count] : counts) out[ToPy(name)] = count;
  return out;
}

// ParseEntityKindOrThrow() / ParseEdgeKindOrThrow(): the kind named `name`, or ValueError
// listing the accepted names.
EntityKind ParseEntityKindOrThrow(const std::string& name);
EdgeKind ParseEdgeKindOrThrow(const std::string& name);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_CONVERT_H_
