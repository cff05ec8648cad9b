// ReadLinkMapping(): explicit trace-to-infrastructure links from a JSON file.
#include <string>
#include <vector>

#include "faultline/iac/linker.h"
#include "faultline/internal/str_cat.h"
#include "io/json_reader.h"

namespace faultline {

absl::StatusOr<std::vector<MappingLink>> ReadLinkMapping(const InputSource& source) {
  using internal::StrCat;
  std::string storage;
  auto text = source.View(&storage);
  if (!text.ok()) return text.status();
  internal::JsonReader r;
  r.Reset(*text);
  const auto failed = [&](const std::string& where) {
    const absl::Status s = r.status(source.name());
    return absl::Status(s.code(), StrCat(s.message(), " (at ", where, ")"));
  };
  // The array, at the top level or under "links".
  std::string where = "the top level";
  bool in_object = false;
  if (r.BeginObject()) {
    in_object = true;
    std::string_view key;
    bool found = false;
    while (!found && r.NextKey(&key)) {
      if (key == "links") {
        found = true;
      } else {
        r.Skip();
      }
    }
    if (!r.ok()) return failed(where);
    if (!found) {
      return absl::InvalidArgumentError(
          StrCat(source.name(), ": a link mapping needs a \"links\" array"));
    }
    where = "links";
  }
  if (!r.BeginArray()) {
    r.Fail("an array of links");
    return failed(where);
  }
  std::vector<MappingLink> links;
  for (std::size_t i = 0; r.NextElement(); ++i) {
    const std::string entry = StrCat(where == "links" ? "links" : "", "[", i, "]");
    if (!r.BeginObject()) {
      r.Fail("an object with \"from\" and \"to\"");
      return failed(entry);
    }
    MappingLink link;
    std::string_view key;
    while (r.NextKey(&key)) {
      std::string* field = key == "from"     ? &link.from
                           : key == "to"     ? &link.to
                           : key == "kind"   ? &link.kind
                           : key == "detail" ? &link.detail
                                             : nullptr;
      if (field == nullptr) {
        r.Fail("one of the keys \"from\", \"to\", \"kind\", \"detail\"");
        return failed(StrCat(entry, ".", key));
      }
      const std::string name(key);
      std::string_view value;
      if (!r.ReadString(&value)) {
        r.Fail("a string");
        return failed(StrCat(entry, ".", name));
      }
      field->assign(value.data(), value.size());
    }
    if (!r.ok()) return failed(entry);
    if (link.from.empty() || link.to.empty()) {
      return absl::InvalidArgumentError(
          StrCat(source.name(), ": ", entry, ": a link needs non-empty \"from\" and \"to\""));
    }
    links.push_back(std::move(link));
  }
  if (in_object) {
    std::string_view key;
    while (r.NextKey(&key)) r.Skip();
  }
  if (!r.ok() || !r.ExpectEnd()) return failed(where);
  return links;
}

}  // namespace faultline
