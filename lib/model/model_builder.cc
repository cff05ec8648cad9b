// ModelBuilder: subgraphs, entities, edges, statistics, cross links; Freeze().
#include "faultline/model/model_builder.h"

#include <algorithm>
#include <utility>

#include "faultline/internal/str_cat.h"
#include "faultline/internal/status_macros.h"
#include "faultline/model/snapshot.h"
#include "model/builder_state.h"
#include "model/snapshot_data.h"

namespace faultline {
namespace internal {

bool BuilderState::IsWithin(SubgraphId s, SubgraphId ancestor) const {
  // Parent chains are acyclic; the step bound guards against a bug, not a real cycle.
  for (std::size_t steps = 0; s != kNoSubgraph && steps <= subgraphs.size(); ++steps) {
    if (s == ancestor) return true;
    s = subgraphs[s].parent;
  }
  return false;
}

void BuilderState::RemoveDescendants(SubgraphId s) {
  for (SubgraphId i = 0; i < subgraphs.size(); ++i) {
    if (i != s && subgraphs[i].live && IsWithin(i, s)) {
      subgraphs[i].live = false;
      subgraphs[i].Clear();
    }
  }
}

}  // namespace internal

namespace {

using internal::BuilderState;
using internal::SubgraphState;

absl::Status ValidateSubgraphId(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("subgraph id is empty");
  if (id.size() > 1024) {
    return absl::InvalidArgumentError(
        internal::StrCat("subgraph id is longer than 1024 bytes: \"", id.substr(0, 64), "...\""));
  }
  for (unsigned char c : id) {
    if (c <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(internal::StrCat(
          "subgraph id \"", id, "\" contains a space or control character; ids are paths "
          "such as \"traces/prod\" or \"iac/network/module.vpc\""));
    }
  }
  if (id.front() == '/' || id.back() == '/' || id.find("//") != std::string_view::npos) {
    return absl::InvalidArgumentError(internal::StrCat(
        "subgraph id \"", id, "\" has an empty path segment; ids are paths such as "
        "\"traces/prod\""));
  }
  return absl::OkStatus();
}

void MergeAttributes(Attributes& into, const Attributes& from) {
  for (const auto& [key, value] : from) {
    auto it = std::find_if(into.begin(), into.end(),
                           [&key = key](const Attribute& a) { return a.first == key; });
    if (it == into.end()) {
      into.emplace_back(key, value);
    } else {
      it->second = value;
    }
  }
}

}  // namespace

ModelBuilder::ModelBuilder(ModelOptions options)
    : state_(std::make_unique<internal::BuilderState>()) {
  if (options.bucket_width_ns <= 0) options.bucket_width_ns = kDefaultBucketWidthNs;
  state_->options = options;
}
ModelBuilder::~ModelBuilder() = default;
ModelBuilder::ModelBuilder(const ModelBuilder& other)
    : state_(std::make_unique<internal::BuilderState>(*other.state_)) {}
ModelBuilder& ModelBuilder::operator=(const ModelBuilder& other) {
  if (this != &other) state_ = std::make_unique<internal::BuilderState>(*other.state_);
  return *this;
}
ModelBuilder::ModelBuilder(ModelBuilder&&) noexcept = default;
ModelBuilder& ModelBuilder::operator=(ModelBuilder&&) noexcept = default;

const ModelOptions& ModelBuilder::options() const { return state_->options; }

// --- Subgraphs ---------------------------------------------------------------------------

absl::StatusOr<SubgraphId> ModelBuilder::AddSubgraph(std::string_view id,
                                                     const SubgraphOptions& options) {
  FAULTLINE_RETURN_IF_ERROR(ValidateSubgraphId(id));
  BuilderState& st = *state_;
  SubgraphId parent = kNoSubgraph;
  if (!options.parent.empty()) {
    auto p = FindSubgraph(options.parent);
    if (!p) {
      return absl::NotFoundError(internal::StrCat("parent subgraph \"", options.parent,
                                              "\" of subgraph \"", id, "\" does not exist"));
    }
    parent = *p;
  }
  auto it = st.subgraph_slots.find(internal::ToAbsl(id));
  if (it != st.subgraph_slots.end() && st.subgraphs[it->second].live) {
    SubgraphState& sg = st.subgraphs[it->second];
    if (!options.parent.empty() && sg.parent != parent) {
      return absl::FailedPreconditionError(internal::StrCat(
          "subgraph \"", id, "\" already exists with parent \"",
          sg.parent == kNoSubgraph ? std::string() : st.subgraphs[sg.parent].id,
          "\", not \"", options.parent, "\""));
    }
    return it->second;
  }
  if (parent != kNoSubgraph && it != st.subgraph_slots.end() &&
      st.IsWithin(parent, it->second)) {
    return absl::InvalidArgumentError(
        internal::StrCat("subgraph \"", id, "\" cannot be nested in its own descendant \"",
                     options.parent, "\""));
  }
  SubgraphId slot;
  if (it != st.subgraph_slots.end()) {
    slot = it->second;
  } else {
    slot = static_cast<SubgraphId>(st.subgraphs.size());
    st.subgraphs.emplace_back();
    st.subgraphs.back().id = std::string(id);
    st.subgraph_slots.emplace(std::string(id), slot);
  }
  ++st.generation;
  SubgraphState& sg = st.subgraphs[slot];
  sg.live = true;
  sg.parent = parent;
  sg.kind = options.kind;
  sg.version = options.version != 0 ? options.version : sg.version + 1;
  sg.attributes = options.attributes;
  sg.Clear();
  return slot;
}

absl::StatusOr<SubgraphId> ModelBuilder::ReplaceSubgraph(std::string_view id,
                                                         const SubgraphOptions& options) {
  FAULTLINE_RETURN_IF_ERROR(ValidateSubgraphId(id));
  BuilderState& st = *state_;
  auto existing = FindSubgraph(id);
  if (!existing) return AddSubgraph(id, options);
  SubgraphId parent = st.subgraphs[*existing].parent;  // kept unless options name one
  if (!options.parent.empty()) {
    auto p = FindSubgraph(options.parent);
    if (!p) {
      return absl::NotFoundError(internal::StrCat("parent subgraph \"", options.parent,
                                              "\" of subgraph \"", id, "\" does not exist"));
    }
    if (st.IsWithin(*p, *existing)) {
      return absl::InvalidArgumentError(
          internal::StrCat("subgraph \"", id, "\" cannot be nested in itself or its descendant \"",
                       options.parent, "\""));
    }
    parent = *p;
  }
  ++st.generation;
  st.RemoveDescendants(*existing);
  SubgraphState& sg = st.subgraphs[*existing];
  sg.Clear();
  sg.parent = parent;
  sg.kind = options.kind;
  sg.version = options.version != 0 ? options.version : sg.version + 1;
  sg.attributes = options.attributes;
  return *existing;
}

absl::Status ModelBuilder::RemoveSubgraph(std::string_view id) {
  auto s = FindSubgraph(id);
  if (!s) return absl::NotFoundError(internal::StrCat("subgraph \"", id, "\" does not exist"));
  ++state_->generation;
  state_->RemoveDescendants(*s);
  state_->subgraphs[*s].live = false;
  state_->subgraphs[*s].Clear();
  return absl::OkStatus();
}

std::optional<SubgraphId> ModelBuilder::FindSubgraph(std::string_view id) const {
  auto it = state_->subgraph_slots.find(internal::ToAbsl(id));
  if (it == state_->subgraph_slots.end() || !state_->subgraphs[it->second].live) {
    return std::nullopt;
  }
  return it->second;
}

std::uint64_t ModelBuilder::SubgraphVersion(SubgraphId subgraph) const {
  return state_->subgraphs[subgraph].version;
}

std::uint64_t ModelBuilder::generation() const { return state_->generation; }

std::vector<std::string> ModelBuilder::SubgraphIds() const {
  std::vector<std::string> out;
  for (const SubgraphState& sg : state_->subgraphs) {
    if (sg.live) out.push_back(sg.id);
  }
  return out;
}

// --- Entities ----------------------------------------------------------------------------

absl::StatusOr<EntityId> ModelBuilder::AddEntity(SubgraphId subgraph, EntityKind kind,
                                                 std::string_view id,
                                                 const Attributes& attributes) {
  BuilderState& st = *state_;
  if (!st.IsLive(subgraph)) {
    return absl::NotFoundError(internal::StrCat("subgraph #", subgraph, " does not exist"));
  }
  if (id.empty()) return absl::InvalidArgumentError("entity id is empty");
  if (static_cast<int>(kind) >= kEntityKindCount) {
    return absl::InvalidArgumentError(internal::StrCat("entity kind ", static_cast<int>(kind),
                                                   " is out of range for \"", id, "\""));
  }
  const std::size_t before = st.entities.size();
  const EntityId e = st.entity_ids.Intern(id);
  if (e == before) {
    st.entities.push_back(internal::EntityState{kind, {}});
  } else if (st.entities[e].kind != kind) {
    return absl::FailedPreconditionError(
        internal::StrCat("entity \"", id, "\" was added as a ", EntityKindName(st.entities[e].kind),
                     " and cannot also be a ", EntityKindName(kind)));
  }
  MergeAttributes(st.entities[e].attributes, attributes);
  SubgraphState& sg = st.subgraphs[subgraph];
  sg.AddMember(e);
  return e;
}

std::optional<EntityId> ModelBuilder::FindEntity(std::string_view id) const {
  return state_->entity_ids.Find(id);
}

std::string_view ModelBuilder::EntityIdString(EntityId entity) const {
  return state_->entity_ids.Get(entity);
}

EntityKind ModelBuilder::EntityKindOf(EntityId entity) const {
  return state_->entities[entity].kind;
}

const Attributes& ModelBuilder::EntityAttributes(EntityId entity) const {
  return state_->entities[entity].attributes;
}

absl::Status ModelBuilder::SetEntityAttributes(EntityId entity, Attributes attributes) {
  if (entity >= state_->entities.size()) {
    return absl::InvalidArgumentError(internal::StrCat("unknown entity #", entity));
  }
  state_->entities[entity].attributes = std::move(attributes);
  return absl::OkStatus();
}

std::vector<EntityId> ModelBuilder::SubgraphMembers(SubgraphId subgraph) const {
  return state_->subgraphs[subgraph].members;
}

const Attributes& ModelBuilder::SubgraphAttributes(SubgraphId subgraph) const {
  return state_->subgraphs[subgraph].attributes;
}

// --- Edges -------------------------------------------------------------------------------

void ModelBuilder::ReserveEdges(SubgraphId subgraph, std::size_t count) {
  BuilderState& st = *state_;
  if (!st.IsLive(subgraph)) return;
  SubgraphState& sg = st.subgraphs[subgraph];
  const std::size_t needed = sg.edges.size() + count;
  if (needed <= sg.edges.capacity()) return;
  // Geometric, so that many small hints do not each reallocate.
  const std::size_t target = std::max(needed, sg.edges.capacity() * 2);
  sg.edges.reserve(target);
  sg.edge_index.reserve(target);
}

absl::StatusOr<EdgeRef> ModelBuilder::AddEdge(SubgraphId subgraph, EntityId from, EntityId to,
                                              EdgeKind kind) {
  BuilderState& st = *state_;
  if (!st.IsLive(subgraph)) {
    return absl::NotFoundError(internal::StrCat("subgraph #", subgraph, " does not exist"));
  }
  if (from >= st.entities.size() || to >= st.entities.size()) {
    return absl::InvalidArgumentError(internal::StrCat("edge names unknown entity #",
                                                   from >= st.entities.size() ? from : to));
  }
  if (static_cast<int>(kind) >= kEdgeKindCount) {
    return absl::InvalidArgumentError(
        internal::StrCat("edge kind ", static_cast<int>(kind), " is out of range"));
  }
  SubgraphState& sg = st.subgraphs[subgraph];
  auto [it, inserted] = sg.edge_index.try_emplace(internal::EdgeKey{from, to, kind},
                                                  static_cast<std::uint32_t>(sg.edges.size()));
  if (inserted) {
    sg.edges.push_back(internal::EdgeRecord{from, to, kind});
    sg.AddMember(to);
    sg.AddMember(from);  // last: the next edge often has the same source
  }
  return EdgeRef{subgraph, it->second};
}

// --- Statistics --------------------------------------------------------------------------

WindowedStats& ModelBuilder::EdgeStats(EdgeRef edge) {
  auto& stats = state_->subgraphs[edge.subgraph].edge_stats;
  auto it = stats.find(edge.index);
  if (it == stats.end()) {
    it = stats.emplace(edge.index, WindowedStats(state_->options.bucket_width_ns)).first;
  }
  return it->second;
}

WindowedStats& ModelBuilder::EntityStats(SubgraphId subgraph, EntityId entity) {
  SubgraphState& sg = state_->subgraphs[subgraph];
  sg.AddMember(entity);
  auto it = sg.entity_stats.find(entity);
  if (it == sg.entity_stats.end()) {
    it = sg.entity_stats.emplace(entity, WindowedStats(state_->options.bucket_width_ns)).first;
  }
  return it->second;
}

// --- Signals -----------------------------------------------------------------------------

SeriesStats& ModelBuilder::MetricSeries(SubgraphId subgraph, EntityId entity,
                                        std::string_view metric) {
  SubgraphState& sg = state_->subgraphs[subgraph];
  sg.AddMember(entity);
  auto& by_name = sg.metrics[entity];
  auto it = by_name.find(metric);
  if (it == by_name.end()) {
    it = by_name.emplace(std::string(metric), SeriesStats(state_->options.bucket_width_ns)).first;
  }
  return it->second;
}

void ModelBuilder::SetMetricType(std::string_view metric, std::string_view type) {
  auto it = state_->metric_types.find(metric);
  if (it == state_->metric_types.end()) {
    state_->metric_types.emplace(std::string(metric), std::string(type));
  } else {
    it->second = std::string(type);
  }
}

LogStats& ModelBuilder::EntityLogs(SubgraphId subgraph, EntityId entity) {
  SubgraphState& sg = state_->subgraphs[subgraph];
  sg.AddMember(entity);
  auto it = sg.logs.find(entity);
  if (it == sg.logs.end()) {
    it = sg.logs.emplace(entity, LogStats(state_->options.bucket_width_ns)).first;
  }
  return it->second;
}

std::uint32_t ModelBuilder::InternLogTemplate(std::string_view text) {
  auto [it, inserted] = state_->log_template_ids.try_emplace(
      std::string(text), static_cast<std::uint32_t>(state_->log_templates.size()));
  if (inserted) state_->log_templates.emplace_back(text);
  return it->second;
}

namespace {

absl::Status CheckRecordTarget(const BuilderState& st, SubgraphId subgraph, EntityId entity,
                               std::string_view what) {
  if (!st.IsLive(subgraph)) {
    return absl::NotFoundError(internal::StrCat(what, ": no live subgraph ", subgraph));
  }
  if (entity >= st.entities.size()) {
    return absl::InvalidArgumentError(internal::StrCat(what, ": unknown entity ", entity));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ModelBuilder::AddAlert(SubgraphId subgraph, EntityId entity, Alert alert) {
  FAULTLINE_RETURN_IF_ERROR(CheckRecordTarget(*state_, subgraph, entity, "AddAlert"));
  SubgraphState& sg = state_->subgraphs[subgraph];
  sg.AddMember(entity);
  std::sort(alert.labels.begin(), alert.labels.end());
  sg.alerts.emplace_back(entity, std::move(alert));
  return absl::OkStatus();
}

absl::Status ModelBuilder::AddEvent(SubgraphId subgraph, EntityId entity, ChangeEvent event) {
  FAULTLINE_RETURN_IF_ERROR(CheckRecordTarget(*state_, subgraph, entity, "AddEvent"));
  SubgraphState& sg = state_->subgraphs[subgraph];
  sg.AddMember(entity);
  if (event.last_ns < event.time_ns) event.last_ns = event.time_ns;
  sg.events.emplace_back(entity, std::move(event));
  return absl::OkStatus();
}

// --- Cross links -------------------------------------------------------------------------

absl::Status ModelBuilder::AddCrossLink(std::string_view link_set, CrossLink link) {
  if (link_set.empty()) return absl::InvalidArgumentError("cross-link set name is empty");
  if (link.from.empty() || link.to.empty()) {
    return absl::InvalidArgumentError(internal::StrCat("cross link in set \"", link_set,
                                                   "\" has an empty entity id"));
  }
  if (static_cast<int>(link.kind) >= kEdgeKindCount) {
    return absl::InvalidArgumentError("cross link edge kind is out of range");
  }
  auto it = state_->link_sets.find(link_set);
  if (it == state_->link_sets.end()) {
    it = state_->link_sets.emplace(std::string(link_set), internal::LinkSet{}).first;
  }
  internal::LinkSet& set = it->second;
  if (set.keys.emplace(link.from, link.to, static_cast<int>(link.kind)).second) {
    set.links.push_back(std::move(link));
  }
  return absl::OkStatus();
}

void ModelBuilder::ClearCrossLinks(std::string_view link_set) {
  auto it = state_->link_sets.find(link_set);
  if (it != state_->link_sets.end()) state_->link_sets.erase(it);
}

// --- Inspection --------------------------------------------------------------------------

std::size_t ModelBuilder::entity_count() const {
  std::vector<bool> held(state_->entities.size(), false);
  std::size_t n = 0;
  for (const SubgraphState& sg : state_->subgraphs) {
    if (!sg.live) continue;
    for (EntityId e : sg.members) {
      if (!held[e]) {
        held[e] = true;
        ++n;
      }
    }
  }
  return n;
}

namespace {

// The live-membership bitmap of a builder's entities.
std::vector<bool> HeldEntities(const BuilderState& st) {
  std::vector<bool> held(st.entities.size(), false);
  for (const SubgraphState& sg : st.subgraphs) {
    if (!sg.live) continue;
    for (EntityId e : sg.members) held[e] = true;
  }
  return held;
}

// Resolves a cross link's ends to held entities; false when either is not held.
bool ResolveLink(const BuilderState& st, const std::vector<bool>& held, const CrossLink& link,
                 EntityId* from, EntityId* to) {
  auto f = st.entity_ids.Find(link.from);
  auto t = st.entity_ids.Find(link.to);
  if (!f || !t || !held[*f] || !held[*t]) return false;
  *from = *f;
  *to = *t;
  return true;
}

}  // namespace

std::size_t ModelBuilder::edge_count() const {
  std::size_t n = 0;
  for (const SubgraphState& sg : state_->subgraphs) {
    if (sg.live) n += sg.edges.size();
  }
  for (const auto& [name, set] : state_->link_sets) n += set.links.size();
  return n;
}

std::vector<Neighbor> ModelBuilder::OutNeighbors(EntityId entity) const {
  const BuilderState& st = *state_;
  std::vector<Neighbor> out;
  for (const SubgraphState& sg : st.subgraphs) {
    if (!sg.live) continue;
    for (const internal::EdgeRecord& e : sg.edges) {
      if (e.from == entity) out.push_back(Neighbor{e.to, e.kind});
    }
  }
  const std::vector<bool> held = HeldEntities(st);
  for (const auto& [name, set] : st.link_sets) {
    for (const CrossLink& link : set.links) {
      EntityId from, to;
      if (ResolveLink(st, held, link, &from, &to) && from == entity) {
        out.push_back(Neighbor{to, link.kind});
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// --- Freeze ------------------------------------------------------------------------------

absl::StatusOr<Snapshot> ModelBuilder::Freeze() const {
  const BuilderState& st = *state_;
  internal::SnapshotInput in;
  in.bucket_width_ns = st.options.bucket_width_ns;

  // Live subgraphs, renumbered densely in slot order.
  std::vector<SubgraphId> new_subgraph(st.subgraphs.size(), kNoSubgraph);
  for (SubgraphId s = 0; s < st.subgraphs.size(); ++s) {
    if (!st.subgraphs[s].live) continue;
    new_subgraph[s] = static_cast<SubgraphId>(in.subgraphs.size());
    in.subgraphs.emplace_back();
  }

  // Entities held by a live subgraph, renumbered densely in interning order.
  const std::vector<bool> held = HeldEntities(st);
  std::vector<EntityId> new_entity(st.entities.size(), kInvalidEntity);
  for (EntityId e = 0; e < st.entities.size(); ++e) {
    if (!held[e]) continue;
    new_entity[e] = static_cast<EntityId>(in.entities.size());
    in.entities.push_back(internal::EntityRecord{std::string(st.entity_ids.Get(e)),
                                                 st.entities[e].kind,
                                                 st.entities[e].attributes});
  }

  for (SubgraphId s = 0; s < st.subgraphs.size(); ++s) {
    const SubgraphState& sg = st.subgraphs[s];
    if (!sg.live) continue;
    internal::SubgraphRecord& rec = in.subgraphs[new_subgraph[s]];
    rec.name = sg.id;
    rec.kind = sg.kind;
    rec.parent = sg.parent == kNoSubgraph ? kNoSubgraph : new_subgraph[sg.parent];
    rec.version = sg.version;
    rec.attributes = sg.attributes;
    rec.members.reserve(sg.members.size());
    for (EntityId e : sg.members) rec.members.push_back(new_entity[e]);
    for (std::uint32_t i = 0; i < sg.edges.size(); ++i) {
      const internal::EdgeRecord& e = sg.edges[i];
      auto stats = sg.edge_stats.find(i);
      if (stats != sg.edge_stats.end()) in.edge_stats.emplace_back(in.edges.size(), stats->second);
      in.edges.push_back(internal::RawEdge{new_entity[e.from], new_entity[e.to], e.kind,
                                           new_subgraph[s], -1});
    }
    // Entity statistics in a deterministic order (hash map order is not).
    std::vector<std::pair<EntityId, const WindowedStats*>> ordered;
    ordered.reserve(sg.entity_stats.size());
    for (const auto& [e, stats] : sg.entity_stats) ordered.emplace_back(e, &stats);
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [e, stats] : ordered) in.entity_stats.emplace_back(new_entity[e], *stats);

    // Signals, likewise in entity order.
    std::vector<EntityId> with_metrics;
    with_metrics.reserve(sg.metrics.size());
    for (const auto& [e, series] : sg.metrics) with_metrics.push_back(e);
    std::sort(with_metrics.begin(), with_metrics.end());
    for (EntityId e : with_metrics) {
      for (const auto& [name, series] : sg.metrics.at(e)) {
        in.metrics.push_back(internal::MetricRecord{new_entity[e], name, series});
      }
    }
    std::vector<std::pair<EntityId, const LogStats*>> logs;
    logs.reserve(sg.logs.size());
    for (const auto& [e, stats] : sg.logs) logs.emplace_back(e, &stats);
    std::sort(logs.begin(), logs.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [e, stats] : logs) in.logs.emplace_back(new_entity[e], *stats);
    for (const auto& [e, alert] : sg.alerts) in.alerts.push_back({new_entity[e], alert});
    for (const auto& [e, event] : sg.events) in.events.push_back({new_entity[e], event});
  }
  in.log_templates = st.log_templates;
  for (const auto& [name, type] : st.metric_types) in.metric_types.emplace_back(name, type);

  for (const auto& [name, set] : st.link_sets) {
    for (const CrossLink& link : set.links) {
      EntityId from, to;
      if (!ResolveLink(st, held, link, &from, &to)) {
        ++in.report.dropped_cross_links;
        if (in.report.dropped_examples.size() < 10) {
          in.report.dropped_examples.push_back(
              internal::StrCat(name, ": ", link.from, " -> ", link.to));
        }
        continue;
      }
      in.edges.push_back(internal::RawEdge{new_entity[from], new_entity[to], link.kind,
                                           kNoSubgraph,
                                           static_cast<std::int32_t>(in.links.size())});
      in.links.push_back(internal::LinkRecord{name, link.rule, link.detail});
    }
  }

  FAULTLINE_ASSIGN_OR_RETURN(auto data, internal::BuildSnapshotData(std::move(in)));
  return Snapshot(std::move(data));
}

}  // namespace faultline
