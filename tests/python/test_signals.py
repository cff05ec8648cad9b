"""Signals from Python: the trace anomaly per entity and the propagation of edge kinds."""

import json
import math

import pytest

import faultline

SECOND = 1_000_000_000
T0 = 1_700_000_000 * SECOND


def _spans(service, start_ns, duration_ns, count, error_every=0):
    spans = []
    for i in range(count):
        span = {
            "traceId": f"{i + 1:032x}" if start_ns == T0 else f"{i + 1:031x}f",
            "spanId": f"{i + 1:016x}",
            "name": "GET /",
            "kind": 2,
            "startTimeUnixNano": str(start_ns + i * 10_000_000),
            "endTimeUnixNano": str(start_ns + i * 10_000_000 + duration_ns),
        }
        if error_every and i % error_every == 0:
            span["status"] = {"code": 2}
        spans.append(span)
    return {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
            "scopeSpans": [{"spans": spans}]}


def _snapshot():
    baseline = [_spans("api", T0, 10_000_000, 100)]
    window = [_spans("api", T0 + 600 * SECOND, 100_000_000, 100, error_every=4)]
    b = faultline.ModelBuilder()
    b.add_traces(json.dumps({"resourceSpans": baseline + window}).encode(), format="otlp-json")
    return b.freeze()


def test_trace_anomaly_is_the_log_ratio_of_p90_plus_five_times_the_error_rise():
    snap = _snapshot()
    frame = faultline.trace_anomalies(snap, window=(T0 + 600 * SECOND, T0 + 700 * SECOND),
                                      baseline=(T0, T0 + 600 * SECOND))
    row = frame.set_index("entity").loc["service:api"]
    assert row["kind"] == "service"
    assert row["requests"] == 100 and row["baseline_requests"] == 100
    assert row["error_rate"] == pytest.approx(0.25)
    assert row["baseline_error_rate"] == 0.0
    expected = (math.log((row["latency_p90_ms"] + 1) / (row["baseline_latency_p90_ms"] + 1))
                + 0.5 * math.log((row["self_time_p50_ms"] + 0.5) / (row["baseline_self_time_p50_ms"] + 0.5))
                + 5 * 0.25)
    assert row["score"] == pytest.approx(expected)
    assert row["latency_p90_ms"] == pytest.approx(100.0, rel=0.02)
    assert row["score"] > 3.0


def test_a_window_without_requests_scores_zero_and_reports_nan():
    snap = _snapshot()
    frame = faultline.trace_anomalies(snap, window=(0, SECOND), baseline=(T0, T0 + 600 * SECOND))
    row = frame.set_index("entity").loc["service:api"]
    assert row["score"] == 0.0
    assert row["requests"] == 0
    assert math.isnan(row["error_rate"]) and math.isnan(row["latency_p90_ms"])


def test_dependency_kinds_are_every_kind_that_propagates():
    assert faultline.dependency_kinds() == ["async", "calls", "depends_on", "runs_on", "uses"]
    assert faultline.edge_propagation("contains")["propagates"] is False
    runs_on = faultline.edge_propagation("runs_on")
    assert runs_on["availability"] and runs_on["errors"] and not runs_on["weighted_by_traffic"]
    with pytest.raises(ValueError):
        faultline.edge_propagation("teleports")
