// The attribute filter of the Terraform readers: secret names and values, the keep-list of
// identity and placement attributes, and KeepAttributes() applying both.
#include "iac/secret_filter.h"

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
#include "iac/environment_names.h"

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
    "project",           "network",            "subnetwork",         "instance_group_urls",
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
