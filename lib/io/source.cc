// InputSource and file reading.
#include "faultline/io/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"

namespace faultline {

namespace {

absl::Status OpenError(const std::string& path, int err) {
  const std::string why = std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) {
    return absl::NotFoundError(internal::StrCat(path, ": no such file"));
  }
  if (err == EACCES || err == EPERM) {
    return absl::PermissionDeniedError(internal::StrCat(path, ": cannot read: ", why));
  }
  return absl::UnavailableError(internal::StrCat(path, ": cannot read: ", why));
}

}  // namespace

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OpenError(path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    const int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    return OpenError(path, err);
  }
  std::string out;
  // Regular files are read in one go at their size; pipes and the like grow as they read.
  out.resize(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0);
  std::size_t filled = 0;
  while (true) {
    if (filled == out.size()) out.resize(std::max<std::size_t>(out.size() * 2, 1 << 16));
    const ssize_t n = ::read(fd, out.data() + filled, out.size() - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return absl::DataLossError(internal::StrCat(path, ": read failed at byte ", filled, ": ",
                                                  std::strerror(err)));
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(filled);
  return out;
}

absl::StatusOr<std::string> InputSource::ReadAll() const {
  if (in_memory_) return bytes_;
  return ReadFileToString(path_);
}

absl::StatusOr<std::string_view> InputSource::View(std::string* storage) const {
  if (in_memory_) return std::string_view(bytes_);
  auto bytes = ReadFileToString(path_);
  if (!bytes.ok()) return bytes.status();
  *storage = *std::move(bytes);
  return std::string_view(*storage);
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
