"""A snapshot as a readable text summary (what ``faultline demo`` prints)."""

from __future__ import annotations

from typing import IO, Any, List, Sequence

import faultline
from faultline._model import Snapshot

__all__ = ["summarize"]


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str], indent: str = "  ") -> str:
    cells = [[str(h) for h in header]] + [["-" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(indent + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append(indent + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _dependencies(snapshot: Snapshot, entity: str) -> List[tuple]:
    """(target, kind) of each out-edge of `entity`, in edge order, without repeats."""
    seen = []
    for index in snapshot.out_edges(entity):
        _, target, kind, _ = snapshot.edge(index)
        if (target, kind) not in seen:
            seen.append((target, kind))
    return seen


def summarize(snapshot: Snapshot, out: IO[str]) -> None:
    """Write a readable summary of `snapshot`.

    Parameters
    ----------
    snapshot : Snapshot
        The model to describe.
    out : file-like
        Where to write.
    """
    w = out.write
    w(
        f"Model: {snapshot.entity_count} entities, {snapshot.edge_count} edges, "
        f"{snapshot.subgraph_count} subgraphs\n\n"
    )

    subgraphs = snapshot.subgraphs()
    w("Subgraphs\n")
    w(
        _table(
            subgraphs[["id", "kind", "parent", "version", "members", "edges"]].itertuples(
                index=False
            ),
            ["id", "kind", "parent", "version", "members", "edges"],
        )
        + "\n\n"
    )

    entities = snapshot.entities()
    counts = entities["kind"].value_counts()
    order = [k for k in faultline.ENTITY_KINDS if k in counts.index]
    w("Entities by kind\n")
    w(_table([(k, int(counts[k])) for k in order], ["kind", "count"]) + "\n\n")

    w("Services and their dependencies\n")
    for service in snapshot.entities_of_kind("service"):
        deps = _dependencies(snapshot, service)
        w(f"  {service}\n")
        calls = [f"{t} ({k})" for t, k in deps if k not in ("runs_on", "contains")]
        hosts = [t for t, k in deps if k == "runs_on"]
        w("    depends on: " + (", ".join(calls) if calls else "(nothing)") + "\n")
        if hosts:
            w("    runs on:    " + ", ".join(hosts) + "\n")
        dependents = sorted(set(snapshot.in_neighbors(service)))
        if dependents:
            w("    used by:    " + ", ".join(dependents) + "\n")
    w("\n")

    if snapshot.has_statistics:
        edges = snapshot.edges()
        calls = edges[
            edges["source"].str.startswith("service:")
            & edges["target"].str.startswith(("service:", "database:", "queue:", "external:"))
            & (edges["requests"] > 0)
        ].sort_values(["requests", "source", "target"], ascending=[False, True, True])
        w("Calls seen in traces (whole capture)\n")
        rows = [
            (
                f"{s} -> {t}",
                k,
                int(r),
                f"{100.0 * e / r:.1f}%",
                f"{p50:.1f}",
                f"{p99:.1f}",
            )
            for s, t, k, r, e, p50, p99 in zip(
                calls["source"], calls["target"], calls["kind"], calls["requests"],
                calls["errors"], calls["latency_p50_ms"], calls["latency_p99_ms"],
            )
        ]
        w(_table(rows, ["call", "kind", "requests", "errors", "p50 ms", "p99 ms"]) + "\n\n")

    w("Meta graph\n")
    meta = snapshot.meta_edges()
    if not meta:
        names = ", ".join(snapshot.subgraph_ids()) or "(none)"
        w(f"  subgraphs: {names}; no edges between subgraphs\n")
    else:
        for source, target, count in meta:
            w(f"  {source} -> {target} ({count} edges)\n")
