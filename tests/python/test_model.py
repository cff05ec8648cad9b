"""ModelBuilder and Snapshot through the Python API."""

import copy
import math
import pickle
import re
import threading

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import faultline
from conftest import REPO_ROOT

T0 = 1_700_000_000_000_000_000  # a Unix time in ns, on a 10 s bucket boundary


def test_version_comes_from_cmake_project():
    text = (REPO_ROOT / "CMakeLists.txt").read_text()
    version = re.search(r"project\(faultline\s+VERSION\s+([0-9.]+)", text).group(1)
    assert faultline.__version__ == version


def test_kind_name_lists():
    assert faultline.ENTITY_KINDS[0] == "service"
    assert "iac_resource" in faultline.ENTITY_KINDS
    assert faultline.EDGE_KINDS == ("calls", "async", "uses", "runs_on", "depends_on", "contains")


def test_builder_counts_and_subgraphs(shop):
    assert shop.subgraph_ids() == ["traces/prod", "infra"]
    assert shop.entity_count == 5
    assert shop.edge_count == 4  # three subgraph edges and one cross link
    assert shop.find_entity("service:frontend") is not None
    assert shop.find_entity("service:nope") is None
    assert shop.entity_kind("database:orders") == "database"
    # Sorted by entity index: database:orders was added before node:n1.
    assert shop.out_neighbors("service:checkout") == [
        ("database:orders", "uses"),
        ("node:n1", "runs_on"),
    ]


def test_freeze_returns_high_level_snapshot(shop):
    snap = shop.freeze()
    assert isinstance(snap, faultline.Snapshot)
    assert snap.entity_count == 5
    assert snap.edge_count == 4
    assert snap.subgraph_count == 2
    assert len(snap) == 5
    assert "service:frontend" in snap
    assert "service:nope" not in snap
    assert snap.memory_usage() > 0
    assert "entities=5" in repr(snap)


def test_entity_lookups(shop):
    snap = shop.freeze()
    idx = snap.lookup("service:checkout")
    assert snap.find("service:checkout") == idx
    assert snap.find("service:nope") is None
    assert snap.entity_id(idx) == "service:checkout"
    assert snap.kind("service:checkout") == "service"
    assert snap.kind(idx) == "service"
    assert snap.kind("node:n1") == "node"
    assert snap.home_subgraph("service:checkout") == "traces/prod"
    assert snap.home_subgraph("zone:zone-a") == "infra"
    assert snap.attributes("service:checkout") == {"team": "pay"}
    assert snap.attribute("node:n1", "zone") == "zone-a"
    assert snap.attribute("node:n1", "missing") is None
    assert sorted(snap.entities_of_kind("service")) == ["service:checkout", "service:frontend"]
    assert snap.entities_of_kind("queue") == []


def test_neighbors_follow_dependency_direction(shop):
    snap = shop.freeze()
    assert snap.out_neighbors("service:frontend") == ["service:checkout"]
    assert snap.in_neighbors("service:checkout") == ["service:frontend"]
    assert sorted(snap.out_neighbors("service:checkout")) == ["database:orders", "node:n1"]
    assert snap.out_neighbors("service:checkout", kind="uses") == ["database:orders"]
    assert snap.out_neighbors("service:checkout", "runs_on") == ["node:n1"]
    assert snap.in_neighbors("node:n1", kind="runs_on") == ["service:checkout"]
    assert snap.out_neighbors("zone:zone-a") == []
    # Edge indices agree with the neighbour lists.
    out = snap.out_edges("service:checkout")
    assert sorted(snap.edge(e)[1] for e in out) == ["database:orders", "node:n1"]
    for e in snap.in_edges("service:checkout"):
        assert snap.edge(e)[1] == "service:checkout"


