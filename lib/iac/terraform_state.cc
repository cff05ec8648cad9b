// ParseTerraformState(): raw Terraform/OpenTofu state (version 4) and `terraform show -json`
// state (format 1.x), read in one pass with JsonReader, secrets removed on the way.
#include "faultline/iac/terraform_state.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "ingest/json_reader.h"

namespace faultline {
namespace {

using internal::JsonReader;
using internal::JsonType;
using internal::StrCat;

// --- attribute names ---------------------------------------------------------------------

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Lower-cased, with every byte that is not a letter or digit turned into '_', so that
// "DB-Password", "db.password" and "dbPassword" read alike ("db_password", "dbpassword").
std::string Normalize(std::string_view s) {
  std::string out(s.size(), '_');
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = Lower(s[i]);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out[i] = c;
  }
  return out;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
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
    if (Contains(n, part)) return true;
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

// Values that carry a secret whatever their key: PEM private keys, URLs with credentials
// (scheme://user:password@host).
bool ValueLooksSecret(std::string_view value) {
  if (Contains(value, "PRIVATE KEY")) return true;
  std::size_t scheme = value.find("://");
  while (scheme != std::string_view::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t end = value.find_first_of("/?#", start);
    const std::string_view authority =
        value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (Contains(authority, "@")) return true;
    scheme = value.find("://", start);
  }
  return false;
}

// --- flattened values --------------------------------------------------------------------

// A flattened scalar leaf of an instance's attributes, before filtering.
struct Leaf {
  std::string key;
  std::string value;
};

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

// Sensitive paths as flattened prefixes. An empty prefix covers everything.
struct SensitivePaths {
  std::vector<std::string> prefixes;
  bool unreadable = false;  // some path could not be read: all of it was marked

