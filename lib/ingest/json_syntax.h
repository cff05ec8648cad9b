// Private: a JSON syntax check that reports where a document stops being JSON.
#ifndef FAULTLINE_LIB_INGEST_JSON_SYNTAX_H_
#define FAULTLINE_LIB_INGEST_JSON_SYNTAX_H_

#include <string_view>

#include "absl/status/status.h"

namespace faultline::internal {

// CheckJsonSyntax()
//
// OK when `text` is one well-formed JSON value (RFC 8259) surrounded by whitespace.
// Otherwise kInvalidArgument: "NAME:LINE:COLUMN: expected X, found Y". Nesting deeper than
// 512 levels is rejected rather than recursed into. O(|text|).
absl::Status CheckJsonSyntax(std::string_view text, std::string_view name);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_JSON_SYNTAX_H_
