// The attribute filter shared by the Terraform readers: flattening, sensitive paths, the
// keep-list of identity and placement attributes and the secret names.
#include "iac/attribute_filter.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "faultline/iac/terraform_state.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"

namespace faultline {
namespace internal {
namespace {

// --- attribute names ---------------------------------------------------------------------

// Lower-cased, with every byte that is not a letter or digit turned into '_', so that
// "DB-Password", "db.password" and "dbPassword" read alike ("db_password", "dbpassword").
std::string Normalize(std::string_view s) {
  std::string out(s.size(), '_');
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = absl::ascii_tolower(static_cast<unsigned char>(s[i]));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out[i] = c;
  }
  return out;
}

// Substrings of a normalized name that mark it as secret.
constexpr std::string_view kSecretParts[] = {
    "password",      "passwd",         "passphrase",      "secret",
    "token",         "private_key",    "privatekey",      "access_key",
    "accesskey",     "api_key",        "apikey",          "key_material",
    "keymaterial",   "connection_str", "connectionstr",   "credential",
    "kubeconfig",    "kube_config",    "kube_admin_conf", "client_key",
    "clientkey",     "key_pem",        "pfx",             "pkcs12",
    "p12",           "primary_key",    "secondary_key",   "shared_key",
    "account_key",   "master_key",     "signing_key",     "auth_string",
    "auth_key",      "authkey",        "sas_url",         "sas_",
    "cookie",        "bearer",         "jwt",             "hmac",
    "private_pem",   "license_key",    "encryption_key",  "ssh_key",
    "otp_",          "recovery_code",  "keytab",          "htpasswd",
    "sasl",
};

// Names ending in "_key" that are identifiers, not key material.
constexpr std::string_view kNonSecretKeySuffixed[] = {
    "kms_key", "hash_key", "range_key", "sort_key", "partition_key", "public_key",
};

// Segments that hold user-defined maps or opaque documents (environment variables,
// ConfigMap/Secret data, outputs of other states, policies, scripts): nothing under them is
// kept, whatever its name.
constexpr std::string_view kOpaqueContainers[] = {
    "environment", "variables",   "env",       "env_from",   "data",        "binary_data",
    "string_data", "outputs",     "defaults",  "user_data",  "user_data_base64",
    "triggers",    "annotations", "parameters", "manifest",  "object",      "body",
    "content",     "values",      "input",     "result",     "policy",      "container_definitions",
    "app_settings", "settings",   "custom_data", "args",     "command",     "connection_info",
    "headers",     "query",       "secure_settings", "protected_settings", "template_body",
};

// Leaves (the last non-numeric segment) kept at any depth: identity and placement.
constexpr std::string_view kKeptLeaves[] = {
    "id",                "arn",                "name",               "address",
    "endpoint",          "endpoints",          "hostname",           "host",
    "fqdn",              "dns_name",           "port",               "ports",
    "availability_zone", "availability_zones", "region",             "location",
    "zone",              "zones",              "subnet_ids",         "security_groups",
    "vpc_security_group_ids", "security_group_ids", "engine",        "engine_version",
    "instance_class",    "instance_type",      "node_type",          "machine_type",
    "multi_az",          "function_name",      "queue_url",          "bucket",
    "image",             "replicas",           "desired_count",      "node_count",
    "namespace",         "cluster",            "private_ip",         "public_ip",
    "private_dns",       "public_dns",         "ip_address",         "cidr_block",
    "target_port",       "container_port",     "node_port",          "self_link",
    "project",           "network",            "subnetwork",
};

// Suffixes of kept leaves: ids, ARNs, names, addresses, endpoints, ports, zones.
constexpr std::string_view kKeptSuffixes[] = {
    "_id",        "_ids",     "_arn",      "_arns",     "_name",      "_names",
    "_endpoint",  "_endpoints", "_hostname", "_dns_name", "_dns",     "_port",
    "_zone",      "_zones",   "_region",   "_address",  "_addresses", "_ip",
    "_ips",       "_fqdn",    "_queue_url", "_identifier", "_location",
};

// Families of user-chosen keys kept in full (the key names them; values are labels).
constexpr std::string_view kKeptFamilies[] = {
    "tags.", "tags_all.", "labels.", "metadata.0.labels.", "user_labels.",
    "resource_labels.", "default_tags.0.tags.",
};

// terraform_remote_state: which backend and where, never the outputs.
constexpr std::string_view kKeptExact[] = {
    "backend",           "workspace",         "config.bucket",     "config.key",
    "config.region",     "config.prefix",     "config.path",       "config.organization",
    "config.workspaces.name", "config.workspaces.0.name", "config.hostname",
    "config.container_name", "config.storage_account_name", "config.resource_group_name",
};

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

template <typename F>
void ForEachSegment(std::string_view key, F&& f) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    if (dot == std::string_view::npos) {
      f(key.substr(start));
      return;
    }
    f(key.substr(start, dot - start));
    start = dot + 1;
  }
}

