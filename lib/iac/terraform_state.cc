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
#include "faultline/internal/strings.h"
#include "iac/attribute_flattening.h"
#include "iac/json_document.h"
#include "iac/secret_filter.h"
#include "iac/sensitive_paths.h"
#include "iac/terraform_address.h"
#include "io/json_reader.h"

namespace faultline {
namespace {

using internal::EndsWith;
using internal::JsonType;
using internal::StrCat;

using internal::Leaf;
using internal::ReadIndexKey;
using internal::ReadSensitiveAttributes;
using internal::SensitivePaths;

// --- addresses ---------------------------------------------------------------------------

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

class StateParser : private internal::JsonDocumentReader {
 public:
  StateParser(std::string_view text, std::string_view name) : JsonDocumentReader(text, name) {}

  absl::StatusOr<TerraformState> Parse();

 private:
  void Defer(absl::Status s) {
    if (deferred_.ok()) deferred_ = std::move(s);
  }

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

  TerraformState state_;
  absl::Status deferred_;
  bool is_plan_ = false;
  bool have_version_ = false;
  bool have_values_ = false;
  std::vector<TerraformResource> show_resources_;  // one instance each, before grouping
  std::vector<Leaf> leaves_;
  internal::KeptKeys kept_keys_;  // key decisions, shared by every instance
};

absl::Status StateParser::ReadOutputNames(std::string_view path) {
  if (SkipNull()) return absl::OkStatus();
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
  internal::KeepAttributes(leaves_, sensitive, &inst->attributes, &state_.attributes_dropped,
                           &state_.sensitive_attributes_dropped, &kept_keys_);
}

absl::Status StateParser::ReadRawResources() {
  if (SkipNull()) return absl::OkStatus();
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
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.module, path, ".module"));
    } else if (key == "mode") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.mode, path, ".mode"));
      have_mode = true;
    } else if (key == "type") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.type, path, ".type"));
    } else if (key == "name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.name, path, ".name"));
    } else if (key == "provider") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.provider, path, ".provider"));
    } else if (key == "instances") {
      const std::string ipath = StrCat(path, ".instances");
      if (SkipNull()) continue;
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
      FAULTLINE_RETURN_IF_ERROR(ReadString(&inst.status, path, ".status"));
    } else if (key == "deposed") {
      std::string deposed;
      FAULTLINE_RETURN_IF_ERROR(ReadString(&deposed, path, ".deposed"));
      inst.deposed = !deposed.empty();
    } else if (key == "attributes") {
      if (r_.Peek() != JsonType::kObject && r_.Peek() != JsonType::kNull) {
        return ShapeError("an object", StrCat(path, ".attributes"));
      }
      FlattenInto(&leaves_);
    } else if (key == "attributes_flat") {
      // Pre-0.12 flatmap attributes, already flattened ("tags.%" counts are not values).
      if (SkipNull()) continue;
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
      // Every instance repeats the resource's set: kept once.
      FAULTLINE_RETURN_IF_ERROR(
          ReadStringList(&res->depends_on, path, ".dependencies", /*unique=*/true));
    } else if (key == "depends_on") {
      FAULTLINE_RETURN_IF_ERROR(
          ReadStringList(&inst.instance_depends_on, path, ".depends_on"));
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
  if (SkipNull()) return absl::OkStatus();
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
  if (SkipNull()) return absl::OkStatus();
  if (!r_.BeginObject()) return ShapeError("an object", path);
  std::vector<TerraformResource> mine;
  std::string module;
  std::string_view key;
  while (r_.NextKey(&key)) {
    if (key == "address") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&module, path, ".address"));
    } else if (key == "resources") {
      const std::string rpath = StrCat(path, ".resources");
      if (SkipNull()) continue;
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
      if (SkipNull()) continue;
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
      FAULTLINE_RETURN_IF_ERROR(ReadString(&inst.address, path, ".address"));
    } else if (key == "mode") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.mode, path, ".mode"));
    } else if (key == "type") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.type, path, ".type"));
    } else if (key == "name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.name, path, ".name"));
    } else if (key == "provider_name") {
      FAULTLINE_RETURN_IF_ERROR(ReadString(&res.provider, path, ".provider_name"));
    } else if (key == "index") {
      if (!ReadIndexKey(r_, &inst.index_key)) {
        return ShapeError("a number or a string", StrCat(path, ".index"));
      }
    } else if (key == "values") {
      if (r_.Peek() != JsonType::kObject && r_.Peek() != JsonType::kNull) {
        return ShapeError("an object", StrCat(path, ".values"));
      }
      FlattenInto(&leaves_);
    } else if (key == "sensitive_values") {
      ReadSensitiveInto(&sensitive);
    } else if (key == "depends_on") {
      FAULTLINE_RETURN_IF_ERROR(ReadStringList(&res.depends_on, path, ".depends_on"));
    } else if (key == "tainted") {
      bool tainted = false;
      if (r_.ReadBool(&tainted)) {
        if (tainted) inst.status = "tainted";
      } else {
        r_.Skip();
      }
    } else if (key == "deposed_key") {
      std::string deposed;
      FAULTLINE_RETURN_IF_ERROR(ReadString(&deposed, path, ".deposed_key"));
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
    std::vector<bool> duplicate(res.instances.size(), false);
    bool any_duplicate = false;
    absl::flat_hash_set<std::string_view> seen_instances;  // views: nothing moves yet
    for (std::size_t i = 0; i < res.instances.size(); ++i) {
      const TerraformInstance& inst = res.instances[i];
      if (inst.deposed || seen_instances.insert(inst.address).second) continue;
      duplicate[i] = any_duplicate = true;
      state_.warnings.push_back(
          StrCat("duplicate instance address ", inst.address, ": kept the first"));
    }
    if (any_duplicate) {
      std::vector<TerraformInstance> instances;
      for (std::size_t i = 0; i < res.instances.size(); ++i) {
        if (!duplicate[i]) instances.push_back(std::move(res.instances[i]));
      }
      res.instances = std::move(instances);
    }
    kept.push_back(std::move(res));
  }
  state_.resources = std::move(kept);
  SortUnique(&state_.outputs);
}

absl::StatusOr<TerraformState> StateParser::Parse() {
  FAULTLINE_RETURN_IF_ERROR(BeginDocument("Terraform state"));
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
    FAULTLINE_RETURN_IF_ERROR(CheckFormatVersion(state_.format_version, "format_version"));
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

absl::StatusOr<TerraformState> ParseTerraformState(const InputSource& source) {
  std::string storage;
  FAULTLINE_ASSIGN_OR_RETURN(std::string_view text, source.View(&storage));
  StateParser parser(text, source.name());
  return parser.Parse();
}

}  // namespace faultline