def test_same_edge_from_two_subgraphs_is_two_edges():
    b = faultline.ModelBuilder()
    for sg in ("traces/a", "traces/b"):
        b.add_subgraph(sg)
        b.add_entity(sg, "service", "service:x")
        b.add_entity(sg, "service", "service:y")
        b.add_edge(sg, "service:x", "service:y", "calls")
    snap = b.freeze()
    assert snap.out_neighbors("service:x") == ["service:y", "service:y"]
    assert sorted(snap.edges()["subgraph"]) == ["traces/a", "traces/b"]
    # Home is the first subgraph, in creation order, that holds the entity.
    assert snap.home_subgraph("service:x") == "traces/a"


def test_integer_indices_and_out_of_range(shop):
    snap = shop.freeze()
    assert snap.kind(0) in faultline.ENTITY_KINDS
    with pytest.raises(IndexError):
        snap.kind(snap.entity_count)
    with pytest.raises(IndexError):
        snap.edge(snap.edge_count)
    with pytest.raises(IndexError):
        snap.edge(-1)
    with pytest.raises(IndexError):
        snap.subgraph(snap.subgraph_count)


def test_subgraph_info_and_members(shop):
    snap = shop.freeze()
    assert snap.subgraph_ids() == ["traces/prod", "infra"]
    info = snap.subgraph("traces/prod")
    assert info["id"] == "traces/prod"
    assert info["kind"] == "traces"
    assert info["parent"] is None
    assert info["version"] == 1
    assert info["attributes"] == {"env": "prod"}
    assert info["members"] == 3
    assert info["edges"] == 2
    assert sorted(snap.subgraph_members("infra")) == ["node:n1", "zone:zone-a"]
    assert snap.subgraph_edges("infra") == [("node:n1", "zone:zone-a", "runs_on", "infra")]


def test_nested_subgraphs_and_replacement():
    b = faultline.ModelBuilder()
    b.add_subgraph("iac/network", kind="stack")
    b.add_subgraph("iac/network/module.vpc", parent="iac/network", kind="module")
    b.add_entity("iac/network", "iac_resource", "tf:network:aws_subnet.a")
    b.add_entity("iac/network/module.vpc", "iac_resource", "tf:network:module.vpc.aws_vpc.main")
    b.add_edge("iac/network", "tf:network:aws_subnet.a", "tf:network:module.vpc.aws_vpc.main",
               "depends_on")
    b.add_subgraph("traces/prod", kind="traces")
    b.add_entity("traces/prod", "service", "service:api")

    snap = b.freeze()
    assert snap.subgraph("iac/network")["children"] == ["iac/network/module.vpc"]
    assert snap.subgraph("iac/network/module.vpc")["parent"] == "iac/network"

    sub = b.replace_subgraph("iac/network", kind="stack")
    assert b.find_subgraph("iac/network") == sub
    assert b.subgraph_version("iac/network") == 2
    # Nested subgraphs go with it; other subgraphs stay.
    assert b.find_subgraph("iac/network/module.vpc") is None
    assert b.subgraph_ids() == ["iac/network", "traces/prod"]
    snap2 = b.freeze()
    assert snap2.subgraph_members("iac/network") == []
    assert "tf:network:aws_subnet.a" not in snap2
    assert snap2.subgraph_members("traces/prod") == ["service:api"]
    assert snap2.subgraph("iac/network")["version"] == 2
    # The earlier snapshot is unchanged.
    assert "tf:network:aws_subnet.a" in snap

    b.remove_subgraph("iac/network")
    assert b.subgraph_ids() == ["traces/prod"]
    assert b.freeze().subgraph_ids() == ["traces/prod"]


def test_explicit_subgraph_version():
    b = faultline.ModelBuilder()
    b.add_subgraph("iac/app", kind="stack", version=42)
    assert b.freeze().subgraph("iac/app")["version"] == 42


