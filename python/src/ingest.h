// python/src/ingest.h
//
// Bindings of the ingest module (faultline/ingest/*.h): ModelBuilder.add_traces() and
// ModelBuilder.add_topology().
#ifndef FAULTLINE_PYTHON_SRC_INGEST_H_
#define FAULTLINE_PYTHON_SRC_INGEST_H_

#include <pybind11/pybind11.h>

namespace faultline::python {

// RegisterIngest(): adds the trace and topology input calls to the ModelBuilder class
// that RegisterModel() created in `m`.
void RegisterIngest(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_INGEST_H_
