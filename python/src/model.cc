// python/src/model.cc: bindings of the model module: ModelBuilder (its own calls; the
// input calls are added by ingest.cc and iac.cc) and Snapshot.
//
// Entities and subgraphs are named by their id strings on the Python side (dense integer
// ids are accepted too). Every result is a copy (str, list, dict, numpy array), so nothing
// returned refers into a snapshot's memory.
#include "model.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "faultline/model/windowed_stats.h"
#include "convert.h"
#include "io.h"
#include "snapshot_columns.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

using EntityRef = std::variant<std::string, EntityId>;
using SubgraphRef = std::variant<std::string, SubgraphId>;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// --- ModelBuilder helpers ------------------------------------------------------------

SubgraphId BuilderSubgraph(const ModelBuilder& builder, const SubgraphRef& ref) {
  if (const auto* id = std::get_if<SubgraphId>(&ref)) return *id;
  const std::string& name = std::get<std::string>(ref);
  std::optional<SubgraphId> found = builder.FindSubgraph(name);
  if (!found) ThrowIfError(absl::NotFoundError(absl::StrCat("unknown subgraph '", name, "'")));
  return *found;
}

EntityId BuilderEntity(const ModelBuilder& builder, const EntityRef& ref) {
  if (const auto* id = std::get_if<EntityId>(&ref)) return *id;
  const std::string& name = std::get<std::string>(ref);
  std::optional<EntityId> found = builder.FindEntity(name);
  if (!found) {
    ThrowIfError(absl::InvalidArgumentError(
        absl::StrCat("unknown entity '", name, "': add it with add_entity() first")));
  }
  return *found;
}

SubgraphOptions MakeSubgraphOptions(const std::string& parent, const std::string& kind,
                                    std::uint64_t version, const py::object& attributes) {
  SubgraphOptions options;
  options.parent = parent;
  options.kind = kind;
  options.version = version;
  options.attributes = AttributesFromPy(attributes);
  return options;
}

// --- Snapshot helpers ----------------------------------------------------------------

EntityId SnapshotEntity(const Snapshot& snapshot, const EntityRef& ref) {
  if (const auto* id = std::get_if<EntityId>(&ref)) {
    if (*id >= snapshot.entity_count()) {
      throw py::index_error(absl::StrCat("entity index ", *id, " out of range (",
                                         snapshot.entity_count(), " entities)"));
    }
    return *id;
  }
  return ValueOrThrow(snapshot.Lookup(std::get<std::string>(ref)));
}

SubgraphId SnapshotSubgraph(const Snapshot& snapshot, const SubgraphRef& ref) {
  if (const auto* id = std::get_if<SubgraphId>(&ref)) {
    if (*id >= snapshot.subgraph_count()) {
      throw py::index_error(absl::StrCat("subgraph index ", *id, " out of range (",
                                         snapshot.subgraph_count(), " subgraphs)"));
    }
    return *id;
  }
  const std::string& name = std::get<std::string>(ref);
  std::optional<SubgraphId> found = snapshot.FindSubgraph(name);
  if (!found) ThrowIfError(absl::NotFoundError(absl::StrCat("unknown subgraph '", name, "'")));
  return *found;
}

EdgeIndex SnapshotEdge(const Snapshot& snapshot, std::int64_t edge) {
  if (edge < 0 || static_cast<std::uint64_t>(edge) >= snapshot.edge_count()) {
    throw py::index_error(absl::StrCat("edge index ", edge, " out of range (",
                                       snapshot.edge_count(), " edges)"));
  }
  return static_cast<EdgeIndex>(edge);
}

py::object SubgraphName(const Snapshot& snapshot, SubgraphId subgraph) {
  if (subgraph == kNoSubgraph || subgraph >= snapshot.subgraph_count()) return py::none();
  return ToPy(snapshot.Subgraph(subgraph).name);
}