def test_cross_links_join_subgraphs(shop):
    snap = shop.freeze()
    edges = snap.edges()
    link = edges[edges["subgraph"].isna()]
    assert len(link) == 1
    row = link.iloc[0]
    assert (row.source, row.target, row.kind) == ("service:checkout", "node:n1", "runs_on")
    assert row.link_rule == "k8s-placement"
    assert row.link_set == "placement"
    assert row.link_detail == "pod checkout-1"
    index = int(link.index[0])
    assert snap.cross_link(index) == {
        "link_set": "placement",
        "rule": "k8s-placement",
        "detail": "pod checkout-1",
    }
    assert snap.edge(index) == ("service:checkout", "node:n1", "runs_on", None)
    subgraph_edges = edges[edges["subgraph"].notna()]
    assert subgraph_edges["link_rule"].isna().all()
    assert snap.cross_link(int(subgraph_edges.index[0])) is None

    # The meta graph has one edge: traces/prod -> infra.
    assert snap.meta_edges() == [("traces/prod", "infra", 1)]
    meta = snap.meta_graph()
    assert isinstance(meta, nx.DiGraph)
    assert set(meta.nodes) == {"traces/prod", "infra"}
    assert meta.nodes["traces/prod"]["kind"] == "traces"
    assert meta.nodes["infra"]["members"] == 2
    assert list(meta.edges(data="edge_count")) == [("traces/prod", "infra", 1)]

    shop.clear_cross_links("placement")
    snap2 = shop.freeze()
    assert snap2.edge_count == 3
    assert snap2.meta_edges() == []


def test_cross_link_to_unknown_entity_is_dropped_and_counted(shop):
    shop.add_cross_link("dns", "service:frontend", "external:ghost", "calls", rule="dns")
    snap = shop.freeze()
    report = snap.freeze_report
    assert report["dropped_cross_links"] == 1
    assert any("external:ghost" in example for example in report["dropped_examples"])
    assert "external:ghost" not in snap


# --- errors ------------------------------------------------------------------------------


def test_error_is_a_runtime_error():
    assert issubclass(faultline.Error, RuntimeError)
    assert faultline.Error.__module__.startswith("faultline")


def test_invalid_arguments_raise_value_error(shop):
    with pytest.raises(ValueError, match="bogus"):
        shop.add_entity("traces/prod", "bogus", "x:1")
    with pytest.raises(ValueError, match="teleports"):
        shop.add_edge("traces/prod", "service:frontend", "service:checkout", "teleports")
    with pytest.raises(ValueError, match="service:ghost"):
        shop.add_edge("traces/prod", "service:frontend", "service:ghost", "calls")
    with pytest.raises(ValueError):
        shop.add_subgraph("has a space")
    with pytest.raises(ValueError):
        shop.add_subgraph("")
    with pytest.raises(ValueError):
        shop.add_entity("traces/prod", "service", "")
    with pytest.raises(ValueError):
        shop.add_cross_link("", "service:a", "service:b")
    snap = shop.freeze()
    with pytest.raises(ValueError, match="bogus"):
        snap.entities_of_kind("bogus")
    with pytest.raises(ValueError):
        snap.out_neighbors("service:frontend", kind="bogus")


def test_missing_names_raise_key_error(shop):
    with pytest.raises(KeyError, match="nowhere"):
        shop.add_entity("nowhere", "service", "service:x")
    with pytest.raises(KeyError):
        shop.add_subgraph("child", parent="no/such/parent")
    with pytest.raises(KeyError):
        shop.remove_subgraph("no/such/subgraph")
    with pytest.raises(KeyError):
        shop.entity_kind("service:ghost")
    snap = shop.freeze()
    with pytest.raises(KeyError, match="service:ghost"):
        snap.lookup("service:ghost")
    with pytest.raises(KeyError):
        snap.out_neighbors("service:ghost")
    with pytest.raises(KeyError):
        snap.subgraph("no/such/subgraph")


def test_conflicts_raise_faultline_error(shop):
    with pytest.raises(faultline.Error, match="service:checkout"):
        shop.add_entity("infra", "database", "service:checkout")
    shop.add_subgraph("iac/a")
    shop.add_subgraph("iac/a/mod", parent="iac/a")
    with pytest.raises(faultline.Error):
        shop.add_subgraph("iac/a/mod", parent="infra")