bool SegmentLooksSecret(std::string_view segment) {
  const std::string n = Normalize(segment);
  for (std::string_view part : kSecretParts) {
    if (StrContains(n, part)) return true;
  }
  // "xyz_key" and "xyzkey" are key material unless they name an identifier.
  if (n.size() > 3 && EndsWith(n, "key")) {
    for (std::string_view ok : kNonSecretKeySuffixed) {
      if (EndsWith(n, ok)) return false;
    }
    return true;
  }
  return false;
}

// Flattener: flattens one attributes object into leaves, unwrapping dynamic values
// ({"value": ..., "type": <cty type>}) in place.
class Flattener {
 public:
  explicit Flattener(std::vector<Leaf>* leaves) : leaves_(leaves) {}

  // Reads the value at the reader into leaves under `prefix` (empty at the root).
  void Value(JsonReader& r, std::string& prefix) {
    switch (r.Peek()) {
      case JsonType::kObject: Object(r, prefix); return;
      case JsonType::kArray: Array(r, prefix); return;
      case JsonType::kString: {
        std::string_view s;
        if (r.ReadString(&s, &scratch_)) Emit(prefix, s);
        return;
      }
      case JsonType::kNumber: {
        std::string_view s;
        if (r.ReadNumberText(&s)) Emit(prefix, s);
        return;
      }
      case JsonType::kBool: {
        bool b = false;
        if (r.ReadBool(&b)) Emit(prefix, b ? "true" : "false");
        return;
      }
      case JsonType::kNull: r.ReadNull(); return;
      case JsonType::kInvalid: r.Skip(); return;
    }
  }

 private:
  void Emit(const std::string& key, std::string_view value) {
    if (key.empty()) return;  // a scalar where an object of attributes belongs
    leaves_->push_back(Leaf{key, std::string(value)});
  }

  static bool IsCtyPrimitive(std::string_view s) {
    return s == "string" || s == "number" || s == "bool" || s == "dynamic";
  }
  static bool IsCtyKind(std::string_view s) {
    return s == "object" || s == "list" || s == "map" || s == "set" || s == "tuple";
  }

  void Object(JsonReader& r, std::string& prefix) {
    if (!r.BeginObject()) return;
    const std::size_t base = prefix.size();
    const std::size_t first_leaf = leaves_->size();
    bool saw_value = false;
    bool type_is_cty = false;
    bool other_keys = false;
    std::string_view key;
    while (r.NextKey(&key)) {
      if (!prefix.empty()) prefix.push_back('.');
      const bool is_value = key == "value";
      const bool is_type = key == "type";
      prefix.append(key.data(), key.size());
      if (is_type && base > 0) {
        const std::size_t before = leaves_->size();
        const JsonType t = r.Peek();
        Value(r, prefix);
        if (t == JsonType::kString && leaves_->size() == before + 1) {
          type_is_cty = IsCtyPrimitive((*leaves_)[before].value);
        } else if (t == JsonType::kArray && leaves_->size() > before) {
          type_is_cty = IsCtyKind((*leaves_)[before].value);
        }
      } else {
        saw_value = saw_value || is_value;
        other_keys = other_keys || !is_value;
        Value(r, prefix);
      }
      prefix.resize(base);
    }
    if (base == 0 || !saw_value || !type_is_cty || other_keys) return;
    // A dynamic value: drop the type leaves, lift "P.value..." to "P...".
    const std::string type_key = StrCat(prefix, ".type");
    const std::string value_key = StrCat(prefix, ".value");
    std::size_t out = first_leaf;
    for (std::size_t i = first_leaf; i < leaves_->size(); ++i) {
      Leaf& leaf = (*leaves_)[i];
      if (leaf.key == type_key || StartsWith(leaf.key, StrCat(type_key, "."))) continue;
      if (StartsWith(leaf.key, value_key) &&
          (leaf.key.size() == value_key.size() || leaf.key[value_key.size()] == '.')) {
        leaf.key.erase(base, value_key.size() - base);
      }
      if (out != i) (*leaves_)[out] = std::move(leaf);
      ++out;
    }
    leaves_->resize(out);
  }

  void Array(JsonReader& r, std::string& prefix) {
    if (!r.BeginArray()) return;
    const std::size_t base = prefix.size();
    std::size_t index = 0;
    while (r.NextElement()) {
      if (!prefix.empty()) prefix.push_back('.');
      prefix.append(std::to_string(index++));
      Value(r, prefix);
      prefix.resize(base);
    }
  }

