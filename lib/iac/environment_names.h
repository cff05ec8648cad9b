// Private: the one value of a workload's environment kept in the model, its OpenTelemetry
// service name, which links the workload to the service its telemetry names.
#ifndef FAULTLINE_LIB_IAC_ENVIRONMENT_NAMES_H_
#define FAULTLINE_LIB_IAC_ENVIRONMENT_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

#include "iac/attribute_flattening.h"
#include "iac/sensitive_paths.h"

namespace faultline::internal {

// The attribute that carries a workload's OpenTelemetry service name, found in its
// environment by ServiceNameFromEnvironment().
inline constexpr std::string_view kOtelServiceNameAttribute = "otel.service.name";

// ServiceNameFromEnvironment()
//
// The service name a workload's telemetry will carry, from its environment in the leaves
// of one resource: the variable OTEL_SERVICE_NAME, else `service.name` in
// OTEL_RESOURCE_ATTRIBUTES, as a map entry (Lambda's environment.0.variables.NAME), a
// name/value pair (Kubernetes' container.N.env.M.name / .value) or inside an ECS
// `container_definitions` JSON document. "" when there is none. Environment blocks are
// otherwise dropped whole (they hold credentials), so this is the one value kept; never
// one covered by `sensitive`, longer than 255 bytes or that looks secret
// (ValueLooksSecret()).
std::string ServiceNameFromEnvironment(const std::vector<Leaf>& leaves,
                                       const SensitivePaths& sensitive);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_ENVIRONMENT_NAMES_H_
