// python/src/io.cc: input sources from Python arguments.
#include "io.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {

std::string PathFromPy(const py::handle& path) {
  if (!py::isinstance<py::str>(path) && !py::hasattr(path, "__fspath__")) {
    throw py::type_error("source must be bytes, str or os.PathLike[str]");
  }
  py::object text = py::module_::import("os").attr("fspath")(path);
  if (!py::isinstance<py::str>(text)) {
    throw py::type_error("source must be bytes, str or os.PathLike[str]");
  }
  return text.cast<std::string>();
}

void RequireFile(const std::string& path) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  if (!exists && !error) throw MissingFileError(path);
}

bool IsSourceList(const py::handle& sources) {
  return py::isinstance<py::list>(sources) || py::isinstance<py::tuple>(sources);
}

InputSource SourceFromPy(const py::handle& source, const std::optional<std::string>& name) {
  if (py::isinstance<py::bytes>(source) || py::isinstance<py::bytearray>(source)) {
    std::string bytes = py::isinstance<py::bytes>(source)
                            ? source.cast<std::string>()
                            : std::string(py::reinterpret_borrow<py::bytearray>(source));
    return InputSource::FromBytes(std::move(bytes), name.value_or("<bytes>"));
  }
  std::string path = PathFromPy(source);
  RequireFile(path);
  return InputSource::FromFile(std::move(path));
}

std::size_t SourceCount(const py::handle& sources) {
  return IsSourceList(sources) ? py::len(sources) : 1;
}

std::vector<InputSource> SourcesFromPy(const py::handle& sources,
                                       const std::vector<std::optional<std::string>>& names) {
  std::vector<InputSource> inputs;
  if (!IsSourceList(sources)) {
    inputs.push_back(SourceFromPy(sources, names.empty() ? std::nullopt : names.front()));
    return inputs;
  }
  if (py::len(sources) == 0) throw py::value_error("no sources given: the list is empty");
  for (const py::handle& s : sources) {
    const std::size_t i = inputs.size();
    inputs.push_back(SourceFromPy(s, i < names.size() ? names[i] : std::nullopt));
  }
  return inputs;
}

std::vector<std::optional<std::string>> PerSource(const py::handle& value, std::size_t count,
                                                  const char* option) {
  std::vector<std::optional<std::string>> out(count);
  if (value.is_none()) return out;
  if (py::isinstance<py::str>(value)) {
    if (count != 1) {
      throw py::value_error(absl::StrCat(option, ": a single value names one source; give a "
                                                 "list with one value (or None) per source"));
    }
    out[0] = value.cast<std::string>();
    return out;
  }
  if (!IsSourceList(value) || py::len(value) != count) {
    throw py::value_error(absl::StrCat(option, ": expected a str or a list of ", count,
                                       " values (str or None), one per source"));
  }
  std::size_t i = 0;
  for (const py::handle& item : value) {
    if (!item.is_none()) {
      if (!py::isinstance<py::str>(item)) {
        throw py::type_error(absl::StrCat(option, "[", i, "]: expected str or None"));
      }
      out[i] = item.cast<std::string>();
    }
    ++i;
  }
  return out;
}

}  // namespace faultline::python