def test_attributes_must_be_strings(shop):
    with pytest.raises(TypeError):
        shop.add_entity("traces/prod", "service", "service:x", {"port": 8080})


# --- persistence -------------------------------------------------------------------------


def test_save_load_round_trip(shop, tmp_path):
    snap = shop.freeze()
    path = tmp_path / "model.flsnap"
    snap.save(path)
    loaded = faultline.Snapshot.load(path)
    assert isinstance(loaded, faultline.Snapshot)
    assert loaded.serialize() == snap.serialize()
    pd.testing.assert_frame_equal(loaded.entities(), snap.entities())
    pd.testing.assert_frame_equal(loaded.edges(), snap.edges())
    pd.testing.assert_frame_equal(loaded.subgraphs(), snap.subgraphs())
    assert loaded.meta_edges() == snap.meta_edges()
    # str paths work too.
    again = faultline.Snapshot.load(str(path))
    assert again.entity_count == snap.entity_count


def test_serialize_is_deterministic(shop):
    first = shop.freeze().serialize()
    assert isinstance(first, bytes)
    assert shop.copy().freeze().serialize() == first
    restored = faultline.Snapshot.deserialize(first)
    assert isinstance(restored, faultline.Snapshot)
    assert restored.serialize() == first


def test_pickle_and_copy(shop):
    snap = shop.freeze()
    restored = pickle.loads(pickle.dumps(snap))
    assert isinstance(restored, faultline.Snapshot)
    assert restored.serialize() == snap.serialize()
    assert copy.copy(snap).serialize() == snap.serialize()
    assert faultline.Snapshot(snap).edge_count == snap.edge_count


def test_builder_copy_is_independent(shop):
    other = shop.copy()
    other.add_entity("infra", "node", "node:n2")
    assert other.entity_count == shop.entity_count + 1
    assert "node:n2" not in shop.freeze()


def test_corrupt_snapshot_file_names_the_path(shop, tmp_path):
    path = tmp_path / "broken.flsnap"
    data = bytearray(shop.freeze().serialize())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises((faultline.Error, ValueError)) as info:
        faultline.Snapshot.load(path)
    assert str(path) in str(info.value)

    truncated = tmp_path / "truncated.flsnap"
    truncated.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises((faultline.Error, ValueError)) as info:
        faultline.Snapshot.load(truncated)
    assert str(truncated) in str(info.value)

    not_a_snapshot = tmp_path / "notes.txt"
    not_a_snapshot.write_text("hello, this is not a snapshot at all\n")
    with pytest.raises(ValueError) as info:
        faultline.Snapshot.load(not_a_snapshot)
    assert str(not_a_snapshot) in str(info.value)


def test_missing_snapshot_file(tmp_path):
    path = tmp_path / "absent.flsnap"
    with pytest.raises((KeyError, faultline.Error)) as info:
        faultline.Snapshot.load(path)
    assert str(path) in str(info.value)


def test_deserialize_garbage_raises_value_error_with_name():
    with pytest.raises(ValueError, match="upload"):
        faultline.Snapshot.deserialize(b"\x00" * 64, name="upload")


# --- DataFrames and networkx ---------------------------------------------------------------


def test_entities_dataframe(shop):
    snap = shop.freeze()
    df = snap.entities()
    assert list(df.columns) == ["id", "kind", "subgraph", "attributes"]
    assert len(df) == snap.entity_count
    assert list(df.index) == list(range(snap.entity_count))
    for row in df.itertuples():
        assert snap.entity_id(row.Index) == row.id
        assert snap.kind(row.id) == row.kind
        assert snap.home_subgraph(row.id) == row.subgraph
        assert snap.attributes(row.id) == row.attributes
    by_id = df.set_index("id")
    assert by_id.loc["node:n1", "kind"] == "node"
    assert by_id.loc["node:n1", "subgraph"] == "infra"
    assert by_id.loc["service:frontend", "attributes"] == {"team": "web"}


