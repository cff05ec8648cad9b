// python/src/iac.h
//
// Bindings of the iac module (faultline/iac/*.h): the Terraform/OpenTofu and link input
// calls of ModelBuilder, and read_link_mapping().
#ifndef FAULTLINE_PYTHON_SRC_IAC_H_
#define FAULTLINE_PYTHON_SRC_IAC_H_

#include <pybind11/pybind11.h>

namespace faultline::python {

// RegisterIac(): binds read_link_mapping() and adds add_terraform_state(),
// add_terraform_plan(), link_infrastructure() and add_links() to the ModelBuilder class
// that RegisterModel() created in `m`.
void RegisterIac(pybind11::module_& m);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_IAC_H_
