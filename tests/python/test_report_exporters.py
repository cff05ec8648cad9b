"""faultline.report: the exporters of a model (DOT, JSON, text summary) and of input
reports (text, and the JSON document of ``faultline build --format json``)."""

import io
import json

import pytest

import faultline
from faultline import report as exporters
from faultline.cli import main

from conftest import REPO_ROOT

TRACES = REPO_ROOT / "tests" / "data" / "traces"
IAC = REPO_ROOT / "tests" / "data" / "iac"


@pytest.fixture
def small():
    """Nested subgraphs, a quoted id, statistics on one edge and a cross link."""
    b = faultline.ModelBuilder()
    b.add_subgraph("traces/prod", kind="traces")
    b.add_subgraph("traces/prod/placement", parent="traces/prod", kind="placement")
    b.add_subgraph("infra", kind="topology")
    b.add_entity("traces/prod/placement", "node", "node:n1")
    b.add_entity("traces/prod", "service", "service:frontend")
    b.add_entity("traces/prod", "database", 'database:orders "main"')
    b.add_entity("traces/prod", "service", "service:checkout")
    b.add_entity("infra", "zone", "zone:a")
    b.add_edge("traces/prod", "service:frontend", "service:checkout", "calls")
    b.record_edge("traces/prod", "service:frontend", 'database:orders "main"', "uses", 10**18,
                  False, 2_000_000)
    b.add_cross_link("placement", "node:n1", "zone:a", "runs_on", rule="k8s-placement")
    return b.freeze()


def test_dot_nests_clusters_escapes_ids_and_dashes_cross_links(small):
    assert exporters.to_dot(small) == "\n".join([
        "digraph faultline {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
        "  subgraph cluster_0 {",
        '    label="traces/prod";',
        '    "service:frontend" [shape=box, tooltip="service"];',
        '    "database:orders \\"main\\"" [shape=cylinder, tooltip="database"];',
        '    "service:checkout" [shape=box, tooltip="service"];',
        "    subgraph cluster_1 {",
        '      label="traces/prod/placement";',
        '      "node:n1" [shape=component, tooltip="node"];',
        "    }",
        "  }",
        "  subgraph cluster_2 {",
        '    label="infra";',
        '    "zone:a" [shape=tab, tooltip="zone"];',
        "  }",
        '  "node:n1" -> "zone:a" [label="runs_on", style=dashed, tooltip="k8s-placement"];',
        '  "service:frontend" -> "service:checkout" [label="calls"];',
        '  "service:frontend" -> "database:orders \\"main\\"" [label="uses"];',
        "}",
    ]) + "\n"


def test_json_document_has_every_column_and_null_for_missing_statistics(small):
    doc = exporters.to_json_document(small)
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc
    assert doc["faultline_version"] == faultline.__version__
    assert [e["id"] for e in doc["entities"]] == small.entities()["id"].tolist()
    by_target = {e["target"]: e for e in doc["edges"]}
    assert by_target['database:orders "main"']["requests"] == 1
    assert by_target['database:orders "main"']["error_rate"] == 0.0
    assert by_target['database:orders "main"']["latency_p50_ms"] == pytest.approx(2.0, rel=0.02)
    assert by_target["service:checkout"]["requests"] == 0
    assert by_target["service:checkout"]["error_rate"] is None
    assert by_target["zone:a"]["subgraph"] is None
    assert by_target["zone:a"]["link_rule"] == "k8s-placement"
    assert "source_index" not in by_target["zone:a"]
    assert doc["meta_graph"] == [
        {"from": "traces/prod/placement", "to": "infra", "edge_count": 1}]


def test_summary_lists_subgraphs_kinds_and_the_meta_graph(small):
    out = io.StringIO()
    exporters.summarize(small, out)
    text = out.getvalue()
    assert text.startswith("Model: 5 entities, 3 edges, 3 subgraphs\n")
    assert "  traces/prod/placement -> infra (1 edges)\n" in text
    assert ("    depends on: service:checkout (calls), database:orders \"main\" (uses)\n"
            in text)
    assert "    used by:    service:frontend\n" in text


def test_input_text_for_each_report():
    b = faultline.ModelBuilder()
    traces = b.add_traces(str(TRACES / "canonical.otlp.json"))
    assert exporters.input_text(traces) == (
        f"read {TRACES / 'canonical.otlp.json'} (otlp-json): 7 spans, 7 accepted, 0 rejected\n"
        "traces: 1 traces, 2 paired calls, 0 calls without span kinds, 2 calls to "
        "uninstrumented peers, 0 unpaired client spans, 0 orphan spans\n"
    )
    state = b.add_terraform_state(str(IAC / "aws" / "data.tfstate"))
    plan = b.add_terraform_plan(str(IAC / "aws" / "data.plan.json"))
    assert exporters.input_text(plan) == (
        f"read {IAC / 'aws' / 'data.plan.json'}: plan of stack data, 2 to create, 1 to "
        "update, 1 to delete, 1 to replace\n"
    )
    assert exporters.input_text(state).startswith(
        f"read {IAC / 'aws' / 'data.tfstate'}: stack data (serial 31), 7 resources in 0 modules")
    assert exporters.input_text(b.link_infrastructure()).startswith(
        "links between traces and infrastructure: ")
    with pytest.raises(TypeError, match="not an input report"):
        exporters.input_text(traces.summary)


def test_build_json_is_each_reports_to_dict(tmp_path, capsys):
    state = str(IAC / "aws" / "data.tfstate")
    shop = str(IAC / "traces" / "shop.otlp.json")
    model = tmp_path / "m.flsnap"
    assert main(["build", "--state", f"{state}=s3://acme-tfstate/data/terraform.tfstate",
                 "--traces", shop, "-o", str(model), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)

    b = faultline.ModelBuilder()
    expected = {
        "state": b.add_terraform_state([state],
                                       backend=["s3://acme-tfstate/data/terraform.tfstate"]),
        "traces": b.add_traces([shop]),
        "infrastructure_links": b.link_infrastructure(),
    }
    assert doc["inputs"] == {name: r.to_dict() for name, r in expected.items()}
    assert doc["inputs"]["infrastructure_links"]["links_by_rule"] == {"endpoint": 2, "queue": 1}
    snap = faultline.Snapshot.load(model)
    assert doc["model"] == {"path": str(model), "entities": snap.entity_count,
                            "edges": snap.edge_count, "subgraphs": snap.subgraph_count}
    assert doc["faultline_version"] == faultline.__version__


def test_cli_text_and_exporters_agree(tmp_path, capsys):
    model = tmp_path / "m.flsnap"
    assert main(["build", "--traces", str(TRACES / "canonical.otlp.json"), "-o", str(model)]) == 0
    text = capsys.readouterr().out
    report = faultline.ModelBuilder().add_traces([str(TRACES / "canonical.otlp.json")])
    assert text.startswith(exporters.input_text(report))
    assert main(["graph", str(model), "--format", "dot"]) == 0
    assert capsys.readouterr().out == exporters.to_dot(faultline.Snapshot.load(model))
