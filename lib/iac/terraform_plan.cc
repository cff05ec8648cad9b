// ParseTerraformPlan(): plan JSON (format 1.x) read in one pass with JsonReader: the
// resource changes with their attributes filtered as state's are, and the direct references
// of the configuration.
#include "faultline/iac/terraform_plan.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "iac/attribute_flattening.h"
#include "iac/json_document.h"
#include "iac/secret_filter.h"
#include "iac/sensitive_paths.h"
#include "io/json_reader.h"

namespace faultline {
namespace {

using internal::JsonType;
using internal::Leaf;
using internal::SensitivePaths;
using internal::StartsWith;
using internal::StrCat;

// Roots of references that name no resource.
constexpr std::string_view kNonResourceRoots[] = {
    "var", "local", "each", "count", "path", "self", "terraform", "module",
};

// The resource address a reference names ("aws_subnet.a.id", "aws_subnet.a[0]",
// "data.aws_iam_policy_document.x.json" -> "aws_subnet.a", "data.aws_iam_policy_document.x"),
// or nullopt for references to variables, locals, module outputs and the like.
std::optional<std::string> ResourceOfReference(std::string_view ref) {
  std::string_view rest = ref;
  const std::size_t root_end = rest.find_first_of(".[");
  const std::string_view root = rest.substr(0, root_end);
  for (std::string_view skip : kNonResourceRoots) {
    if (root == skip) return std::nullopt;
  }
  const bool data = root == "data";
  if (data) {
    if (root_end == std::string_view::npos || rest[root_end] != '.') return std::nullopt;
    rest.remove_prefix(root_end + 1);
  }
  const std::size_t type_end = rest.find_first_of(".[");
  if (type_end == std::string_view::npos || type_end == 0 || rest[type_end] != '.') {
    return std::nullopt;
  }
  const std::string_view type = rest.substr(0, type_end);
  rest.remove_prefix(type_end + 1);
  const std::string_view name = rest.substr(0, rest.find_first_of(".["));
  if (name.empty() || type.find(':') != std::string_view::npos) return std::nullopt;
  return StrCat(data ? "data." : "", type, ".", name);
}

// Which keys of `before` and `after` differ (present on one side only, or another value).
std::vector<std::string> ChangedKeys(const Attributes& before, const Attributes& after) {
  std::map<std::string_view, std::string_view> a, b;
  for (const auto& [k, v] : before) a.emplace(k, v);
  for (const auto& [k, v] : after) b.emplace(k, v);
  std::vector<std::string> out;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second != v) out.emplace_back(k);
  }
  for (const auto& [k, v] : b) {
    if (a.find(k) == a.end()) out.emplace_back(k);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class PlanParser : private internal::JsonDocumentReader {
 public:
  PlanParser(std::string_view text, std::string_view name) : JsonDocumentReader(text, name) {}

  absl::StatusOr<TerraformPlan> Parse();

 private:
  absl::Status LooksLikeState() {
    return absl::InvalidArgumentError(
        StrCat(name_, ": this looks like Terraform state, not plan JSON; give the output of "
                      "`terraform show -json PLANFILE` (use AddTerraformState for state)"));
  }

  absl::Status ReadChanges();
  absl::Status ReadChange(std::string_view path);
  absl::Status ReadChangeBody(std::string_view path, TerraformPlannedChange* change,
                              bool* have_actions);
  absl::Status ReadConfiguration();
  absl::Status ReadModule(const std::string& prefix, std::string_view path);
  absl::Status ReadConfigResource(const std::string& prefix, std::string_view path);
  // Collects every `references` list under an expression (nested blocks too), never
  // reading constant values.
  void CollectReferences(std::vector<std::string>* out);

  TerraformPlan plan_;
  bool is_plan_ = false;
  bool have_values_ = false;
  absl::flat_hash_set<std::string> seen_;
  std::vector<Leaf> before_leaves_;
  std::vector<Leaf> after_leaves_;
  internal::KeptKeys kept_keys_;  // key decisions, shared by every resource change
};

absl::Status PlanParser::ReadChanges() {
  if (SkipNull()) return absl::OkStatus();
  if (!r_.BeginArray()) return ShapeError("an array", "resource_changes");
  std::size_t i = 0;
  while (r_.NextElement()) {
    FAULTLINE_RETURN_IF_ERROR(ReadChange(StrCat("resource_changes[", i++, "]")));
  }
  return absl::OkStatus();
}

absl::Status PlanParser::ReadChange(std::string_view path) {
  r_.Peek();
  const std::size_t start = r_.offset();
  if (!r_.BeginObject()) return ShapeError("an object", path);
  TerraformPlannedChange change;
  bool have_actions = false;
  bool deposed = false;
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "address") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&change.address, path, ".address"));
    } else if (key == "module_address") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&change.module, path, ".module_address"));
    } else if (key == "mode") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&change.mode, path, ".mode"));
    } else if (key == "type") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&change.type, path, ".type"));
    } else if (key == "name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&change.name, path, ".name"));
    } else if (key == "action_reason") {
      FAULTLINE_RETURN_IF_ERROR(
          ReadString(&change.action_reason, path, ".action_reason"));
    } else if (key == "deposed") {
      std::string d;
      FAULTLINE_RETURN_IF_ERROR(ReadString(&d, path, ".deposed"));
      deposed = !d.empty();
    } else if (key == "change") {
      FAULTLINE_RETURN_IF_ERROR(ReadChangeBody(StrCat(path, ".change"), &change, &have_actions));
    } else {
      r_.Skip();  // index, provider_name, previous_address, importing
    }
  }
  if (!r_.ok()) return r_.status(name_);
  if (change.address.empty()) return ErrorAt(start, path, "resource change has no `address`");
  if (change.type.empty()) return ErrorAt(start, path, "resource change has no `type`");
  if (change.name.empty()) return ErrorAt(start, path, "resource change has no `name`");
  if (change.mode.empty()) change.mode = "managed";
  if (change.mode != "managed" && change.mode != "data") {
    return ErrorAt(start, path, "resource change `mode` is neither \"managed\" nor \"data\"");
  }
  if (!have_actions) return ErrorAt(start, path, "resource change has no `change.actions`");
  if (deposed) {
    plan_.warnings.push_back(
        StrCat(change.address, ": the change of a deposed object was skipped"));
    return absl::OkStatus();
  }
  if (!seen_.insert(change.address).second) {
    plan_.warnings.push_back(
        StrCat("duplicate resource change ", change.address, ": kept the first"));
    return absl::OkStatus();
  }
  plan_.changes.push_back(std::move(change));
  return absl::OkStatus();
}

