// python/src/model.h
//
// Bindings of the model module (faultline/model/*.h): ModelBuilder and Snapshot, and the
// helpers the other binding files share (kind parsing, entity and subgraph resolution).
#ifndef FAULTLINE_PYTHON_SRC_MODEL_H_
#define FAULTLINE_PYTHON_SRC_MODEL_H_

#include <string>

#include <pybind11/pybind11.h>

#include "faultline/model/edge.h"
#include "faultline/model/entity.h"

namespace faultline::python {

// ParseEntityKindOrThrow() / ParseEdgeKindOrThrow(): the kind named `name`, or ValueError
// listing the accepted names.
EntityKind ParseEntityKindOrThrow(const std::string& name);
EdgeKind ParseEdgeKindOrThrow(const std::string& name);

// RegisterModel(): binds ModelBuilder, Snapshot and the kind name lists into `m`.
void RegisterModel(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_MODEL_H_
