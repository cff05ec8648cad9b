"""Signals: evidence per entity, a window against its baseline (``faultline/signals``).

These are the numbers every ranker reads, computed in C++ from the snapshot's windowed
statistics: the same for the causal engine, the reference rankers and a notebook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Tuple

from faultline import _core

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["trace_anomalies", "edge_propagation", "dependency_kinds"]

Window = Tuple[int, int]


def trace_anomalies(snapshot: "_core.Snapshot", window: Window, baseline: Window) -> "pandas.DataFrame":
    """Trace anomaly of every entity with statistics, in `window` against `baseline`.

    Parameters
    ----------
    snapshot : Snapshot
        The frozen model.
    window, baseline : tuple of int
        Half-open ``(begin_ns, end_ns)`` intervals in Unix nanoseconds.

    Returns
    -------
    pandas.DataFrame
        One row per entity with statistics, ordered by entity id: ``entity``, ``kind``,
        ``score`` (>= 0: the log-ratio of p90 latency, half that of median self time, five
        times the rise in error rate; 0 without requests in the window), the window's
        ``requests``, ``error_rate``, ``latency_p90_ms``, ``self_time_p50_ms`` and the same
        with a ``baseline_`` prefix. Missing figures are NaN, never 0.
    """
    import pandas

    columns = _core.trace_anomalies(snapshot, int(window[0]), int(window[1]),
                                    int(baseline[0]), int(baseline[1]))
    return pandas.DataFrame(columns)


def edge_propagation(kind: str) -> dict:
    """What a fault of the dependency does to the dependent across an edge of `kind`.

    Returns a dict of flags: ``errors``, ``latency``, ``backlog``, ``availability``,
    ``configuration``, ``weighted_by_traffic`` and ``propagates`` (any of the first five).
    Raises ValueError for an unknown kind.
    """
    return _core.edge_propagation(kind)


def dependency_kinds() -> List[str]:
    """The edge kinds a fault can travel along (every kind but ``contains``), sorted."""
    return sorted(k for k in _core.EDGE_KINDS if _core.edge_propagation(k)["propagates"])