absl::Status PlanParser::ReadChangeBody(std::string_view path, TerraformPlannedChange* change,
                                        bool* have_actions) {
  if (!r_.BeginObject()) return ShapeError("an object", path);
  SensitivePaths sensitive;  // before_sensitive and after_sensitive: dropped on both sides
  SensitivePaths unknown;
  before_leaves_.clear();
  after_leaves_.clear();
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "actions") {
      const std::string apath = StrCat(path, ".actions");
      if (r_.Peek() != JsonType::kArray) return ShapeError("an array of strings", apath);
      FAULTLINE_RETURN_IF_ERROR(ReadStringList(&change->actions, apath));
      *have_actions = true;
    } else if (key == "before" || key == "after") {
      if (r_.Peek() != JsonType::kObject && r_.Peek() != JsonType::kNull) {
        return ShapeError("an object", StrCat(path, ".", key));
      }
      std::vector<Leaf>* leaves = key == "before" ? &before_leaves_ : &after_leaves_;
      FlattenInto(leaves);
    } else if (key == "before_sensitive" || key == "after_sensitive") {
      ReadSensitiveInto(&sensitive);
    } else if (key == "after_unknown") {
      ReadSensitiveInto(&unknown);
    } else {
      r_.Skip();  // replace_paths, importing, generated_config (configuration text)
    }
  }
  if (!r_.ok()) return r_.status(name_);
  // Values known only after apply: not values yet.
  after_leaves_.erase(std::remove_if(after_leaves_.begin(), after_leaves_.end(),
                                     [&](const Leaf& l) { return unknown.Covers(l.key); }),
                      after_leaves_.end());
  internal::KeepAttributes(before_leaves_, sensitive, &change->before, &plan_.attributes_dropped,
                           &plan_.attributes_dropped, &kept_keys_);
  internal::KeepAttributes(after_leaves_, sensitive, &change->after, &plan_.attributes_dropped,
                           &plan_.attributes_dropped, &kept_keys_);
  change->changed_attributes = ChangedKeys(change->before, change->after);
  return absl::OkStatus();
}

