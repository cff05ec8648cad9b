"""Runs the peers on the inputs of one case (peers/inputs.py) and writes their rankings.

    python run_peers.py INPUT_DIR OUTPUT.json [--methods baro,tracerca,...]

Runs in the peers' own environment (`make peers-venv`): RCAEval (BARO on the span-derived
series; TraceRCA and MicroRank on the spans), PyRCA (random walk and hypothesis testing
over the service call graph as the causal graph, on the latency series) and DoWhy's
`gcm.distribution_change` (a causal model over the call graph, fitted on the baseline's
requests). Each ranking is a list of service names, best first; a method that fails
records its error instead of a ranking.
"""

import json
import random
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def load(d: Path):
    meta = json.loads((d / "meta.json").read_text())
    graph = json.loads((d / "graph.json").read_text())
    return meta, graph


def service_of(name: str) -> str:
    """RCAEval ranks "<service>_<operation>" or "<service>_<metric>"."""
    return name.split("_", 1)[0]


def dedupe(names):
    out = []
    for n in names:
        if n not in out:
            out.append(n)
    return out


def run_baro(d, meta, graph):
    from RCAEval.e2e.baro import baro
    data = pd.read_csv(d / "metrics.csv")
    # Any dataset name makes BARO's preprocessing drop the time column and constant series.
    result = baro(data, inject_time=meta["inject_s"], dataset="faultline")
    return dedupe(service_of(c) for c in result["ranks"] if c != "time")


def _traces(d):
    df = pd.read_csv(d / "traces.csv", keep_default_na=False)
    df["parentSpanID"] = df["parentSpanID"].astype(str)
    return df


def run_tracerca(d, meta, graph):
    from RCAEval.e2e.tracerca import tracerca
    return dedupe(service_of(c) for c in tracerca(_traces(d), inject_time=meta["inject_us"])["ranks"])


def run_microrank(d, meta, graph):
    from RCAEval.e2e.microrank import microrank
    return dedupe(service_of(c) for c in microrank(_traces(d), inject_time=meta["inject_us"])["ranks"])


def _latency_graph(d, graph):
    data = pd.read_csv(d / "metrics.csv")
    cols = [c for c in data.columns if c.endswith("_latency")]
    adj = pd.DataFrame(0, index=cols, columns=cols)
    for caller, callee in graph["edges"]:
        a, b = f"{callee}_latency", f"{caller}_latency"  # the callee's latency causes the caller's
        if a in adj.index and b in adj.columns:
            adj.loc[a, b] = 1
    return data, cols, adj


def run_pyrca_random_walk(d, meta, graph):
    from pyrca.analyzers.random_walk import RandomWalk, RandomWalkConfig
    data, cols, adj = _latency_graph(d, graph)
    normal = data[data["time"] < meta["inject_s"]][cols]
    abnormal = data[data["time"] >= meta["inject_s"]][cols]
    # The anomalous metrics: a robust z-score above 3 in the incident window.
    med, mad = normal.median(), (normal - normal.median()).abs().median() + 1e-9
    z = ((abnormal - med) / (1.4826 * mad)).max()
    anomalous = [c for c in cols if z[c] > 3] or [max(cols, key=lambda c: z[c])]
    model = RandomWalk(RandomWalkConfig(graph=adj, root_cause_top_k=len(cols)))
    result = model.find_root_causes(anomalous, pd.concat([normal, abnormal]))
    return dedupe(service_of(n) for n, _ in result.root_cause_nodes)


def run_pyrca_ht(d, meta, graph):
    from pyrca.analyzers.ht import HT, HTConfig
    data, cols, adj = _latency_graph(d, graph)
    normal = data[data["time"] < meta["inject_s"]][cols]
    abnormal = data[data["time"] >= meta["inject_s"]][cols]
    model = HT(HTConfig(graph=adj, root_cause_top_k=len(cols)))
    model.train(normal)
    result = model.find_root_causes(abnormal, f"{graph['entry']}_latency")
    return dedupe(service_of(n) for n, _ in result.root_cause_nodes)


def run_dowhy(d, meta, graph):
    import networkx as nx
    from dowhy import gcm
    req = pd.read_csv(d / "requests.csv")
    services = [c for c in req.columns if c != "time_us"]
    g = nx.DiGraph()
    g.add_nodes_from(services)
    for caller, callee in graph["edges"]:
        if caller in services and callee in services:
            g.add_edge(callee, caller)
    if not nx.is_directed_acyclic_graph(g):
        raise ValueError("the call graph has cycles: no structural causal model")
    # Requests that skip a service count as 0 ms there.
    req = req.fillna(0.0)
    old = req[req["time_us"] < meta["inject_us"]][services]
    new = req[req["time_us"] >= meta["inject_us"]][services]
    model = gcm.StructuralCausalModel(g)
    gcm.auto.assign_causal_mechanisms(model, old, quality=gcm.auto.AssignmentQuality.GOOD)
    target = meta["entry"] if meta["entry"] in services else services[0]
    np.random.seed(0)
    attributions = gcm.distribution_change(model, old, new, target,
                                           difference_estimation_func=lambda a, b: np.mean(b) - np.mean(a))
    return [s for s, _ in sorted(attributions.items(), key=lambda kv: -kv[1])]


METHODS = {
    "rcaeval-baro": run_baro,
    "rcaeval-tracerca": run_tracerca,
    "rcaeval-microrank": run_microrank,
    "pyrca-random-walk": run_pyrca_random_walk,
    "pyrca-ht": run_pyrca_ht,
    "dowhy-gcm": run_dowhy,
}


def main(argv):
    d, out = Path(argv[0]), Path(argv[1])
    methods = argv[3].split(",") if len(argv) > 3 and argv[2] == "--methods" else list(METHODS)
    meta, graph = load(d)
    results = {}
    for name in methods:
        # Random walks and model fitting draw from the global generators: fixed, so the
        # table is the same from run to run.
        random.seed(0)
        np.random.seed(0)
        t0 = time.perf_counter()
        try:
            ranks = METHODS[name](d, meta, graph)
            results[name] = {"ranks": ranks, "seconds": time.perf_counter() - t0}
        except Exception as e:  # a peer that cannot consume the case says so
            results[name] = {"error": f"{type(e).__name__}: {e}".strip()[:300],
                             "seconds": time.perf_counter() - t0}
    out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
