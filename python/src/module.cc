// python/src/module.cc: the faultline._core extension module.
//
// One binding file per C++ module, registered bottom-up: the model first (ModelBuilder,
// Snapshot), then the input modules that add their calls to ModelBuilder.
#include <pybind11/pybind11.h>

#include "alerts_events.h"
#include "faultline/version.h"
#include "iac.h"
#include "ingest.h"
#include "logs.h"
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
  faultline::python::RegisterIac(m);
  faultline::python::RegisterSignals(m);
  faultline::python::RegisterAlertsEvents(m);
  faultline::python::RegisterLogs(m);
  faultline::python::RegisterMetrics(m);
}