absl::Status PlanParser::ReadConfiguration() {
  if (SkipNull()) return absl::OkStatus();
  if (!r_.BeginObject()) return ShapeError("an object", "configuration");
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "root_module") {
      FAULTLINE_RETURN_IF_ERROR(ReadModule("", "configuration.root_module"));
    } else {
      r_.Skip();  // provider_config: its expressions may hold constants
    }
  }
  return absl::OkStatus();
}

absl::Status PlanParser::ReadModule(const std::string& prefix, std::string_view path) {
  if (SkipNull()) return absl::OkStatus();
  if (!r_.BeginObject()) return ShapeError("an object", path);
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "resources") {
      const std::string rpath = StrCat(path, ".resources");
      if (SkipNull()) continue;
      if (!r_.BeginArray()) return ShapeError("an array", rpath);
      std::size_t i = 0;
      while (r_.NextElement()) {
        FAULTLINE_RETURN_IF_ERROR(ReadConfigResource(prefix, StrCat(rpath, "[", i++, "]")));
      }
    } else if (key == "module_calls") {
      const std::string cpath = StrCat(path, ".module_calls");
      if (SkipNull()) continue;
      if (!r_.BeginObject()) return ShapeError("an object", cpath);
      std::string_view call;
      while (r_.NextKey(&call)) {
        const std::string call_name(call);
        const std::string call_path = StrCat(cpath, ".", call_name);
        if (!r_.BeginObject()) return ShapeError("an object", call_path);
        std::string_view k;
        while (r_.NextKey(&k)) {
          if (k == "module") {
            FAULTLINE_RETURN_IF_ERROR(ReadModule(StrCat(prefix, "module.", call_name, "."),
                                                 StrCat(call_path, ".module")));
          } else {
            r_.Skip();  // source, expressions (module inputs), count/for_each, version
          }
        }
      }
    } else {
      r_.Skip();  // outputs, variables
    }
  }
  return absl::OkStatus();
}

absl::Status PlanParser::ReadConfigResource(const std::string& prefix, std::string_view path) {
  if (!r_.BeginObject()) return ShapeError("an object", path);
  std::string address, mode, type, name;
  std::vector<std::string> refs;
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "address") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&address, path, ".address"));
    } else if (key == "mode") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&mode, path, ".mode"));
    } else if (key == "type") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&type, path, ".type"));
    } else if (key == "name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&name, path, ".name"));
    } else if (key == "expressions" || key == "count_expression" ||
               key == "for_each_expression") {
      CollectReferences(&refs);
    } else if (key == "depends_on") {
      FAULTLINE_RETURN_IF_ERROR(ReadStringList(&refs, path, ".depends_on"));
    } else {
      r_.Skip();  // provider_config_key, schema_version, provisioners
    }
  }
  if (!r_.ok()) return r_.status(name_);
  std::string self;
  if (!type.empty() && !name.empty()) {
    self = StrCat(prefix, mode == "data" ? "data." : "", type, ".", name);
  } else if (!address.empty()) {
    self = StartsWith(address, prefix) ? address : StrCat(prefix, address);
  } else {
    plan_.warnings.push_back(StrCat(path, ": a configured resource without address was skipped"));
    return absl::OkStatus();
  }
  std::vector<std::string> targets;
  for (const std::string& ref : refs) {
    std::optional<std::string> target = ResourceOfReference(ref);
    if (!target) continue;
    std::string full = StrCat(prefix, *target);
    if (full != self) targets.push_back(std::move(full));
  }
  if (targets.empty()) return absl::OkStatus();
  std::vector<std::string>& out = plan_.references[self];
  out.insert(out.end(), std::make_move_iterator(targets.begin()),
             std::make_move_iterator(targets.end()));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return absl::OkStatus();
}