py::list IdList(const Snapshot& snapshot, absl::Span<const EntityId> ids) {
  py::list out(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out[i] = ToPy(snapshot.EntityIdString(ids[i]));
  }
  return out;
}

py::object StatsToPy(const WindowedStats* stats, std::optional<std::int64_t> begin_ns,
                     std::optional<std::int64_t> end_ns) {
  if (stats == nullptr) return py::none();
  BucketStats b = Window(*stats, begin_ns, end_ns);
  const bool has_latency = !b.latency.empty();
  auto ms = [&](double q) { return has_latency ? b.latency.Quantile(q) / 1e6 : kNan; };
  py::dict d;
  d["requests"] = b.requests;
  d["errors"] = b.errors;
  d["error_rate"] = b.requests == 0 ? kNan : b.error_rate();
  d["latency_p50_ms"] = ms(0.5);
  d["latency_p90_ms"] = ms(0.9);
  d["latency_p99_ms"] = ms(0.99);
  d["latency_mean_ms"] = has_latency ? b.latency.mean_ns() / 1e6 : kNan;
  d["latency_max_ms"] = has_latency ? static_cast<double>(b.latency.max_ns()) / 1e6 : kNan;
  d["errors_originated"] = b.errors_originated;
  d["client_latency_p99_ms"] =
      b.client_latency.empty() ? kNan : b.client_latency.Quantile(0.99) / 1e6;
  d["self_time_p50_ms"] = b.self_time.empty() ? kNan : b.self_time.Quantile(0.5) / 1e6;
  d["self_time_p99_ms"] = b.self_time.empty() ? kNan : b.self_time.Quantile(0.99) / 1e6;
  d["buckets"] = stats->buckets().size();
  return std::move(d);
}

py::dict SubgraphToPy(const Snapshot& snapshot, SubgraphId s) {
  SubgraphInfo info = snapshot.Subgraph(s);
  py::dict d;
  d["id"] = ToPy(info.name);
  d["kind"] = ToPy(info.kind);
  d["parent"] = SubgraphName(snapshot, info.parent);
  d["version"] = info.version;
  d["attributes"] = info.attributes ? AttributesToPy(*info.attributes) : py::dict();
  py::list children;
  for (SubgraphId c : snapshot.SubgraphChildren(s)) children.append(SubgraphName(snapshot, c));
  d["children"] = children;
  d["members"] = snapshot.SubgraphMembers(s).size();
  d["edges"] = snapshot.SubgraphEdges(s).size();
  return d;
}

py::tuple EdgeToPy(const Snapshot& snapshot, EdgeIndex e) {
  EdgeView v = snapshot.Edge(e);
  return py::make_tuple(ToPy(snapshot.EntityIdString(v.source)),
                        ToPy(snapshot.EntityIdString(v.target)), ToPy(EdgeKindName(v.kind)),
                        SubgraphName(snapshot, v.subgraph));
}

py::list EdgeIndexList(absl::Span<const EdgeIndex> edges) {
  py::list out(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) out[i] = edges[i];
  return out;
}

py::list EdgeRangeList(EdgeRange edges) {
  py::list out;
  for (EdgeIndex e : edges) out.append(e);
  return out;
}

std::string SnapshotRepr(const Snapshot& s) {
  return absl::StrCat("<faultline.Snapshot entities=", s.entity_count(),
                      " edges=", s.edge_count(), " subgraphs=", s.subgraph_count(), ">");
}

}  // namespace