  std::vector<Leaf>* leaves_;
  std::string scratch_;
};

// Reads one step's index value: {"value": 0, "type": "number"} or a bare scalar.
bool ReadIndexStep(JsonReader& r, std::string* segment) {
  if (r.Peek() == JsonType::kObject) {
    r.BeginObject();
    bool found = false;
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "value" && !found) {
        found = ReadIndexStep(r, segment);
        if (!found) r.Skip();
      } else {
        r.Skip();
      }
    }
    return found;
  }
  std::string_view s;
  if (r.Peek() == JsonType::kString && r.ReadString(&s)) {
    segment->assign(s.data(), s.size());
    return true;
  }
  if (r.Peek() == JsonType::kNumber && r.ReadNumberText(&s)) {
    segment->assign(s.data(), s.size());
    return true;
  }
  return false;
}

}  // namespace

// Values that carry a secret whatever their key: PEM private keys, URLs with credentials
// (scheme://user:password@host).
bool ValueLooksSecret(std::string_view value) {
  if (StrContains(value, "PRIVATE KEY")) return true;
  std::size_t scheme = value.find("://");
  while (scheme != std::string_view::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t end = value.find_first_of("/?#", start);
    const std::string_view authority =
        value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (StrContains(authority, "@")) return true;
    scheme = value.find("://", start);
  }
  return false;
}

void FlattenValue(JsonReader& r, std::string& prefix, std::vector<Leaf>* leaves) {
  Flattener(leaves).Value(r, prefix);
}

// Reads `sensitive_attributes`: a list of paths, each a list of steps. A step that cannot be
// read ends its path there, marking everything under the part read so far.
void ReadSensitiveAttributes(JsonReader& r, SensitivePaths* out) {
  if (!r.BeginArray()) {
    if (r.Peek() == JsonType::kNull) {
      r.ReadNull();
      return;
    }
    r.Skip();
    out->unreadable = true;
    out->prefixes.emplace_back();
    return;
  }
  std::string segment;
  while (r.NextElement()) {
    std::string prefix;
    bool complete = true;
    if (!r.BeginArray()) {
      // A dotted string path ("password", "tags.secret"), as some writers give.
      std::string_view s;
      if (r.Peek() == JsonType::kString && r.ReadString(&s)) {
        out->prefixes.emplace_back(s);
      } else {
        r.Skip();
        out->unreadable = true;
        out->prefixes.emplace_back();
      }
      continue;
    }
    while (r.NextElement()) {
      if (!complete || !r.BeginObject()) {
        r.Skip();
        complete = false;
        continue;
      }
      std::string_view key;
      std::string type;
      bool have_segment = false;
      segment.clear();
      while (r.NextKey(&key)) {
        if (key == "type") {
          std::string_view t;
          if (r.ReadString(&t)) type.assign(t.data(), t.size());
          else r.Skip();
        } else if (key == "value") {
          have_segment = ReadIndexStep(r, &segment);
          if (!have_segment) r.Skip();
        } else {
          r.Skip();
        }
      }
      if (!have_segment || (type != "get_attr" && type != "index")) {
        complete = false;
        continue;
      }
      if (!prefix.empty()) prefix.push_back('.');
      prefix += segment;
    }
    if (!complete) out->unreadable = true;
    out->prefixes.push_back(std::move(prefix));
  }
}

// Reads `sensitive_values` (show -json): the shape of `values` with true at sensitive
// leaves or subtrees.
void ReadSensitiveValues(JsonReader& r, std::string& prefix, SensitivePaths* out) {
  const std::size_t base = prefix.size();
  switch (r.Peek()) {
    case JsonType::kBool: {
      bool b = false;
      r.ReadBool(&b);
      if (b) out->prefixes.push_back(prefix);
      return;
    }
    case JsonType::kObject: {
      r.BeginObject();
      std::string_view key;
      while (r.NextKey(&key)) {
        if (!prefix.empty()) prefix.push_back('.');
        prefix.append(key.data(), key.size());
        ReadSensitiveValues(r, prefix, out);
        prefix.resize(base);
      }
      return;
    }
    case JsonType::kArray: {
      r.BeginArray();
      std::size_t index = 0;
      while (r.NextElement()) {
        if (!prefix.empty()) prefix.push_back('.');
        prefix.append(std::to_string(index++));
        ReadSensitiveValues(r, prefix, out);
        prefix.resize(base);
      }
      return;
    }
    default: r.Skip(); return;
  }
}

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

bool KeptKeys::IsKept(std::string_view key) {
  auto it = memo_.find(ToAbsl(key));
  if (it != memo_.end()) return it->second;
  if (memo_.size() >= kMaxKeys) memo_.clear();
  const bool kept = IsKeptAttribute(key);
  memo_.emplace(std::string(key), kept);
  return kept;
}