  bool Covers(std::string_view key) const {
    for (const std::string& p : prefixes) {
      if (p.empty()) return true;
      if (StartsWith(key, p) && (key.size() == p.size() || key[p.size()] == '.')) return true;
    }
    return false;
  }
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

// --- addresses ---------------------------------------------------------------------------

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

std::string ResourceAddress(const TerraformResource& res) {
  std::string out;
  if (!res.module.empty()) out = StrCat(res.module, ".");
  if (res.mode == "data") out += "data.";
  return StrCat(out, res.type, ".", res.name);
}

std::string InstanceAddress(std::string_view resource_address, std::string_view index_key) {
  if (index_key.empty()) return std::string(resource_address);
  return StrCat(resource_address, "[", index_key, "]");
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// --- the parser --------------------------------------------------------------------------

class StateParser {
 public:
  StateParser(std::string_view text, std::string_view name) : r_(text), text_(text), name_(name) {}

  absl::StatusOr<TerraformState> Parse();

 private:
  // A shape error at the next value, naming the JSON path.
  absl::Status ShapeError(const char* expected, std::string_view path) {
    r_.Fail(expected);
    return AtPath(r_.status(name_), path);
  }
  static absl::Status AtPath(const absl::Status& s, std::string_view path) {
    if (s.ok() || path.empty()) return s;
    return absl::Status(s.code(), StrCat(s.message(), " (at ", path, ")"));
  }
  // An error about the value that starts at `offset`: "NAME:LINE:COL: PATH: what".
  absl::Status ErrorAt(std::size_t offset, std::string_view path, std::string_view what) {
    const LineColumn lc = LineColumnAt(text_, offset);
    return absl::InvalidArgumentError(
        StrCat(name_, ":", lc.line, ":", lc.column, ": ", path, ": ", what));
  }
  void Defer(absl::Status s) {
    if (deferred_.ok()) deferred_ = std::move(s);
  }

  absl::Status ReadString(std::string* out, std::string_view path) {
    std::string_view s;
    if (r_.Peek() == JsonType::kNull) {
      r_.ReadNull();
      out->clear();
      return absl::OkStatus();
    }
    if (!r_.ReadString(&s)) return ShapeError("a string", path);
    out->assign(s.data(), s.size());
    return absl::OkStatus();
  }
  absl::Status ReadStringList(std::vector<std::string>* out, std::string_view path);
  absl::Status ReadOutputNames(std::string_view path);

  // Raw state v4.
  absl::Status ReadRawResources();
  absl::Status ReadRawResource(std::size_t index);
  absl::Status ReadRawInstance(TerraformResource* res, std::string_view path);

  // show -json.
  absl::Status ReadShowValues();
  absl::Status ReadShowModule(std::string_view path);
  absl::Status ReadShowResource(std::string_view path, std::vector<TerraformResource>* out);

  // Reads an attributes object and the instance's sensitive paths into `inst`.
  void FilterAttributes(const SensitivePaths& sensitive, std::string_view path,
                        TerraformInstance* inst);

  void Finish();

  JsonReader r_;
  std::string_view text_;
  std::string_view name_;
  TerraformState state_;
  absl::Status deferred_;
  bool is_plan_ = false;
  bool have_version_ = false;
  bool have_values_ = false;
  std::vector<TerraformResource> show_resources_;  // one instance each, before grouping
  std::vector<Leaf> leaves_;
  std::string prefix_;
};

absl::Status StateParser::ReadStringList(std::vector<std::string>* out, std::string_view path) {
  if (r_.Peek() == JsonType::kNull) {
    r_.ReadNull();
    return absl::OkStatus();
  }
  if (!r_.BeginArray()) return ShapeError("an array of strings", path);
  std::size_t i = 0;
  while (r_.NextElement()) {
    std::string_view s;
    if (!r_.ReadString(&s)) return ShapeError("a string", StrCat(path, "[", i, "]"));
    out->emplace_back(s);
    ++i;
  }
  return absl::OkStatus();
}

absl::Status StateParser::ReadOutputNames(std::string_view path) {
  if (r_.Peek() == JsonType::kNull) {
    r_.ReadNull();
    return absl::OkStatus();
  }
  if (!r_.BeginObject()) return ShapeError("an object", path);
  std::string_view key;
  while (r_.NextKey(&key)) {
    state_.outputs.emplace_back(key);
    r_.Skip();  // the value may be a secret
  }
  return absl::OkStatus();
}

void StateParser::FilterAttributes(const SensitivePaths& sensitive, std::string_view path,
                                   TerraformInstance* inst) {
  if (sensitive.unreadable) {
    state_.warnings.push_back(
        StrCat(path, ": a sensitive path could not be read; the attributes under it were dropped"));
  }
  for (Leaf& leaf : leaves_) {
    if (leaf.value.empty()) continue;  // an unset string says nothing
    if (sensitive.Covers(leaf.key)) {
      ++state_.sensitive_attributes_dropped;
    } else if (!IsKeptAttribute(leaf.key) || ValueLooksSecret(leaf.value)) {
      ++state_.attributes_dropped;
    } else {
      inst->attributes.emplace_back(std::move(leaf.key), std::move(leaf.value));
    }
  }
  leaves_.clear();
  std::stable_sort(inst->attributes.begin(), inst->attributes.end(),
                   [](const Attribute& a, const Attribute& b) { return a.first < b.first; });
  inst->attributes.erase(
      std::unique(inst->attributes.begin(), inst->attributes.end(),
                  [](const Attribute& a, const Attribute& b) { return a.first == b.first; }),
      inst->attributes.end());
}

absl::Status StateParser::ReadRawResources() {
  if (r_.Peek() == JsonType::kNull) {
    r_.ReadNull();
    return absl::OkStatus();
  }
  if (!r_.BeginArray()) return ShapeError("an array", "resources");
  std::size_t index = 0;
  while (r_.NextElement()) {
    absl::Status s = ReadRawResource(index++);
    if (!s.ok()) {
      if (!r_.ok()) return s;
      Defer(std::move(s));
    }
  }
  return absl::OkStatus();
}

absl::Status StateParser::ReadRawResource(std::size_t index) {
  const std::string path = StrCat("resources[", index, "]");
  r_.Peek();
  const std::size_t start = r_.offset();
  if (!r_.BeginObject()) return ShapeError("an object", path);
  TerraformResource res;
  bool have_mode = false;
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "module") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.module, StrCat(path, ".module")));
    } else if (key == "mode") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.mode, StrCat(path, ".mode")));
      have_mode = true;
    } else if (key == "type") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.type, StrCat(path, ".type")));
    } else if (key == "name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.name, StrCat(path, ".name")));
    } else if (key == "provider") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.provider, StrCat(path, ".provider")));
    } else if (key == "instances") {
      const std::string ipath = StrCat(path, ".instances");
      if (r_.Peek() == JsonType::kNull) {
        r_.ReadNull();
        continue;
      }
      if (!r_.BeginArray()) return ShapeError("an array", ipath);
      std::size_t i = 0;
      while (r_.NextElement()) {
        FAULTLINE_RETURN_IF_ERROR(ReadRawInstance(&res, StrCat(ipath, "[", i++, "]")));
      }
    } else {
      r_.Skip();  // each, and what later versions add
    }
  }
  if (!r_.ok()) return r_.status(name_);
  std::string where = path;
  if (!res.module.empty()) where = StrCat(path, " in ", res.module);
  if (res.type.empty()) return ErrorAt(start, where, "resource has no `type`");
  if (res.name.empty()) return ErrorAt(start, where, "resource has no `name`");
  if (!have_mode || res.mode.empty()) res.mode = "managed";
  if (res.mode != "managed" && res.mode != "data") {
    return ErrorAt(start, where, "resource `mode` is neither \"managed\" nor \"data\"");
  }
  res.address = ResourceAddress(res);
  for (TerraformInstance& inst : res.instances) {
    inst.address = InstanceAddress(res.address, inst.index_key);
  }
  state_.resources.push_back(std::move(res));
  return absl::OkStatus();
}

