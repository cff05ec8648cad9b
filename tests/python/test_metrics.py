"""Metrics from Python: builder.add_metrics, faultline.read_metrics, Snapshot.metrics, CLI."""

import json

import numpy as np
import pandas as pd
import pytest

import faultline
from faultline.cli import main

from conftest import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data" / "metrics"
POD = "instance:cart/cart-7d4b9c8f5-abcde"
MEM = "container_memory_working_set_bytes"
CPU = "container_cpu_usage_seconds_total"
T0 = 1700000000 * 10**9
REPORT_KEYS = {"source", "format", "samples_read", "samples_accepted", "points", "series",
               "unmapped_series", "unmapped", "rejected", "errors"}


def _metrics_of(builder):
    return builder.freeze().metrics(POD)


def test_add_metrics_report_and_snapshot_rows():
    b = faultline.ModelBuilder()
    report = b.add_metrics(DATA / "canonical.query_range.json")
    assert isinstance(report, faultline.MetricReport)
    assert set(report.files[0]) == REPORT_KEYS
    assert report["format"] == "prometheus"
    assert report["samples_read"] == 24 and report["samples_accepted"] == 24
    assert report["points"] == 23 and report["series"] == 2
    assert report["rejected"] == {} and report["unmapped"] == []
    rows = _metrics_of(b)
    assert list(rows.columns) == ["time_ns", "metric", "type", "count", "min", "max", "mean", "last"]
    mem = rows[rows.metric == MEM]
    assert len(mem) == 6
    first = mem.iloc[0]
    assert first.time_ns == T0 and first["count"] == 2
    assert first["min"] == 100000000 and first["max"] == 100262345
    assert first["mean"] == pytest.approx((100000000 + 100262345) / 2)
    assert set(rows[rows.metric == CPU].type) == {"cpu"}
    assert set(mem.type) == {"memory"}
    # A window keeps the buckets that start in it.
    windowed = b.freeze().metrics(POD, window=(T0 + 10 * 10**9, T0 + 30 * 10**9))
    assert sorted(set(windowed.time_ns)) == [T0 + 10 * 10**9, T0 + 20 * 10**9]


def test_every_format_gives_the_same_rows():
    reference = _metrics_of(_load(DATA / "canonical.query_range.json"))
    for name, kwargs in [
        ("canonical.long.csv", {}),
        ("canonical.otlp.jsonl", {}),
        ("canonical.otlp.pb", {}),
        ("canonical.wide.csv", {"columns": {"time": "time", "labels": ["pod"]}}),
    ]:
        other = _metrics_of(_load(DATA / name, **kwargs))
        pd.testing.assert_frame_equal(other, reference, obj=name)


def _load(path, **kwargs):
    b = faultline.ModelBuilder()
    b.add_metrics(path, **kwargs)
    return b


def test_read_metrics_long_form_after_rates():
    df = faultline.read_metrics(DATA / "canonical.query_range.json")
    assert list(df.columns) == ["time_ns", "entity", "metric", "value", "type"]
    assert len(df) == 23
    cpu = df[df.metric == CPU]
    assert len(cpu) == 11  # the counter's first sample is its base
    assert cpu.value.iloc[0] == pytest.approx(0.1)
    assert cpu.value.iloc[6] == pytest.approx(0.025)  # after the reset, from zero
    assert set(df.entity) == {POD}
    assert set(cpu.type) == {"cpu"}
    assert df.attrs["reports"][0]["samples_read"] == 24


