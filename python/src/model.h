// python/src/model.h
//
// Bindings of the model module (faultline/model/*.h): ModelBuilder and Snapshot.
#ifndef FAULTLINE_PYTHON_SRC_MODEL_H_
#define FAULTLINE_PYTHON_SRC_MODEL_H_

#include <pybind11/pybind11.h>

namespace faultline::python {

// RegisterModel(): binds ModelBuilder, Snapshot and the kind name lists into `m`. The
// input calls of ModelBuilder are added by RegisterIngest() and RegisterIac().
void RegisterModel(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_MODEL_H_