absl::Status StateParser::ReadRawInstance(TerraformResource* res, std::string_view path) {
  if (!r_.BeginObject()) return ShapeError("an object", path);
  TerraformInstance inst;
  SensitivePaths sensitive;
  leaves_.clear();
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "index_key") {
      if (!ReadIndexKey(r_, &inst.index_key)) {
        return ShapeError("a number or a string", StrCat(path, ".index_key"));
      }
    } else if (key == "status") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&inst.status, StrCat(path, ".status")));
    } else if (key == "deposed") {
      std::string deposed;
      FAULTLINE_RETURN_IF_ERROR(ReadString(&deposed, StrCat(path, ".deposed")));
      inst.deposed = !deposed.empty();
    } else if (key == "attributes") {
      if (r_.Peek() != JsonType::kObject && r_.Peek() != JsonType::kNull) {
        return ShapeError("an object", StrCat(path, ".attributes"));
      }
      prefix_.clear();
      Flattener(&leaves_).Value(r_, prefix_);
    } else if (key == "attributes_flat") {
      // Pre-0.12 flatmap attributes, already flattened ("tags.%" counts are not values).
      if (r_.Peek() == JsonType::kNull) {
        r_.ReadNull();
        continue;
      }
      if (!r_.BeginObject()) return ShapeError("an object", StrCat(path, ".attributes_flat"));
      std::string_view k;
      while (r_.NextKey(&k)) {
        std::string flat_key(k);
        std::string_view v;
        if (r_.Peek() == JsonType::kString && r_.ReadString(&v)) {
          if (!EndsWith(flat_key, ".%") && !EndsWith(flat_key, ".#")) {
            leaves_.push_back(Leaf{std::move(flat_key), std::string(v)});
          }
        } else {
          r_.Skip();
        }
      }
    } else if (key == "sensitive_attributes") {
      ReadSensitiveAttributes(r_, &sensitive);
    } else if (key == "dependencies") {
      FAULTLINE_RETURN_IF_ERROR(ReadStringList(&res->depends_on, StrCat(path, ".dependencies")));
    } else if (key == "depends_on") {
      FAULTLINE_RETURN_IF_ERROR(
          ReadStringList(&inst.instance_depends_on, StrCat(path, ".depends_on")));
    } else {
      r_.Skip();  // private (never read), schema_version, identity, create_before_destroy
    }
  }
  if (!r_.ok()) return r_.status(name_);
  FilterAttributes(sensitive, path, &inst);
  SortUnique(&inst.instance_depends_on);
  res->instances.push_back(std::move(inst));
  return absl::OkStatus();
}

