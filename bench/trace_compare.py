"""Trace ingestion: faultline against its parse-only floors and a pandas baseline, one run.

Usage (what `make bench-traces` runs)::

    python bench/trace_compare.py --bench build/bench/faultline_trace_bench

1. Writes the 1M-span synthetic workload (bench/synthetic_traces.h) as OTLP protobuf,
   OTLP/JSON Lines and CSV, with the benchmark binary's --emit-dir.
2. Runs the Google Benchmark programs (faultline ingestion and the floors) on one core.
3. Times pandas computing the same service-edge request and error counts from the same
   spans (parent/child join across services), best of three, after loading the CSV
   (loading is not timed), and checks that its counts equal faultline's.
4. Measures the peak resident memory of `faultline build` ingesting 10M spans (ten files of
   1M spans, as a collector's file exporter rotates them).

Prints a Markdown table; --json writes the numbers too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_benchmarks(bench: str, min_time: float) -> dict[str, dict]:
    out = subprocess.run(
        [bench, "--benchmark_format=json", f"--benchmark_min_time={min_time}",
         "--benchmark_filter=Ingest|Only|Floor"],
        check=True, capture_output=True, text=True,
    ).stdout
    results = {}
    for b in json.loads(out)["benchmarks"]:
        name = b["name"].split("/")[0]
        results[name] = b
    return results


def pandas_edges(csv_path: Path, repeats: int = 3):
    import pandas as pd

    t0 = time.perf_counter()
    spans = pd.read_csv(csv_path, dtype={"trace_id": str, "span_id": str,
                                         "parent_span_id": str, "service": str})
    load = time.perf_counter() - t0
    best = float("inf")
    edges = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        parents = spans[["trace_id", "span_id", "service", "kind"]].rename(
            columns={"span_id": "parent_span_id", "service": "caller", "kind": "caller_kind"})
        joined = spans.merge(parents, on=["trace_id", "parent_span_id"], how="inner")
        cross = joined[joined["caller"] != joined["service"]]
        edges = (cross.groupby(["caller", "service"])
                 .agg(requests=("span_id", "size"), errors=("error", "sum"))
                 .reset_index())
        best = min(best, time.perf_counter() - t0)
    return best, load, len(spans), edges


def faultline_edges(pb_path: Path):
    import faultline

    builder = faultline.ModelBuilder()
    builder.add_traces(str(pb_path))
    snapshot = builder.freeze()
    edges = snapshot.edges()
    services = edges[(edges["kind"] == "calls")
                     & edges["source"].str.startswith("service:")
                     & edges["target"].str.startswith("service:")]
    return {(s[len("service:"):], t[len("service:"):]): (int(r), int(e))
            for s, t, r, e in zip(services["source"], services["target"],
                                  services["requests"], services["errors"])}


def peak_memory_10m(bench: str, workdir: Path) -> tuple[int, float]:
    big = workdir / "10m"
    big.mkdir(exist_ok=True)
    subprocess.run([bench, f"--emit-dir={big}", "--emit-spans=10000000", "--emit-files=10"],
                   check=True, capture_output=True)
    files = sorted(str(p) for p in big.glob("otlp-*.pb"))
    # The CLI runs in a process of its own that reports its own peak (RUSAGE_CHILDREN would
    # also count the benchmark processes run before).
    probe = (
        "import resource, sys\n"
        "from faultline.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        "sys.exit(code)\n"
    )
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", probe, "build", "--traces", *files,
                          "-o", str(big / "model.flsnap")],
                         check=True, capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - t0
    peak_kib = int(out.strip().splitlines()[-1])
    return peak_kib * 1024, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default="build/bench/faultline_trace_bench")
    parser.add_argument("--min-time", type=float, default=2.0)
    parser.add_argument("--skip-10m", action="store_true", help="skip the 10M-span memory run")
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="faultline-bench-") as tmp:
        work = Path(tmp)
        subprocess.run([args.bench, f"--emit-dir={work}"], check=True, capture_output=True)
        bench = run_benchmarks(args.bench, args.min_time)
        pandas_s, pandas_load_s, n_spans, pandas_result = pandas_edges(work / "spans.csv")
        ours = faultline_edges(work / "otlp-00.pb")
        theirs = {(c, s): (int(r), int(e)) for c, s, r, e in zip(
            pandas_result["caller"], pandas_result["service"], pandas_result["requests"],
            pandas_result["errors"])}
        agree = ours == theirs
        peak = None if args.skip_10m else peak_memory_10m(args.bench, work)

    def cpu_s(name: str) -> float:
        b = bench[name]
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        return b["cpu_time"] * unit

    rows = [
        ("OTLP protobuf: faultline ingest (parse + graph + stats)", cpu_s("BM_IngestOtlpProto")),
        ("OTLP protobuf: faultline parser alone", cpu_s("BM_ParseOtlpProtoOnly")),
        ("OTLP protobuf: protobuf generated-code parse (floor)", cpu_s("BM_ProtobufParseFloor")),
        ("OTLP/JSON: faultline ingest (parse + graph + stats)", cpu_s("BM_IngestOtlpJson")),
        ("OTLP/JSON: faultline parser alone", cpu_s("BM_ParseOtlpJsonOnly")),
        ("OTLP/JSON: JSON reader tokenizing every line (floor)", cpu_s("BM_JsonTokenizeFloor")),
        ("pandas: service-edge counts from spans already in memory (baseline)", pandas_s),
        ("pandas: read_csv of the same spans + service-edge counts (baseline)",
         pandas_load_s + pandas_s),
    ]
    print(f"{n_spans:,} spans, one core, CPU seconds; pandas wall seconds (best of 3 for the"
          " counts; read_csv once).\n")
    print("| what | seconds | spans/s |")
    print("|---|---:|---:|")
    for label, secs in rows:
        print(f"| {label} | {secs:.3f} | {n_spans / secs / 1e6:.2f} M |")
    proto, jsn = cpu_s("BM_IngestOtlpProto"), cpu_s("BM_IngestOtlpJson")
    print()
    print(f"- protobuf ingest / protobuf parse floor: {proto / cpu_s('BM_ProtobufParseFloor'):.2f}x")
    print(f"- JSON ingest / JSON tokenize floor: {jsn / cpu_s('BM_JsonTokenizeFloor'):.2f}x")
    print(f"- pandas in memory / protobuf ingest: {pandas_s / proto:.1f}x;"
          f" / JSON ingest: {pandas_s / jsn:.1f}x")
    print(f"- pandas from the file / protobuf ingest: {(pandas_load_s + pandas_s) / proto:.1f}x;"
          f" / JSON ingest: {(pandas_load_s + pandas_s) / jsn:.1f}x")
    print(f"- service-edge counts equal pandas': {agree} ({len(ours)} edges)")
    if peak is not None:
        print(f"- 10M spans (10 files) `faultline build`: peak RSS {peak[0] / 2**20:.0f} MiB,"
              f" {peak[1]:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "spans": n_spans, "rows": rows, "pandas_agrees": agree,
            "peak_rss_10m_bytes": peak[0] if peak else None}, indent=2))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
