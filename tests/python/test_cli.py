"""The faultline command line: demo, build, graph."""

import json
import re
import subprocess
import sys

import pytest

import faultline
from faultline.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_prints_summary(capsys):
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    assert "topology/online-boutique" in out
    assert "Subgraphs" in out
    assert "Entities by kind" in out
    assert re.search(r"^\s+service\s+10$", out, re.M)
    assert "Services and their dependencies" in out
    # frontend's block lists checkoutservice as a dependency.
    block = out.split("  service:frontend\n", 1)[1].split("\n  service:", 1)[0]
    assert "service:checkoutservice (calls)" in block
    assert "runs on:" in block
    assert "Meta graph" in out
    assert err == ""


def test_demo_as_module_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "faultline.cli", "demo"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "service:frontend" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_package_main_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "faultline", "--version"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"faultline {faultline.__version__}"


def test_demo_with_custom_topology(capsys, tmp_path):
    path = tmp_path / "mini.json"
    path.write_text(json.dumps({
        "name": "mini",
        "services": [{"name": "a", "depends_on": [{"target": "b"}]}, {"name": "b"}],
    }))
    code, out, err = run(capsys, "demo", "--topology", str(path))
    assert code == 0, err
    assert "topology/mini" in out
    assert "service:b (calls)" in out


def test_build_then_graph_json_round_trip(capsys, tmp_path, boutique_path):
    model = tmp_path / "model.flsnap"
    code, out, err = run(capsys, "build", "--topology", str(boutique_path), "-o", str(model))
    assert code == 0, err
    assert model.is_file()
    snap = faultline.Snapshot.load(model)
    assert f"{snap.entity_count} entities" in out
    assert f"{snap.edge_count} edges" in out

    code, out, err = run(capsys, "graph", str(model), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= {"entities", "edges", "subgraphs", "meta_graph"}
    assert [e["id"] for e in doc["entities"]] == snap.entities()["id"].tolist()
    assert [e["kind"] for e in doc["entities"]] == snap.entities()["kind"].tolist()
    edges = snap.edges()
    assert [(e["source"], e["target"], e["kind"], e["subgraph"]) for e in doc["edges"]] == list(
        zip(edges.source, edges.target, edges.kind, edges.subgraph)
    )
    assert [s["id"] for s in doc["subgraphs"]] == snap.subgraph_ids()
    assert doc["subgraphs"][0]["members"] == snap.subgraph(0)["members"]


def test_build_several_topologies_and_graph_dot(capsys, tmp_path, boutique_path):
    extra = tmp_path / "payments.json"
    extra.write_text(json.dumps({
        "name": "payments",
        "services": [{"name": "ledger", "depends_on": [{"target": "ledger-db"}]}],
        "databases": [{"name": "ledger-db", "system": "postgresql"}],
    }))
    model = tmp_path / "model.flsnap"
    code, out, err = run(capsys, "build", "--topology", str(boutique_path), str(extra),
                         "-o", str(model))
    assert code == 0, err
    snap = faultline.Snapshot.load(model)
    assert snap.subgraph_ids() == ["topology/online-boutique", "topology/payments"]

    code, out, err = run(capsys, "graph", str(model), "--format", "dot")
    assert code == 0, err
    assert out.startswith("digraph faultline {")
    assert out.rstrip().endswith("}")
    assert len(re.findall(r"^\s*subgraph cluster_\w+ \{", out, re.M)) == snap.subgraph_count
    assert 'label="topology/payments";' in out
    assert len(re.findall(r"^\s*\".*\" -> \".*\" \[", out, re.M)) == snap.edge_count
    assert '"service:ledger" -> "database:ledger-db" [label="uses"];' in out
    assert out.count("{") == out.count("}")

    dot = tmp_path / "model.dot"
    code, _, err = run(capsys, "graph", str(model), "-o", str(dot))
    assert code == 0, err
    assert dot.read_text() == out


def test_graph_json_statistics_are_valid_json(capsys, tmp_path):
    b = faultline.ModelBuilder()
    b.add_subgraph("traces/prod")
    b.add_entity("traces/prod", "service", "service:a")
    b.add_entity("traces/prod", "service", "service:b")
    b.add_entity("traces/prod", "service", "service:c")
    b.add_edge("traces/prod", "service:a", "service:c")
    b.record_edge("traces/prod", "service:a", "service:b", "calls", 10**18, True, 2_000_000)
    model = tmp_path / "stats.flsnap"
    b.freeze().save(model)
    code, out, err = run(capsys, "graph", str(model), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    by_target = {e["target"]: e for e in doc["edges"]}
    assert by_target["service:b"]["requests"] == 1
    assert by_target["service:b"]["error_rate"] == 1.0
    assert by_target["service:c"]["error_rate"] is None


def test_input_errors_exit_1_without_traceback(capsys, tmp_path):
    code, out, err = run(capsys, "build", "--topology", str(tmp_path / "absent.json"),
                         "-o", str(tmp_path / "m.flsnap"))
    assert code == 1
    assert err.startswith("faultline: error: ")
    assert "absent.json" in err
    assert "Traceback" not in err

    bad = tmp_path / "bad.json"
    bad.write_text("{\n  \"services\": [\n")
    code, out, err = run(capsys, "build", "--topology", str(bad), "-o", str(tmp_path / "m.flsnap"))
    assert code == 1
    assert err.startswith("faultline: error: ")
    assert "bad.json" in err
    assert not (tmp_path / "m.flsnap").exists()

    corrupt = tmp_path / "corrupt.flsnap"
    corrupt.write_bytes(b"definitely not a snapshot")
    code, out, err = run(capsys, "graph", str(corrupt))
    assert code == 1
    assert err.startswith("faultline: error: ")
    assert "corrupt.flsnap" in err

    code, out, err = run(capsys, "demo", "--topology", str(tmp_path / "nope.json"))
    assert code == 1
    assert "nope.json" in err


def test_usage_errors_exit_2(capsys, tmp_path):
    code, out, err = run(capsys)
    assert code == 2
    assert "faultline: error:" in err

    code, out, err = run(capsys, "frobnicate")
    assert code == 2
    assert "faultline: error:" in err

    code, out, err = run(capsys, "graph", str(tmp_path / "m.flsnap"), "--format", "png")
    assert code == 2
    assert "faultline: error:" in err

    code, out, err = run(capsys, "build", "-o", str(tmp_path / "m.flsnap"))
    assert code == 2
    assert "--topology" in err


def test_version_flag(capsys):
    code, out, err = run(capsys, "--version")
    assert code == 0
    assert faultline.__version__ in out
