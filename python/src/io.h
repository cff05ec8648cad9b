// python/src/io.h
//
// Input sources from Python arguments (faultline/io/source.h): a path (str or
// os.PathLike), bytes, or a list of them, and the options given per source. A path that
// does not exist is refused here, before anything is read, as MissingFileError.
#ifndef FAULTLINE_PYTHON_SRC_IO_H_
#define FAULTLINE_PYTHON_SRC_IO_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "faultline/io/source.h"

namespace faultline::python {

// PathFromPy(): the str of a str or os.PathLike[str] (os.fspath); TypeError otherwise.
std::string PathFromPy(const pybind11::handle& path);

// RequireFile(): returns when `path` exists, else throws MissingFileError. A path that
// cannot be checked (permissions) is left for the reader to report.
void RequireFile(const std::string& path);

// IsSourceList(): whether `sources` is a list or tuple of sources rather than one source.
bool IsSourceList(const pybind11::handle& sources);

// SourceFromPy(): an InputSource from bytes or bytearray (named `name` in errors,
// "<bytes>" by default) or from a path, which must exist.
InputSource SourceFromPy(const pybind11::handle& source, const std::optional<std::string>& name);

// SourcesFromPy(): the sources of `sources`, one source or a non-empty list or tuple of
// them, each converted as SourceFromPy() does with names[i]. Every path is checked
// before any is read.
std::vector<InputSource> SourcesFromPy(const pybind11::handle& sources,
                                       const std::vector<std::optional<std::string>>& names);

// SourceCount(): how many sources `sources` holds (1 for a single source).
std::size_t SourceCount(const pybind11::handle& sources);

// PerSource(): an option given for `count` sources, one value per source: None gives
// None for each; a str is allowed for a single source; a list or tuple must hold one
// str or None per source. `option` names the argument in errors.
std::vector<std::optional<std::string>> PerSource(const pybind11::handle& value,
                                                  std::size_t count, const char* option);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_IO_H_
