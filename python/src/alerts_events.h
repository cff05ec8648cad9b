// python/src/alerts_events.h
//
// Bindings of the alert and change-event readers (faultline/ingest/alerts.h, events.h):
// ModelBuilder._add_alerts() / _add_events(), _read_alerts() / _read_events(), and the
// snapshot's Snapshot._alert_columns() / _event_columns(); the friendly API over them is
// python/faultline/_alerts_events.py.
#ifndef FAULTLINE_PYTHON_SRC_ALERTS_EVENTS_H_
#define FAULTLINE_PYTHON_SRC_ALERTS_EVENTS_H_

#include <pybind11/pybind11.h>

namespace faultline::python {

// RegisterAlertsEvents(): adds the methods to the ModelBuilder and Snapshot classes that
// RegisterModel() created in `m`, and the module functions.
void RegisterAlertsEvents(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_ALERTS_EVENTS_H_
