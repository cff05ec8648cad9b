// JsonDocumentReader: the shared reads and errors of the Terraform JSON parsers.
#include "iac/json_document.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "faultline/io/source.h"
#include "iac/attribute_flattening.h"
#include "iac/sensitive_paths.h"
#include "io/json_reader.h"

namespace faultline::internal {
namespace {

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

absl::Status JsonDocumentReader::BeginDocument(std::string_view kind) {
  if (r_.Peek() != JsonType::kObject) {
    if (r_.Peek() == JsonType::kInvalid) {
      r_.Skip();  // records the syntax error, or "a value" at the end of an empty input
      return r_.status(name_);
    }
    r_.Fail("an object");
    return absl::InvalidArgumentError(StrCat(r_.status(name_).message(), " (not a ", kind, ")"));
  }
  r_.BeginObject();
  return absl::OkStatus();
}

absl::Status JsonDocumentReader::ShapeError(const char* expected, std::string_view path) {
  r_.Fail(expected);
  const absl::Status s = r_.status(name_);
  if (s.ok() || path.empty()) return s;
  return absl::Status(s.code(), StrCat(s.message(), " (at ", path, ")"));
}

absl::Status JsonDocumentReader::ErrorAt(std::size_t offset, std::string_view path,
                                         std::string_view what) const {
  const LineColumn lc = LineColumnAt(text_, offset);
  return absl::InvalidArgumentError(
      StrCat(name_, ":", lc.line, ":", lc.column, ": ", path, ": ", what));
}

bool JsonDocumentReader::SkipNull() {
  if (r_.Peek() != JsonType::kNull) return false;
  r_.ReadNull();
  return true;
}

absl::Status JsonDocumentReader::ReadString(std::string* out, std::string_view path,
                                            std::string_view field) {
  if (SkipNull()) {
    out->clear();
    return absl::OkStatus();
  }
  std::string_view s;
  if (!r_.ReadString(&s)) return ShapeError("a string", StrCat(path, field));
  out->assign(s.data(), s.size());
  return absl::OkStatus();
}

constexpr std::size_t kUniqueScanLimit = 64;

absl::Status JsonDocumentReader::ReadStringList(std::vector<std::string>* out,
                                                std::string_view path, std::string_view field,
                                                bool unique) {
  if (SkipNull()) return absl::OkStatus();
  if (!r_.BeginArray()) return ShapeError("an array of strings", StrCat(path, field));
  std::size_t i = 0;
  while (r_.NextElement()) {
    std::string_view s;
    if (!r_.ReadString(&s)) return ShapeError("a string", StrCat(path, field, "[", i, "]"));
    // Checked linearly, so only while short; longer lists are left to the caller to dedupe.
    if (!unique || out->size() > kUniqueScanLimit ||
        std::find(out->begin(), out->end(), s) == out->end()) {
      out->emplace_back(s);
    }
    ++i;
  }
  return absl::OkStatus();
}

void JsonDocumentReader::FlattenInto(std::vector<Leaf>* leaves) {
  prefix_.clear();
  FlattenValue(r_, prefix_, leaves);
}

void JsonDocumentReader::ReadSensitiveInto(SensitivePaths* paths) {
  prefix_.clear();
  ReadSensitiveValues(r_, prefix_, paths);
}

absl::Status JsonDocumentReader::CheckFormatVersion(std::string_view format_version,
                                                    std::string_view field) const {
  const std::string_view major = format_version.substr(0, format_version.find('.'));
  if (!IsNumber(major)) {
    return absl::InvalidArgumentError(
        StrCat(name_, ": format_version is not a version number (expected 1.x)"));
  }
  if (major != "1") {
    return absl::FailedPreconditionError(
        StrCat(name_, ": ", field, " ", major, ".x is not supported (expected 1.x)"));
  }
  return absl::OkStatus();
}

}  // namespace faultline::internal