def test_dataframe_inputs_long_and_wide():
    long = pd.DataFrame({
        "timestamp": pd.to_datetime([1700000000, 1700000010], unit="s"),
        "entity": ["service:cart", 'pod="web-1"'],
        "metric": ["cpu", "mem"],
        "value": [0.5, 7.0],
    })
    df = faultline.read_metrics(long)
    assert list(df.entity) == ["service:cart", "instance:web/web-1"]
    assert list(df.time_ns) == [T0, T0 + 10 * 10**9]
    wide = pd.DataFrame({"time": [1700000000, 1700000001], "service": ["cart", "cart"],
                         "cpu": [0.5, 0.7], "mem": [100.0, 101.0]})
    b = faultline.ModelBuilder()
    report = b.add_metrics(wide)
    assert report["source"] == "<DataFrame>" and report["samples_accepted"] == 4
    rows = b.freeze().metrics("service:cart")
    assert sorted(set(rows.metric)) == ["cpu", "mem"]
    with pytest.raises(ValueError, match="long-form columns"):
        faultline.read_metrics(pd.DataFrame({"a": [1]}))


def test_presets_mapping_and_type_rules(tmp_path):
    nezha = faultline.read_metrics(DATA / "nezha_adservice-5f6585d649-fnmft_metric.csv.gz",
                                   format="nezha")
    assert set(nezha.entity) == {"instance:adservice/adservice-5f6585d649-fnmft"}
    assert nezha.time_ns.iloc[0] == 1661255968156628494
    assert dict(zip(nezha.metric, nezha.type))["PodSuccessRate(%)"] == "success_rate"
    assert nezha.attrs["reports"][0]["rejected"] == {"non-finite": 3}

    csv = b"time,le_pod,v\n1700000000,x-1,3\n"
    unmapped = faultline.read_metrics(csv, format="wide-csv",
                                      columns={"time": "time", "labels": ["le_pod"]})
    assert len(unmapped) == 0
    assert unmapped.attrs["reports"][0]["unmapped"] == ['v{le_pod="x-1"}']
    mapped = faultline.read_metrics(csv, columns={"time": "time", "labels": ["le_pod"]},
                                    mapping={"pod": ["le_pod"]})
    assert list(mapped.entity) == ["instance:x/x-1"]

    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{"match": "v", "type": "queue_depth"}]}))
    typed = faultline.read_metrics(csv, columns={"time": "time", "labels": ["le_pod"]},
                                   mapping={"pod": ["le_pod"]}, type_rules=rules)
    assert list(typed.type) == ["queue_depth"]
    rules.write_text(json.dumps({"rules": [{"match": "v", "type": "nope"}]}))
    with pytest.raises(ValueError, match=r"rules.json:1:12: rules\[0\].*unknown type"):
        faultline.read_metrics(csv, columns={"time": "time"}, type_rules=rules)


def test_list_of_sources_merges_reports():
    b = faultline.ModelBuilder()
    report = b.add_metrics([DATA / "canonical.long.csv", DATA / "canonical.otlp.jsonl"])
    assert all(set(f) == REPORT_KEYS for f in report.files)
    assert report.formats == ["csv", "otlp-json"]
    assert len(report["files"]) == 2
    assert report["samples_read"] == 48


def test_errors_name_the_source():
    b = faultline.ModelBuilder()
    with pytest.raises(ValueError, match="bad.json:1:22: malformed JSON"):
        b.add_metrics(b'{"data": {"result": [', name="bad.json")
    with pytest.raises(ValueError, match="unknown metric format"):
        b.add_metrics(b"", format="graphite")
    with pytest.raises(ValueError, match="unknown mapping key"):
        b.add_metrics(b"", mapping={"host": ["h"]})
    with pytest.raises(KeyError):
        b.freeze().metrics("service:nobody")


def test_cli_build_with_metrics(capsys, tmp_path):
    out = tmp_path / "m.flt"
    code = main(["build", "--metrics", str(DATA / "canonical.query_range.json"),
                 str(DATA / "canonical.otlp.pb"), "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "canonical.query_range.json (prometheus): 24 samples, 24 accepted, 0 rejected" in text
    assert "canonical.otlp.pb (otlp-proto)" in text
    rows = faultline.Snapshot.load(out).metrics(POD)
    # Both files feed the same series: two samples per bucket each.
    assert rows[rows.metric == MEM]["count"].iloc[0] == 4
    code = main(["build", "--metrics", str(DATA / "canonical.wide.csv"), "--metrics-format",
                 "nezha", "-o", str(out)])
    assert code != 0