void RegisterModel(py::module_& m) {
  py::list entity_kinds, edge_kinds;
  for (int k = 0; k < kEntityKindCount; ++k) {
    entity_kinds.append(ToPy(EntityKindName(static_cast<EntityKind>(k))));
  }
  for (int k = 0; k < kEdgeKindCount; ++k) {
    edge_kinds.append(ToPy(EdgeKindName(static_cast<EdgeKind>(k))));
  }
  m.attr("ENTITY_KINDS") = py::tuple(entity_kinds);
  m.attr("EDGE_KINDS") = py::tuple(edge_kinds);
  m.attr("DEFAULT_BUCKET_WIDTH_NS") = kDefaultBucketWidthNs;

  // --- Snapshot ------------------------------------------------------------------------
  py::class_<Snapshot> snapshot(m, "Snapshot", R"doc(
An immutable graph of graphs: entities, typed edges, subgraphs and statistics.

Produced by ``ModelBuilder.freeze()`` or ``Snapshot.load()``. Copies share the data.
Entities may be named by canonical id string or by dense integer index.
)doc");
  snapshot.def(py::init<>(), "An empty snapshot.")
      .def(py::init<const Snapshot&>(), py::arg("other"), "A copy of `other` (shares data).")
      .def_property_readonly("entity_count", &Snapshot::entity_count)
      .def_property_readonly("edge_count", &Snapshot::edge_count)
      .def_property_readonly("subgraph_count", &Snapshot::subgraph_count)
      .def_property_readonly("bucket_width_ns", &Snapshot::bucket_width_ns)
      .def_property_readonly("has_statistics", &Snapshot::has_statistics)
      .def_property_readonly(
          "freeze_report",
          [](const Snapshot& s) {
            const FreezeReport& r = s.freeze_report();
            py::dict d;
            d["dropped_cross_links"] = r.dropped_cross_links;
            d["dropped_examples"] = r.dropped_examples;
            return d;
          },
          "What freeze() could not use: cross links naming entities no subgraph holds.")
      .def("memory_usage", &Snapshot::MemoryUsage,
           "Bytes held by the snapshot's data (shared by its copies).")
      .def("__len__", &Snapshot::entity_count)
      .def("__repr__", &SnapshotRepr)
      .def(
          "__contains__",
          [](const Snapshot& s, const std::string& id) { return s.Find(id).has_value(); },
          py::arg("id"))
      // Entities.
      .def(
          "find",
          [](const Snapshot& s, const std::string& id) -> std::optional<EntityId> {
            return s.Find(id);
          },
          py::arg("id"), "The index of entity `id`, or None.")
      .def(
          "lookup",
          [](const Snapshot& s, const std::string& id) { return ValueOrThrow(s.Lookup(id)); },
          py::arg("id"), "The index of entity `id`; KeyError when absent.")
      .def(
          "entity_id",
          [](const Snapshot& s, const EntityRef& e) {
            return ToPy(s.EntityIdString(SnapshotEntity(s, e)));
          },
          py::arg("entity"), "The canonical id string of an entity.")
      .def(
          "kind",
          [](const Snapshot& s, const EntityRef& e) {
            return ToPy(EntityKindName(s.Kind(SnapshotEntity(s, e))));
          },
          py::arg("entity"), "The kind of an entity ('service', 'database', ...).")
      .def(
          "home_subgraph",
          [](const Snapshot& s, const EntityRef& e) {
            return SubgraphName(s, s.HomeSubgraph(SnapshotEntity(s, e)));
          },
          py::arg("entity"), "The id of the entity's home subgraph, or None.")
      .def(
          "attributes",
          [](const Snapshot& s, const EntityRef& e) {
            return AttributesToPy(s.EntityAttributes(SnapshotEntity(s, e)));
          },
          py::arg("entity"), "The attributes of an entity, as a dict.")
      .def(
          "attribute",
          [](const Snapshot& s, const EntityRef& e, const std::string& key) -> py::object {
            std::optional<std::string_view> v = s.EntityAttribute(SnapshotEntity(s, e), key);
            if (!v) return py::none();
            return ToPy(*v);
          },
          py::arg("entity"), py::arg("key"), "One attribute of an entity, or None.")
      .def(
          "entities_of_kind",
          [](const Snapshot& s, const std::string& kind) {
            return IdList(s, s.EntitiesOfKind(ParseEntityKindOrThrow(kind)));
          },
          py::arg("kind"), "The ids of every entity of `kind`, in index order.")
      // Edges.
      .def(
          "out_neighbors",
          [](const Snapshot& s, const EntityRef& e, std::optional<std::string> kind) {
            EntityId id = SnapshotEntity(s, e);
            return IdList(s, kind ? s.OutNeighbors(id, ParseEdgeKindOrThrow(*kind))
                                  : s.OutNeighbors(id));
          },
          py::arg("entity"), py::arg("kind") = py::none(),
          "The ids of what `entity` depends on (targets of its out-edges), with "
          "multiplicity, optionally of one edge kind.")
      .def(
          "in_neighbors",
          [](const Snapshot& s, const EntityRef& e, std::optional<std::string> kind) {
            EntityId id = SnapshotEntity(s, e);
            return IdList(s, kind ? s.InNeighbors(id, ParseEdgeKindOrThrow(*kind))
                                  : s.InNeighbors(id));
          },
          py::arg("entity"), py::arg("kind") = py::none(),
          "The ids of the dependents of `entity` (sources of its in-edges), with "
          "multiplicity, optionally of one edge kind.")
      .def(
          "out_edges",
          [](const Snapshot& s, const EntityRef& e, std::optional<std::string> kind) {
            EntityId id = SnapshotEntity(s, e);
            return EdgeRangeList(kind ? s.OutEdges(id, ParseEdgeKindOrThrow(*kind))
                                      : s.OutEdges(id));
          },
          py::arg("entity"), py::arg("kind") = py::none(),
          "The edge indices of the out-edges of `entity`.")
      .def(
          "in_edges",
          [](const Snapshot& s, const EntityRef& e, std::optional<std::string> kind) {
            EntityId id = SnapshotEntity(s, e);
            return EdgeIndexList(kind ? s.InEdges(id, ParseEdgeKindOrThrow(*kind))
                                      : s.InEdges(id));
          },
          py::arg("entity"), py::arg("kind") = py::none(),
          "The edge indices of the in-edges of `entity`.")
      .def(
          "edge",
          [](const Snapshot& s, std::int64_t e) { return EdgeToPy(s, SnapshotEdge(s, e)); },
          py::arg("index"),
          "Edge `index` as (source, target, kind, subgraph); subgraph is None for a cross "
          "link.")
      .def(
          "cross_link",
          [](const Snapshot& s, std::int64_t e) -> py::object {
            std::optional<CrossLinkInfo> link = s.CrossLinkOf(SnapshotEdge(s, e));
            if (!link) return py::none();
            py::dict d;
            d["link_set"] = ToPy(link->link_set);
            d["rule"] = ToPy(link->rule);
            d["detail"] = ToPy(link->detail);
            return std::move(d);
          },
          py::arg("index"), "Why edge `index` links two subgraphs, or None for a subgraph edge.")
      // Statistics.
      .def(
          "edge_stats",
          [](const Snapshot& s, std::int64_t e, std::optional<std::int64_t> begin_ns,
             std::optional<std::int64_t> end_ns) {
            return StatsToPy(s.EdgeStats(SnapshotEdge(s, e)), begin_ns, end_ns);
          },
          py::arg("index"), py::arg("begin_ns") = py::none(), py::arg("end_ns") = py::none(),
          "Statistics of edge `index` over [begin_ns, end_ns) (all time by default), or None.")
      .def(
          "entity_stats",
          [](const Snapshot& s, const EntityRef& e, std::optional<std::int64_t> begin_ns,
             std::optional<std::int64_t> end_ns) {
            return StatsToPy(s.EntityStats(SnapshotEntity(s, e)), begin_ns, end_ns);
          },
          py::arg("entity"), py::arg("begin_ns") = py::none(), py::arg("end_ns") = py::none(),
          "Statistics of an entity over [begin_ns, end_ns) (all time by default), or None.")
      // Subgraphs.
      .def(
          "subgraph_ids",
          [](const Snapshot& s) {
            py::list out;
            for (SubgraphId i = 0; i < s.subgraph_count(); ++i) out.append(ToPy(s.Subgraph(i).name));
            return out;
          },
          "The subgraph ids, in creation order.")
      .def(
          "subgraph",
          [](const Snapshot& s, const SubgraphRef& g) {
            return SubgraphToPy(s, SnapshotSubgraph(s, g));
          },
          py::arg("subgraph"),
          "One subgraph as a dict: id, kind, parent, version, attributes, children, "
          "members, edges.")
      .def(
          "subgraph_members",
          [](const Snapshot& s, const SubgraphRef& g) {
            return IdList(s, s.SubgraphMembers(SnapshotSubgraph(s, g)));
          },
          py::arg("subgraph"), "The ids of every entity the subgraph holds.")
      .def(
          "subgraph_edges",
          [](const Snapshot& s, const SubgraphRef& g) {
            std::vector<EdgeIndex> edges = s.SubgraphEdges(SnapshotSubgraph(s, g));
            py::list out(edges.size());
            for (std::size_t i = 0; i < edges.size(); ++i) out[i] = EdgeToPy(s, edges[i]);
            return out;
          },
          py::arg("subgraph"),
          "The edges owned by the subgraph, as (source, target, kind, subgraph) tuples.")
      .def(
          "_meta_edges",
          [](const Snapshot& s) {
            py::list out;
            for (const MetaEdge& e : s.MetaGraph()) {
              out.append(py::make_tuple(SubgraphName(s, e.from), SubgraphName(s, e.to),
                                        e.edge_count));
            }
            return out;
          },
          "The meta-graph edges as (from_subgraph, to_subgraph, edge_count) tuples.")
      // Columnar export.
      .def("_entity_columns", &EntityColumns)
      .def("_edge_columns", &EdgeColumns, py::arg("begin_ns") = py::none(),
           py::arg("end_ns") = py::none())
      .def("_subgraph_columns", &SubgraphColumns)
      // Persistence.
      .def(
          "serialize",
          [](const Snapshot& s) {
            std::string bytes;
            {
              py::gil_scoped_release release;
              bytes = s.Serialize();
            }
            return py::bytes(bytes);
          },
          "The snapshot in the versioned file format, as bytes.")
      .def(
          "save",
          [](const Snapshot& s, const std::filesystem::path& path) {
            std::string p = path.string();
            py::gil_scoped_release release;
            ThrowIfError(s.Save(p));
          },
          py::arg("path"), "Writes the snapshot to `path` atomically.")
      .def_static(
          "deserialize",
          [](py::bytes data, const std::string& name) {
            std::string bytes = data;
            py::gil_scoped_release release;
            return ValueOrThrow(Snapshot::Deserialize(bytes, name));
          },
          py::arg("data"), py::arg("name") = "<bytes>",
          "Reads what serialize() wrote; `name` is used in error messages.")
      .def_static(
          "load",
          [](const py::object& path) {
            std::string p = PathFromPy(path);
            RequireFile(p);
            py::gil_scoped_release release;
            return ValueOrThrow(Snapshot::Load(p));
          },
          py::arg("path"),
          "Reads a snapshot written by save(); NoSuchFileError (a FileNotFoundError) when "
          "`path` does not exist.");
  snapshot.attr("FORMAT_VERSION") = Snapshot::kFormatVersion;

  // --- ModelBuilder --------------------------------------------------------------------
  py::class_<ModelBuilder> builder(m, "ModelBuilder", R"doc(
The mutable graph of graphs: subgraphs, entities, typed edges, statistics, cross links.

One writer at a time. ``freeze()`` produces an immutable Snapshot and leaves the builder
unchanged.
)doc");
  builder
      .def(py::init([](std::int64_t bucket_width_ns) {
             ModelOptions options;
             options.bucket_width_ns = bucket_width_ns;
             return ModelBuilder(options);
           }),
           py::arg("bucket_width_ns") = kDefaultBucketWidthNs)
      .def(py::init<const ModelBuilder&>(), py::arg("other"),
           "An independent copy of `other`.")
      .def_property_readonly("bucket_width_ns",
                             [](const ModelBuilder& b) { return b.options().bucket_width_ns; })
      .def_property_readonly("entity_count", &ModelBuilder::entity_count)
      .def_property_readonly("edge_count", &ModelBuilder::edge_count)
      .def(
          "add_subgraph",
          [](ModelBuilder& b, const std::string& id, const std::string& parent,
             const std::string& kind, std::uint64_t version, const py::object& attributes) {
            return ValueOrThrow(
                b.AddSubgraph(id, MakeSubgraphOptions(parent, kind, version, attributes)));
          },
          py::arg("id"), py::kw_only(), py::arg("parent") = "", py::arg("kind") = "",
          py::arg("version") = 0, py::arg("attributes") = py::none(),
          "The subgraph `id`, created when absent (then the options apply).")
      .def(
          "replace_subgraph",
          [](ModelBuilder& b, const std::string& id, const std::string& parent,
             const std::string& kind, std::uint64_t version, const py::object& attributes) {
            return ValueOrThrow(
                b.ReplaceSubgraph(id, MakeSubgraphOptions(parent, kind, version, attributes)));
          },
          py::arg("id"), py::kw_only(), py::arg("parent") = "", py::arg("kind") = "",
          py::arg("version") = 0, py::arg("attributes") = py::none(),
          "Empties subgraph `id` and its nested subgraphs and bumps its version.")
      .def(
          "remove_subgraph",
          [](ModelBuilder& b, const std::string& id) { ThrowIfError(b.RemoveSubgraph(id)); },
          py::arg("id"), "Removes subgraph `id` and its nested subgraphs.")
      .def(
          "find_subgraph",
          [](const ModelBuilder& b, const std::string& id) -> std::optional<SubgraphId> {
            return b.FindSubgraph(id);
          },
          py::arg("id"))
      .def(
          "subgraph_version",
          [](const ModelBuilder& b, const std::string& id) {
            return b.SubgraphVersion(BuilderSubgraph(b, id));
          },
          py::arg("id"))
      .def("subgraph_ids", &ModelBuilder::SubgraphIds, "Live subgraph ids, in creation order.")
      .def(
          "add_entity",
          [](ModelBuilder& b, const SubgraphRef& subgraph, const std::string& kind,
             const std::string& id, const py::object& attributes) {
            SubgraphId s = BuilderSubgraph(b, subgraph);
            EntityKind k = ParseEntityKindOrThrow(kind);
            return ValueOrThrow(b.AddEntity(s, k, id, AttributesFromPy(attributes)));
          },
          py::arg("subgraph"), py::arg("kind"), py::arg("id"),
          py::arg("attributes") = py::none(),
          "Makes entity `id` of `kind` a member of `subgraph`; returns its index.")
      .def(
          "find_entity",
          [](const ModelBuilder& b, const std::string& id) -> std::optional<EntityId> {
            return b.FindEntity(id);
          },
          py::arg("id"))
      .def(
          "entity_kind",
          [](const ModelBuilder& b, const std::string& id) {
            std::optional<EntityId> e = b.FindEntity(id);
            if (!e) ThrowIfError(absl::NotFoundError(absl::StrCat("unknown entity '", id, "'")));
            return ToPy(EntityKindName(b.EntityKindOf(*e)));
          },
          py::arg("id"))
      .def(
          "add_edge",
          [](ModelBuilder& b, const SubgraphRef& subgraph, const EntityRef& from,
             const EntityRef& to, const std::string& kind) {
            SubgraphId s = BuilderSubgraph(b, subgraph);
            EdgeKind k = ParseEdgeKindOrThrow(kind);
            ValueOrThrow(b.AddEdge(s, BuilderEntity(b, from), BuilderEntity(b, to), k));
          },
          py::arg("subgraph"), py::arg("from_id"), py::arg("to_id"),
          py::arg("kind") = "calls", "The edge from_id -> to_id (from_id needs to_id).")
      .def(
          "record_edge",
          [](ModelBuilder& b, const SubgraphRef& subgraph, const EntityRef& from,
             const EntityRef& to, const std::string& kind, std::int64_t time_ns, bool error,
             std::int64_t latency_ns) {
            SubgraphId s = BuilderSubgraph(b, subgraph);
            EdgeKind k = ParseEdgeKindOrThrow(kind);
            EdgeRef ref =
                ValueOrThrow(b.AddEdge(s, BuilderEntity(b, from), BuilderEntity(b, to), k));
            b.EdgeStats(ref).Record(time_ns, error, latency_ns);
          },
          py::arg("subgraph"), py::arg("from_id"), py::arg("to_id"), py::arg("kind"),
          py::arg("time_ns"), py::arg("error") = false, py::arg("latency_ns") = 0,
          "Records one request on the edge from_id -> to_id, creating the edge when absent.")
      .def(
          "record_entity",
          [](ModelBuilder& b, const SubgraphRef& subgraph, const std::string& id,
             std::int64_t time_ns, bool error, std::int64_t latency_ns,
             std::optional<std::string> kind) {
            SubgraphId s = BuilderSubgraph(b, subgraph);
            std::optional<EntityId> known = b.FindEntity(id);
            EntityKind k = EntityKind::kService;
            if (kind) {
              k = ParseEntityKindOrThrow(*kind);
            } else if (known) {
              k = b.EntityKindOf(*known);
            } else {
              ThrowIfError(absl::InvalidArgumentError(absl::StrCat(
                  "unknown entity '", id, "': add it with add_entity() or pass kind=")));
            }
            EntityId e = ValueOrThrow(b.AddEntity(s, k, id));
            b.EntityStats(s, e).Record(time_ns, error, latency_ns);
          },
          py::arg("subgraph"), py::arg("id"), py::arg("time_ns"), py::arg("error") = false,
          py::arg("latency_ns") = 0, py::arg("kind") = py::none(),
          "Records one request served by entity `id` as seen by `subgraph`.")
      .def(
          "add_cross_link",
          [](ModelBuilder& b, const std::string& link_set, const std::string& from,
             const std::string& to, const std::string& kind, const std::string& rule,
             const std::string& detail) {
            CrossLink link;
            link.from = from;
            link.to = to;
            link.kind = ParseEdgeKindOrThrow(kind);
            link.rule = rule;
            link.detail = detail;
            ThrowIfError(b.AddCrossLink(link_set, std::move(link)));
          },
          py::arg("link_set"), py::arg("from_"), py::arg("to"), py::arg("kind") = "uses",
          py::arg("rule") = "", py::arg("detail") = "",
          "Adds a cross link from_ -> to to the link set `link_set`.")
      .def(
          "clear_cross_links",
          [](ModelBuilder& b, const std::string& link_set) { b.ClearCrossLinks(link_set); },
          py::arg("link_set"))
      .def(
          "out_neighbors",
          [](const ModelBuilder& b, const std::string& id) {
            std::optional<EntityId> e = b.FindEntity(id);
            if (!e) ThrowIfError(absl::NotFoundError(absl::StrCat("unknown entity '", id, "'")));
            py::list out;
            for (const Neighbor& n : b.OutNeighbors(*e)) {
              out.append(py::make_tuple(ToPy(b.EntityIdString(n.entity)),
                                        ToPy(EdgeKindName(n.kind))));
            }
            return out;
          },
          py::arg("id"), "(target id, edge kind) of each out-edge of entity `id`, sorted.")
      .def(
          "freeze",
          [](const ModelBuilder& b) { return ValueOrThrow(b.Freeze()); },
          py::call_guard<py::gil_scoped_release>(),
          "Flattens every live subgraph and cross link into an immutable Snapshot.");
}

}  // namespace faultline::python
