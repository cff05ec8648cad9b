"""Topology JSON ingestion through ModelBuilder.add_topology()."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import faultline

SMALL = {
    "name": "shop",
    "services": [
        {"name": "web", "depends_on": [{"target": "api"}], "entry_points": ["GET /"]},
        {"name": "api", "depends_on": [{"target": "db"}, {"target": "events"}]},
    ],
    "databases": [{"name": "db", "system": "postgresql"}],
    "queues": [{"name": "events", "system": "kafka"}],
}


def _load(doc, **kwargs):
    b = faultline.ModelBuilder()
    report = b.add_topology(json.dumps(doc).encode(), **kwargs)
    return b, report


def test_bundled_topology_loads(boutique_path):
    b = faultline.ModelBuilder()
    report = b.add_topology(boutique_path)
    assert isinstance(report, faultline.TopologyReport)
    assert report.subgraph == "topology/online-boutique"
    snap = b.freeze()
    services = snap.entities_of_kind("service")
    assert report.services == len(services)
    assert "service:frontend" in services
    assert report.entities == len(snap.subgraph_members(report.subgraph))
    assert report.edges == len(snap.subgraph_edges(report.subgraph))
    assert report.to_dict()["files"][0]["subgraph"] == report.subgraph
    assert "topology/online-boutique" in repr(report)

    # The demo's real call graph.
    assert "service:checkoutservice" in snap.out_neighbors("service:frontend", "calls")
    assert "service:paymentservice" in snap.out_neighbors("service:checkoutservice", "calls")
    assert snap.out_neighbors("service:cartservice", "uses") == ["database:redis-cart"]
    assert snap.kind("database:redis-cart") == "database"
    # Entry points call the frontend.
    entry_points = snap.entities_of_kind("entry_point")
    assert entry_points
    for ep in entry_points:
        assert snap.out_neighbors(ep, "calls") == ["service:frontend"]
    # Placement: every node runs in a zone.
    for node in snap.entities_of_kind("node"):
        assert any(snap.kind(t) == "zone" for t in snap.out_neighbors(node, "runs_on"))


def test_topology_from_bytes_and_kinds():
    b, report = _load(SMALL)
    assert report.subgraph == "topology/shop"
    assert report.services == 2
    snap = b.freeze()
    assert snap.out_neighbors("service:web", "calls") == ["service:api"]
    assert snap.out_neighbors("service:api", "uses") == ["database:db"]
    assert snap.out_neighbors("service:api", "async") == ["queue:events"]
    assert snap.kind("queue:events") == "queue"
    assert snap.subgraph("topology/shop")["kind"] == "topology"


def test_topology_subgraph_option_and_replacement(tmp_path):
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(SMALL))
    b = faultline.ModelBuilder()
    first = b.add_topology(path, subgraph="catalogue/shop")
    assert first.subgraph == "catalogue/shop"
    edges_before = b.edge_count
    second = b.add_topology(str(path), subgraph="catalogue/shop")
    # Re-reading replaces the subgraph: no duplicates, a new version.
    assert b.edge_count == edges_before
    assert second.edges == first.edges
    assert b.subgraph_version("catalogue/shop") == 2


def test_topology_named_by_file_stem(tmp_path):
    doc = dict(SMALL)
    del doc["name"]
    path = tmp_path / "payments.json"
    path.write_text(json.dumps(doc))
    b = faultline.ModelBuilder()
    assert b.add_topology(path).subgraph == "topology/payments"


def test_bad_json_raises_value_error_with_line_info(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "name": "x",\n  "services": [\n    {"name": "a",,}\n  ]\n}\n')
    b = faultline.ModelBuilder()
    with pytest.raises(ValueError) as info:
        b.add_topology(path)
    message = str(info.value)
    assert str(path) in message
    assert re.search(r"line\D{0,3}4|:4:", message), message
    # The builder is unchanged on error.
    assert b.subgraph_ids() == []
    assert b.entity_count == 0


def test_bad_json_bytes_are_named():
    b = faultline.ModelBuilder()
    with pytest.raises(ValueError, match="upload.json"):
        b.add_topology(b'{"services": [', name="upload.json")


def test_unknown_dependency_target_is_value_error():
    doc = {"name": "x", "services": [{"name": "a", "depends_on": [{"target": "ghost"}]}]}
    with pytest.raises(ValueError, match="ghost"):
        _load(doc)


def test_unknown_field_is_value_error():
    with pytest.raises(ValueError, match="colour"):
        _load({"name": "x", "services": [{"name": "a", "colour": "red"}]})


def test_missing_topology_file(tmp_path):
    path = tmp_path / "absent.json"
    with pytest.raises((KeyError, faultline.Error)) as info:
        faultline.ModelBuilder().add_topology(path)
    assert str(path) in str(info.value)


def test_source_type_is_checked():
    with pytest.raises(TypeError):
        faultline.ModelBuilder().add_topology(42)


names = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6),
    min_size=1,
    max_size=8,
    unique=True,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), services=names)
def test_declared_dependencies_become_calls_edges(data, services):
    deps = {
        s: data.draw(st.lists(st.sampled_from(services), unique=True, max_size=4), label=s)
        for s in services
    }
    doc = {
        "name": "gen",
        "services": [
            {"name": s, "depends_on": [{"target": t} for t in deps[s]]} for s in services
        ],
    }
    b, report = _load(doc)
    snap = b.freeze()
    assert report.services == len(services)
    assert snap.entity_count == len(services)
    for s in services:
        expected = sorted(f"service:{t}" for t in deps[s])
        assert sorted(snap.out_neighbors(f"service:{s}", "calls")) == expected
    edges = snap.edges()
    assert len(edges) == sum(len(v) for v in deps.values())
    assert set(edges.kind) <= {"calls"}
