"""What the peers are fed, written from a case's own telemetry files (not from faultline's
model), the way each peer's own examples prepare their inputs:

- ``traces.csv``: RCAEval's trace layout (traceID, spanID, parentSpanID, serviceName,
  operationName, methodName, startTime and duration in microseconds, statusCode), for
  TraceRCA and MicroRank.
- ``metrics.csv``: per-service time series in 5-second buckets computed from the spans
  (``time`` in seconds, ``<service>_latency`` mean span duration in ms,
  ``<service>_errors`` failed spans), for BARO and PyRCA: what a span-metrics pipeline
  would produce. (Simulated cases also carry pod metrics, which neither the peers nor the
  reference rankers read yet: both sides see the same telemetry.)
- ``graph.json``: the service call graph seen in the spans (parent service -> child
  service), for PyRCA's analyzers and DoWhy's causal model (callee -> caller).
- ``requests.csv``: per trace, the duration in ms of each service's longest span in it
  (one row per request), for DoWhy's distribution-change attribution.
- ``meta.json``: the injection time (the window start) and the entry service.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pandas as pd

BUCKET_S = 5


def deployment_of_pod(pod: str) -> str:
    """A Deployment's pod name without its two trailing hash segments."""
    parts = pod.split("-")
    return "-".join(parts[:-2]) if len(parts) > 2 else pod


def spans_from_otlp_json(path: Path) -> pd.DataFrame:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            for rs in doc.get("resourceSpans", []):
                attrs = {a["key"]: next(iter(a["value"].values()))
                         for a in rs.get("resource", {}).get("attributes", [])}
                service = attrs.get("service.name", "unknown")
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        start = int(s["startTimeUnixNano"])
                        end = int(s["endTimeUnixNano"])
                        rows.append((s["traceId"], s["spanId"], s.get("parentSpanId", ""),
                                     service, s["name"], s.get("kind", 0), start // 1000,
                                     max(0, end - start) // 1000,
                                     1 if s.get("status", {}).get("code") == 2 else 0))
    return pd.DataFrame(rows, columns=["traceID", "spanID", "parentSpanID", "serviceName",
                                       "operationName", "kind", "startTime", "duration",
                                       "statusCode"])


def spans_from_nezha(paths: List[str]) -> pd.DataFrame:
    frames = []
    for p in paths:
        df = pd.read_csv(p)
        frames.append(pd.DataFrame({
            "traceID": df["TraceID"], "spanID": df["SpanID"],
            "parentSpanID": df["ParentID"].where(df["ParentID"] != "root", ""),
            "serviceName": df["PodName"].map(deployment_of_pod), "operationName": df["OperationName"],
            "kind": 0, "startTime": df["StartTimeUnixNano"] // 1000,
            "duration": df["Duration"], "statusCode": 0}))
    return pd.concat(frames, ignore_index=True)


def write_inputs(spans: pd.DataFrame, inject_us: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    spans = spans.copy()
    spans["methodName"] = spans["operationName"]
    spans.drop(columns=["kind"]).to_csv(out / "traces.csv", index=False)

    t = (spans["startTime"] // 1_000_000 // BUCKET_S) * BUCKET_S
    g = spans.assign(time=t).groupby(["time", "serviceName"])
    lat = g["duration"].mean().unstack() / 1000.0
    err = g["statusCode"].sum().unstack()
    # A bucket without spans: the latency carries on from the bucket before, errors are 0.
    metrics = pd.concat([lat.sort_index().ffill().add_suffix("_latency"),
                         err.sort_index().fillna(0).add_suffix("_errors")], axis=1)
    metrics = metrics.sort_index().fillna(0.0)
    metrics.index.name = "time"
    metrics.reset_index().to_csv(out / "metrics.csv", index=False)

    # Span ids are unique within a trace (not always across traces): join on both.
    callers = (spans[["traceID", "spanID", "serviceName"]]
               .drop_duplicates(["traceID", "spanID"])
               .rename(columns={"spanID": "parentSpanID", "serviceName": "caller"}))
    joined = spans.merge(callers, on=["traceID", "parentSpanID"], how="left")
    has_parent = joined["caller"].notna()
    edges = sorted({(a, b) for a, b in zip(joined.loc[has_parent, "caller"],
                                           joined.loc[has_parent, "serviceName"]) if a != b})
    roots = joined[~has_parent]
    entry = roots["serviceName"].mode().iloc[0] if len(roots) else ""
    (out / "graph.json").write_text(json.dumps({"edges": edges, "entry": entry}))

    req = spans.groupby(["traceID", "serviceName"])["duration"].max().unstack() / 1000.0
    first = spans.groupby("traceID")["startTime"].min()
    req["time_us"] = first
    req.reset_index(drop=True).to_csv(out / "requests.csv", index=False)
    (out / "meta.json").write_text(json.dumps({"inject_us": int(inject_us), "entry": entry,
                                               "inject_s": int(inject_us // 1_000_000)}))
