"""Trace ingestion from Python: builder.add_traces(), the statistics columns, the CLI."""

import gzip
import json

import pytest

import faultline
from faultline.cli import main

from conftest import REPO_ROOT

TRACES = REPO_ROOT / "tests" / "data" / "traces"
NEZHA = REPO_ROOT.parent / "shared" / "datasets" / "nezha-online-boutique" / "2022-08-22" / "trace"


def service_edges(snapshot):
    edges = snapshot.edges()
    mask = edges["source"].str.startswith("service:") & edges["target"].str.startswith("service:")
    return {(s, t, k) for s, t, k in zip(edges[mask]["source"], edges[mask]["target"],
                                          edges[mask]["kind"])}


def test_add_traces_returns_the_accounting_and_builds_service_edges():
    b = faultline.ModelBuilder()
    report = b.add_traces(str(TRACES / "canonical.otlp.json"))
    assert report["format"] == "otlp-json"
    assert report["spans_read"] == 7
    assert report["spans_accepted"] == 7
    assert report["rejected"] == {}
    assert report["summary"]["paired_calls"] == 2
    snap = b.freeze()
    assert ("service:frontend", "service:checkout", "calls") in service_edges(snap)
    edges = snap.edges()
    row = edges[(edges["source"] == "service:frontend") & (edges["target"] == "service:checkout")]
    assert int(row["requests"].iloc[0]) == 1
    assert int(row["errors"].iloc[0]) == 1
    assert row["latency_p99_ms"].iloc[0] == pytest.approx(42.0, rel=0.02)
    assert row["client_latency_p99_ms"].iloc[0] == pytest.approx(44.0, rel=0.02)


def test_every_format_gives_the_same_edges_from_bytes_and_compressed_files(tmp_path):
    reference = None
    for name in ["canonical.otlp.json", "canonical.otlp.pb", "canonical.jaeger.json",
                 "canonical.zipkin.json"]:
        data = (TRACES / name).read_bytes()
        packed = tmp_path / (name + ".gz")
        packed.write_bytes(gzip.compress(data))
        for source in (data, str(packed)):
            b = faultline.ModelBuilder()
            b.add_traces(source)
            edges = set(zip(b.freeze().edges()["source"], b.freeze().edges()["target"]))
            if reference is None:
                reference = edges
            assert edges == reference, name


def test_csv_with_a_column_mapping():
    b = faultline.ModelBuilder()
    report = b.add_traces(str(TRACES / "canonical.csv"), mapping={"duration_unit": "us"})
    assert report["format"] == "csv"
    assert report["spans_accepted"] == 7
    assert ("service:frontend", "service:checkout", "calls") in service_edges(b.freeze())


def test_bad_mapping_and_format_are_value_errors():
    b = faultline.ModelBuilder()
    with pytest.raises(ValueError, match="unknown key"):
        b.add_traces(str(TRACES / "canonical.csv"), mapping={"colour": "x"})
    with pytest.raises(ValueError, match="unknown trace format"):
        b.add_traces(str(TRACES / "canonical.csv"), format="parquet")
    with pytest.raises(ValueError, match="time unit"):
        b.add_traces(str(TRACES / "canonical.csv"), mapping={"start_unit": "fortnights"})


def test_not_a_trace_file_is_a_value_error_naming_it():
    b = faultline.ModelBuilder()
    with pytest.raises(ValueError, match="mystery.bin"):
        b.add_traces(b"\x07\x07 this is not a trace", name="mystery.bin")


def test_missing_file_is_a_key_error():
    with pytest.raises(KeyError, match="nope.json"):
        faultline.ModelBuilder().add_traces("/nonexistent/nope.json")


def test_broken_records_are_counted_and_the_rest_kept():
    good = (TRACES / "canonical.otlp.json").read_text().strip().replace("\n", " ")
    data = (good + "\n{\"resourceSpans\": [ broken\n").encode()
    b = faultline.ModelBuilder()
    report = b.add_traces(data, format="otlp-json", name="mixed.jsonl")
    assert report["spans_accepted"] == 7
    assert sum(report["rejected"].values()) >= 1
    assert any("mixed.jsonl" in e and "line 2" in e for e in report["errors"])


def test_a_list_of_files_is_one_stream():
    b = faultline.ModelBuilder()
    result = b.add_traces([str(TRACES / "canonical.otlp.json"), str(TRACES / "canonical.otlp.pb")])
    assert [f["format"] for f in result["files"]] == ["otlp-json", "otlp-proto"]
    # The same spans twice: the second copies are duplicates of the first, not new traces.
    assert result["summary"]["traces"] == 1
    assert result["summary"]["duplicate_spans"] == 7


def test_entity_statistics_separate_errors_that_originate():
    b = faultline.ModelBuilder()
    b.add_traces(str(TRACES / "canonical.otlp.json"))
    snap = b.freeze()
    db = snap.entity_stats("database:orders-db.internal/orders")
    checkout = snap.entity_stats("service:checkout")
    assert db["errors_originated"] == 1
    assert checkout["errors"] == 1 and checkout["errors_originated"] == 0


@pytest.mark.skipif(not NEZHA.is_dir(), reason="shared datasets not present")
def test_cli_build_from_nezha_traces_and_graph(tmp_path, capsys):
    model = tmp_path / "nezha.flsnap"
    files = [str(NEZHA / "03_53_trace.csv.gz"), str(NEZHA / "03_54_trace.csv.gz")]
    assert main(["build", "--traces", *files, "--trace-format", "nezha", "-o", str(model)]) == 0
    out = capsys.readouterr().out
    assert "23019 accepted, 0 rejected" in out
    assert main(["graph", str(model), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    pairs = {(e["source"], e["target"]) for e in doc["edges"]}
    assert ("service:frontend", "service:checkoutservice") in pairs
    assert ("service:checkoutservice", "service:paymentservice") in pairs


def test_cli_build_needs_an_input(capsys, tmp_path):
    assert main(["build", "-o", str(tmp_path / "m.flsnap")]) == 2
    assert "--traces" in capsys.readouterr().err


def test_cli_bad_mapping_is_an_input_error(capsys, tmp_path):
    code = main(["build", "--traces", str(TRACES / "canonical.csv"), "--mapping", "{nope",
                 "-o", str(tmp_path / "m.flsnap")])
    assert code == 1
    assert "--mapping" in capsys.readouterr().err



def test_identifiers_in_span_names_and_the_operation_cap():
    rows = ["trace_id,span_id,parent_span_id,service,operation,start,duration"]
    for i in range(6):
        rows.append(f"t{i},s{i},,shop,GET /orders/{1000 + i},{1_700_000_000_000_000 + i},5000")
    rows.append("t9,s9,,shop,GET /cart,1700000000000009,5000")
    rows.append("t8,s8,,shop,GET /help,1700000000000008,5000")
    data = ("\n".join(rows) + "\n").encode()
    b = faultline.ModelBuilder()
    report = b.add_traces(data, format="csv", mapping={"start_unit": "us", "duration_unit": "us"},
                          max_operations_per_service=2)
    ops = set(b.freeze().entities().query("kind == 'operation'")["id"])
    # Traces are analysed oldest first: /orders/{id}, then /help; /cart is over the cap.
    assert ops == {"operation:shop/GET /orders/{id}", "operation:shop/GET /help",
                   "operation:shop/(other)"}
    assert report["summary"]["capped_operation_spans"] > 0
    assert report["summary"]["unresolved_links"] == 0
