// python/src/metrics.h
//
// Bindings of the metric readers (faultline/ingest/metrics.h): ModelBuilder._add_metrics(),
// read_metrics() and Snapshot._metric_rows(); python/faultline/_metrics.py wraps them.
#ifndef FAULTLINE_PYTHON_SRC_METRICS_H_
#define FAULTLINE_PYTHON_SRC_METRICS_H_

#include <pybind11/pybind11.h>

namespace faultline::python {

// RegisterMetrics(): adds the metric calls to the ModelBuilder and Snapshot classes that
// RegisterModel() created in `m`, and read_metrics() to `m`.
void RegisterMetrics(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_METRICS_H_
