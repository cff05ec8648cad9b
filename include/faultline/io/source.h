// faultline/io/source.h
//
// InputSource: where an ingester reads from (a file or bytes in memory) and the name that
// its error messages use.
#ifndef FAULTLINE_INGEST_SOURCE_H_
#define FAULTLINE_INGEST_SOURCE_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace faultline {

// InputSource
//
// A file path or an in-memory buffer. name() is what errors call it: the path, or the
// name given to FromBytes().
class InputSource {
 public:
  // FromFile(): reads `path` when the ingester runs.
  static InputSource FromFile(std::string path) {
    InputSource s;
    s.path_ = std::move(path);
    s.name_ = s.path_;
    return s;
  }
  // FromBytes(): uses `bytes` (copied), named `name` in errors.
  static InputSource FromBytes(std::string bytes, std::string name = "<bytes>") {
    InputSource s;
    s.bytes_ = std::move(bytes);
    s.name_ = std::move(name);
    s.in_memory_ = true;
    return s;
  }

  const std::string& name() const { return name_; }
  bool in_memory() const { return in_memory_; }
  const std::string& path() const { return path_; }

  // ReadAll()
  //
  // The whole content. Returns kNotFound for a missing file and kPermissionDenied /
  // kUnavailable for one that cannot be read, naming the path.
  absl::StatusOr<std::string> ReadAll() const;

  // View()
  //
  // The whole content without copying in-memory bytes: a view of them, or of the file read
  // into `*storage`. Valid while both this source and `*storage` live. Errors as ReadAll().
  absl::StatusOr<std::string_view> View(std::string* storage) const;

 private:
  InputSource() = default;
  std::string path_;
  std::string name_;
  std::string bytes_;
  bool in_memory_ = false;
};

// ReadFileToString()
//
// The content of `path`, or kNotFound / kPermissionDenied / kDataLoss naming the path.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// LineColumn: a 1-based line and column in a text.
struct LineColumn {
  std::size_t line;
  std::size_t column;
};

// LineColumnAt()
//
// The line and column of byte `offset` in `text` (offset clamped to text.size()). O(offset).
LineColumn LineColumnAt(std::string_view text, std::size_t offset);

}  // namespace faultline

#endif  // FAULTLINE_INGEST_SOURCE_H_
