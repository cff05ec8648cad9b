// python/src/logs.h: bindings of the log readers and the template miner
// (faultline/ingest/logs.h, faultline/ingest/log_templates.h) and the snapshot's log counts.
#ifndef FAULTLINE_PYTHON_SRC_LOGS_H_
#define FAULTLINE_PYTHON_SRC_LOGS_H_

#include <pybind11/pybind11.h>

namespace faultline::python {

// Adds ModelBuilder.add_logs, Snapshot._log_counts / _log_template_counts /
// _log_template_texts, and the module functions _read_logs and _mine_log_templates.
void RegisterLogs(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_LOGS_H_
