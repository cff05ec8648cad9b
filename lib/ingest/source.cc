// InputSource and file reading.
#include "faultline/ingest/source.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"

namespace faultline {

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string why = std::strerror(err);
    if (err == ENOENT || err == ENOTDIR) {
      return absl::NotFoundError(internal::StrCat(path, ": no such file"));
    }
    if (err == EACCES || err == EPERM) {
      return absl::PermissionDeniedError(internal::StrCat(path, ": cannot read: ", why));
    }
    return absl::UnavailableError(internal::StrCat(path, ": cannot read: ", why));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(internal::StrCat(path, ": read failed: ", std::strerror(errno)));
  }
  return std::move(buffer).str();
}

absl::StatusOr<std::string> InputSource::ReadAll() const {
  if (in_memory_) return bytes_;
  return ReadFileToString(path_);
}

LineColumn LineColumnAt(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  LineColumn lc{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

}  // namespace faultline
