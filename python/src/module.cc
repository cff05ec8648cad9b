// python/src/module.cc: the faultline._core extension module.
#include <pybind11/pybind11.h>

#include "faultline/version.h"
#include "ingest.h"
#include "metrics.h"
#include "model.h"
#include "signals.h"
#include "status.h"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "faultline._core: the compiled core of faultline (use the `faultline` package).";
  m.attr("__version__") = FAULTLINE_VERSION_STRING;
  faultline::python::RegisterErrors(m);
  faultline::python::RegisterModel(m);
  faultline::python::RegisterIngest(m);
  faultline::python::RegisterSignals(m);
  faultline::python::RegisterMetrics(m);
}
