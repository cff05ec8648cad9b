"""Rankers behind one interface, fed the same model of each case.

``Ranker.rank(ctx)`` returns suspects (entity ids) with scores, best first, and
``Ranker.blast_radius(ctx, suspect)`` the entities it predicts are affected. The context
holds the frozen model and the case's incident and baseline windows.

Reference rankers (never faultline's default, DESIGN "Causal traversal and ranking"):
- random: a seeded random order of the candidates (the floor);
- most-anomalous: candidates by their own anomaly score, highest first;
- pagerank: personalized PageRank over the anomalous dependency graph (MicroRCA style):
  the walk follows calls from callers to callees and hosts, personalized by anomaly, so
  mass gathers where anomalies have no anomalous dependency to pass it on to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import networkx as nx
import numpy as np

import faultline

# Entities that can be a root cause (operations and entry points are symptoms' places).
CANDIDATE_KINDS = {"service", "instance", "database", "queue", "external", "node", "zone",
                   "iac_resource"}


@dataclass
class Context:
    snapshot: object  # faultline.Snapshot
    window: Tuple[int, int]
    baseline: Tuple[int, int]
    scores: Dict[str, float] = field(default_factory=dict)  # anomaly per entity with stats
    graph: Optional[nx.DiGraph] = None  # dependent -> dependency, all kinds


def prepare(snapshot, window: Tuple[int, int], baseline: Tuple[int, int]) -> Context:
    """The dependency graph (edges a fault can travel along) and the trace anomaly of every
    candidate and entry point with statistics, both from faultline's signals module."""
    ctx = Context(snapshot, window, baseline)
    g = nx.DiGraph()
    edges = snapshot.edges()
    dependency = set(faultline.dependency_kinds())
    for s, t, k in zip(edges.source, edges.target, edges.kind):
        if k in dependency:
            g.add_edge(s, t)
    ctx.graph = g
    scored = faultline.trace_anomalies(snapshot, window, baseline)
    wanted = scored["kind"].isin(CANDIDATE_KINDS | {"entry_point"})
    ctx.scores = dict(zip(scored["entity"][wanted], scored["score"][wanted].astype(float)))
    return ctx


def candidates(ctx: Context) -> List[str]:
    out = []
    for kind in sorted(CANDIDATE_KINDS):
        out.extend(ctx.snapshot.entities_of_kind(kind))
    return sorted(set(out))


def _hosted_score(ctx: Context, entity: str) -> float:
    """Entities without statistics of their own (nodes, zones, IaC resources): the mean
    anomaly of what depends on them directly."""
    if entity in ctx.scores:
        return ctx.scores[entity]
    if ctx.graph is None or entity not in ctx.graph:
        return 0.0
    deps = [ctx.scores.get(p, 0.0) for p in ctx.graph.predecessors(entity)]
    return sum(deps) / len(deps) if deps else 0.0


class Ranker:
    name = "ranker"

    def rank(self, ctx: Context) -> List[Tuple[str, float]]:
        raise NotImplementedError

    def blast_radius(self, ctx: Context, suspect: str, threshold: float = 0.3) -> Set[str]:
        """The anomalous entities that depend (transitively) on the suspect, and the
        suspect: services, instances, databases and entry points."""
        if ctx.graph is None or suspect not in ctx.graph:
            return {suspect}
        upstream = nx.ancestors(ctx.graph, suspect)
        return {suspect} | {e for e in upstream
                            if ctx.scores.get(e, 0.0) >= threshold and
                            e.split(":", 1)[0] in {"service", "instance", "database", "queue",
                                                    "entry_point"}}


class RandomRanker(Ranker):
    name = "random"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def rank(self, ctx):
        c = candidates(ctx)
        random.Random(self.seed).shuffle(c)
        n = len(c)
        return [(e, (n - i) / (n * (n + 1) / 2)) for i, e in enumerate(c)]


class MostAnomalousRanker(Ranker):
    name = "most-anomalous"

    def rank(self, ctx):
        scored = [(e, _hosted_score(ctx, e)) for e in candidates(ctx)]
        scored.sort(key=lambda x: (-x[1], x[0]))
        return scored


class PageRankRanker(Ranker):
    name = "pagerank"

    def __init__(self, alpha: float = 0.85, threshold: float = 0.3):
        self.alpha = alpha
        self.threshold = threshold

    def rank(self, ctx):
        cands = set(candidates(ctx))
        g = ctx.graph
        anomalous = {e for e, s in ctx.scores.items() if s >= self.threshold}
        # The anomalous subgraph (MicroRCA): anomalous entities and what they depend on
        # directly (their callees, datastores and hosts). Not everything below them: shared
        # sinks such as the cluster or a remote-state data source would soak up the walk.
        nodes = set(anomalous)
        for e in anomalous:
            if e in g:
                nodes |= {v for v in g.successors(e) if ":data." not in v}
        if not nodes:
            return MostAnomalousRanker().rank(ctx)
        sub = nx.DiGraph()
        sub.add_nodes_from(sorted(nodes))
        for u in sorted(nodes):
            if u not in g:
                continue
            for v in sorted(g.successors(u)):
                if v in nodes:
                    sub.add_edge(u, v, weight=0.1 + _hosted_score(ctx, v))
        personalization = {e: 0.01 + _hosted_score(ctx, e) for e in sub.nodes}
        pr = personalized_pagerank(sub, personalization, self.alpha)
        ranked = sorted(((e, s) for e, s in pr.items() if e in cands), key=lambda x: (-x[1], x[0]))
        rest = sorted(cands - {e for e, _ in ranked})
        return ranked + [(e, 0.0) for e in rest]


def personalized_pagerank(g: nx.DiGraph, personalization: Dict[str, float], alpha: float,
                          iterations: int = 200, tol: float = 1e-12) -> Dict[str, float]:
    """PageRank by power iteration: with probability `alpha` follow an out-edge (chosen by
    weight), else jump by `personalization`; dangling nodes jump by it too."""
    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    p = np.array([personalization.get(v, 0.0) for v in nodes], dtype=float)
    p = p / p.sum() if p.sum() > 0 else np.full(n, 1.0 / n)
    out_w = np.zeros(n)
    rows, cols, vals = [], [], []
    for u, v, d in g.edges(data=True):
        w = float(d.get("weight", 1.0))
        rows.append(index[v])
        cols.append(index[u])
        vals.append(w)
        out_w[index[u]] += w
    x = np.full(n, 1.0 / n)
    dangling = out_w == 0
    for _ in range(iterations):
        nxt = np.zeros(n)
        for r, c, w in zip(rows, cols, vals):
            nxt[r] += x[c] * w / out_w[c]
        nxt = alpha * (nxt + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(nxt - x).sum() < tol:
            x = nxt
            break
        x = nxt
    return {v: float(x[i]) for i, v in enumerate(nodes)}


def reference_rankers() -> List[Ranker]:
    return [RandomRanker(), MostAnomalousRanker(), PageRankRanker()]


def confidence(ranked: List[Tuple[str, float]]) -> float:
    """The top suspect's share of the top five scores: a confidence in [0, 1]."""
    top = [max(0.0, s) for _, s in ranked[:5]]
    total = sum(top)
    return top[0] / total if total > 0 else 0.0
