// ServiceNameFromEnvironment(): OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES' service.name
// in a workload's environment, as Lambda, Kubernetes and ECS resources hold it.
#include "iac/environment_names.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "iac/secret_filter.h"
#include "io/json_reader.h"

namespace faultline::internal {

namespace {

constexpr std::string_view kServiceNameVariable = "OTEL_SERVICE_NAME";
constexpr std::string_view kResourceAttributesVariable = "OTEL_RESOURCE_ATTRIBUTES";

// service.name in an OTEL_RESOURCE_ATTRIBUTES value ("k=v,k=v"), or "".
std::string_view ServiceNameInResourceAttributes(std::string_view value) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view pair = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (StartsWith(pair, "service.name=")) return pair.substr(13);
  }
  return {};
}

// The two variables, wherever they were found.
struct EnvironmentNames {
  std::string service_name;         // OTEL_SERVICE_NAME
  std::string resource_attributes;  // OTEL_RESOURCE_ATTRIBUTES
  void Offer(std::string_view name, std::string_view value) {
    if (name == kServiceNameVariable && service_name.empty()) service_name = value;
    if (name == kResourceAttributesVariable && resource_attributes.empty()) {
      resource_attributes = value;
    }
  }
  std::string Result() const {
    if (!service_name.empty()) return service_name;
    return std::string(ServiceNameInResourceAttributes(resource_attributes));
  }
};

// ECS container_definitions: [{"environment": [{"name": ..., "value": ...}], ...}, ...].
void ScanContainerDefinitions(std::string_view json, EnvironmentNames* names) {
  JsonReader r;
  r.Reset(json);
  if (!r.BeginArray()) return;
  while (r.NextElement()) {
    if (!r.BeginObject()) {
      r.Skip();
      continue;
    }
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key != "environment" || !r.BeginArray()) {
        r.Skip();
        continue;
      }
      while (r.NextElement()) {
        if (!r.BeginObject()) {
          r.Skip();
          continue;
        }
        std::string name, value;
        std::string_view k, v;
        while (r.NextKey(&k)) {
          const bool is_name = k == "name", is_value = k == "value";
          if ((is_name || is_value) && r.ReadString(&v)) {
            (is_name ? name : value).assign(v.data(), v.size());
          } else {
            r.Skip();
          }
        }
        names->Offer(name, value);
      }
    }
  }
}

}  // namespace

std::string ServiceNameFromEnvironment(const std::vector<Leaf>& leaves,
                                       const SensitivePaths& sensitive) {
  EnvironmentNames names;
  for (const Leaf& leaf : leaves) {
    const std::string_view key = leaf.key;
    if (sensitive.Covers(leaf.key)) continue;
    const std::size_t dot = key.rfind('.');
    const std::string_view last = dot == std::string_view::npos ? key : key.substr(dot + 1);
    if (last == kServiceNameVariable || last == kResourceAttributesVariable) {
      names.Offer(last, leaf.value);  // a map of variables
    } else if (last == "name" && (leaf.value == kServiceNameVariable ||
                                  leaf.value == kResourceAttributesVariable)) {
      // A name/value pair: the value is the sibling leaf.
      const std::string value_key = StrCat(key.substr(0, dot), ".value");
      for (const Leaf& other : leaves) {
        if (other.key == value_key && !sensitive.Covers(other.key)) {
          names.Offer(leaf.value, other.value);
        }
      }
    } else if (key == "container_definitions") {
      ScanContainerDefinitions(leaf.value, &names);
    }
  }
  std::string result = names.Result();
  // A name, not a credential: anything that does not look like one is dropped.
  if (result.size() > 255 || ValueLooksSecret(result)) return {};
  return result;
}

}  // namespace faultline::internal
