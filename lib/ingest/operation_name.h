// lib/ingest/operation_name.h
//
// Private: span names as operation names. OpenTelemetry asks for low-cardinality span
// names ("GET /users/{id}"), but real instrumentation often puts identifiers in them
// ("GET /users/123"), which would make every request its own operation.
#ifndef FAULTLINE_LIB_INGEST_OPERATION_NAME_H_
#define FAULTLINE_LIB_INGEST_OPERATION_NAME_H_

#include <string>
#include <string_view>

namespace faultline::internal {

// The operation that stands for every name of a service beyond its cap.
inline constexpr std::string_view kOtherOperation = "(other)";

// NormalizeOperationName()
//
// In a name with a path ('/'), every path segment that is an identifier becomes "{id}":
// decimal numbers, UUIDs, and hexadecimal strings of 16 or more characters with a digit.
// A query string ("?..." after the path) is dropped. Returns false, leaving *out as it
// was, when nothing changes (most names: the check is one scan for '/').
bool NormalizeOperationName(std::string_view name, std::string* out);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_OPERATION_NAME_H_