void PlanParser::CollectReferences(std::vector<std::string>* out) {
  switch (r_.Peek()) {
    case JsonType::kObject: {
      r_.BeginObject();
      std::string_view key;
      while (r_.NextKey(&key)) {
        if (key == "references" && r_.Peek() == JsonType::kArray) {
          r_.BeginArray();
          while (r_.NextElement()) {
            std::string_view s;
            if (r_.ReadString(&s)) out->emplace_back(s);
            else r_.Skip();
          }
        } else if (key == "constant_value") {
          r_.Skip();
        } else {
          CollectReferences(out);
        }
      }
      return;
    }
    case JsonType::kArray:
      r_.BeginArray();
      while (r_.NextElement()) CollectReferences(out);
      return;
    default: r_.Skip(); return;
  }
}

absl::StatusOr<TerraformPlan> PlanParser::Parse() {
  FAULTLINE_RETURN_IF_ERROR(BeginDocument("Terraform plan"));
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "format_version") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&plan_.format_version, "format_version"));
      if (!plan_.format_version.empty()) {
        FAULTLINE_RETURN_IF_ERROR(
            CheckFormatVersion(plan_.format_version, "plan format_version"));
      }
    } else if (key == "terraform_version") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&plan_.terraform_version, "terraform_version"));
    } else if (key == "resource_changes") {
      is_plan_ = true;
      FAULTLINE_RETURN_IF_ERROR(ReadChanges());
    } else if (key == "configuration") {
      is_plan_ = true;
      FAULTLINE_RETURN_IF_ERROR(ReadConfiguration());
    } else if (key == "planned_values" || key == "prior_state" || key == "output_changes" ||
               key == "resource_drift" || key == "relevant_attributes") {
      is_plan_ = true;
      r_.Skip();  // values of other shapes, or secrets (outputs, prior state)
    } else if (key == "version" || key == "lineage" || key == "serial" ||
               key == "encrypted_data" || key == "encryption_version") {
      r_.Skip();
      return LooksLikeState();  // raw state (or OpenTofu's encrypted state)
    } else if (key == "values") {
      have_values_ = true;
      r_.Skip();
    } else {
      r_.Skip();  // variables (values may be secrets), checks, timestamp, applyable...
    }
  }
  r_.ExpectEnd();
  if (!r_.ok()) return r_.status(name_);
  if (have_values_ && !is_plan_) return LooksLikeState();
  if (plan_.format_version.empty()) {
    return absl::InvalidArgumentError(
        StrCat(name_, ": not a Terraform plan (no `format_version`)"));
  }
  if (!is_plan_) {
    return absl::InvalidArgumentError(
        StrCat(name_, ": not a Terraform plan (no `resource_changes`, `planned_values` or "
                      "`configuration`)"));
  }
  return std::move(plan_);
}

}  // namespace

absl::StatusOr<TerraformPlan> ParseTerraformPlan(const InputSource& source) {
  std::string storage;
  FAULTLINE_ASSIGN_OR_RETURN(std::string_view text, source.View(&storage));
  PlanParser parser(text, source.name());
  return parser.Parse();
}

}  // namespace faultline