absl::Status StateParser::ReadShowValues() {
  if (r_.Peek() == JsonType::kNull) {
    r_.ReadNull();
    return absl::OkStatus();
  }
  if (!r_.BeginObject()) return ShapeError("an object", "values");
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "outputs") {
      FAULTLINE_RETURN_IF_ERROR(ReadOutputNames("values.outputs"));
    } else if (key == "root_module") {
      FAULTLINE_RETURN_IF_ERROR(ReadShowModule("values.root_module"));
    } else {
      r_.Skip();
    }
  }
  return absl::OkStatus();
}

absl::Status StateParser::ReadShowModule(std::string_view path) {
  if (r_.Peek() == JsonType::kNull) {
    r_.ReadNull();
    return absl::OkStatus();
  }
  if (!r_.BeginObject()) return ShapeError("an object", path);
  std::vector<TerraformResource> mine;
  std::string module;
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "address") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&module, StrCat(path, ".address")));
    } else if (key == "resources") {
      const std::string rpath = StrCat(path, ".resources");
      if (r_.Peek() == JsonType::kNull) {
        r_.ReadNull();
        continue;
      }
      if (!r_.BeginArray()) return ShapeError("an array", rpath);
      std::size_t i = 0;
      while (r_.NextElement()) {
        absl::Status s = ReadShowResource(StrCat(rpath, "[", i++, "]"), &mine);
        if (!s.ok()) {
          if (!r_.ok()) return s;
          Defer(std::move(s));
        }
      }
    } else if (key == "child_modules") {
      const std::string cpath = StrCat(path, ".child_modules");
      if (r_.Peek() == JsonType::kNull) {
        r_.ReadNull();
        continue;
      }
      if (!r_.BeginArray()) return ShapeError("an array", cpath);
      std::size_t i = 0;
      while (r_.NextElement()) {
        FAULTLINE_RETURN_IF_ERROR(ReadShowModule(StrCat(cpath, "[", i++, "]")));
      }
    } else {
      r_.Skip();
    }
  }
  if (!r_.ok()) return r_.status(name_);
  for (TerraformResource& res : mine) {
    res.module = module;
    res.address = ResourceAddress(res);
    TerraformInstance& inst = res.instances.front();
    if (inst.address.empty()) inst.address = InstanceAddress(res.address, inst.index_key);
    show_resources_.push_back(std::move(res));
  }
  return absl::OkStatus();
}