def test_entities_dataframe_with_expanded_attributes(shop):
    df = shop.freeze().entities(expand_attributes=True).set_index("id")
    assert "attributes.team" in df.columns
    assert "attributes.zone" in df.columns
    assert df.loc["service:checkout", "attributes.team"] == "pay"
    assert df.loc["service:checkout", "attributes.zone"] is None


def test_edges_dataframe(shop):
    snap = shop.freeze()
    df = snap.edges()
    assert list(df.columns) == [
        "source", "target", "kind", "subgraph", "link_set", "link_rule", "link_detail",
    ]
    assert len(df) == snap.edge_count
    triples = sorted(zip(df.source, df.target, df.kind))
    assert triples == [
        ("node:n1", "zone:zone-a", "runs_on"),
        ("service:checkout", "database:orders", "uses"),
        ("service:checkout", "node:n1", "runs_on"),
        ("service:frontend", "service:checkout", "calls"),
    ]
    for row in df.itertuples():
        assert snap.edge(row.Index) == (row.source, row.target, row.kind, row.subgraph)
    assert not snap.has_statistics
    assert "requests" not in df.columns


def test_subgraphs_dataframe(shop):
    df = shop.freeze().subgraphs()
    assert list(df.columns) == ["id", "kind", "parent", "version", "members", "edges", "attributes"]
    assert df.id.tolist() == ["traces/prod", "infra"]
    assert df.kind.tolist() == ["traces", "topology"]
    assert df.parent.tolist() == [None, None]
    assert df.members.tolist() == [3, 2]
    assert df.edges.tolist() == [2, 1]
    assert df.version.tolist() == [1, 1]
    assert df.attributes.tolist() == [{"env": "prod"}, {}]


def test_empty_snapshot_frames():
    snap = faultline.ModelBuilder().freeze()
    assert snap.entity_count == 0
    assert list(snap.entities().columns) == ["id", "kind", "subgraph", "attributes"]
    assert len(snap.edges()) == 0
    assert len(snap.subgraphs()) == 0
    assert snap.to_networkx().number_of_nodes() == 0
    assert faultline.Snapshot().entity_count == 0


def test_to_networkx_matches_edges(shop):
    snap = shop.freeze()
    graph = snap.to_networkx()
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == snap.entity_count
    assert graph.number_of_edges() == snap.edge_count
    assert graph.nodes["database:orders"]["kind"] == "database"
    assert graph.nodes["database:orders"]["subgraph"] == "traces/prod"
    from_graph = sorted((u, v, d["kind"], d["subgraph"]) for u, v, d in graph.edges(data=True))
    df = snap.edges()
    from_frame = sorted(zip(df.source, df.target, df.kind, df.subgraph))
    assert from_graph == from_frame
    # Reachability along dependency edges crosses subgraphs through the link.
    assert nx.has_path(graph, "service:frontend", "zone:zone-a")


# --- statistics ----------------------------------------------------------------------------


