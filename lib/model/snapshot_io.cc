// Snapshot persistence: the versioned .flsnap file format.
//
//   offset  size  field
//   0       8     magic "FLSNAP\r\n"
//   8       4     format version, little-endian (Snapshot::kFormatVersion)
//   12      8     payload length in bytes, little-endian
//   20      8     FNV-1a-64 checksum of the payload, little-endian
//   28      n     faultline.v1.Snapshot (protobuf)
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include "faultline/internal/str_cat.h"
#include "faultline/io/source.h"
#include "faultline/model/snapshot.h"
#include "faultline/version.h"
#include "faultline/v1/snapshot.pb.h"
#include "model/snapshot_data.h"

namespace faultline {
namespace {

constexpr char kMagic[8] = {'F', 'L', 'S', 'N', 'A', 'P', '\r', '\n'};
constexpr std::size_t kHeaderSize = 28;

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

void PutLe(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t GetLe(std::string_view in, std::size_t offset, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= std::uint64_t{static_cast<unsigned char>(in[offset + i])} << (8 * i);
  }
  return v;
}

void ToProto(const Attributes& attrs,
             google::protobuf::RepeatedPtrField<v1::KeyValue>* out) {
  for (const auto& [k, v] : attrs) {
    v1::KeyValue* kv = out->Add();
    kv->set_key(k);
    kv->set_value(v);
  }
}

Attributes FromProto(const google::protobuf::RepeatedPtrField<v1::KeyValue>& in) {
  Attributes out;
  out.reserve(in.size());
  for (const v1::KeyValue& kv : in) out.emplace_back(kv.key(), kv.value());
  return out;
}

void ToProto(const LatencySketch& sketch, v1::LatencySketch* s) {
  for (const LatencySketch::Bin& bin : sketch.bins()) {
    s->add_bin_index(bin.index);
    s->add_bin_count(bin.count);
  }
  s->set_sum_ns(sketch.sum_ns());
  s->set_min_ns(sketch.min_ns());
  s->set_max_ns(sketch.max_ns());
}

bool FromProto(const v1::LatencySketch& s, LatencySketch* out) {
  if (s.bin_index_size() != s.bin_count_size()) return false;
  std::vector<LatencySketch::Bin> bins;
  bins.reserve(s.bin_index_size());
  for (int k = 0; k < s.bin_index_size(); ++k) {
    bins.push_back(LatencySketch::Bin{s.bin_index(k), s.bin_count(k)});
  }
  return LatencySketch::FromParts(std::move(bins), s.sum_ns(), s.min_ns(), s.max_ns(), out);
}

void ToProto(std::uint32_t owner, const WindowedStats& stats, v1::WindowedStats* out) {
  out->set_owner(owner);
  for (const auto& [index, bucket] : stats.buckets()) {
    v1::Bucket* b = out->add_buckets();
    b->set_index(index);
    b->set_requests(bucket.requests);
    b->set_errors(bucket.errors);
    b->set_errors_originated(bucket.errors_originated);
    ToProto(bucket.latency, b->mutable_latency());
    if (!bucket.client_latency.empty()) ToProto(bucket.client_latency, b->mutable_client_latency());
    if (!bucket.self_time.empty()) ToProto(bucket.self_time, b->mutable_self_time());
  }
}

absl::Status FromProto(const v1::WindowedStats& in, std::int64_t width, WindowedStats* out) {
  *out = WindowedStats(width);
  std::int64_t previous = 0;
  for (int i = 0; i < in.buckets_size(); ++i) {
    const v1::Bucket& b = in.buckets(i);
    if (i > 0 && b.index() <= previous) {
      return absl::DataLossError("statistics buckets out of order");
    }
    previous = b.index();
    if (b.index() > std::numeric_limits<std::int64_t>::max() / width ||
        b.index() < std::numeric_limits<std::int64_t>::min() / width) {
      return absl::DataLossError("statistics bucket index out of range");
    }
    BucketStats bucket;
    bucket.requests = b.requests();
    bucket.errors = b.errors();
    bucket.errors_originated = b.errors_originated();
    if (!FromProto(b.latency(), &bucket.latency) ||
        !FromProto(b.client_latency(), &bucket.client_latency) ||
        !FromProto(b.self_time(), &bucket.self_time)) {
      return absl::DataLossError("inconsistent latency sketch");
    }
    out->MergeBucket(b.index(), bucket);
  }
  return absl::OkStatus();
}

absl::Status Named(std::string_view name, const absl::Status& status) {
  return absl::Status(status.code(), internal::StrCat(name, ": ", status.message()));
}

}  // namespace

namespace {

void SignalsToProto(const internal::SnapshotData& d, v1::Snapshot* p) {
  for (EntityId e : d.metric_entities) {
    for (const auto& [name, series] : d.metrics.at(e)) {
      v1::MetricSeries* out = p->add_metrics();
      out->set_entity(e);
      out->set_name(name);
      for (const auto& [index, b] : series.buckets()) {
        v1::SeriesBucket* pb = out->add_buckets();
        pb->set_index(index);
        pb->set_count(b.count);
        pb->set_min(b.min);
        pb->set_max(b.max);
        pb->set_sum(b.sum);
        pb->set_last(b.last);
        pb->set_last_ns(b.last_ns);
      }
    }
  }
  for (EntityId e : d.log_entities) {
    v1::LogStats* out = p->add_logs();
    out->set_entity(e);
    for (const auto& [index, b] : d.logs.at(e).buckets()) {
      v1::LogBucket* pb = out->add_buckets();
      pb->set_index(index);
      pb->mutable_by_severity()->Add(b.by_severity.begin(), b.by_severity.end());
      for (const auto& [id, count] : b.by_template) {
        pb->add_template_id(id);
        pb->add_template_count(count);
      }
    }
  }
  for (const std::string& t : d.log_templates) p->add_log_templates(t);
  for (const auto& [name, type] : d.metric_types) {
    v1::KeyValue* kv = p->add_metric_types();
    kv->set_key(name);
    kv->set_value(type);
  }
  for (const Snapshot::AlertRecord& a : d.alerts) {
    v1::AlertRecord* out = p->add_alerts();
    out->set_entity(a.entity);
    out->set_name(a.alert.name);
    out->set_severity(a.alert.severity);
    out->set_state(a.alert.state);
    out->set_starts_ns(a.alert.starts_ns);
    out->set_ends_ns(a.alert.ends_ns);
    ToProto(a.alert.labels, out->mutable_labels());
    out->set_summary(a.alert.summary);
    out->set_source(a.alert.source);
  }
  for (const Snapshot::EventRecord& e : d.events) {
    v1::EventRecord* out = p->add_events();
    out->set_entity(e.entity);
    out->set_time_ns(e.event.time_ns);
    out->set_last_ns(e.event.last_ns);
    out->set_kind(e.event.kind);
    out->set_reason(e.event.reason);
    out->set_detail(e.event.detail);
    out->set_warning(e.event.warning);
    out->set_count(e.event.count);
    out->set_source(e.event.source);
  }
}

absl::Status SignalsFromProto(const v1::Snapshot& p, std::int64_t width,
                              internal::SnapshotInput* in) {
  for (const v1::MetricSeries& m : p.metrics()) {
    SeriesStats series(width);
    std::int64_t previous = std::numeric_limits<std::int64_t>::min();
    for (const v1::SeriesBucket& pb : m.buckets()) {
      if (pb.index() <= previous && !series.empty()) {
        return absl::DataLossError(internal::StrCat("metric \"", m.name(),
                                                    "\": bucket indices not increasing"));
      }
      previous = pb.index();
      SeriesBucket b;
      b.count = pb.count();
      b.min = pb.min();
      b.max = pb.max();
      b.sum = pb.sum();
      b.last = pb.last();
      b.last_ns = pb.last_ns();
      if (b.count == 0) {
        return absl::DataLossError(internal::StrCat("metric \"", m.name(), "\": empty bucket"));
      }
      series.MergeBucket(pb.index(), b);
    }
    in->metrics.push_back(internal::MetricRecord{m.entity(), m.name(), std::move(series)});
  }
  for (const v1::LogStats& l : p.logs()) {
    LogStats stats(width);
    for (const v1::LogBucket& pb : l.buckets()) {
      if (pb.by_severity_size() != kSeverityCount ||
          pb.template_id_size() != pb.template_count_size()) {
        return absl::DataLossError(internal::StrCat("log counts of entity #", l.entity(),
                                                    ": malformed bucket ", pb.index()));
      }
      LogBucket b;
      for (int s = 0; s < kSeverityCount; ++s) b.by_severity[s] = pb.by_severity(s);
      for (int i = 0; i < pb.template_id_size(); ++i) {
        if (i > 0 && pb.template_id(i) <= pb.template_id(i - 1)) {
          return absl::DataLossError(internal::StrCat("log counts of entity #", l.entity(),
                                                      ": template ids not increasing"));
        }
        b.by_template.emplace_back(pb.template_id(i), pb.template_count(i));
      }
      stats.MergeBucket(pb.index(), b);
    }
    in->logs.emplace_back(l.entity(), std::move(stats));
  }
  in->log_templates.assign(p.log_templates().begin(), p.log_templates().end());
  for (const v1::KeyValue& kv : p.metric_types()) in->metric_types.emplace_back(kv.key(), kv.value());
  for (const v1::AlertRecord& a : p.alerts()) {
    Snapshot::AlertRecord r{a.entity(), Alert{}};
    r.alert.name = a.name();
    r.alert.severity = a.severity();
    r.alert.state = a.state();
    r.alert.starts_ns = a.starts_ns();
    r.alert.ends_ns = a.ends_ns();
    r.alert.labels = FromProto(a.labels());
    r.alert.summary = a.summary();
    r.alert.source = a.source();
    in->alerts.push_back(std::move(r));
  }
  for (const v1::EventRecord& e : p.events()) {
    Snapshot::EventRecord r{e.entity(), ChangeEvent{}};
    r.event.time_ns = e.time_ns();
    r.event.last_ns = e.last_ns();
    r.event.kind = e.kind();
    r.event.reason = e.reason();
    r.event.detail = e.detail();
    r.event.warning = e.warning();
    r.event.count = e.count();
    r.event.source = e.source();
    in->events.push_back(std::move(r));
  }
  return absl::OkStatus();
}
}  // namespace

std::string Snapshot::Serialize() const {
  v1::Snapshot p;
  p.set_library_version(FAULTLINE_VERSION_STRING);
  p.set_bucket_width_ns(bucket_width_ns());
  // Always present (even empty), so an empty snapshot serializes the same before and after
  // a round trip.
  p.mutable_edges();
  p.mutable_freeze_report();
  if (data_) {
    const internal::SnapshotData& d = *data_;
    for (const internal::SubgraphRecord& s : d.subgraphs) {
      v1::Subgraph* out = p.add_subgraphs();
      out->set_name(s.name);
      out->set_kind(s.kind);
      out->set_parent_plus_one(s.parent == kNoSubgraph ? 0 : s.parent + 1);
      out->set_version(s.version);
      ToProto(s.attributes, out->mutable_attributes());
      out->mutable_members()->Add(s.members.begin(), s.members.end());
    }
    for (EntityId e = 0; e < d.kinds.size(); ++e) {
      v1::Entity* out = p.add_entities();
      out->set_id(std::string(d.IdOf(e)));
      out->set_kind(static_cast<std::uint32_t>(d.kinds[e]));
      ToProto(d.attributes[e], out->mutable_attributes());
    }
    v1::Edges* edges = p.mutable_edges();
    const std::size_t E = d.targets.size();
    edges->mutable_source()->Reserve(E);
    edges->mutable_target()->Reserve(E);
    edges->mutable_kind()->Reserve(E);
    edges->mutable_subgraph_plus_one()->Reserve(E);
    for (EdgeIndex k = 0; k < E; ++k) {
      edges->add_source(d.sources[k]);
      edges->add_target(d.targets[k]);
      edges->add_kind(static_cast<std::uint32_t>(d.edge_kinds[k]));
      edges->add_subgraph_plus_one(d.edge_subgraphs[k] == kNoSubgraph ? 0
                                                                      : d.edge_subgraphs[k] + 1);
    }
    std::vector<std::pair<EdgeIndex, std::uint32_t>> links(d.link_of_edge.begin(),
                                                           d.link_of_edge.end());
    std::sort(links.begin(), links.end());
    for (const auto& [edge, link] : links) {
      v1::CrossLink* out = p.add_cross_links();
      out->set_edge(edge);
      out->set_link_set(d.links[link].link_set);
      out->set_rule(d.links[link].rule);
      out->set_detail(d.links[link].detail);
    }
    std::vector<EdgeIndex> stat_edges;
    for (const auto& [edge, stats] : d.edge_stats) stat_edges.push_back(edge);
    std::sort(stat_edges.begin(), stat_edges.end());
    for (EdgeIndex edge : stat_edges) ToProto(edge, d.edge_stats.at(edge), p.add_edge_stats());
    std::vector<EntityId> stat_entities;
    for (const auto& [entity, stats] : d.entity_stats) stat_entities.push_back(entity);
    std::sort(stat_entities.begin(), stat_entities.end());
    for (EntityId entity : stat_entities) {
      ToProto(entity, d.entity_stats.at(entity), p.add_entity_stats());
    }
    SignalsToProto(d, &p);
    p.mutable_freeze_report()->set_dropped_cross_links(d.report.dropped_cross_links);
    for (const std::string& ex : d.report.dropped_examples) {
      p.mutable_freeze_report()->add_dropped_examples(ex);
    }
  }
  std::string payload;
  p.SerializeToString(&payload);
  std::string out(kMagic, sizeof(kMagic));
  PutLe(out, kFormatVersion, 4);
  PutLe(out, payload.size(), 8);
  PutLe(out, Fnv1a64(payload), 8);
  out += payload;
  return out;
}

absl::StatusOr<Snapshot> Snapshot::Deserialize(std::string_view bytes, std::string_view name) {
  if (bytes.empty()) {
    return absl::DataLossError(internal::StrCat(name, ": empty file, expected a faultline "
                                                  "snapshot (truncated?)"));
  }
  const std::size_t magic_len = std::min(bytes.size(), sizeof(kMagic));
  if (std::memcmp(bytes.data(), kMagic, magic_len) != 0) {
    return absl::InvalidArgumentError(internal::StrCat(
        name, ": not a faultline snapshot (offset 0: expected the magic bytes "
              "\"FLSNAP\\r\\n\")"));
  }
  if (bytes.size() < kHeaderSize) {
    return absl::DataLossError(internal::StrCat(name, ": truncated at byte ", bytes.size(),
                                            ": the snapshot header needs ", kHeaderSize,
                                            " bytes"));
  }
  const auto version = static_cast<std::uint32_t>(GetLe(bytes, 8, 4));
  if (version == 0) {
    return absl::DataLossError(internal::StrCat(name, ": offset 8: format version 0 is invalid"));
  }
  if (version > kFormatVersion) {
    return absl::FailedPreconditionError(internal::StrCat(
        name, ": snapshot format version ", version, " is newer than this faultline (",
        FAULTLINE_VERSION_STRING, ") reads (version ", kFormatVersion,
        "); upgrade faultline to load it"));
  }
  const std::uint64_t length = GetLe(bytes, 12, 8);
  const std::uint64_t checksum = GetLe(bytes, 20, 8);
  const std::size_t present = bytes.size() - kHeaderSize;
  if (present < length) {
    return absl::DataLossError(internal::StrCat(name, ": truncated at byte ", bytes.size(),
                                            ": the header announces ", length,
                                            " payload bytes from offset ", kHeaderSize,
                                            ", only ", present, " are present"));
  }
  if (present > length) {
    return absl::DataLossError(internal::StrCat(name, ": ", present - length,
                                            " unexpected bytes after the payload at offset ",
                                            kHeaderSize + length));
  }
  const std::string_view payload = bytes.substr(kHeaderSize);
  if (Fnv1a64(payload) != checksum) {
    return absl::DataLossError(internal::StrCat(
        name, ": checksum mismatch over bytes ", kHeaderSize, "..", bytes.size(),
        ": the snapshot is corrupted"));
  }
  if (payload.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return absl::ResourceExhaustedError(internal::StrCat(
        name, ": the payload of ", payload.size(), " bytes exceeds protobuf's 2 GiB limit"));
  }
  v1::Snapshot p;
  if (!p.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::DataLossError(
        internal::StrCat(name, ": the payload at offset ", kHeaderSize, " is not a valid "
                     "faultline.v1.Snapshot message"));
  }

  internal::SnapshotInput in;
  in.bucket_width_ns = p.bucket_width_ns();
  auto corrupt = [&](std::string_view what) {
    return absl::DataLossError(internal::StrCat(name, ": inconsistent snapshot: ", what));
  };
  for (const v1::Subgraph& s : p.subgraphs()) {
    internal::SubgraphRecord r;
    r.name = s.name();
    r.kind = s.kind();
    r.parent = s.parent_plus_one() == 0 ? kNoSubgraph : s.parent_plus_one() - 1;
    r.version = s.version();
    r.attributes = FromProto(s.attributes());
    r.members.assign(s.members().begin(), s.members().end());
    in.subgraphs.push_back(std::move(r));
  }
  for (const v1::Entity& e : p.entities()) {
    if (e.kind() >= static_cast<std::uint32_t>(kEntityKindCount)) {
      return corrupt(internal::StrCat("entity \"", e.id(), "\" has unknown kind ", e.kind()));
    }
    in.entities.push_back(internal::EntityRecord{e.id(), static_cast<EntityKind>(e.kind()),
                                                 FromProto(e.attributes())});
  }
  const v1::Edges& edges = p.edges();
  const int E = edges.source_size();
  if (edges.target_size() != E || edges.kind_size() != E || edges.subgraph_plus_one_size() != E) {
    return corrupt("edge columns differ in length");
  }
  in.edges.reserve(E);
  for (int k = 0; k < E; ++k) {
    if (edges.kind(k) >= static_cast<std::uint32_t>(kEdgeKindCount)) {
      return corrupt(internal::StrCat("edge #", k, " has unknown kind ", edges.kind(k)));
    }
    const std::uint32_t sg = edges.subgraph_plus_one(k);
    in.edges.push_back(internal::RawEdge{edges.source(k), edges.target(k),
                                         static_cast<EdgeKind>(edges.kind(k)),
                                         sg == 0 ? kNoSubgraph : sg - 1, -1});
  }
  for (const v1::CrossLink& l : p.cross_links()) {
    if (l.edge() >= static_cast<std::uint32_t>(E) || in.edges[l.edge()].link != -1) {
      return corrupt(internal::StrCat("cross link record for edge #", l.edge()));
    }
    in.edges[l.edge()].link = static_cast<std::int32_t>(in.links.size());
    in.links.push_back(internal::LinkRecord{l.link_set(), l.rule(), l.detail()});
  }
  if (in.bucket_width_ns <= 0) return corrupt("bucket width is not positive");
  for (const v1::WindowedStats& s : p.edge_stats()) {
    WindowedStats stats;
    absl::Status st = FromProto(s, in.bucket_width_ns, &stats);
    if (!st.ok()) return corrupt(internal::StrCat("edge #", s.owner(), ": ", st.message()));
    in.edge_stats.emplace_back(s.owner(), std::move(stats));
  }
  for (const v1::WindowedStats& s : p.entity_stats()) {
    WindowedStats stats;
    absl::Status st = FromProto(s, in.bucket_width_ns, &stats);
    if (!st.ok()) return corrupt(internal::StrCat("entity #", s.owner(), ": ", st.message()));
    in.entity_stats.emplace_back(s.owner(), std::move(stats));
  }
  {
    absl::Status st = SignalsFromProto(p, in.bucket_width_ns, &in);
    if (!st.ok()) return corrupt(std::string(st.message()));
  }
  in.report.dropped_cross_links = p.freeze_report().dropped_cross_links();
  in.report.dropped_examples.assign(p.freeze_report().dropped_examples().begin(),
                                    p.freeze_report().dropped_examples().end());

  auto data = internal::BuildSnapshotData(std::move(in));
  if (!data.ok()) return Named(name, data.status());
  return Snapshot(*std::move(data));
}

absl::Status Snapshot::Save(const std::string& path) const {
  const std::string bytes = Serialize();
  const std::string tmp = internal::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      const int err = errno;
      const std::string why = std::strerror(err);
      if (err == EACCES || err == EPERM) {
        return absl::PermissionDeniedError(internal::StrCat(path, ": cannot write: ", why));
      }
      return absl::UnavailableError(internal::StrCat(path, ": cannot write: ", why));
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return absl::UnavailableError(internal::StrCat(path, ": write failed: ",
                                                 std::strerror(errno)));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return absl::UnavailableError(internal::StrCat(path, ": cannot replace: ", why));
  }
  return absl::OkStatus();
}

absl::StatusOr<Snapshot> Snapshot::Load(const std::string& path) {
  auto bytes = ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  return Deserialize(*bytes, path);
}

}  // namespace faultline