void KeepAttributes(std::vector<Leaf>& leaves, const SensitivePaths& sensitive,
                    Attributes* out, std::size_t* attributes_dropped,
                    std::size_t* sensitive_dropped, KeptKeys* kept) {
  std::string service_name = ServiceNameFromEnvironment(leaves, sensitive);
  for (Leaf& leaf : leaves) {
    if (leaf.value.empty()) continue;  // an unset string says nothing
    if (sensitive.Covers(leaf.key)) {
      ++*sensitive_dropped;
    } else if (!(kept != nullptr ? kept->IsKept(leaf.key) : IsKeptAttribute(leaf.key)) ||
               ValueLooksSecret(leaf.value)) {
      ++*attributes_dropped;
    } else {
      out->emplace_back(std::move(leaf.key), std::move(leaf.value));
    }
  }
  leaves.clear();
  if (!service_name.empty()) {
    out->emplace_back(std::string(kOtelServiceNameAttribute), std::move(service_name));
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const Attribute& a, const Attribute& b) { return a.first < b.first; });
  out->erase(std::unique(out->begin(), out->end(),
                         [](const Attribute& a, const Attribute& b) { return a.first == b.first; }),
             out->end());
}

// A string instance key as Terraform writes it in addresses: HCL-quoted.
std::string QuoteKey(std::string_view key) {
  std::string out = "\"";
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '$':
      case '%':
        out.push_back(c);
        if (i + 1 < key.size() && key[i + 1] == '{') out.push_back(c);
        break;
      default: out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// Reads an index key (number or string) into its address form. False for other types.
bool ReadIndexKey(JsonReader& r, std::string* out) {
  std::string_view s;
  switch (r.Peek()) {
    case JsonType::kNumber:
      if (!r.ReadNumberText(&s)) return false;
      out->assign(s.data(), s.size());
      return true;
    case JsonType::kString:
      if (!r.ReadString(&s)) return false;
      *out = QuoteKey(s);
      return true;
    case JsonType::kNull:
      r.ReadNull();
      out->clear();
      return true;
    default: return false;
  }
}

std::string StackFromName(const std::string& name) {
  std::string path = name;
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
  if (base == "terraform.tfstate" && !dir.empty()) {
    const auto s2 = dir.find_last_of('/');
    return s2 == std::string::npos ? dir : dir.substr(s2 + 1);
  }
  const auto dot = base.find('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base.empty() ? std::string("default") : base;
}

std::string ConfigAddress(std::string_view address) {
  std::string out;
  out.reserve(address.size());
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (depth > 0) {
      if (c == '"') quoted = true;
      else if (c == '[') ++depth;
      else if (c == ']') --depth;
    } else if (c == '[') {
      depth = 1;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string IdSegment(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '"') c = '_';
  }
  return out;
}

}  // namespace internal

namespace {

using internal::EndsWith;
using internal::ForEachSegment;
using internal::IsNumber;
using internal::kKeptExact;
using internal::kKeptFamilies;
using internal::kKeptLeaves;
using internal::kKeptSuffixes;
using internal::kOpaqueContainers;
using internal::Normalize;
using internal::SegmentLooksSecret;
using internal::StartsWith;
using internal::StrContains;

}  // namespace

bool LooksSecret(std::string_view key) {
  bool secret = false;
  ForEachSegment(key, [&](std::string_view segment) {
    if (!secret && SegmentLooksSecret(segment)) secret = true;
  });
  return secret;
}

bool IsKeptAttribute(std::string_view key) {
  if (key.empty() || LooksSecret(key)) return false;
  for (std::string_view family : kKeptFamilies) {
    if (StartsWith(key, family) && key.size() > family.size()) return true;
  }
  if (key == "metadata.0.name" || key == "metadata.0.namespace") return true;
  for (std::string_view exact : kKeptExact) {
    if (key == exact) return true;
  }
  bool opaque = false;
  std::string_view leaf;
  ForEachSegment(key, [&](std::string_view segment) {
    const std::string n = Normalize(segment);
    for (std::string_view container : kOpaqueContainers) {
      if (n == container) opaque = true;
    }
    if (!IsNumber(segment)) leaf = segment;
  });
  if (opaque || leaf.empty()) return false;
  const std::string n = Normalize(leaf);
  // User names (master_username, admin_user_name) are credentials' halves.
  if (StrContains(n, "user")) return false;
  for (std::string_view kept : kKeptLeaves) {
    if (n == kept) return true;
  }
  for (std::string_view suffix : kKeptSuffixes) {
    if (EndsWith(n, suffix)) return true;
  }
  return false;
}

}  // namespace faultline
