"""Scale runs: generated systems of 1k, 10k and 50k services (Alibaba-shaped, see
faultline.sim.topology.generated), a CPU fault on one of them, and the time of each step.

    python bench/accuracy/scale.py [--sizes 1000 10000 50000] [--rate 50] [--seconds 60]

Steps timed: generating the topology and placing it; simulating and writing the traces
(baseline and fault window, `--seconds` each at `--rate` requests/s); faultline ingesting
them (add_traces + freeze); and the analysis of the reference rankers (anomaly scores for
every entity with statistics, then most-anomalous and PageRank rankings). Prints a Markdown
table; the hit rank of the true root cause is shown for both rankers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import faultline  # noqa: E402
from faultline.sim import CaseOptions, generate_case  # noqa: E402
from faultline.sim import topology as sim_topology  # noqa: E402

import metrics  # noqa: E402
import rankers  # noqa: E402


def run(size: int, rate: float, seconds: int, work: Path) -> dict:
    row = {"services": size}
    t0 = time.perf_counter()
    topo = sim_topology.generated(size, seed=1)
    row["topology_s"] = time.perf_counter() - t0
    row["operations"] = sum(len(s.operations) for s in topo.services.values())
    # The fault hits the first service the busiest entry operation calls (a service chosen
    # at random is mostly one that sees a handful of requests a minute).
    svc, op, _ = max(topo.entries, key=lambda e: e[2])
    callees = [c.target for c in topo.services[svc].operations[op] if c.target in topo.services]
    target = callees[0] if callees else svc
    t0 = time.perf_counter()
    m = generate_case(topo, "cpu", 1, work, CaseOptions(baseline_s=seconds, incident_s=seconds,
                                                        rate_per_s=rate), target=target)
    row["blast"] = len(m["truth"]["blast_radius"])
    row["simulate_s"] = time.perf_counter() - t0
    row["spans"] = m["stats"]["spans"]
    t0 = time.perf_counter()
    b = faultline.ModelBuilder()
    b.add_traces(str(work / "traces.otlp.jsonl"))
    snap = b.freeze()
    row["ingest_s"] = time.perf_counter() - t0
    row["entities"], row["edges"] = snap.entity_count, snap.edge_count
    t0 = time.perf_counter()
    ctx = rankers.prepare(snap, (m["window"]["start_ns"], m["window"]["end_ns"]),
                          (m["baseline"]["start_ns"], m["baseline"]["end_ns"]))
    truth = {m["truth"]["root_cause"], *m["truth"]["equivalents"]}
    for r in (rankers.MostAnomalousRanker(), rankers.PageRankRanker()):
        row[f"{r.name}_rank"] = metrics.hit_rank([e for e, _ in r.rank(ctx)], truth)
    row["analysis_s"] = time.perf_counter() - t0
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    p.add_argument("--rate", type=float, default=50.0)
    p.add_argument("--seconds", type=int, default=60)
    args = p.parse_args(argv)
    print("| services | operations | spans | entities | edges | blast radius | topology s | "
          "simulate s | ingest s | analysis s | most-anomalous rank | pagerank rank |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="faultline-scale-") as d:
            r = run(size, args.rate, args.seconds, Path(d))
        print(f"| {r['services']:,} | {r['operations']:,} | {r['spans']:,} | {r['entities']:,} | "
              f"{r['edges']:,} | {r['blast']} | {r['topology_s']:.1f} | {r['simulate_s']:.1f} | "
              f"{r['ingest_s']:.2f} | {r['analysis_s']:.1f} | {r['most-anomalous_rank']} | "
              f"{r['pagerank_rank']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
