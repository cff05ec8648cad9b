// python/src/signals.h
//
// Bindings of the signals module (faultline/signals/*.h): trace evidence per entity, a
// window against its baseline, and the propagation semantics of each edge kind.
#ifndef FAULTLINE_PYTHON_SRC_SIGNALS_H_
#define FAULTLINE_PYTHON_SRC_SIGNALS_H_

#include <pybind11/pybind11.h>

namespace faultline::python {

// RegisterSignals(): binds trace_anomalies() and edge_propagation() into `m`.
void RegisterSignals(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_SIGNALS_H_