absl::Status StateParser::ReadShowResource(std::string_view path,
                                           std::vector<TerraformResource>* out) {
  r_.Peek();
  const std::size_t start = r_.offset();
  if (!r_.BeginObject()) return ShapeError("an object", path);
  TerraformResource res;
  TerraformInstance inst;
  SensitivePaths sensitive;
  leaves_.clear();
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "address") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&inst.address, StrCat(path, ".address")));
    } else if (key == "mode") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.mode, StrCat(path, ".mode")));
    } else if (key == "type") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.type, StrCat(path, ".type")));
    } else if (key == "name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.name, StrCat(path, ".name")));
    } else if (key == "provider_name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.provider, StrCat(path, ".provider_name")));
    } else if (key == "index") {
      if (!ReadIndexKey(r_, &inst.index_key)) {
        return ShapeError("a number or a string", StrCat(path, ".index"));
      }
    } else if (key == "values") {
      if (r_.Peek() != JsonType::kObject && r_.Peek() != JsonType::kNull) {
        return ShapeError("an object", StrCat(path, ".values"));
      }
      prefix_.clear();
      Flattener(&leaves_).Value(r_, prefix_);
    } else if (key == "sensitive_values") {
      prefix_.clear();
      ReadSensitiveValues(r_, prefix_, &sensitive);
    } else if (key == "depends_on") {
      FAULTLINE_RETURN_IF_ERROR(ReadStringList(&res.depends_on, StrCat(path, ".depends_on")));
    } else if (key == "tainted") {
      bool tainted = false;
      if (r_.ReadBool(&tainted)) {
        if (tainted) inst.status = "tainted";
      } else {
        r_.Skip();
      }
    } else if (key == "deposed_key") {
      std::string deposed;
      FAULTLINE_RETURN_IF_ERROR(ReadString(&deposed, StrCat(path, ".deposed_key")));
      inst.deposed = !deposed.empty();
    } else {
      r_.Skip();  // schema_version, sensitive flags of other versions
    }
  }
  if (!r_.ok()) return r_.status(name_);
  if (res.type.empty()) return ErrorAt(start, path, "resource has no `type`");
  if (res.name.empty()) return ErrorAt(start, path, "resource has no `name`");
  if (res.mode.empty()) res.mode = "managed";
  if (res.mode != "managed" && res.mode != "data") {
    return ErrorAt(start, path, "resource `mode` is neither \"managed\" nor \"data\"");
  }
  FilterAttributes(sensitive, path, &inst);
  res.instances.push_back(std::move(inst));
  out->push_back(std::move(res));
  return absl::OkStatus();
}

// Groups show -json instances into resources, drops duplicates with a warning, and sorts
// dependency lists.
void StateParser::Finish() {
  if (!show_resources_.empty()) {
    absl::flat_hash_map<std::string, std::size_t> by_address;
    for (TerraformResource& item : show_resources_) {
      auto [it, inserted] = by_address.try_emplace(item.address, state_.resources.size());
      if (inserted) {
        TerraformResource res = item;
        res.instances.clear();
        res.depends_on.clear();
        state_.resources.push_back(std::move(res));
      }
      TerraformResource& res = state_.resources[it->second];
      res.depends_on.insert(res.depends_on.end(), item.depends_on.begin(), item.depends_on.end());
      res.instances.push_back(std::move(item.instances.front()));
    }
    show_resources_.clear();
  }
  // Resources with the same address: the first is kept.
  absl::flat_hash_set<std::string> seen_resources;
  std::vector<TerraformResource> kept;
  kept.reserve(state_.resources.size());
  for (TerraformResource& res : state_.resources) {
    if (!seen_resources.insert(res.address).second) {
      state_.warnings.push_back(
          StrCat("duplicate resource address ", res.address, ": kept the first"));
      continue;
    }
    SortUnique(&res.depends_on);
    // Instances with the same address (deposed objects aside): the first is kept.
    absl::flat_hash_set<std::string> seen_instances;
    std::vector<TerraformInstance> instances;
    instances.reserve(res.instances.size());
    for (TerraformInstance& inst : res.instances) {
      if (!inst.deposed && !seen_instances.insert(inst.address).second) {
        state_.warnings.push_back(
            StrCat("duplicate instance address ", inst.address, ": kept the first"));
        continue;
      }
      instances.push_back(std::move(inst));
    }
    res.instances = std::move(instances);
    kept.push_back(std::move(res));
  }
  state_.resources = std::move(kept);
  SortUnique(&state_.outputs);
}

