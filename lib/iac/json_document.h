// Private: JsonDocumentReader, the base of the Terraform JSON parsers (state and plan): one
// JsonReader over a named document, with the error and location helpers and the small reads
// (strings, string lists, nulls, flattened attributes, the top-level object and the
// format_version check) that every such parser needs.
#ifndef FAULTLINE_LIB_IAC_JSON_DOCUMENT_H_
#define FAULTLINE_LIB_IAC_JSON_DOCUMENT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "iac/attribute_flattening.h"
#include "iac/sensitive_paths.h"
#include "io/json_reader.h"

namespace faultline::internal {

class JsonDocumentReader {
 protected:
  // `text` and `name` must outlive the reader.
  JsonDocumentReader(std::string_view text, std::string_view name)
      : r_(text), name_(name), text_(text) {}

  // BeginDocument(): begins the top-level object. Otherwise the syntax error, or (for a
  // value that is not an object) the shape error with " (not a KIND)" appended.
  absl::Status BeginDocument(std::string_view kind);

  // A shape error at the next value, naming the JSON path: "... (at PATH)".
  absl::Status ShapeError(const char* expected, std::string_view path);
  // An error about the value that starts at `offset`: "NAME:LINE:COL: PATH: what".
  absl::Status ErrorAt(std::size_t offset, std::string_view path, std::string_view what) const;

  // SkipNull(): consumes a null and returns true, or returns false for other values.
  bool SkipNull();
  // ReadString(): a string into `out`; null clears it. Errors name the JSON path `path`
  // followed by `field` (joined only on error: these run for every value read).
  absl::Status ReadString(std::string* out, std::string_view path, std::string_view field = {});
  // ReadStringList(): appends an array of strings to `out`; null appends nothing. With
  // `unique`, a string already in a short `out` (up to 64) is not appended again, so the
  // caller still sorts and dedupes. Errors as ReadString().
  absl::Status ReadStringList(std::vector<std::string>* out, std::string_view path,
                              std::string_view field = {}, bool unique = false);
  // FlattenInto(): FlattenValue() of the value at the reader, from the root.
  void FlattenInto(std::vector<Leaf>* leaves);
  // ReadSensitiveInto(): ReadSensitiveValues() of the value at the reader, from the root.
  void ReadSensitiveInto(SensitivePaths* paths);

  // CheckFormatVersion(): the major version of a non-empty `format_version` must be 1.
  // `field` names it in the error ("format_version", "plan format_version").
  absl::Status CheckFormatVersion(std::string_view format_version, std::string_view field) const;

  JsonReader r_;
  std::string_view name_;

 private:
  std::string_view text_;
  std::string prefix_;
};

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_JSON_DOCUMENT_H_
