"""A snapshot as one JSON document: entities, edges, subgraphs and the meta-graph."""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List

import faultline
from faultline._model import Snapshot

__all__ = ["to_json_document"]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(columns: Dict[str, Any], drop: Iterable[str] = ()) -> List[Dict[str, Any]]:
    names = [n for n in columns if n not in set(drop)]
    values = [list(columns[n]) for n in names]
    count = len(values[0]) if values else 0
    return [{n: _clean(v[i]) for n, v in zip(names, values)} for i in range(count)]


def to_json_document(snapshot: Snapshot) -> Dict[str, Any]:
    """The whole model as plain JSON-ready data.

    Parameters
    ----------
    snapshot : Snapshot
        The model to export.

    Returns
    -------
    dict
        ``entities``, ``edges``, ``subgraphs`` (lists of objects with the columns of
        :meth:`Snapshot.entities`, :meth:`Snapshot.edges` and :meth:`Snapshot.subgraphs`)
        and ``meta_graph`` (objects with ``from``, ``to`` and ``edge_count``). Missing
        statistics are null.
    """
    return {
        "faultline_version": faultline.__version__,
        "entities": _records(snapshot._entity_columns()),
        "edges": _records(snapshot._edge_columns(), drop=("source_index", "target_index")),
        "subgraphs": _records(snapshot._subgraph_columns()),
        "meta_graph": [
            {"from": a, "to": b, "edge_count": n} for a, b, n in snapshot.meta_edges()
        ],
    }
