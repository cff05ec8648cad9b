// ModelBuilder::AddTopology(): the static topology JSON (faultline.v1.Topology).
//
// The document is parsed and fully validated into a plan first; the builder is changed
// only when the whole plan is valid, so a bad file leaves the model as it was.
#include "faultline/ingest/topology.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/status_macros.h"
#include "faultline/model/model_builder.h"
#include "faultline/v1/topology.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/descriptor.h"
#include "io/json_reader.h"

namespace faultline {
namespace {

struct PlannedEntity {
  EntityKind kind;
  std::string id;
  Attributes attributes;
};

struct PlannedEdge {
  std::string from;
  std::string to;
  EdgeKind kind;
};

// Accumulates the entities and edges of one document, deduplicated, in document order.
class Plan {
 public:
  void Entity(EntityKind kind, std::string id, Attributes attributes = {}) {
    auto [it, inserted] = index_.emplace(id, entities_.size());
    if (inserted) {
      entities_.push_back(PlannedEntity{kind, std::move(id), std::move(attributes)});
    } else {
      for (auto& a : attributes) entities_[it->second].attributes.push_back(std::move(a));
    }
  }
  // Returns false when the edge was already planned.
  bool Edge(std::string from, std::string to, EdgeKind kind) {
    if (!edge_keys_.emplace(from, to, static_cast<int>(kind)).second) return false;
    edges_.push_back(PlannedEdge{std::move(from), std::move(to), kind});
    return true;
  }
  bool Has(const std::string& id) const { return index_.contains(id); }
  const std::vector<PlannedEntity>& entities() const { return entities_; }
  const std::vector<PlannedEdge>& edges() const { return edges_; }