absl::StatusOr<TerraformState> StateParser::Parse() {
  if (r_.Peek() != JsonType::kObject) {
    if (r_.Peek() == JsonType::kInvalid) {
      r_.Skip();  // records the syntax error, or "a value" at the end of an empty input
      return r_.status(name_);
    }
    r_.Fail("an object");
    return absl::InvalidArgumentError(
        StrCat(r_.status(name_).message(), " (not a Terraform state)"));
  }
  r_.BeginObject();
  std::uint64_t version = 0;
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "encrypted_data" || key == "encryption_version") {
      return absl::FailedPreconditionError(
          StrCat(name_, ": OpenTofu state is encrypted; decrypt it first (tofu state pull "
                        "with the key configured)"));
    } else if (key == "version") {
      if (!r_.ReadUint64(&version)) return ShapeError("a non-negative integer", "version");
      have_version_ = true;
    } else if (key == "format_version") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&state_.format_version, "format_version"));
    } else if (key == "terraform_version") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&state_.terraform_version, "terraform_version"));
    } else if (key == "serial") {
      if (!r_.ReadUint64(&state_.serial)) return ShapeError("a non-negative integer", "serial");
    } else if (key == "lineage") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&state_.lineage, "lineage"));
    } else if (key == "outputs") {
      FAULTLINE_RETURN_IF_ERROR(ReadOutputNames("outputs"));
    } else if (key == "resources") {
      FAULTLINE_RETURN_IF_ERROR(ReadRawResources());
    } else if (key == "values") {
      have_values_ = true;
      FAULTLINE_RETURN_IF_ERROR(ReadShowValues());
    } else if (key == "resource_changes" || key == "planned_values" || key == "prior_state") {
      is_plan_ = true;
      r_.Skip();
    } else {
      r_.Skip();  // check_results, modules (versions 1-3), meta
    }
  }
  r_.ExpectEnd();
  if (!r_.ok()) return r_.status(name_);

  if (have_version_) {
    if (version >= 1 && version <= 3) {
      return absl::FailedPreconditionError(StrCat(
          name_, ": state format version ", version,
          " is too old; run `terraform state pull` with a current Terraform to upgrade it"));
    }
    if (version > 4) {
      return absl::FailedPreconditionError(
          StrCat(name_, ": state format version ", version,
                 " is newer than this reader (version 4) understands"));
    }
    if (version != 4) {
      return absl::InvalidArgumentError(
          StrCat(name_, ": state format version ", version, " is not a Terraform state version"));
    }
    state_.version = 4;
    state_.format_version.clear();
    show_resources_.clear();
  } else if (!state_.format_version.empty()) {
    const std::string_view fv = state_.format_version;
    const std::string_view major = fv.substr(0, fv.find('.'));
    if (!IsNumber(major)) {
      return absl::InvalidArgumentError(
          StrCat(name_, ": format_version is not a version number (expected 1.x)"));
    }
    if (major != "1") {
      return absl::FailedPreconditionError(
          StrCat(name_, ": format_version ", major, ".x is not supported (expected 1.x)"));
    }
    if (is_plan_ && !have_values_) {
      return absl::InvalidArgumentError(
          StrCat(name_, ": this is plan JSON, not state; give `terraform show -json` of a "
                        "state or the raw terraform.tfstate"));
    }
    state_.resources.clear();
  } else {
    return absl::InvalidArgumentError(
        StrCat(name_, ": not a Terraform state (no `version` or `format_version`)"));
  }
  if (!deferred_.ok()) return deferred_;
  Finish();
  return std::move(state_);
}

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
  if (Contains(n, "user")) return false;
  for (std::string_view kept : kKeptLeaves) {
    if (n == kept) return true;
  }
  for (std::string_view suffix : kKeptSuffixes) {
    if (EndsWith(n, suffix)) return true;
  }
  return false;
}

absl::StatusOr<TerraformState> ParseTerraformState(const InputSource& source) {
  std::string storage;
  FAULTLINE_ASSIGN_OR_RETURN(std::string_view text, source.View(&storage));
  StateParser parser(text, source.name());
  return parser.Parse();
}

}  // namespace faultline