def test_statistics_columns_after_record_edge(shop):
    shop.record_edge("traces/prod", "service:frontend", "service:checkout", "calls",
                     T0, error=False, latency_ns=10_000_000)
    shop.record_edge("traces/prod", "service:frontend", "service:checkout", "calls",
                     T0 + 1_000_000_000, error=True, latency_ns=30_000_000)
    shop.record_edge("traces/prod", "service:frontend", "service:checkout", "calls",
                     T0 + 20_000_000_000, error=False, latency_ns=20_000_000)
    for i in range(1, 101):
        shop.record_edge("traces/prod", "service:checkout", "database:orders", "uses",
                         T0 + i * 1_000_000, error=(i % 10 == 0), latency_ns=i * 1_000_000)
    snap = shop.freeze()
    assert snap.has_statistics
    assert snap.bucket_width_ns == faultline.DEFAULT_BUCKET_WIDTH_NS
    df = snap.edges()
    for column in ("requests", "errors", "error_rate", "latency_p50_ms", "latency_p99_ms"):
        assert column in df.columns
    row = df[(df.source == "service:frontend") & (df.target == "service:checkout")].iloc[0]
    assert row.requests == 3
    assert row.errors == 1
    assert row.error_rate == pytest.approx(1 / 3)
    assert row.latency_p50_ms == pytest.approx(20.0, rel=0.02)
    assert row.latency_p99_ms <= 30.0 * 1.02
    other = df[df.target == "node:n1"].iloc[0]
    assert other.requests == 0
    assert math.isnan(other.error_rate)
    assert math.isnan(other.latency_p50_ms)
    db = df[df.target == "database:orders"].iloc[0]
    assert db.requests == 100
    assert db.errors == 10
    assert db.error_rate == pytest.approx(0.1)
    assert 49 * 0.98 <= db.latency_p50_ms <= 51 * 1.02
    assert 98 * 0.98 <= db.latency_p99_ms <= 100 * 1.02
    assert db.latency_mean_ms == pytest.approx(50.5)
    assert df["requests"].dtype == np.uint64

    # A window selects buckets by start time.
    first = snap.edges(begin_ns=T0, end_ns=T0 + 10_000_000_000)
    row = first[(first.source == "service:frontend") & (first.target == "service:checkout")]
    assert row.requests.iloc[0] == 2
    assert row.errors.iloc[0] == 1
    later = snap.edges(begin_ns=T0 + 10_000_000_000)
    assert later[later.target == "service:checkout"].requests.iloc[0] == 1

    stats = snap.edge_stats(int(row.index[0]))
    assert stats["requests"] == 3
    assert stats["errors"] == 1

    graph = snap.to_networkx()
    data = graph.get_edge_data("service:frontend", "service:checkout")
    assert [d["requests"] for d in data.values()] == [3]


def test_record_edge_creates_missing_edge(shop):
    before = shop.edge_count
    shop.record_edge("traces/prod", "service:frontend", "database:orders", "uses", T0,
                     latency_ns=1_000_000)
    assert shop.edge_count == before + 1
    assert "database:orders" in shop.freeze().out_neighbors("service:frontend")


def test_record_entity(shop):
    shop.record_entity("traces/prod", "service:checkout", T0, error=True, latency_ns=5_000_000)
    shop.record_entity("traces/prod", "service:new", T0, kind="service")
    with pytest.raises(ValueError):
        shop.record_entity("traces/prod", "service:unknown", T0)
    snap = shop.freeze()
    stats = snap.entity_stats("service:checkout")
    assert stats["requests"] == 1
    assert stats["errors"] == 1
    assert stats["latency_p50_ms"] == pytest.approx(5.0, rel=0.02)
    assert snap.entity_stats("service:frontend") is None
    assert snap.kind("service:new") == "service"
    assert snap.home_subgraph("service:new") == "traces/prod"


def test_custom_bucket_width():
    b = faultline.ModelBuilder(bucket_width_ns=1_000_000_000)
    assert b.bucket_width_ns == 1_000_000_000
    b.add_subgraph("t")
    b.add_entity("t", "service", "service:a")
    b.add_entity("t", "service", "service:b")
    for i in range(5):
        b.record_edge("t", "service:a", "service:b", "calls", T0 + i * 1_000_000_000)
    snap = b.freeze()
    assert snap.bucket_width_ns == 1_000_000_000
    assert snap.edge_stats(0)["buckets"] == 5
    assert snap.edges(begin_ns=T0 + 2_000_000_000, end_ns=T0 + 4_000_000_000).requests[0] == 2


def test_freeze_runs_in_threads():
    b = faultline.ModelBuilder()
    b.add_subgraph("t")
    for i in range(2000):
        b.add_entity("t", "service", f"service:s{i}")
    for i in range(1999):
        b.add_edge("t", f"service:s{i}", f"service:s{i + 1}", "calls")
    results = []

    def work():
        results.append(b.freeze().serialize())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert len(set(results)) == 1