 private:
  std::vector<PlannedEntity> entities_;
  absl::flat_hash_map<std::string, std::size_t> index_;
  std::vector<PlannedEdge> edges_;
  std::set<std::tuple<std::string, std::string, int>> edge_keys_;
};

Attributes Labels(const google::protobuf::Map<std::string, std::string>& labels) {
  // Sorted, so the same document always gives the same attributes.
  std::map<std::string, std::string> sorted(labels.begin(), labels.end());
  Attributes out;
  for (auto& [k, v] : sorted) out.emplace_back(internal::StrCat("label.", k), v);
  return out;
}

std::string FileStem(const std::string& name) {
  std::string base = name.substr(name.find_last_of('/') == std::string::npos
                                     ? 0
                                     : name.find_last_of('/') + 1);
  const auto dot = base.find('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base.empty() ? std::string("default") : base;
}

// Walks a JSON document alongside message `type`: a syntax error, or a single value where
// the schema has a list (protobuf's JSON parser quietly accepts those as one-element lists),
// fails the reader with the value's offset and sets *path to the field path.
bool CheckShape(internal::JsonReader& r, const google::protobuf::Descriptor* type,
                const std::string& prefix, std::string* path) {
  if (r.Peek() != internal::JsonType::kObject) return r.Skip();
  r.BeginObject();
  std::string_view key;
  while (r.NextKey(&key)) {
    const std::string k(key);
    const google::protobuf::FieldDescriptor* f = type->FindFieldByName(k);
    for (int i = 0; f == nullptr && i < type->field_count(); ++i) {
      if (type->field(i)->json_name() == k) f = type->field(i);
    }
    if (f == nullptr || f->is_map()) {  // unknown fields are protobuf's to report
      if (!r.Skip()) return false;
      continue;
    }
    const std::string field = prefix.empty() ? f->name() : internal::StrCat(prefix, ".", f->name());
    const bool message = f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE;
    if (!f->is_repeated()) {
      if (!(message ? CheckShape(r, f->message_type(), field, path) : r.Skip())) return false;
      continue;
    }
    const internal::JsonType t = r.Peek();
    if (t == internal::JsonType::kNull) {
      r.ReadNull();
      continue;
    }
    if (t != internal::JsonType::kArray) {
      *path = field;
      return r.Fail("a list");
    }
    r.BeginArray();
    for (int i = 0; r.NextElement(); ++i) {
      const std::string element = internal::StrCat(field, "[", i, "]");
      if (!(message ? CheckShape(r, f->message_type(), element, path) : r.Skip())) return false;
    }
    if (!r.ok()) return false;
  }
  return r.ok();
}

class TopologyReader {
 public:
  TopologyReader(const v1::Topology& t, std::string_view source) : t_(t), source_(source) {}

  absl::Status Read(Plan& plan, TopologyReport& report) {
    FAULTLINE_RETURN_IF_ERROR(Declare());
    for (int i = 0; i < t_.zones_size(); ++i) {
      const auto& z = t_.zones(i);
      plan.Entity(EntityKind::kZone, "zone:" + z.name(), {{"name", z.name()}});
      if (!z.region().empty()) {
        plan.Entity(EntityKind::kRegion, "region:" + z.region(), {{"name", z.region()}});
        plan.Edge("zone:" + z.name(), "region:" + z.region(), EdgeKind::kRunsOn);
      }
    }
    for (int i = 0; i < t_.clusters_size(); ++i) {
      const auto& c = t_.clusters(i);
      plan.Entity(EntityKind::kCluster, "cluster:" + c.name(), {{"name", c.name()}});
      if (!c.region().empty()) {
        plan.Entity(EntityKind::kRegion, "region:" + c.region(), {{"name", c.region()}});
        plan.Edge("cluster:" + c.name(), "region:" + c.region(), EdgeKind::kRunsOn);
      }
    }
    for (int i = 0; i < t_.hosts_size(); ++i) {
      const auto& h = t_.hosts(i);
      Attributes attrs = Labels(h.labels());
      attrs.insert(attrs.begin(), {"name", h.name()});
      plan.Entity(EntityKind::kNode, "node:" + h.name(), std::move(attrs));
      if (!h.zone().empty()) {
        Zone(plan, report, h.zone());
        plan.Edge("node:" + h.name(), "zone:" + h.zone(), EdgeKind::kRunsOn);
      }
      if (!h.cluster().empty()) {
        if (!plan.Has("cluster:" + h.cluster())) {
          plan.Entity(EntityKind::kCluster, "cluster:" + h.cluster(), {{"name", h.cluster()}});
        }
        plan.Edge("node:" + h.name(), "cluster:" + h.cluster(), EdgeKind::kRunsOn);
      }
    }
    // Entities of every kind first, so dependencies may point forward in the document.
    for (int i = 0; i < t_.services_size(); ++i) {
      const auto& s = t_.services(i);
      Attributes attrs = Labels(s.labels());
      attrs.insert(attrs.begin(), {"name", s.name()});
      plan.Entity(EntityKind::kService, "service:" + s.name(), std::move(attrs));
    }
    for (int i = 0; i < t_.databases_size(); ++i) {
      const auto& d = t_.databases(i);
      Attributes attrs = Labels(d.labels());
      if (!d.system().empty()) attrs.insert(attrs.begin(), {"system", d.system()});
      attrs.insert(attrs.begin(), {"name", d.name()});
      plan.Entity(EntityKind::kDatabase, "database:" + d.name(), std::move(attrs));
    }
    for (int i = 0; i < t_.queues_size(); ++i) {
      const auto& q = t_.queues(i);
      Attributes attrs = Labels(q.labels());
      if (!q.system().empty()) attrs.insert(attrs.begin(), {"system", q.system()});
      attrs.insert(attrs.begin(), {"name", q.name()});
      plan.Entity(EntityKind::kQueue, "queue:" + q.name(), std::move(attrs));
    }
    for (int i = 0; i < t_.externals_size(); ++i) {
      const auto& x = t_.externals(i);
      Attributes attrs = Labels(x.labels());
      attrs.insert(attrs.begin(), {"name", x.name()});
      plan.Entity(EntityKind::kExternal, "external:" + x.name(), std::move(attrs));
    }
    for (int i = 0; i < t_.services_size(); ++i) {
      const auto& s = t_.services(i);
      const std::string id = "service:" + s.name();
      const std::string path = internal::StrCat("services[", i, "]");
      for (int j = 0; j < s.depends_on_size(); ++j) {
        const auto& dep = s.depends_on(j);
        const std::string dpath = internal::StrCat(path, ".depends_on[", j, "]");
        FAULTLINE_ASSIGN_OR_RETURN(auto target, ResolveTarget(dep.target(), dpath));
        EdgeKind kind = target.second;
        if (!dep.kind().empty()) {
          auto parsed = ParseEdgeKind(dep.kind());
          if (!parsed.ok() || (*parsed != EdgeKind::kCalls && *parsed != EdgeKind::kAsync &&
                               *parsed != EdgeKind::kUses)) {
            return Error(internal::StrCat(dpath, ".kind: \"", dep.kind(),
                                      "\" is not a dependency kind; expected calls, async or "
                                      "uses"));
          }
          kind = *parsed;
        }
        if (!plan.Edge(id, target.first, kind)) {
          report.warnings.push_back(internal::StrCat(source_, ": ", dpath, ": duplicate dependency on \"",
                                                 dep.target(), "\" ignored"));
        }
      }
      for (int j = 0; j < s.entry_points_size(); ++j) {
        const std::string& op = s.entry_points(j);
        if (op.empty()) {
          return Error(internal::StrCat(path, ".entry_points[", j, "]: empty operation name"));
        }
        const std::string ep = internal::StrCat("entry_point:", s.name(), "/", op);
        plan.Entity(EntityKind::kEntryPoint, ep, {{"service", s.name()}, {"operation", op}});
        plan.Edge(ep, id, EdgeKind::kCalls);
      }
      FAULTLINE_RETURN_IF_ERROR(Place(plan, report, id, s.runs_on(), s.zone(), path));
    }
    for (int i = 0; i < t_.databases_size(); ++i) {
      const auto& d = t_.databases(i);
      FAULTLINE_RETURN_IF_ERROR(Place(plan, report, "database:" + d.name(), d.runs_on(),
                                      d.zone(), internal::StrCat("databases[", i, "]")));
    }
    for (int i = 0; i < t_.queues_size(); ++i) {
      const auto& q = t_.queues(i);
      FAULTLINE_RETURN_IF_ERROR(Place(plan, report, "queue:" + q.name(), q.runs_on(), q.zone(),
                                      internal::StrCat("queues[", i, "]")));
    }
    report.services = t_.services_size();
    return absl::OkStatus();
  }

 private:
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(internal::StrCat(source_, ": ", what));
  }

  // Records every declared name, rejecting empty and duplicate names.
  absl::Status Declare() {
    auto declare = [&](std::string_view category, std::string_view field, int i,
                       const std::string& name) -> absl::Status {
      const std::string path = internal::StrCat(field, "[", i, "].name");
      if (name.empty()) return Error(internal::StrCat(path, ": empty name"));
      if (!names_[std::string(category)].emplace(name, path).second) {
        return Error(internal::StrCat(path, ": duplicate ", category, " \"", name,
                                  "\" (first declared at ",
                                  names_[std::string(category)][name], ")"));
      }
      return absl::OkStatus();
    };
    for (int i = 0; i < t_.services_size(); ++i)
      FAULTLINE_RETURN_IF_ERROR(declare("service", "services", i, t_.services(i).name()));
    for (int i = 0; i < t_.databases_size(); ++i)
      FAULTLINE_RETURN_IF_ERROR(declare("database", "databases", i, t_.databases(i).name()));
    for (int i = 0; i < t_.queues_size(); ++i)
      FAULTLINE_RETURN_IF_ERROR(declare("queue", "queues", i, t_.queues(i).name()));
    for (int i = 0; i < t_.externals_size(); ++i)
      FAULTLINE_RETURN_IF_ERROR(declare("external", "externals", i, t_.externals(i).name()));
    for (int i = 0; i < t_.hosts_size(); ++i)
      FAULTLINE_RETURN_IF_ERROR(declare("host", "hosts", i, t_.hosts(i).name()));
    for (int i = 0; i < t_.zones_size(); ++i)
      FAULTLINE_RETURN_IF_ERROR(declare("zone", "zones", i, t_.zones(i).name()));
    for (int i = 0; i < t_.clusters_size(); ++i)
      FAULTLINE_RETURN_IF_ERROR(declare("cluster", "clusters", i, t_.clusters(i).name()));
    return absl::OkStatus();
  }

  bool Declared(std::string_view category, const std::string& name) const {
    auto it = names_.find(std::string(category));
    return it != names_.end() && it->second.count(name) > 0;
  }

  // The entity id and default edge kind of a dependency target.
  absl::StatusOr<std::pair<std::string, EdgeKind>> ResolveTarget(const std::string& target,
                                                                 const std::string& path) const {
    static constexpr std::pair<std::string_view, EdgeKind> kCategories[] = {
        {"service", EdgeKind::kCalls},
        {"database", EdgeKind::kUses},
        {"queue", EdgeKind::kAsync},
        {"external", EdgeKind::kCalls},
    };
    if (target.empty()) return Error(internal::StrCat(path, ".target: empty target"));
    const auto colon = target.find(':');
    if (colon != std::string::npos) {
      const std::string category = target.substr(0, colon);
      const std::string name = target.substr(colon + 1);
      for (const auto& [cat, kind] : kCategories) {
        if (cat != category) continue;
        if (!Declared(cat, name)) {
          return Error(internal::StrCat(path, ".target: \"", target, "\" names no declared ",
                                    category));
        }
        return std::make_pair(target, kind);
      }
    }
    std::vector<std::pair<std::string, EdgeKind>> matches;
    for (const auto& [cat, kind] : kCategories) {
      if (Declared(cat, target)) matches.emplace_back(internal::StrCat(cat, ":", target), kind);
    }
    if (matches.empty()) {
      return Error(internal::StrCat(path, ".target: \"", target,
                                "\" names no service, database, queue or external"));
    }
    if (matches.size() > 1) {
      return Error(internal::StrCat(path, ".target: \"", target,
                                "\" is ambiguous; prefix it with its kind, e.g. \"",
                                matches[1].first, "\""));
    }
    return matches.front();
  }

  void Zone(Plan& plan, TopologyReport& report, const std::string& zone) {
    if (!Declared("zone", zone) && !plan.Has("zone:" + zone)) ++report.implicit_zones;
    if (!plan.Has("zone:" + zone)) {
      plan.Entity(EntityKind::kZone, "zone:" + zone, {{"name", zone}});
    }
  }

  absl::Status Place(Plan& plan, TopologyReport& report, const std::string& id,
                     const google::protobuf::RepeatedPtrField<std::string>& hosts,
                     const std::string& zone, const std::string& path) {
    for (int j = 0; j < hosts.size(); ++j) {
      if (!Declared("host", hosts[j])) {
        return Error(internal::StrCat(path, ".runs_on[", j, "]: \"", hosts[j],
                                  "\" names no declared host"));
      }
      plan.Edge(id, "node:" + hosts[j], EdgeKind::kRunsOn);
    }
    if (!zone.empty()) {
      Zone(plan, report, zone);
      plan.Edge(id, "zone:" + zone, EdgeKind::kRunsOn);
    }
    return absl::OkStatus();
  }

  const v1::Topology& t_;
  std::string source_;
  std::map<std::string, std::map<std::string, std::string>> names_;
};

}  // namespace

absl::StatusOr<TopologyReport> AddTopology(ModelBuilder& builder, const InputSource& source,
                                                         const TopologyOptions& options) {
  FAULTLINE_ASSIGN_OR_RETURN(const std::string text, source.ReadAll());
  {
    internal::JsonReader reader(text);
    std::string path;
    if (!CheckShape(reader, v1::Topology::descriptor(), "", &path) || !reader.ExpectEnd()) {
      const absl::Status st = reader.status(source.name());
      if (path.empty()) return st;
      return absl::InvalidArgumentError(internal::StrCat(st.message(), " (at ", path, ")"));
    }
  }
  v1::Topology topology;
  google::protobuf::util::JsonParseOptions json_options;
  json_options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(text, &topology, json_options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(internal::StrCat(
        source.name(), ": not a faultline topology document: ", std::string(parsed.message())));
  }

  TopologyReport report;
  Plan plan;
  FAULTLINE_RETURN_IF_ERROR(TopologyReader(topology, source.name()).Read(plan, report));

  // Kind conflicts with entities other subgraphs hold are the last possible failure: check
  // them before changing anything.
  for (const PlannedEntity& e : plan.entities()) {
    auto existing = builder.FindEntity(e.id);
    if (existing && builder.EntityKindOf(*existing) != e.kind) {
      return absl::FailedPreconditionError(internal::StrCat(
          source.name(), ": entity \"", e.id, "\" already exists as a ",
          EntityKindName(builder.EntityKindOf(*existing)), ", not a ", EntityKindName(e.kind)));
    }
  }
  report.subgraph = options.subgraph;
  if (report.subgraph.empty()) {
    report.subgraph = internal::StrCat(
        "topology/", topology.name().empty() ? FileStem(source.name()) : topology.name());
  }
  SubgraphOptions sg_options;
  sg_options.kind = "topology";
  sg_options.attributes.emplace_back("source", source.name());
  if (!topology.environment().empty()) {
    sg_options.attributes.emplace_back("environment", topology.environment());
  }
  FAULTLINE_ASSIGN_OR_RETURN(const SubgraphId sg, builder.ReplaceSubgraph(report.subgraph, sg_options));
  absl::flat_hash_map<std::string, EntityId> ids;
  for (const PlannedEntity& e : plan.entities()) {
    FAULTLINE_ASSIGN_OR_RETURN(ids[e.id], builder.AddEntity(sg, e.kind, e.id, e.attributes));
  }
  for (const PlannedEdge& e : plan.edges()) {
    FAULTLINE_RETURN_IF_ERROR(builder.AddEdge(sg, ids.at(e.from), ids.at(e.to), e.kind).status());
  }
  report.entities = plan.entities().size();
  report.edges = plan.edges().size();
  return report;
}

}  // namespace faultline
